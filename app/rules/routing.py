"""Routing: which document of a pole a school belongs in (circular, chapter II).

- Partners (specialized schools): all in the ressort while every partner belongs to the seat's
  PO; as soon as one partner belongs to another PO, *all* partners go into the partnership
  convention (a same-PO partner already in the ressort moves there).
- Cooperating schools (ordinary): those of the seat's PO go into the ressort; those of another
  PO into one cooperation convention per PO, grouping all its schools of the pole.
- Specific partners (specialized, type 4, 5, 6 or 7): each gets its own specific partnership
  convention, whatever its PO (the ressort has no article for them; the seat PO may still
  conclude a specific partnership with one of its own schools of another pole).

Pure functions over plain values: the workflow gathers the facts and applies the decision.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.rules.errors import RuleViolation
from app.rules.reference import ORDINARY, SPECIALIZED, SPECIFIC_PARTNER_TYPES
from app.rules.states import SCHOOL_ROLE_LABELS, Kind, SchoolRole

RESSORT_SLOT = "ressort"
PARTNERSHIP_SLOT = "partnership"

# The structure list of the pole that holds the schools of each role.
POLE_LIST = {
    SchoolRole.PARTNER: "partner_schools",
    SchoolRole.COOPERATING: "cooperating_schools",
    SchoolRole.SPECIFIC_PARTNER: "specific_partner_schools",
}


@dataclass(frozen=True)
class Target:
    kind: str
    slot: str
    counterpart_po: Any = None  # the PO of a cooperation convention / a specific partner


def cooperation_slot(po_id: Any) -> str:
    return f"cooperation:{po_id}"


def specific_slot(school_id: Any) -> str:
    return f"specific:{school_id}"


def parse_role(role: Any) -> SchoolRole:
    try:
        return SchoolRole(role)
    except ValueError:
        raise RuleViolation(
            "Le rôle de l'école doit être « partenaire », « coopérante » ou "
            "« partenaire spécifique »."
        ) from None


def eligibility_error(school: Any, role: SchoolRole) -> str | None:
    """French message when ``school`` cannot play ``role`` in a pole, else None."""
    label = f"L'école {school.name} (FASE {school.fase})"
    if role == SchoolRole.COOPERATING and school.education != ORDINARY:
        return f"{label} relève de l'enseignement spécialisé : elle ne peut pas être coopérante."
    if role == SchoolRole.PARTNER and school.education != SPECIALIZED:
        return (
            f"{label} relève de l'enseignement ordinaire : seule une école d'enseignement "
            "spécialisé peut être partenaire."
        )
    if role == SchoolRole.SPECIFIC_PARTNER:
        if school.education != SPECIALIZED:
            return (
                f"{label} relève de l'enseignement ordinaire : une école partenaire spécifique "
                "est une école d'enseignement spécialisé de type 4, 5, 6 ou 7."
            )
        if not set(school.types or []) & SPECIFIC_PARTNER_TYPES:
            return (
                f"{label} n'organise pas l'enseignement de type 4, 5, 6 ou 7 : elle ne peut "
                "pas être partenaire spécifique."
            )
    return None


def partners_need_partnership(seat_po: Any, partner_pos: Iterable[Any]) -> bool:
    """True when at least one partner belongs to another PO than the seat's."""
    return any(po != seat_po for po in partner_pos)


def route(
    role: SchoolRole,
    school_id: Any,
    school_po: Any,
    seat_po: Any,
    other_partner_pos: Iterable[Any] = (),
) -> Target:
    """The document of the pole where a school of ``role`` belongs.

    ``other_partner_pos``: the POs of the partners the pole already lists (any document).
    """
    if role == SchoolRole.SPECIFIC_PARTNER:
        return Target(Kind.SPECIFIC_PARTNERSHIP, specific_slot(school_id), school_po)
    if role == SchoolRole.COOPERATING:
        if school_po == seat_po:
            return Target(Kind.RESSORT, RESSORT_SLOT)
        return Target(Kind.COOPERATION, cooperation_slot(school_po), school_po)
    if partners_need_partnership(seat_po, [school_po, *other_partner_pos]):
        return Target(Kind.PARTNERSHIP, PARTNERSHIP_SLOT)
    return Target(Kind.RESSORT, RESSORT_SLOT)


def role_label(role: str) -> str:
    return SCHOOL_ROLE_LABELS.get(role, role)
