"""Typed numbers are ASCII digits: « ² » passes `str.isdigit()` but `int()` refuses it."""

import pytest

from app.rules.numbers import is_digits, whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", True),
        ("2113", True),
        ("", False),
        ("²", False),
        ("١٢", False),
        ("1 2", False),
        ("-1", False),
    ],
)
def test_is_digits(text: str, expected: bool) -> None:
    assert is_digits(text) is expected


@pytest.mark.parametrize(
    ("text", "max_digits", "expected"),
    [
        (" 42 ", 9, 42),
        ("123456789", 9, 123456789),
        ("1234567890", 9, None),
        ("²", 9, None),
        (None, 9, None),
        (7, 2, 7),
    ],
)
def test_whole_number(text: object, max_digits: int, expected: int | None) -> None:
    assert whole_number(text, max_digits) == expected
