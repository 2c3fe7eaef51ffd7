"""Data manager corrections of a school (PO, zone) that re-route its conventions."""

from typing import Any

from app.models.convention import Convention
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.rules.derogations import needs_derogation
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.states import SchoolRole
from app.services import audit, reference
from app.services.workflow._common import (
    UNLOCKED,
    audited,
    refresh_prefilled,
    require,
    seat_school_of,
    write,
)
from app.services.workflow.schools import place_school, take_school_off

# --- data manager corrections -----------------------------------------------------------


def _conventions_of(school_id: Any) -> list[Convention]:
    return list(Convention.objects(schools__school=school_id).exclude("snapshot"))


def change_school_po(school: School, new_po: OrganisingAuthority, actor: Any) -> list[str]:
    """Correct the PO of a school; its conventions are re-routed. Returns notices."""
    details = {"school_fase": school.fase, "new_po_fase": getattr(new_po, "fase", None)}
    with audited("school.change_po", actor, target=f"school:{school.fase}", details=details):
        require(
            actor,
            Action.MANAGE_STRUCTURE,
            None,
            "Vous ne pouvez pas corriger les données des écoles.",
        )
        if new_po is None or getattr(new_po, "pk", None) is None:
            raise RuleViolation("Choisissez le nouveau pouvoir organisateur.")
        old_po = ref_id(school, "po")
        if old_po == new_po.pk:
            raise RuleViolation("L'école relève déjà de ce pouvoir organisateur.")
        convs = _conventions_of(school.pk)
        reference.refuse_school_write(school.pk, {"po"})
        placements = [(c, c.school_entry(school.pk).role) for c in convs]
        notices: list[str] = []
        for conv, _role in placements:
            notices += take_school_off(conv, school.pk, actor)
        School.objects(id=school.pk).update_one(set__po=new_po.pk)
        school.reload()
        for conv, role in placements:
            pole = Pole.objects.get(id=ref_id(conv, "pole"))
            added = place_school(pole, school, SchoolRole(role), actor)
            notices += added.notices
            notices.append(
                f"L'école figure désormais dans : {added.title} (pôle n° {pole.number})."
            )
    audit.record(
        "school.change_po",
        actor,
        target=f"school:{school.fase}",
        details={
            "school_fase": school.fase,
            "old_po": str(old_po),
            "new_po": str(new_po.pk),
            "new_po_fase": new_po.fase,
            "conventions": [str(c.pk) for c, _r in placements],
        },
    )
    return notices


def change_school_zone(school: School, zone: int, actor: Any) -> list[str]:
    """Correct the teaching zone of a school and of its unlocked conventions' lists."""
    from app.rules.reference import zone_error

    details = {"school_fase": school.fase, "zone": zone}
    with audited("school.change_zone", actor, target=f"school:{school.fase}", details=details):
        require(
            actor,
            Action.MANAGE_STRUCTURE,
            None,
            "Vous ne pouvez pas corriger les données des écoles.",
        )
        message = zone_error(zone)
        if message:
            raise RuleViolation(message)
        old_zone = school.zone
        if old_zone == zone:
            raise RuleViolation("L'école est déjà dans cette zone d'enseignement.")
        convs = _conventions_of(school.pk)
        reference.refuse_school_write(school.pk, {"zone"})
        School.objects(id=school.pk).update_one(set__zone=zone)
        school.reload()
        for conv in convs:
            write(
                conv.pk,
                {"status__in": list(UNLOCKED), "schools__school": school.pk},
                set__schools__S__zone=zone,
            )
            refresh_prefilled(conv.pk)
    audit.record(
        "school.change_zone",
        actor,
        target=f"school:{school.fase}",
        details={
            "school_fase": school.fase,
            "old_zone": old_zone,
            "zone": zone,
            "conventions": [str(c.pk) for c in convs],
        },
    )
    notices = []
    for conv in convs:
        seat = seat_school_of(conv)
        entry = Convention.objects.get(id=conv.pk).school_entry(school.pk)
        if entry is not None and needs_derogation(entry, seat.zone) and not entry.derogation:
            notices.append(
                f"{conv.title} (pôle n° {conv.pole_number}) : une dérogation est désormais "
                "nécessaire pour cette école."
            )
    return notices
