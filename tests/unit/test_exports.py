"""The cells of the exports (pure rules): French CSV text, typed XLSX cells, no formula."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.rules.exports import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    csv_text,
    export_filename,
    is_formula_risk,
    xlsx_cell,
)

# value → (CSV text, XLSX value, quote prefix)
ESCAPING = [
    ("=1+1", "'=1+1", "=1+1", True),
    ("+32 2 123 45 67", "'+32 2 123 45 67", "+32 2 123 45 67", True),
    ("-2+3", "'-2+3", "-2+3", True),
    ("@SUM(A1)", "'@SUM(A1)", "@SUM(A1)", True),
    ("|calc", "'|calc", "|calc", True),
    ("%APPDATA%", "'%APPDATA%", "%APPDATA%", True),
    ("\tcmd", "'\tcmd", "\tcmd", True),
    ("\rcmd", "'\rcmd", "\rcmd", True),
    ("École = siège", "École = siège", "École = siège", False),
    ("-2", "-2", "-2", False),  # a text that is only a number is no formula
    ("-3,5", "-3,5", "-3,5", False),
]


@pytest.mark.parametrize(("value", "text", "cell", "prefix"), ESCAPING)
def test_formula_escaping_per_character(value, text, cell, prefix) -> None:
    assert csv_text(value) == text
    typed = xlsx_cell(value)
    assert typed.value == cell  # the exact text in XLSX, never a prefixed copy
    assert typed.quote_prefix is prefix
    assert is_formula_risk(value) is prefix


@pytest.mark.parametrize(
    ("value", "text", "cell"),
    [
        (-3.5, "-3,5", -3.5),
        (-12, "-12", -12),
        (Decimal("-1234.50"), "-1234,5", -1234.5),
        (0.1, "0,1", 0.1),
        (2335, "2335", 2335),
    ],
)
def test_negative_and_decimal_numbers_stay_numbers(value, text, cell) -> None:
    assert csv_text(value) == text  # decimal comma, no grouping, no apostrophe
    typed = xlsx_cell(value)
    assert typed.value == cell and isinstance(typed.value, int | float)
    assert not typed.quote_prefix


def test_times_are_brussels_and_dates_stay_dates() -> None:
    stored = datetime(2026, 12, 1, 7, 5)  # naive UTC, as MongoDB keeps it
    assert csv_text(stored) == "01/12/2026 08:05"
    summer = datetime(2026, 7, 1, 22, 30)
    assert csv_text(summer) == "02/07/2026 00:30"
    typed = xlsx_cell(stored)
    assert typed.value == datetime(2026, 12, 1, 8, 5) and typed.number_format == DATETIME_FORMAT
    day = xlsx_cell(date(2026, 9, 1))
    assert day.value == date(2026, 9, 1) and day.number_format == DATE_FORMAT
    assert csv_text(date(2026, 9, 1)) == "01/09/2026"


def test_booleans_lists_and_empty_cells_are_french() -> None:
    assert csv_text(True) == "Oui" and csv_text(False) == "Non"
    assert xlsx_cell(True).value == "Oui"
    assert csv_text(None) == "" and xlsx_cell(None).value is None
    assert csv_text([4, 5, None]) == "4, 5"


def test_file_names_are_ascii_and_stamped_in_brussels_time() -> None:
    name = export_filename("Écoles du pôle", datetime(2026, 12, 1, 23, 30), "csv")
    assert name == "ecoles-du-pole-2026-12-02-0030.csv"
