"""Demo accounts and objects shared by the permission tests."""

from typing import Any

from app.models import Convention, Pole, School
from tests.demo_accounts import (  # noqa: F401  (the permission tests import them from here)
    ACCOUNTS,
    ADMIN,
    DATA_MANAGER,
    DIRECTORS,
    PO_DELEGATES,
    POLE1,
    SEAT_SIDE,
    SUPPORT,
)
from tests.security.conftest import values  # noqa: F401  (fixture shared with the security suite)


def pole1_conventions() -> dict[str, Convention]:
    """Pole 1's demo documents by a short name (CONTRACT.md, « demo data »)."""
    pole = Pole.objects.get(number=1)
    found: dict[str, Convention] = {}
    # The first document of each kind is the stage named; the ressort's amendment and the
    # second specific partnership (issue 11) come after and are not these stages.
    for conv in Convention.objects(pole=pole, parent=None):
        if conv.kind == "cooperation":
            fases = {e.po_fase for e in conv.schools}
            found.setdefault("coop1003" if 1003 in fases else "coop1004", conv)
        else:
            found.setdefault(conv.kind, conv)
    return found


def school_id(fase: int) -> Any:
    return School.objects.get(fase=fase).pk
