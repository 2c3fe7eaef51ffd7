"""Schools a data manager creates or corrects by hand, one at a time (the directory import of
a whole file is `app.services.directory`)."""

from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from mongoengine import ValidationError

from app.models import OrganisingAuthority, School
from app.models.errors import error_message
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.rules.reference import ZONES
from app.rules.refs import ref_id
from app.services import audit, reference, workflow
from app.services.guards import require

MAY_NOT_EDIT = "Vous ne pouvez pas modifier l'annuaire des écoles."


class FaseTaken(RuleViolation):
    """A school already has this FASE number: it is to be added, not created."""


class PoUnknown(RuleViolation):
    """No PO has the FASE given, and no name was given to create it."""


@dataclass(frozen=True)
class NewPo:
    """The PO to create with the school when none has the school's PO FASE."""

    name: str
    street: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass(frozen=True)
class NewSchool:
    """A school's record as typed (`app.forms.school.SchoolForm` parses it from a form)."""

    fase: int
    po_fase: int
    name: str
    zone: int | None
    education: str
    types: tuple[int, ...] = ()
    street: str = ""
    postal_code: str = ""
    city: str = ""
    director_name: str = ""
    email: str = ""
    phone: str = ""
    po: NewPo | None = None


@dataclass(frozen=True)
class Created:
    """The school saved, and its PO when it was created with it."""

    school: School
    new_po: OrganisingAuthority | None


def _validate_without_po(school: School) -> None:
    """Validate a school whose PO is not saved yet (the reference cannot be checked)."""
    placeholder = OrganisingAuthority(id=ObjectId(), fase=1, name="—")
    real, school.po = school.po, placeholder
    try:
        school.validate()
    finally:
        school.po = real


def create_school(entry: NewSchool, actor: Any) -> Created:
    """Create the school (and its PO when none has its FASE), everything checked first.

    Nothing is written unless both documents are valid: a refused school leaves no orphan PO.
    """
    require(actor, Action.MANAGE_STRUCTURE, None, MAY_NOT_EDIT)
    if School.objects(fase=entry.fase).only("id").first():
        raise FaseTaken(
            f"Une école porte déjà le numéro FASE {entry.fase} : ajoutez-la directement."
        )
    po = OrganisingAuthority.objects(fase=entry.po_fase).first()
    new_po = None
    if po is None:
        if entry.po is None or not entry.po.name:
            raise PoUnknown(
                f"Aucun pouvoir organisateur ne porte le numéro FASE {entry.po_fase} : indiquez "
                "sa dénomination et son adresse pour le créer."
            )
        new_po = OrganisingAuthority(
            fase=entry.po_fase,
            name=entry.po.name,
            street=entry.po.street or None,
            postal_code=entry.po.postal_code or None,
            city=entry.po.city or None,
        )
    school = School(
        fase=entry.fase,
        po=po or new_po,
        name=entry.name,
        zone=entry.zone,
        education=entry.education,
        types=list(entry.types),
        **{
            name: getattr(entry, name) or None
            for name in ("street", "postal_code", "city", "director_name", "email", "phone")
        },
    )
    try:
        if new_po is None:
            school.validate()
        else:
            new_po.validate()
            _validate_without_po(school)
            new_po.save()
            school.po = new_po
        school.save()
    except (ValidationError, RuleViolation) as exc:
        raise RuleViolation(
            error_message(exc) or "Les données saisies ne sont pas valides."
        ) from exc
    if new_po is not None:
        audit.record(
            "po.created", actor, target=f"po:{new_po.fase}", details={"fase": entry.po_fase}
        )
    audit.record(
        "school.created", actor, target=f"school:{entry.fase}", details={"fase": entry.fase}
    )
    return Created(school, new_po)


@dataclass(frozen=True)
class Correction:
    """What was corrected, and what it changed in the pole's documents."""

    done: list[str]
    notices: list[str]


def correct_school(school: School, zone: int | None, po_fase: int | None, actor: Any) -> Correction:
    """Correct a school's zone and PO together, all or nothing.

    Both are decided before either is written; when the PO change is refused after the zone
    was changed, the zone goes back, so nothing stays half-applied.
    """
    require(actor, Action.MANAGE_STRUCTURE, None, MAY_NOT_EDIT)
    new_po = None
    if po_fase is not None:
        new_po = OrganisingAuthority.objects(fase=po_fase).first()
        if new_po is None:
            raise RuleViolation(
                f"Aucun pouvoir organisateur ne porte le numéro FASE {po_fase} : créez-le "
                "d'abord dans le back-office (Pouvoirs organisateurs)."
            )
    changes: dict[str, Any] = {}
    if zone is not None and zone != school.zone:
        changes["zone"] = zone
    if new_po is not None and new_po.pk != ref_id(school, "po"):
        changes["po"] = new_po
    if not changes:
        raise RuleViolation("Ces données sont déjà celles de l'école : rien n'a été modifié.")
    reference.refuse_school_write(school.pk, set(changes))
    notices: list[str] = []
    old_zone = school.zone
    if "zone" in changes:
        notices += workflow.change_school_zone(school, zone, actor) or []
    if "po" in changes:
        try:
            notices += workflow.change_school_po(school, new_po, actor) or []
        except RuleViolation:
            if "zone" in changes:
                workflow.change_school_zone(school, old_zone, actor)
            raise
    done = []
    if "zone" in changes:
        done.append(f"La zone de {school.name} est corrigée : {zone} – {ZONES.get(zone, '')}.")
    if "po" in changes:
        done.append(f"{school.name} relève désormais de {new_po.name}.")
    return Correction(done, notices)
