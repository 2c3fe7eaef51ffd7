"""The demo accounts of CONTRACT.md by what they are, for every test that walks them."""

ADMIN, DATA_MANAGER, SUPPORT = "admin", "gestionnaire", "support"
BACK_OFFICE = [ADMIN, DATA_MANAGER, SUPPORT]
SEAT_SIDE = {"coord1", "dir-siege1", "po-siege1"}
POLE1 = [
    "coord1",
    "dir-siege1",
    "po-siege1",
    "dir-part1",
    "po-part1",
    "dir-spec1",
    "po-spec1",
    "dir-coop1",
    "po-coop1",
    "dir-ress1",
    "dir-ress2",
    "po-ress1",
]
POLE_ACCOUNTS = [*POLE1, "coord2"]
ACCOUNTS = [*BACK_OFFICE, *POLE_ACCOUNTS]
PO_DELEGATES = {"po-siege1", "po-part1", "po-spec1", "po-coop1", "po-ress1"}
DIRECTORS = {"dir-siege1", "dir-part1", "dir-spec1", "dir-coop1", "dir-ress1", "dir-ress2"}
