"""Deadline states at fixed dates (never the real date)."""

from datetime import date

from app.rules import deadlines
from app.rules.deadlines import DeadlineState
from tests.unit.test_calendar import YEARS

DUE = date(2025, 10, 15)


def test_not_communicated_states():
    assert deadlines.state_of(DUE, date(2025, 9, 1)).state == DeadlineState.ON_TIME
    assert deadlines.state_of(DUE, date(2025, 10, 5)).state == DeadlineState.DUE_SOON
    assert deadlines.state_of(DUE, DUE).state == DeadlineState.DUE_SOON
    late = deadlines.state_of(DUE, date(2025, 10, 16))
    assert late.state == DeadlineState.LATE and late.label == "en retard"
    assert deadlines.state_of(DUE, date(2025, 10, 5), soon_days=5).state == DeadlineState.ON_TIME


def test_communicated_once_all_signed():
    on_time = deadlines.state_of(DUE, date(2026, 1, 1), communicated_on=DUE)
    assert on_time.state == DeadlineState.ON_TIME and on_time.communicated
    late = deadlines.state_of(
        DUE, date(2026, 1, 1), communicated_on=date(2025, 11, 14), years=YEARS
    )
    assert late.state == DeadlineState.LATE
    # 16–17 Oct, then 3–14 Nov less 11 Nov: 2 + 9 school working days.
    assert late.late_by == 11


def test_specific_partnership_due_ten_school_days_before_take_in_charge():
    due = deadlines.specific_due_date(YEARS, date(2026, 1, 5))
    assert due == date(2025, 12, 8)
    assert deadlines.state_of(due, date(2025, 12, 1)).label == "bientôt"
    late = deadlines.state_of(due, date(2025, 12, 10), years=YEARS)
    assert late.label == "en retard" and late.late_by == 2


def test_no_due_date():
    state = deadlines.state_of(None, date(2025, 12, 1))
    assert state.state == DeadlineState.NONE and state.due is None
