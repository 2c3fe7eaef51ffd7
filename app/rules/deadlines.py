"""When a convention is due, and whether it is on time, due soon or late (plain values).

A convention counts as *communicated* once every party has signed it (DOMAIN.md §5).
Partnership, cooperation and ressort are due by the campaign deadline of their school year;
a specific partnership 10 school working days before the pupils are taken in charge (later
is allowed but flagged, with the delay in school working days); an amendment by the
amendment deadline of the school year before the one it takes effect in.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from app.rules.calendar import YearCalendar, add_school_days, count_school_days
from app.rules.choices import Choices
from app.rules.errors import RuleViolation

SPECIFIC_NOTICE_SCHOOL_DAYS = 10
DEFAULT_SOON_DAYS = 14


class DeadlineState(Choices):
    # No due date: a specific partnership without its take-in-charge date.
    NONE = "none", "sans échéance"
    ON_TIME = "on_time", "à temps"
    DUE_SOON = "due_soon", "bientôt"
    LATE = "late", "en retard"


# Bootstrap classes of the badge that shows each state.
STATE_BADGES: dict[str, str] = {
    DeadlineState.NONE: "secondary",
    DeadlineState.ON_TIME: "success",
    DeadlineState.DUE_SOON: "warning",
    DeadlineState.LATE: "danger",
}


@dataclass(frozen=True)
class Deadline:
    due: date | None
    state: DeadlineState
    communicated_on: date | None = None  # the day the last party signed
    late_by: int = 0  # school working days past the due date (communicated late)

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def badge(self) -> str:
        return STATE_BADGES[self.state]

    @property
    def communicated(self) -> bool:
        return self.communicated_on is not None


def specific_due_date(years: Iterable[YearCalendar], take_in_charge: date) -> date:
    """10 school working days before the pupils are taken in charge."""
    return add_school_days(years, take_in_charge, -SPECIFIC_NOTICE_SCHOOL_DAYS)


def state_of(
    due: date | None,
    today: date,
    communicated_on: date | None = None,
    soon_days: int = DEFAULT_SOON_DAYS,
    years: Iterable[YearCalendar] = (),
) -> Deadline:
    """The state of a convention due on ``due``, seen on ``today``.

    Communicated on or before the due date: on time. Communicated after it: late, with the
    delay in school working days when the calendar covers it. Not communicated: late once
    the due date is past, due soon within ``soon_days`` calendar days, else on time.
    """
    if due is None:
        return Deadline(None, DeadlineState.NONE, communicated_on)
    if communicated_on is not None:
        if communicated_on <= due:
            return Deadline(due, DeadlineState.ON_TIME, communicated_on)
        return Deadline(
            due, DeadlineState.LATE, communicated_on, _delay(years, due, communicated_on)
        )
    if today > due:
        return Deadline(due, DeadlineState.LATE, None, _delay(years, due, today))
    if due - today <= timedelta(days=soon_days):
        return Deadline(due, DeadlineState.DUE_SOON)
    return Deadline(due, DeadlineState.ON_TIME)


def _delay(years: Iterable[YearCalendar], due: date, day: date) -> int:
    years = list(years)
    if not years:
        return 0
    try:
        return count_school_days(years, due, day)
    except RuleViolation:
        return 0


def soon_window(today: date, soon_days: int = DEFAULT_SOON_DAYS) -> tuple[date, date]:
    """The due dates that count as due soon on ``today`` (both ends included)."""
    return today, today + timedelta(days=soon_days)
