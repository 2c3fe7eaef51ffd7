"""Reference data under a lock: may a school or a PO change these fields, or be deleted,
given the conventions that list it?

Pure decisions on plain values (no models). A school listed in a convention whose school
list is validated, or later (``list_validated`` … ``acknowledged``), keeps its FASE, PO,
zone, education and types, and cannot be deleted; the same for a pole's seat school, and for
a PO referenced by such a convention (its FASE, and deletion). Name and address corrections
stay possible: conventions keep their own copy of what they show of their parties.

Every write path (back-office form, inline edit, bulk action, data-manager pages, a later
directory import) asks ``reference_change_refusal`` before writing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from app.rules.states import LIST_LOCKED_STATUSES

SCHOOL_LOCKED_FIELDS: frozenset[str] = frozenset({"fase", "po", "zone", "education", "types"})
PO_LOCKED_FIELDS: frozenset[str] = frozenset({"fase"})

FIELD_LABELS: dict[str, str] = {
    "fase": "le numéro FASE",
    "po": "le pouvoir organisateur",
    "zone": "la zone",
    "education": "le niveau d'enseignement",
    "types": "les types",
}

WHO_REOPENS = (
    "Seule l'Administration peut rouvrir une convention (avant que toutes les parties aient "
    "signé) ou sa liste d'écoles ; une convention signée par tous ne se rouvre plus."
)


@dataclass(frozen=True)
class Listing:
    """A convention that lists (or is concluded for) the school or PO, in plain values."""

    title: str
    pole_number: int
    status: str


def blocking(listings: Iterable[Listing]) -> list[Listing]:
    """The listings that freeze the reference data: school list validated or later."""
    return [item for item in listings if item.status in LIST_LOCKED_STATUSES]


def frozen_reason(listings: Iterable[Listing], seat_of_poles: Iterable[int] = ()) -> str:
    """Why a school's locked fields are frozen (« » when they are not): the conventions whose
    list is validated that list it, and the poles it is the seat school of."""
    stuck = blocking(listings)
    seats = sorted(set(seat_of_poles))
    reasons = []
    if stuck:
        names = "; ".join(f"{c.title} du pôle n° {c.pole_number}" for c in stuck)
        reasons.append(
            f"cette fiche figure dans une convention dont la liste des écoles est validée "
            f"ou qui est validée ({names})"
        )
    if seats:
        poles = ", ".join(f"n° {n}" for n in seats)
        reasons.append(f"c'est l'école siège du pôle {poles}")
    return " et ".join(reasons)


def _remedy(stuck: list[Listing], seats: list[int]) -> str:
    """What unfreezes the fields: reopening the list, or another seat school."""
    steps = [WHO_REOPENS] if stuck else []
    if seats:
        steps.append("Changez d'abord l'école siège dans la fiche du pôle.")
    return " ".join(steps)


def frozen_explanation(listings: Iterable[Listing], seat_of_poles: Iterable[int] = ()) -> str:
    """The reason and its remedy, as one text (the directory import's conflicts)."""
    stuck, seats = blocking(listings), sorted(set(seat_of_poles))
    reason = frozen_reason(stuck, seats)
    return f"{reason[:1].upper()}{reason[1:]}. {_remedy(stuck, seats)}"


def reference_change_refusal(
    subject: str,
    changed_fields: Iterable[str],
    locked_fields: Iterable[str],
    listings: Iterable[Listing],
    *,
    deleting: bool = False,
    seat_of_poles: Iterable[int] = (),
) -> str | None:
    """A French refusal if the change may not happen, else None.

    ``subject`` names the object (« l'école X (FASE 1234) »); ``changed_fields`` the fields
    whose value would change; ``listings`` every convention that lists the object;
    ``seat_of_poles`` the numbers of the poles whose seat school it is. The message names the
    blocking conventions and who can reopen them.
    """
    changed = sorted(set(changed_fields) & set(locked_fields))
    if not changed and not deleting:
        return None
    seats = sorted(set(seat_of_poles))
    stuck = blocking(listings)
    if not stuck and not seats:
        return None
    what = (
        "supprimer"
        if deleting
        else "changer " + ", ".join(FIELD_LABELS.get(f, f) for f in changed) + " de"
    )
    return f"Impossible de {what} {subject} : {frozen_reason(stuck, seats)}. " + _remedy(
        stuck, seats
    )
