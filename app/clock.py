"""The application's idea of *today*: deadlines, reminders and campaign states read it here.

``EPOLES_TODAY=YYYY-MM-DD`` fixes the date on the embedded store and mongomock (demo and
tests, CONTRACT.md); on a real MongoDB it is ignored, so production always runs on the real
date. Timestamps written to documents keep using ``app.models.base.utcnow``; only the date
that decides *late / due soon / remind now* comes from here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


T = TypeVar("T")


class _Fixed(Generic[T]):
    """A value the demo or a test fixes for the whole process (every thread sees it: the
    browser tests' server runs in another one), or None for the real one."""

    def __init__(self) -> None:
        self.value: T | None = None

    @contextmanager
    def during(self, value: T) -> Iterator[None]:
        before, self.value = self.value, value
        try:
            yield
        finally:
            self.value = before


_day: _Fixed[date] = _Fixed()
_moment: _Fixed[datetime] = _Fixed()


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` → date; ``ValueError`` with a French message otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise ValueError(f"Date invalide : « {text} » (format attendu AAAA-MM-JJ).") from None


def configure(config: dict[str, Any]) -> None:
    """Read ``EPOLES_TODAY`` from the app's configuration (called by ``create_app``)."""
    value = (config.get("EPOLES_TODAY") or "").strip()
    _day.value = parse_day(value) if value and config.get("EPOLES_LOCAL_DEMO") else None


def today() -> date:
    """Today in Brussels, or the fixed date of the demo and the tests."""
    if _day.value is not None:
        return _day.value
    return datetime.now(BRUSSELS).date()


# Runs a block as if it were the given day (tests, ``flask remind --today``).
fixed_today = _day.during


# -- the moment (naive UTC, as MongoDB stores it) for counters and throttling ---------------


def now() -> datetime:
    """Now in naive UTC, or the moment a test fixed with ``fixed_now``."""
    if _moment.value is not None:
        return _moment.value
    return datetime.now(UTC).replace(tzinfo=None)


# Runs a block as if it were the given moment (naive UTC): tests move time forward.
fixed_now = _moment.during
