"""Creating and deleting the convention documents a pole's schools are routed to."""

from typing import Any

from mongoengine import NotUniqueError

from app.models.convention import LOCKED_MESSAGE, Convention, ConventionSchool
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.rules.errors import ConventionLocked, RuleViolation
from app.rules.financing import is_school_year
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.routing import Target
from app.rules.states import EDITABLE_NATURES, Status
from app.services import audit, school_years
from app.services.articles import build_articles
from app.services.workflow._common import (
    UNLOCKED,
    audited,
    chain_events,
    require,
    settle,
    username_of,
    write,
)
from app.services.workflow._writer import workflow_write


def current_school_year() -> str:
    """The school year new conventions belong to: the current campaign (school years)."""
    return school_years.current_label()


def new_entry(school: School, role: str, actor: Any) -> ConventionSchool:
    po = OrganisingAuthority.objects(id=ref_id(school, "po")).first()
    return ConventionSchool(
        school=school.pk,
        role=str(role),
        fase=school.fase,
        name=school.name,
        po=ref_id(school, "po"),
        po_fase=po.fase if po else None,
        po_name=po.name if po else "",
        zone=school.zone,
        added_by=username_of(actor),
    )


def _has_written_articles(conv: Convention) -> bool:
    return any(a.nature in EDITABLE_NATURES and (a.body or a.data) for a in conv.articles)


def delete_if_empty(conv_id: Any, actor: Any, *, keep_written: bool) -> bool:
    """Delete a draft convention that has no school left; True when deleted."""
    conv = Convention.objects(id=conv_id).first()
    if conv is None or conv.schools or conv.status != Status.DRAFT:
        return False
    if keep_written and _has_written_articles(conv):
        return False
    with workflow_write():
        deleted = Convention.objects(id=conv_id, status=Status.DRAFT, schools__size=0).delete()
    if deleted:
        audit.record(
            "convention.delete",
            actor,
            convention=conv_id,
            status_before=Status.DRAFT,
            details={"kind": conv.kind, "slot": conv.slot, "reason": "plus aucune école"},
        )
    return bool(deleted)


def delete_convention(convention: Convention, actor: Any) -> None:
    """Administration (back office): delete a convention that is not locked yet, with its
    audit event; a validated (or later) convention stays, whatever the path."""
    with audited("convention.delete", actor, convention):
        require(
            actor,
            Action.REOPEN,
            convention,
            "Seule l'Administration peut supprimer une convention.",
        )
        status = convention.status
        with workflow_write():
            deleted = Convention.objects(id=convention.pk, status__in=list(UNLOCKED)).delete()
        if not deleted:
            raise ConventionLocked(LOCKED_MESSAGE)
    audit.record(
        "convention.delete",
        actor,
        convention=convention.pk,
        status_before=status,
        details={"kind": convention.kind, "slot": convention.slot, "reason": "back-office"},
    )


def set_school_year(convention: Convention, school_year: str, actor: Any) -> Convention:
    """Administration (back office): correct the school year of a convention not locked yet."""
    school_year = (school_year or "").strip()
    with audited("convention.set_school_year", actor, convention):
        require(
            actor,
            Action.REOPEN,
            convention,
            "Seule l'Administration peut corriger l'année scolaire d'une convention.",
        )
        if convention.status not in UNLOCKED:
            raise ConventionLocked(LOCKED_MESSAGE)
        if not is_school_year(school_year):
            raise RuleViolation(
                "L'année scolaire s'écrit comme « 2026-2027 » (deux années qui se suivent)."
            )
        if school_years.find(school_year) is None:
            raise RuleViolation(
                f"L'année scolaire {school_year} n'est pas au calendrier : l'Administration "
                "l'ajoute d'abord dans « Années scolaires »."
            )
        before = convention.school_year
        due = school_years.due_date(
            convention.kind, school_year, convention.take_in_charge_on, convention.is_amendment
        )
        # The due date follows the year, in the same write.
        dated = {"set__due_on": due} if due is not None else {"unset__due_on": True}
        event = audit.pending(
            "convention.set_school_year", actor, details={"before": before, "after": school_year}
        )
        if not write(
            convention.pk,
            {"status__in": list(UNLOCKED)},
            event,
            set__school_year=school_year,
            **dated,
        ):
            raise ConventionLocked(LOCKED_MESSAGE)
    return settle(convention)


def creation_events(action: str, actor: Any, details: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``pending_events`` of a new draft: its creation's event, inserted with the document
    (and chained once it is), so that no crash leaves one without the other."""
    return [audit.pending(action, actor, status_after=Status.DRAFT, details=details)]


def ensure_convention(pole: Pole, target: Target, seat: School, actor: Any) -> Convention:
    """The pole's convention for ``target``, created (as a draft) when it does not exist."""
    existing = Convention.objects(pole=pole.pk, slot=target.slot).first()
    if existing is not None:
        return existing
    conv = Convention(
        kind=target.kind,
        status=Status.DRAFT,
        pole=pole.pk,
        pole_number=pole.number,
        slot=target.slot,
        seat_school=seat.pk,
        seat_po=ref_id(seat, "po"),
        counterpart_po=target.counterpart_po,
        school_year=current_school_year(),
        articles=build_articles(target.kind),
    )
    conv.due_on = school_years.due_date_of(conv)
    conv.pending_events = creation_events(
        "convention.create",
        actor,
        {"kind": target.kind, "slot": target.slot, "pole": pole.number},
    )
    try:
        with workflow_write():
            conv.save(force_insert=True)
    except NotUniqueError:  # created by someone else at the same moment
        return Convention.objects.get(pole=pole.pk, slot=target.slot)
    return chain_events(conv)
