"""Plumbing shared by the workflow steps: conditional writes, refusals, audit."""

from typing import Any

from app.models.base import utcnow
from app.models.convention import LOCKED_MESSAGE, Convention
from app.models.school import School
from app.rules.amendments import AMENDMENT_LIST_MESSAGE
from app.rules.articles import structured_still_valid
from app.rules.errors import ConventionLocked, InvalidState, RuleViolation
from app.rules.refs import ref_id
from app.rules.states import LOCKED_STATUSES, STATUS_LABELS, Status
from app.services import audit, guards
from app.services.articles import prefilled, split_fases
from app.services.workflow._writer import workflow_write

# The verbs write ``with audited(...)``: one home, app.services.audit; they check permissions
# and name the actor as every service does: one home, app.services.guards.
audited = audit.audited
require = guards.require
username_of = guards.username_of

UNLOCKED = (Status.DRAFT.value, Status.LIST_VALIDATED.value)
LIST_VALIDATED_MESSAGE = (
    "La liste des écoles de cette convention est validée : plus aucune école ne peut y être "
    "ajoutée ou retirée. Seule l'Administration peut la rouvrir."
)
CHANGED_MESSAGE = "La convention a été modifiée entre-temps ; rechargez la page et recommencez."


# --- plumbing ---------------------------------------------------------------------------


def write(
    convention_id: Any,
    filters: dict[str, Any],
    event: dict[str, Any] | None = None,
    **update: Any,
) -> int:
    """One conditional update of one convention, counted as a new version; ``event`` (from
    ``audit.pending``) travels in the same update, so the change never goes without it."""
    if event is not None:
        update["push__pending_events"] = event
    with workflow_write():
        return Convention.objects(id=convention_id, **filters).update_one(
            inc__version=1, set__updated_at=utcnow(), **update
        )


def raw_write(convention_id: Any, filters: dict[str, Any], update: dict[str, Any]) -> int:
    update = dict(update)
    update.setdefault("$inc", {})["version"] = 1
    update.setdefault("$set", {})["updated_at"] = utcnow()
    with workflow_write():
        return Convention.objects(id=convention_id, **filters).update_one(__raw__=update)


def school_label(school: Any) -> str:
    return f"{school.name} (FASE {school.fase})"


def state_error(convention: Any, wanted: str) -> RuleViolation:
    """The error for an action attempted at the wrong stage."""
    status = convention.status
    label = STATUS_LABELS.get(status, status)
    if wanted in ("edit_list", "edit_articles") and status in LOCKED_STATUSES:
        return ConventionLocked(LOCKED_MESSAGE)
    if wanted == "edit_list" and status == Status.LIST_VALIDATED:
        return InvalidState(LIST_VALIDATED_MESSAGE)
    return InvalidState(
        f"Cette action n'est pas possible au stade actuel de la convention ({label})."
    )


def refuse_amendment_list(convention: Any) -> None:
    """An amendment's schools are its convention's: no list verb applies to it."""
    if getattr(convention, "is_amendment", False):
        raise InvalidState(AMENDMENT_LIST_MESSAGE)


def require_draft_list(convention: Any, wanted: str) -> None:
    """A list verb applies to a draft convention's own list (an amendment has none)."""
    refuse_amendment_list(convention)
    if convention.status != Status.DRAFT:
        raise state_error(convention, wanted)


def seat_school_of(pole_or_conv: Any) -> School:
    seat = School.objects(id=ref_id(pole_or_conv, "seat_school")).first()
    if seat is None:
        raise RuleViolation("L'école siège de ce pôle est introuvable.")
    return seat


def refresh_prefilled(convention_id: Any) -> None:
    """Regenerate the P articles (and re-check points splits) while not locked."""
    conv = Convention.objects(id=convention_id).exclude("snapshot").first()
    if conv is None or conv.status not in UNLOCKED:
        return
    for key, (body, data) in prefilled(conv).items():
        write(
            conv.pk,
            {"status__in": list(UNLOCKED), "articles__key": key},
            set__articles__S__body=body,
            set__articles__S__data=data,
            set__articles__S__complete=True,
        )
    fases = split_fases(conv)
    for article in conv.articles:
        if article.complete and not structured_still_valid(article, fases):
            write(
                conv.pk,
                {"status__in": list(UNLOCKED), "articles__key": article.key},
                set__articles__S__complete=False,
            )


def write_or_refuse(
    convention: Convention,
    filters: dict[str, Any],
    event: dict[str, Any] | None = None,
    **update: Any,
) -> None:
    """A status change conditional on ``filters``; when it loses a race, reload and refuse."""
    if not write(convention.pk, filters, event, **update):
        convention.reload()
        raise InvalidState(CHANGED_MESSAGE)


def transition(
    convention: Convention,
    action: str,
    actor: Any,
    before: str,
    after: str,
    details: dict[str, Any] | None = None,
    *,
    versioned: bool = True,
    **update: Any,
) -> None:
    """``before`` → ``after`` in one conditional update that carries its audit event: on the
    stored status (and, when ``versioned``, the version the caller read); a lost race is
    refused (``CHANGED_MESSAGE``)."""
    filters: dict[str, Any] = {"status": before}
    if versioned:
        filters["version"] = convention.version
    write_or_refuse(
        convention,
        filters,
        audit.pending(action, actor, status_before=before, status_after=after, details=details),
        set__status=after,
        **update,
    )


def settle(convention: Convention) -> Convention:
    """``convention`` as stored once a verb has written, the events it carried chained."""
    convention.reload()
    return chain_events(convention)


def notifier() -> Any:
    """``app.services.notify``, imported when a verb has written (it reads the application's
    mail settings and calls back into the workflow's queries)."""
    from app.services import notify

    return notify


def chain_events(convention: Convention) -> Convention:
    """Chain into the audit trail the events ``convention``'s changes carried, oldest first,
    then take them off the document (without a new version: nothing of the convention
    changes). Idempotent, so a verb, a retry or ``flask audit chain`` may each run it."""
    stored = Convention._get_collection().find_one({"_id": convention.pk}, {"pending_events": 1})
    for event in (stored or {}).get("pending_events") or []:
        audit.chain_pending(event, convention.pk)
        with workflow_write():
            Convention._get_collection().update_one(
                {"_id": convention.pk}, {"$pull": {"pending_events": {"id": event["id"]}}}
            )
    convention.pending_events = []
    return convention


def chain_all_events() -> int:
    """Chain the events left pending by an interrupted verb, in every convention; how many."""
    chained = 0
    for stored in Convention._get_collection().find(
        {"pending_events.0": {"$exists": True}}, {"pending_events": 1}
    ):
        chained += len(stored["pending_events"])
        chain_events(Convention.objects.only("id").get(id=stored["_id"]))
    return chained
