"""Who is told what, and when: the pure part of notifications and reminders.

Each step of a convention tells the next party; each user chooses how workflow mail reaches
them (immediately, in a daily digest, or not at all) while security and access mail always
goes. Reminders go every N days to whoever a convention still waits for, and the pole is
warned some days before the campaign deadline; at most one reminder per person per day (the
key of the outbox message says which day).
"""

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from app.rules.choices import Choices
from app.rules.delivery import Category


class Preference(Choices):
    IMMEDIATE = "immediate", "Dès qu'une étape me concerne (un courriel par étape)"
    DIGEST = "digest", "Un résumé quotidien"
    NONE = "none", "Aucun courriel (je consulte l'application)"


PREFERENCE_LABELS: dict[str, str] = Preference.labels()
PREFERENCES = tuple(p.value for p in Preference)


class Delivery(Choices):
    SEND = "send", "courriel immédiat"  # queued for the worker now
    HOLD = "hold", "dans son résumé quotidien"  # kept for the daily digest
    SKIP = "skip", "aucun (a choisi de ne recevoir aucun courriel)"  # not written at all


DELIVERY_LABELS: dict[str, str] = Delivery.labels()


def delivery_for(preference: str | None, category: str) -> Delivery:
    """How a message of ``category`` reaches a user with ``preference``. Security mail (access,
    passwords) ignores the preference: it always goes, at once."""
    if category == Category.SECURITY:
        return Delivery.SEND
    pref = preference or Preference.IMMEDIATE
    if pref == Preference.NONE:
        return Delivery.SKIP
    if pref == Preference.DIGEST:
        return Delivery.HOLD
    return Delivery.SEND


class Step(StrEnum):
    """The steps that tell someone it is their turn (the mail templates are named after them)."""

    LIST_VALIDATED = "list_validated"  # → the PO delegates who will sign
    VALIDATED = "validated"  # → the PO delegates to sign
    SIGNED = "signed"  # → the Administration to approve
    APPROVED = "approved"  # → the directors to acknowledge, and the pole
    SENT_BACK = "sent_back"  # → the pole
    DECLINED = "declined"  # → the pole


SUBJECTS: dict[str, str] = {
    Step.LIST_VALIDATED: "Liste des écoles validée : {title} (pôle {pole})",
    Step.VALIDATED: "Convention à signer : {title} (pôle {pole})",
    Step.SIGNED: "Convention à approuver : {title} (pôle {pole})",
    Step.APPROVED: "Convention approuvée : {title} (pôle {pole})",
    Step.SENT_BACK: "Convention renvoyée pour modification : {title} (pôle {pole})",
    Step.DECLINED: "Refus de signer : {title} (pôle {pole})",
}


def subject(step: str, title: str, pole: int | str) -> str:
    return SUBJECTS[step].format(title=title, pole=pole)


# --- reminders ---------------------------------------------------------------------------

REMIND_EVERY_DAYS = 7  # default of the setting: a pending signer is reminded weekly
DEADLINE_WARNING_DAYS = (14, 3)  # default: the pole is warned 14 and 3 days before


def reminder_due(since: date | None, today: date, every: int) -> bool:
    """Is ``today`` a reminder day for something awaited since ``since``? Every ``every``
    days after it (never on the day itself)."""
    if since is None or every <= 0:
        return False
    waited = (today - since).days
    return waited > 0 and waited % every == 0


def deadline_warning(deadline: date | None, today: date, days: Iterable[int]) -> int | None:
    """The number of days left when ``today`` is one of the warning days before
    ``deadline``, else None."""
    if deadline is None:
        return None
    left = (deadline - today).days
    return left if left in set(days) else None


def reminder_key(username: str, today: date) -> str:
    """At most one reminder per person per day: the outbox keeps this key unique."""
    return f"remind:{username}:{today.isoformat()}"


def late_reminder_key(username: str, today: date) -> str:
    """The Administration's reminder to late poles: at most one per person per day, however
    often it is sent (a second click, two clerks)."""
    return f"remind-late:{username}:{today.isoformat()}"


def digest_key(username: str, today: date) -> str:
    return f"digest:{username}:{today.isoformat()}"


def parse_days(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    """``"14, 3"`` → (14, 3): the warning days setting; bad input falls back to ``default``."""
    try:
        values = tuple(
            sorted(
                {int(v) for v in (text or "").replace(";", ",").split(",") if v.strip()},
                reverse=True,
            )
        )
    except ValueError:
        return default
    return tuple(v for v in values if 0 < v <= 365) or default
