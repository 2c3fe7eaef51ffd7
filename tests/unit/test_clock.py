"""The settable clock: honoured in local demo mode only, never the real date in tests."""

import threading
from datetime import date, datetime

import pytest

from app import clock


def test_epoles_today_is_honoured_in_local_demo_mode() -> None:
    clock.configure({"EPOLES_TODAY": "2026-12-01", "EPOLES_LOCAL_DEMO": True})
    try:
        assert clock.today() == date(2026, 12, 1)
    finally:
        clock.configure({})


def test_epoles_today_is_ignored_on_mongodb() -> None:
    clock.configure({"EPOLES_TODAY": "2000-01-01", "EPOLES_LOCAL_DEMO": False})
    assert clock.today() != date(2000, 1, 1)


def test_fixed_today_restores_the_previous_date() -> None:
    clock.configure({"EPOLES_TODAY": "2026-12-01", "EPOLES_LOCAL_DEMO": True})
    try:
        with clock.fixed_today(date(2027, 5, 31)):
            assert clock.today() == date(2027, 5, 31)
        assert clock.today() == date(2026, 12, 1)
    finally:
        clock.configure({})


def test_fixed_now_nests_and_restores_the_real_moment() -> None:
    first, second = datetime(2027, 1, 4, 8, 0), datetime(2027, 1, 4, 9, 30)
    with clock.fixed_now(first):
        with clock.fixed_now(second):
            assert clock.now() == second
        assert clock.now() == first
    assert clock.now() not in (first, second)


def test_a_fixed_day_is_seen_by_every_thread() -> None:
    # The browser tests' server answers from another thread than the test that fixed the day.
    seen: list[date] = []
    with clock.fixed_today(date(2027, 2, 1)):
        thread = threading.Thread(target=lambda: seen.append(clock.today()))
        thread.start()
        thread.join()
    assert seen == [date(2027, 2, 1)]


@pytest.mark.parametrize("text", ["2026-13-01", "demain", "", "01/12/2026"])
def test_a_bad_date_is_refused_in_french(text: str) -> None:
    with pytest.raises(ValueError, match="Date invalide"):
        clock.parse_day(text)
