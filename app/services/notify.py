"""Notifications: each step of a convention tells the next party, through the outbox.

The workflow verbs call one function per step once their change is written; this finds the
people concerned (with the same permission rules the pages use), renders a French plain text
and HTML message from ``templates/mail/<step>.txt|.html`` with a link to the exact page, and
writes it to the outbox according to each person's preference (``app.rules.notifications``):
queued now, held for the daily digest, or not written. The worker delivers; nothing here
talks to SMTP.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import current_app, has_app_context, has_request_context, url_for

from app.flags import Flag
from app.formatting import date_text
from app.models.convention import Convention
from app.models.outbox import OutboxMessage
from app.models.user import User
from app.rules.delivery import Category, MessageStatus
from app.rules.notifications import Delivery, Step, delivery_for, digest_key, subject
from app.rules.refs import ref_id
from app.rules.roles import DIRECTOR_ROLES, PO_DELEGATE_ROLES, SEAT_SIDE_ROLES, Role
from app.services import outbox

_suppressed = Flag("notifications_suppressed")


# No notification inside this block (the demo loader replays a campaign's history).
suppressed = _suppressed.raised


# --- who -------------------------------------------------------------------------------


def _holders(pole_id: Any, roles: Iterable[Role]) -> list[User]:
    """Active users holding one of ``roles`` on the pole (one query)."""
    wanted: dict[str, Any] = {"role": {"$in": [r.value for r in roles]}}
    if pole_id is not None:
        wanted["pole"] = pole_id
    return list(User.objects(active=True, grants__match=wanted))


def pole_team(convention: Convention) -> list[User]:
    """The seat side of the convention's pole: coordinator, seat director, seat PO delegate."""
    return _holders(ref_id(convention, "pole"), SEAT_SIDE_ROLES)


def awaited_signers(convention: Convention) -> list[User]:
    """The PO delegates whose signature the convention awaits now."""
    from app.services import workflow

    return [
        u
        for u in _holders(ref_id(convention, "pole"), PO_DELEGATE_ROLES)
        if workflow.awaited_signature(convention, u) is not None
    ]


def future_signers(convention: Convention) -> list[User]:
    """The PO delegates who will sign the convention once validated (same rules as ``can``)."""
    from app.rules import permissions

    return [
        u
        for u in _holders(ref_id(convention, "pole"), PO_DELEGATE_ROLES)
        if permissions.signing_po_id(u, convention) is not None
    ]


def awaited_directors(convention: Convention) -> list[User]:
    """The directors whose acknowledgment the convention awaits now."""
    from app.services import workflow

    return [
        u
        for u in _holders(ref_id(convention, "pole"), DIRECTOR_ROLES)
        if workflow.awaited_acknowledgment(convention, u) is not None
    ]


def administration() -> list[User]:
    return _holders(None, [Role.ADMINISTRATION])


# --- how -------------------------------------------------------------------------------


def link(endpoint: str, **values: Any) -> str:
    """The absolute address of a page (``EPOLES_BASE_URL``), from a request or the CLI."""
    base = str(current_app.config.get("EPOLES_BASE_URL") or "").rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context():
        return base + url_for(endpoint, **values)


def render(name: str, **context: Any) -> tuple[str, str]:
    """The plain text and HTML of ``mail/<name>``, rendered without a request."""
    env = current_app.jinja_env
    text = env.get_template(f"mail/{name}.txt").render(**context)
    html = env.get_template(f"mail/{name}.html").render(**context)
    return text, html


def deliver(
    users: Iterable[User],
    subject_line: str,
    template: str,
    *,
    topic: str,
    category: str = Category.WORKFLOW,
    key_of: Any = None,
    **context: Any,
) -> list[OutboxMessage]:
    """Write one message per user (rendered for them) as their preference says; ``key_of``
    (user → key) makes each message unique (reminders)."""
    written: list[OutboxMessage] = []
    seen: set[str] = set()
    for user in users:
        if not user.email or user.username in seen:
            continue
        seen.add(user.username)
        how = delivery_for(getattr(user, "notifications", None), category)
        if how == Delivery.SKIP:
            continue
        text, html = render(template, user=user, **context)
        message = outbox.queue(
            user.email,
            subject_line,
            text,
            html=html,
            topic=topic,
            category=category,
            username=user.username,
            hold=how == Delivery.HOLD,
            key=key_of(user) if key_of else None,
        )
        if message is not None:
            written.append(message)
    return written


