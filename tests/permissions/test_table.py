"""The permission table against DOMAIN.md §4 and the circular, on pole 1's demo documents.

One parametrized matrix: account × action × object → allowed or not. The objects are the
demo stages (CONTRACT.md): the ressort (approved), the partnership (validated), the
specific partnership (signed), the cooperation of PO 1003 (list validated) and the
cooperation of PO 1004 (draft); plus pole 1 and pole 2.
"""

import pytest

from app.models import Pole, User
from app.rules import permissions
from app.rules.permissions import PERMISSIONS, Action
from app.rules.roles import BACKOFFICE_ROLES, POLE_ROLES, Role
from tests.permissions.conftest import ACCOUNTS, POLE1, SEAT_SIDE, pole1_conventions

A = Action
SEAT = SEAT_SIDE
BACK = {"admin", "gestionnaire"}
POLE1_ALL = set(POLE1)
# The cooperating schools: 2113 of PO 1003 (coop1), and 2111 of the seat's PO 1001, listed in
# the ressort (ress1), and 2112 of the same PO, in the ressort too (dir-ress2).
COOPERATING = {"dir-coop1", "po-coop1", "dir-ress1", "dir-ress2", "po-ress1"}

# (action, object) → the accounts allowed; everyone else is refused.
MATRIX: dict[tuple[Action, str], set[str]] = {
    (A.VIEW_POLE, "pole1"): BACK | POLE1_ALL,
    (A.VIEW_POLE, "pole2"): BACK | {"coord2"},
    # The ressort covers the seat PO's cooperating schools 2111, 2112: the seat side and
    # the ressort's cooperating side (its school's director, a delegate of the seat's PO).
    (A.VIEW_CONVENTION, "ressort"): BACK | SEAT | {"dir-ress1", "dir-ress2", "po-ress1"},
    # The partnership: seat side, the partner of PO 1002, and the cooperating side as a
    # follow-up document (« Documents de suivi »).
    (A.VIEW_CONVENTION, "partnership"): BACK | SEAT | {"dir-part1", "po-part1"} | COOPERATING,
    (A.VIEW_CONVENTION, "specific_partnership"): BACK
    | SEAT
    | {"dir-spec1", "po-spec1"}
    | COOPERATING
    | {"dir-part1", "po-part1"},
    (A.VIEW_CONVENTION, "coop1003"): BACK | SEAT | {"dir-coop1", "po-coop1"},
    (A.VIEW_CONVENTION, "coop1004"): BACK | SEAT,
    (A.EDIT_SCHOOL_LIST, "coop1004"): {"admin", "gestionnaire"} | SEAT,
    (A.EDIT_ARTICLES, "coop1004"): SEAT,
    (A.VALIDATE, "coop1003"): SEAT,
    # Signing: the seat PO delegate and the counterpart's PO delegate, nobody else.
    (A.SIGN, "partnership"): {"po-siege1", "po-part1"},
    (A.SIGN, "specific_partnership"): {"po-siege1", "po-spec1"},
    (A.SIGN, "coop1003"): {"po-siege1", "po-coop1"},
    # A ressort is signed for the seat's PO: by its seat delegate, or by a counterpart
    # delegate of that same PO.
    (A.SIGN, "ressort"): {"po-siege1", "po-ress1"},
    # Acknowledging: the directors of the seat and of the counterpart schools.
    (A.ACKNOWLEDGE, "ressort"): {"dir-siege1", "dir-ress1", "dir-ress2"},
    (A.ACKNOWLEDGE, "partnership"): {"dir-siege1", "dir-part1"},
    (A.ACKNOWLEDGE, "specific_partnership"): {"dir-siege1", "dir-spec1"},
    (A.ACKNOWLEDGE, "coop1003"): {"dir-siege1", "dir-coop1"},
    (A.APPROVE, "specific_partnership"): {"admin"},
    (A.REOPEN, "partnership"): {"admin"},
    (A.MANAGE_STRUCTURE, None): BACK,
    (A.MANAGE_REFERENCE, None): BACK,
    (A.MANAGE_TEMPLATES, None): {"admin"},
    (A.MANAGE_USERS, None): {"admin", "support"},
    (A.REVIEW_ACCESS, None): {"admin", "support"},
    (A.GRANT_BACKOFFICE, None): {"admin"},
    (A.MANAGE_MESSAGES, None): {"admin"},
    (A.VIEW_AUDIT, None): {"admin"},
    (A.ENTER_BACKOFFICE, None): {"admin", "gestionnaire", "support"},
}

CASES = [
    pytest.param(account, action, obj, account in allowed, id=f"{account}-{action}-{obj}")
    for (action, obj), allowed in MATRIX.items()
    for account in ACCOUNTS
]


def _objects() -> dict[str, object]:
    found: dict[str, object] = dict(pole1_conventions())
    found["pole1"] = Pole.objects.get(number=1)
    found["pole2"] = Pole.objects.get(number=2)
    return found


@pytest.mark.parametrize(("account", "action", "obj", "allowed"), CASES)
def test_matrix(demo, account, action, obj, allowed):
    user = User.objects.get(username=account)
    target = _objects()[obj] if obj else None
    assert permissions.can(user, action, target) is allowed


def test_every_role_is_in_the_table():
    assert set(PERMISSIONS) == set(Role)
    # Pole profiles never enter the back office; back-office profiles never sign.
    for role in POLE_ROLES:
        assert A.ENTER_BACKOFFICE not in PERMISSIONS[role]
    for role in BACKOFFICE_ROLES:
        assert not PERMISSIONS[role] & {A.SIGN, A.ACKNOWLEDGE, A.VALIDATE, A.EDIT_ARTICLES}


def test_an_inactive_user_may_do_nothing(demo):
    user = User.objects.get(username="po-part1")
    conv = pole1_conventions()["partnership"]
    assert permissions.can(user, A.SIGN, conv)
    user.active = False
    assert not permissions.can(user, A.SIGN, conv)
    assert not permissions.can(user, A.VIEW_CONVENTION, conv)
    assert permissions.convention_filter(user) is None


def test_signing_po_is_the_users_own_po(demo):
    convs = pole1_conventions()
    po_part = User.objects.get(username="po-part1")
    po_seat = User.objects.get(username="po-siege1")
    part = convs["partnership"]
    assert permissions.signing_po_id(po_part, part) == po_part.grants[0]._data["po"].id
    assert permissions.signing_po_id(po_seat, part) == part._data["seat_po"].id
    assert permissions.signing_po_id(po_part, convs["coop1003"]) is None


def test_list_filter_and_can_agree(demo):
    """What the list pages show (convention_filter) is what ``can`` allows, for everyone."""
    from app.models import Convention

    every = list(Convention.objects.exclude("snapshot"))
    for account in ACCOUNTS:
        user = User.objects.get(username=account)
        scope = permissions.convention_filter(user)
        listed = set() if scope is None else {c.pk for c in Convention.objects(__raw__=scope)}
        allowed = {c.pk for c in every if permissions.can(user, A.VIEW_CONVENTION, c)}
        assert listed == allowed, account


def test_several_grants_add_up(demo):
    """coord1 works on poles 1 and 3; adding a partner director grant widens, never narrows."""
    user = User.objects.get(username="coord1")
    assert {p.number for p in Pole.objects(id__in=list(permissions.pole_ids(user)))} == {1, 3}
    assert not permissions.can(user, A.VIEW_POLE, Pole.objects.get(number=2))
    assert permissions.pole_ids(User.objects.get(username="admin")) is None
    assert permissions.pole_ids(User.objects.get(username="support")) == set()
