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
from app.models.setting import AppSetting
from app.models.user import User
from app.rules.delivery import Category
from app.rules.notifications import (
    DEADLINE_WARNING_DAYS,
    REMIND_EVERY_DAYS,
    deadline_warning,
    parse_days,
    reminder_due,
    reminder_key,
)
from app.rules.states import Status
from app.services import notify

EVERY_SETTING = "remind_every_days"
WARNING_SETTING = "deadline_warning_days"
LAST_DAILY_SETTING = "daily_jobs_last_day"
# Not yet signed by all: the pole still has work before the deadline.
BEFORE_SIGNED = (Status.DRAFT, Status.LIST_VALIDATED, Status.VALIDATED)


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