def _step(step: Step, convention: Convention, users: Iterable[User], **context: Any) -> None:
    if _suppressed.is_set() or not has_app_context():
        return
    convention_url = link("conventions.show", convention_id=str(convention.pk))
    deliver(
        users,
        subject(step, convention.title, convention.pole_number),
        step.value,
        topic=f"convention:{convention.pk}",
        conv=convention,
        convention_url=convention_url,
        **context,
    )


# --- the steps --------------------------------------------------------------------------


def list_validated(convention: Convention) -> None:
    """The school list is validated: the PO delegates who will sign hear it is coming."""
    _step(Step.LIST_VALIDATED, convention, future_signers(convention))


def validated(convention: Convention) -> None:
    """Validated: each PO delegate concerned is asked to sign (link to « À signer »)."""
    _step(
        Step.VALIDATED,
        convention,
        awaited_signers(convention),
        action_url=link("signing.to_sign", _anchor=f"convention-{convention.pk}"),
    )


def signed(convention: Convention) -> None:
    """All have signed: the Administration is asked to approve."""
    _step(Step.SIGNED, convention, administration(), action_url=link("approvals.index"))


def approved(convention: Convention) -> None:
    """Approved: the directors are asked to acknowledge, and the pole hears it."""
    _step(
        Step.APPROVED,
        convention,
        [*awaited_directors(convention), *pole_team(convention)],
        action_url=link("signing.to_acknowledge", _anchor=f"convention-{convention.pk}"),
    )


def sent_back(convention: Convention, reason: str, actor: Any) -> None:
    """Sent back by the Administration: the pole reads the reason."""
    _step(Step.SENT_BACK, convention, pole_team(convention), reason=reason, actor=actor)


def declined(convention: Convention, entry: Any, actor: Any) -> None:
    """A PO delegate declined to sign: the pole reads the comment."""
    _step(Step.DECLINED, convention, pole_team(convention), entry=entry, actor=actor)


# --- the daily digest --------------------------------------------------------------------


def send_digests(today: date) -> int:
    """Gather each user's held messages into one digest for ``today`` (once a day: the
    digest's key is unique); return how many digests were written."""
    held = OutboxMessage.objects(status=MessageStatus.HELD).order_by("created_at")
    by_user: dict[str, list[OutboxMessage]] = {}
    for message in held.only("id", "username", "to", "subject", "body", "created_at"):
        by_user.setdefault(message.username or message.to, []).append(message)
    written = 0
    for username, messages in by_user.items():
        user = User.objects(username=username).first()
        to = user.email if user and user.email else messages[0].to
        text, html = render("digest", user=user, messages=messages, today=today)
        digest = outbox.queue(
            to,
            f"e-Pôles – résumé du {date_text(today)} ({len(messages)} message(s))",
            text,
            html=html,
            topic="digest",
            category=Category.DIGEST,
            username=username,
            key=digest_key(username, today),
        )
        if digest is None:
            continue  # already written today (another worker, or a second run)
        OutboxMessage.objects(id__in=[m.pk for m in messages], status=MessageStatus.HELD).update(
            set__status=MessageStatus.DIGESTED
        )
        written += 1
    return written


# --- preferences ---------------------------------------------------------------------------


def set_preference(user: User, preference: str, actor: Any) -> None:
    """How workflow mail reaches ``user`` (their own choice); audited."""
    from app.rules.errors import RuleViolation
    from app.rules.notifications import PREFERENCE_LABELS, PREFERENCES
    from app.services import audit

    with audit.audited("account.notifications", actor, target=user.username):
        if preference not in PREFERENCES:
            raise RuleViolation("Choisissez une des trois façons de recevoir les notifications.")
        User.objects(id=user.pk).update_one(set__notifications=preference)
    audit.record(
        "account.notifications",
        actor,
        target=user.username,
        details={"preference": preference, "label": PREFERENCE_LABELS[preference]},
    )
