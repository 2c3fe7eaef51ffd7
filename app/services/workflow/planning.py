"""A specific partnership's planned take-in-charge date, which sets its due date."""

from datetime import date
from typing import Any

from app import formatting
from app.models.convention import Convention
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.rules.states import Kind
from app.services import audit, school_years
from app.services.workflow._common import (
    UNLOCKED,
    audited,
    require,
    settle,
    state_error,
    write,
)
from app.services.workflow._writer import workflow_write


def set_take_in_charge(convention: Convention, day: date | None, actor: Any) -> Convention:
    """Record the day the pupils are planned to be taken in charge (None clears it).

    The due date follows: 10 school working days before it (app.rules.deadlines). Allowed
    while the convention is not locked, to the seat side of the pole.
    """
    with audited("convention.set_take_in_charge", actor, convention):
        require(
            actor,
            Action.EDIT_ARTICLES,
            convention,
            "Vous ne pouvez pas modifier cette convention.",
        )
        if convention.kind != Kind.SPECIFIC_PARTNERSHIP or convention.is_amendment:
            raise RuleViolation(
                "La date de prise en charge ne concerne que les conventions de partenariat "
                "spécifique."
            )
        if convention.status not in UNLOCKED:
            raise state_error(convention, "edit_articles")
        due = None
        if day is not None:
            due = school_years.due_date(Kind.SPECIFIC_PARTNERSHIP, None, day)
            if due is None:
                raise RuleViolation(
                    f"Le calendrier scolaire du {formatting.date_text(day)} n'est pas encodé : "
                    "l'Administration doit d'abord encoder cette année scolaire."
                )
        update: dict[str, Any] = (
            {"set__take_in_charge_on": day, "set__due_on": due}
            if day is not None
            else {"unset__take_in_charge_on": True, "unset__due_on": True}
        )
        event = audit.pending(
            "convention.set_take_in_charge",
            actor,
            status_before=convention.status,
            status_after=convention.status,
            details={
                "take_in_charge_on": day.isoformat() if day else None,
                "due_on": due.isoformat() if due else None,
            },
        )
        if not write(convention.pk, {"status__in": list(UNLOCKED)}, event, **update):
            convention.reload()
            raise state_error(convention, "edit_articles")
    return settle(convention)


def store_due_date(conv_id: Any, due: date | None) -> None:
    """Write a convention's due date, derived from the calendar (not part of its text, so
    allowed on a locked convention too): when the Administration edits a school year."""
    with workflow_write():
        if due is None:
            Convention.objects(id=conv_id).update_one(unset__due_on=True)
        else:
            Convention.objects(id=conv_id).update_one(set__due_on=due)
