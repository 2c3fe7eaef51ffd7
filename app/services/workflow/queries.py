"""Reading helpers for the pages: a pole's documents, what a user can do next."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from app.models.base import as_loaded
from app.models.convention import Convention
from app.models.pole import Pole
from app.rules import permissions
from app.rules.articles import missing_articles
from app.rules.parties import acknowledged_school_ids, signed_po_ids
from app.rules.permissions import Action
from app.rules.refusals import declined_by
from app.rules.states import LOCKED_STATUSES, Kind, Status
from app.services.workflow._common import UNLOCKED


def pole_documents(pole: Pole) -> dict[str, list[Convention]]:
    """The pole's conventions by kind (without the heavy embedded fields)."""
    result: dict[str, list[Convention]] = {k.value: [] for k in Kind}
    # as loaded: reading ``schools`` would fetch their schools and POs for every row.
    for conv in as_loaded(Convention.objects(pole=pole.pk).exclude("articles", "snapshot")):
        result.setdefault(conv.kind, []).append(conv)
    for convs in result.values():
        convs.sort(key=lambda c: (c.title, c.slot))
    return result


@dataclass(frozen=True)
class Offers:
    """What a user may do on a convention at its current stage: the buttons of its page.

    The workflow functions check the same again (and explain a refusal in French); this only
    decides what to offer.
    """

    edit_list: bool  # add or remove schools, attach derogations
    validate_list: bool
    reopen_list: bool
    edit_articles: bool
    validate: bool  # offered from the draft on, with what is missing (validation_blockers)
    sign_for: Any  # the PO the user would sign for now, or None
    acknowledge_for: Any  # the school the user would acknowledge for now, or None
    approve: bool
    send_back: bool  # signed: back to the pole with a reason
    decline_for: Any  # the PO the user would decline for now (same as sign_for), or None
    reopen: bool
    copy_article: bool  # take an article over from the pole's last cooperation convention


def awaited_signature(convention: Convention, user: Any) -> Any:
    """The PO for which ``convention`` awaits ``user``'s signature now, or None."""
    if convention.status != Status.VALIDATED:
        return None
    po = permissions.signing_po_id(user, convention)
    return po if po is not None and po not in signed_po_ids(convention) else None


def awaited_acknowledgment(convention: Convention, user: Any) -> Any:
    """The school for which ``convention`` awaits ``user``'s acknowledgment now, or None."""
    if convention.status != Status.APPROVED:
        return None
    school = permissions.acknowledging_school_id(user, convention)
    done = acknowledged_school_ids(convention)
    return school if school is not None and school not in done else None


def offers(convention: Convention, user: Any) -> Offers:
    """The actions ``user`` is offered on ``convention`` at its current status."""
    can = permissions.can
    status = convention.status
    # An amendment's school list is its convention's: nothing to edit, validate or reopen.
    has_list = not convention.is_amendment
    sign_po = awaited_signature(convention, user)
    ack_school = awaited_acknowledgment(convention, user)
    return Offers(
        edit_list=has_list
        and can(user, Action.EDIT_SCHOOL_LIST, convention)
        and status == Status.DRAFT,
        validate_list=has_list
        and can(user, Action.VALIDATE_SCHOOL_LIST, convention)
        and status == Status.DRAFT,
        reopen_list=has_list
        and can(user, Action.REOPEN, convention)
        and status == Status.LIST_VALIDATED,
        edit_articles=can(user, Action.EDIT_ARTICLES, convention) and status not in LOCKED_STATUSES,
        validate=can(user, Action.VALIDATE, convention) and status in UNLOCKED,
        sign_for=sign_po,
        acknowledge_for=ack_school,
        approve=can(user, Action.APPROVE, convention) and status == Status.SIGNED,
        send_back=can(user, Action.SEND_BACK, convention) and status == Status.SIGNED,
        decline_for=sign_po
        if sign_po is not None
        and can(user, Action.DECLINE, convention)
        and not declined_by(convention.history, convention.validated_at, sign_po)
        else None,
        reopen=can(user, Action.REOPEN, convention) and status == Status.VALIDATED,
        copy_article=convention.kind == Kind.COOPERATION,
    )


