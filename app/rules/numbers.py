"""Reading a number a user typed: ASCII digits only.

`str.isdigit()` is true for « ² » and « ١٢ », and `int("²")` raises: a check with `isdigit()`
before `int()` turns such text into a 500. Every typed whole number goes through here.
"""


def is_digits(text: str) -> bool:
    """True for a non-empty run of the digits 0–9 and nothing else."""
    return text.isascii() and text.isdigit()


def whole_number(text: object, max_digits: int = 9) -> int | None:
    """The number `text` spells in at most `max_digits` ASCII digits (spaces around allowed)."""
    stripped = str(text if text is not None else "").strip()
    return int(stripped) if is_digits(stripped) and len(stripped) <= max_digits else None
