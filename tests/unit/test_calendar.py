"""School working days over the real 2025-26 calendar (DOMAIN.md §5), and the FWB rules."""

from datetime import date

import pytest

from app.rules import calendar
from app.rules.calendar import Closure, YearCalendar
from app.rules.errors import RuleViolation


def _year(label, first, last, breaks):
    start = calendar.start_year_of(label)
    closures = [Closure(a, b, "") for a, b in breaks] + calendar.single_days_off(start)
    return YearCalendar(label, first, last, tuple(closures))


Y2025 = _year(
    "2025-2026",
    date(2025, 8, 25),
    date(2026, 7, 3),
    [
        (date(2025, 10, 20), date(2025, 11, 2)),
        (date(2025, 12, 22), date(2026, 1, 4)),
        (date(2026, 2, 16), date(2026, 3, 1)),
        (date(2026, 4, 27), date(2026, 5, 10)),
    ],
)
Y2026 = calendar.propose_year(2026)
YEARS = [Y2025, Y2026]


def test_ten_school_days_before_a_date_just_after_the_winter_break():
    # Back on Monday 5 January 2026: the ten school days before are 8–19 December.
    assert calendar.add_school_days(YEARS, date(2026, 1, 5), -10) == date(2025, 12, 8)
    assert calendar.count_school_days(YEARS, date(2025, 12, 7), date(2025, 12, 19)) == 10


def test_weekends_breaks_and_days_off_are_not_school_days():
    assert calendar.is_school_day(YEARS, date(2025, 11, 11)) is False  # Armistice (Tuesday)
    assert calendar.is_school_day(YEARS, date(2025, 10, 24)) is False  # autumn break
    assert calendar.is_school_day(YEARS, date(2026, 4, 6)) is False  # Easter Monday
    assert calendar.is_school_day(YEARS, date(2026, 5, 14)) is False  # Ascension
    assert calendar.is_school_day(YEARS, date(2026, 5, 25)) is False  # Whit Monday
    assert calendar.is_school_day(YEARS, date(2025, 11, 8)) is False  # Saturday
    assert calendar.is_school_day(YEARS, date(2025, 11, 12)) is True
    assert calendar.is_school_day(YEARS, date(2025, 8, 22)) is False  # before the rentrée


def test_count_across_the_autumn_break_and_armistice():
    # Friday 17 October → Friday 14 November: 5 + 5 - 1 (11 Nov) = 9 after the break.
    assert calendar.count_school_days(YEARS, date(2025, 10, 17), date(2025, 11, 14)) == 9


def test_adding_across_the_summer_moves_to_the_next_years_first_day():
    # From the last day (Friday 3 July 2026), the next school day is the 2026 rentrée.
    assert calendar.add_school_days(YEARS, date(2026, 7, 3), 1) == date(2026, 8, 24)
    assert calendar.add_school_days(YEARS, date(2026, 7, 20), 0) == date(2026, 8, 24)
    # Ten school days before the second day of 2026-27 reach back into June 2026.
    assert calendar.add_school_days(YEARS, date(2026, 8, 25), -10) == date(2026, 6, 23)


def test_outside_the_known_calendars_is_a_french_refusal():
    with pytest.raises(RuleViolation, match="calendrier scolaire"):
        calendar.add_school_days(YEARS, date(2027, 6, 1), 40)


def test_rentree_rule():
    assert calendar.rentree(2022) == date(2022, 8, 29)
    assert calendar.rentree(2023) == date(2023, 8, 28)
    assert calendar.rentree(2024) == date(2024, 8, 26)
    assert calendar.rentree(2025) == date(2025, 8, 25)
    assert calendar.rentree(2026) == date(2026, 8, 24)  # 31 August is a Monday
    assert calendar.rentree(2027) == date(2027, 8, 23)  # 30 August is a Monday
    assert calendar.last_school_day(2025) == date(2026, 7, 3)
    assert calendar.last_school_day(2027) == date(2028, 7, 7)


def test_proposed_breaks_follow_the_published_years():
    # The rule reproduces 2025-26's autumn, winter and spring breaks.
    proposed = {c.label: c.start for c in calendar.propose_year(2025).closures}
    assert proposed["Congé d'automne"] == date(2025, 10, 20)
    assert proposed["Vacances d'hiver"] == date(2025, 12, 22)
    assert proposed["Vacances de printemps"] == date(2026, 4, 27)
    assert {c.label: c.start for c in calendar.propose_year(2022).closures}[
        "Vacances d'hiver"
    ] == date(2022, 12, 26)


def test_easter():
    assert calendar.easter(2026) == date(2026, 4, 5)
    assert calendar.easter(2027) == date(2027, 3, 28)


def test_year_labels():
    assert calendar.next_label("2026-2027") == "2027-2028"
    assert calendar.previous_label("2026-2027") == "2025-2026"
    with pytest.raises(RuleViolation):
        calendar.start_year_of("2026-2028")
    with pytest.raises(RuleViolation):
        calendar.start_year_of("abc")


def test_closures_text_round_trip():
    text = "2025-10-20 2025-11-02 Congé d'automne\n2025-11-11 Armistice\n"
    parsed = calendar.parse_closures(text)
    assert parsed == [
        Closure(date(2025, 10, 20), date(2025, 11, 2), "Congé d'automne"),
        Closure(date(2025, 11, 11), date(2025, 11, 11), "Armistice"),
    ]
    assert calendar.parse_closures(calendar.format_closures(parsed)) == parsed
    with pytest.raises(RuleViolation, match="Ligne 1"):
        calendar.parse_closures("20/10/2025 congé")
    with pytest.raises(RuleViolation, match="fin précède"):
        calendar.parse_closures("2025-11-02 2025-10-20 x")


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 8, 23), "2025-2026"),
        (date(2026, 8, 24), "2026-2027"),  # rentrée 2026: the 31st is a Monday, one week before
        (date(2027, 1, 4), "2026-2027"),
        (date(2031, 8, 24), "2030-2031"),
        (date(2031, 8, 25), "2031-2032"),
    ],
)
def test_label_for_day_follows_the_rentree(day, label):
    assert calendar.label_for_day(day) == label