def validation_blockers(convention: Convention) -> list[str]:
    """Why the convention cannot be validated yet, in French (empty when it can)."""
    blockers = [f"{a.heading} : à compléter" for a in missing_articles(convention)]
    if convention.status == Status.DRAFT and not convention.is_amendment:
        blockers.insert(0, "La liste des écoles n'est pas encore validée (étape 1).")
    return blockers


def follow_up_kinds(kind: str) -> tuple[Kind, ...]:
    """The kinds of the pole's conventions shown as « Documents de suivi » of a ``kind``.

    A cooperation convention and the ressort list the pole's partnership and specific
    partnership conventions; the other kinds have no follow-up documents.
    """
    if kind in (Kind.COOPERATION, Kind.RESSORT):
        return (Kind.PARTNERSHIP, Kind.SPECIFIC_PARTNERSHIP)
    return ()


class TaskKind(StrEnum):
    """What a convention waits for from a pole user, in the order the home page lists them."""

    COMPLETE = "complete"
    VALIDATE = "validate"
    SIGN = "sign"
    ACKNOWLEDGE = "acknowledge"


@dataclass(frozen=True)
class Task:
    """One thing a convention waits for from the user (the home page's « Ce qui vous attend »)."""

    convention: Convention
    kind: TaskKind
    label: str
    step: int  # the step of the convention's page where it is done


TASK_ORDER = tuple(TaskKind)
TASK_TITLES = {
    TaskKind.COMPLETE: "À compléter",
    TaskKind.VALIDATE: "À valider",
    TaskKind.SIGN: "À signer",
    TaskKind.ACKNOWLEDGE: "À prendre connaissance",
}


OPEN_STATUSES = (Status.DRAFT, Status.LIST_VALIDATED, Status.VALIDATED, Status.APPROVED)


def open_conventions(user: Any, pole_ids: list[Any]) -> list[Convention]:
    """The poles' conventions something may still wait for (« Ce qui vous attend », and the
    late and due-soon ones, which are not communicated yet), in one query scoped by the
    same filter as every list, read as loaded."""
    scope = permissions.convention_filter(user)
    if scope is None or not pole_ids:
        return []
    wanted = {"pole": {"$in": list(pole_ids)}, "status": {"$in": list(OPEN_STATUSES)}}
    query = {"$and": [scope, wanted]} if scope else wanted
    return list(as_loaded(Convention.objects(__raw__=query).exclude("snapshot")))


def tasks_for(user: Any, pole_ids: list[Any], convs: list[Convention] | None = None) -> list[Task]:
    """What the poles' conventions wait for from ``user`` now (``convs``: their
    ``open_conventions``, read here when not given): complete the list or the articles,
    validate, sign, acknowledge. Ordered by task, then due date."""
    if convs is None:
        convs = open_conventions(user, pole_ids)
    can = permissions.can
    tasks: list[Task] = []
    for conv in convs:
        status = conv.status
        # An amendment has no school list to validate: its draft is edited, then validated.
        editing = status == Status.LIST_VALIDATED or (status == Status.DRAFT and conv.is_amendment)
        if status == Status.DRAFT and not editing:
            if can(user, Action.VALIDATE_SCHOOL_LIST, conv):
                tasks.append(Task(conv, TaskKind.COMPLETE, "Liste des écoles à valider", 1))
        elif editing and can(user, Action.EDIT_ARTICLES, conv):
            missing = len(missing_articles(conv))
            if missing:
                label = f"{missing} article(s) à compléter"
                tasks.append(Task(conv, TaskKind.COMPLETE, label, 2))
            elif can(user, Action.VALIDATE, conv):
                tasks.append(Task(conv, TaskKind.VALIDATE, "Convention à valider", 2))
        elif awaited_signature(conv, user) is not None:
            tasks.append(Task(conv, TaskKind.SIGN, "Convention à signer", 3))
        elif awaited_acknowledgment(conv, user) is not None:
            label = "Convention à prendre en connaissance"
            tasks.append(Task(conv, TaskKind.ACKNOWLEDGE, label, 3))
    far = date.max
    tasks.sort(
        key=lambda t: (TASK_ORDER.index(t.kind), t.convention.due_on or far, t.convention.title)
    )
    return tasks
