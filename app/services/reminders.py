"""The day's reminders (``flask remind``, and the worker once a day).

Whoever a convention still waits for is reminded every N days after the step that made it
their turn (signers after the validation, directors after the approval); the pole's team is
warned some days before the due date of a convention or amendment not yet signed by all.
Everything one person is reminded of on one day goes in **one** message whose outbox key
(``remind:<username>:<day>``) is unique: a second run the same day, or a second worker,
writes nothing new. The date is ``app.clock.today()`` only.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app import clock
from app.formatting import local_datetime
from app.models.convention import Convention
from app.models.outbox import OutboxMessage
from app.models.pole import Pole
from app.models.setting import AppSetting
from app.models.user import User
from app.rules.delivery import Category
from app.rules.errors import RuleViolation
from app.rules.notifications import (
    DEADLINE_WARNING_DAYS,
    REMIND_EVERY_DAYS,
    deadline_warning,
    delivery_for,
    late_reminder_key,
    parse_days,
    reminder_due,
    reminder_key,
)
from app.rules.permissions import Action
from app.rules.states import Status
from app.services import audit, dashboard, notify
from app.services.guards import require

EVERY_SETTING = "remind_every_days"
WARNING_SETTING = "deadline_warning_days"
LAST_DAILY_SETTING = "daily_jobs_last_day"
# Not yet signed by all: the pole still has work before the deadline.
BEFORE_SIGNED = (Status.DRAFT, Status.LIST_VALIDATED, Status.VALIDATED)
NOTHING_LATE = "Aucun des pôles choisis n'a de convention en retard : rien à rappeler."


@dataclass
class Due:
    """What one person is reminded of today."""

    user: User
    to_sign: list[Convention] = field(default_factory=list)
    to_acknowledge: list[Convention] = field(default_factory=list)
    deadlines: list[tuple[Convention, int, date]] = field(default_factory=list)


def _day(moment: datetime | None) -> date | None:
    return local_datetime(moment).date() if moment else None


def every_days() -> int:
    value = AppSetting.get(EVERY_SETTING, REMIND_EVERY_DAYS)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return REMIND_EVERY_DAYS


def warning_days() -> tuple[int, ...]:
    value = AppSetting.get(WARNING_SETTING)
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return parse_days(value, DEADLINE_WARNING_DAYS)


def collect(today: date) -> dict[str, Due]:
    """Who is reminded of what on ``today``."""
    every = every_days()
    warn = warning_days()
    due: dict[str, Due] = {}

    def entry(user: User) -> Due:
        return due.setdefault(user.username, Due(user))

    light = ("articles", "snapshot")
    for conv in Convention.objects(status=Status.VALIDATED).exclude(*light):
        if reminder_due(_day(conv.validated_at), today, every):
            for user in notify.awaited_signers(conv):
                entry(user).to_sign.append(conv)
    for conv in Convention.objects(status=Status.APPROVED).exclude(*light):
        if reminder_due(_day(conv.approved_at), today, every):
            for user in notify.awaited_directors(conv):
                entry(user).to_acknowledge.append(conv)
    for conv in Convention.objects(status__in=list(BEFORE_SIGNED)).exclude(*light):
        # The stored due date (app.services.school_years): the campaign deadline of its
        # year, the amendment deadline, or 10 school days before a take-in-charge.
        deadline = conv.due_on
        left = deadline_warning(deadline, today, warn)
        if left is not None and deadline is not None:
            for user in notify.pole_team(conv):
                entry(user).deadlines.append((conv, left, deadline))
    return due


def remind(today: date | None = None) -> int:
    """Write the day's reminders; return how many were written now (0 on a second run)."""
    today = today or clock.today()
    written = 0
    for item in collect(today).values():
        messages = notify.deliver(
            [item.user],
            f"e-Pôles – rappel : {_summary(item)}",
            "reminder",
            topic="reminder",
            category=Category.REMINDER,
            key_of=lambda user: reminder_key(user.username, today),
            item=item,
            today=today,
            to_sign_url=notify.link("signing.to_sign"),
            to_acknowledge_url=notify.link("signing.to_acknowledge"),
            convention_url=lambda conv: notify.link("conventions.show", convention_id=str(conv.pk)),
        )
        written += len(messages)
    return written


def _summary(item: Due) -> str:
    parts = []
    if item.to_sign:
        parts.append(f"{len(item.to_sign)} convention(s) à signer")
    if item.to_acknowledge:
        parts.append(f"{len(item.to_acknowledge)} convention(s) à prendre en connaissance")
    if item.deadlines:
        parts.append(f"{len(item.deadlines)} échéance(s) proche(s)")
    return ", ".join(parts)


