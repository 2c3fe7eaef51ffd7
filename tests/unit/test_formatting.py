"""app.formatting: French dates and numbers, Brussels time, without an application."""

from datetime import date, datetime
from decimal import Decimal

from app import formatting as fmt

NNBSP = "\u202f"
NBSP = "\u00a0"


def test_times_are_stored_utc_and_shown_in_brussels() -> None:
    assert fmt.datetime_text(datetime(2026, 12, 1, 7, 5)) == "1 décembre 2026 à 08:05"
    # Summer time: UTC+2.
    assert fmt.datetime_text(datetime(2026, 6, 30, 22, 30)) == "1 juillet 2026 à 00:30"
    assert fmt.datetime_text(datetime(2026, 12, 1, 7, 5, 9), seconds=True) == (
        "1 décembre 2026 à 08:05:09"
    )


def test_snapshot_iso_strings_and_missing_values() -> None:
    assert fmt.datetime_text("2026-12-01T07:05:00") == "1 décembre 2026 à 08:05"
    assert fmt.datetime_text(None) == "—"
    assert fmt.datetime_text("") == "—"
    assert fmt.datetime_text("n'importe quoi") == "—"


def test_calendar_dates_are_not_shifted() -> None:
    assert fmt.date_text(date(2026, 12, 1)) == "1 décembre 2026"
    assert fmt.date_text(datetime(2026, 11, 30, 23, 30)) == "1 décembre 2026"
    assert fmt.short_date_text(date(2026, 3, 5)) == "05/03/2026"
    assert fmt.datetime_text(date(2026, 12, 1)) == "1 décembre 2026"


def test_numbers_use_a_decimal_comma_and_grouped_thousands() -> None:
    assert fmt.number_text(12345.5) == f"12{NNBSP}345,50"
    assert fmt.integer_text(2900) == f"2{NNBSP}900"
    assert fmt.decimal_text(Decimal("33.33")) == "33,33"
    assert fmt.decimal_text(50.0) == "50"
    assert fmt.amount_text(1234.5) == f"1{NNBSP}234,50{NBSP}€"
    assert fmt.number_text("abc") == "—"
    assert fmt.number_text(float("nan")) == "—"
    assert fmt.number_text(True) == "—"


def test_percentages() -> None:
    assert fmt.percent_text(50) == f"50,0{NBSP}%"
    assert fmt.ratio_text(1, 3) == f"33,3{NBSP}%"
    assert fmt.ratio_text(1, 0) == "—"
    assert fmt.percent_text(None) == "—"


def test_every_filter_is_a_formatting_function() -> None:
    assert fmt.FILTERS["datetime_fr"](datetime(2026, 12, 1, 7, 5)) == "1 décembre 2026 à 08:05"
    assert fmt.FILTERS["percent_fr"](50) == f"50,0{NBSP}%"


def test_a_brussels_time_typed_in_a_form_is_stored_as_utc():
    assert fmt.stored_datetime(datetime(2026, 12, 1, 8, 5)) == datetime(2026, 12, 1, 7, 5)
    assert fmt.stored_datetime(datetime(2027, 7, 1, 8, 5)) == datetime(2027, 7, 1, 6, 5)
    stored = datetime(2026, 12, 1, 7, 5)
    assert fmt.stored_datetime(fmt.local_datetime(stored).replace(tzinfo=None)) == stored