def daily(today: date | None = None) -> dict[str, Any] | None:
    """The worker's daily jobs (reminders, then digests), once per day: None when they
    already ran today. Safe with several workers: every message they write is keyed."""
    today = today or clock.today()
    if AppSetting.get(LAST_DAILY_SETTING) == today.isoformat():
        return None
    result = {"reminders": remind(today), "digests": notify.send_digests(today)}
    AppSetting.put(LAST_DAILY_SETTING, today.isoformat())
    return result


# --- the Administration's reminder to late poles (from the dashboard) --------------------


@dataclass
class LatePole:
    """A pole chosen on the dashboard: its late conventions and who is reminded of them."""

    number: int
    name: str
    late: list[tuple[Convention, Any]]  # (convention, its deadline), oldest due first
    team: list[User]


@dataclass
class Recipient:
    """One person the reminder goes to, with the poles it names and how it reaches them."""

    user: User
    poles: list[LatePole]
    delivery: str  # app.rules.notifications.Delivery
    already: bool  # reminded by this means today already: nothing new is written


def late_poles(year: str, numbers: list[int]) -> list[LatePole]:
    """Among ``numbers``, the poles with conventions of ``year`` late today (the dashboard's
    own list), each with the seat side's team (coordinator, seat director and PO delegate)."""
    campaign = dashboard.campaign(dashboard.Filters(year))
    wanted = set(numbers)
    named = [(row, deadline) for row, deadline in campaign.late if row.pole_number in wanted]
    by_pole: dict[int, list[tuple[Convention, Any]]] = {}
    for conv, deadline in dashboard.listed(named):
        by_pole.setdefault(conv.pole_number, []).append((conv, deadline))
    poles = Pole.objects(number__in=sorted(by_pole)).only("number", "name").order_by("number")
    return [
        LatePole(p.number, p.name, by_pole[p.number], notify.pole_team(by_pole[p.number][0][0]))
        for p in poles
    ]


def late_recipients(poles: list[LatePole], today: date) -> list[Recipient]:
    """Who the reminder to ``poles`` reaches: one message per person, naming each of their
    poles (a coordinator of two late poles gets one message)."""
    people: dict[str, Recipient] = {}
    for pole in poles:
        for user in pole.team:
            if user.username not in people:
                how = delivery_for(getattr(user, "notifications", None), Category.REMINDER)
                key = late_reminder_key(user.username, today)
                sent = OutboxMessage.objects(key=key).count() > 0
                people[user.username] = Recipient(user, [], how.value, sent)
            people[user.username].poles.append(pole)
    return sorted(people.values(), key=lambda r: (r.poles[0].number, r.user.username))


def late_subject(recipient: Recipient) -> str:
    count = sum(len(p.late) for p in recipient.poles)
    return f"e-Pôles – rappel de l'Administration : {count} convention(s) en retard"


def late_message(recipient: Recipient, today: date) -> tuple[str, str]:
    """The plain text and HTML of ``recipient``'s reminder (the preview shows them)."""
    return notify.render("late_poles", **_late_context(recipient, today))


def _late_context(recipient: Recipient, today: date) -> dict[str, Any]:
    return {
        "user": recipient.user,
        "poles": recipient.poles,
        "today": today,
        "convention_url": lambda conv: notify.link("conventions.show", convention_id=str(conv.pk)),
    }


def remind_late_poles(year: str, numbers: list[int], actor: Any, today: date | None = None) -> int:
    """Write the Administration's reminder to the chosen late poles' teams: one message per
    person and day (keyed, so a second send writes nothing new), audited. Returns how many
    were written now."""
    require(
        actor,
        Action.STEER_CAMPAIGN,
        None,
        "Seule l'Administration peut rappeler les pôles en retard.",
    )
    today = today or clock.today()
    poles = late_poles(year, numbers)
    if not poles:
        raise RuleViolation(NOTHING_LATE)
    written = 0
    for recipient in late_recipients(poles, today):
        subject = late_subject(recipient)
        written += len(
            notify.deliver(
                [recipient.user],
                subject,
                "late_poles",
                topic="reminder:late",
                category=Category.REMINDER,
                key_of=lambda user: late_reminder_key(user.username, today),
                **{k: v for k, v in _late_context(recipient, today).items() if k != "user"},
            )
        )
    audit.record(
        "campaign.remind_late_poles",
        actor,
        target=f"campaign:{year}",
        details={"poles": [p.number for p in poles], "written": written},
    )
    return written
