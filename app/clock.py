"""The application's idea of *today*: deadlines, reminders and campaign states read it here.

``EPOLES_TODAY=YYYY-MM-DD`` fixes the date on the embedded store and mongomock (demo and
tests, CONTRACT.md); on a real MongoDB it is ignored, so production always runs on the real
date. Timestamps written to documents keep using ``app.models.base.utcnow``; only the date
that decides *late / due soon / remind now* comes from here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

_fixed: date | None = None


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` → date; ``ValueError`` with a French message otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise ValueError(f"Date invalide : « {text} » (format attendu AAAA-MM-JJ).") from None


def configure(config: dict[str, Any]) -> None:
    """Read ``EPOLES_TODAY`` from the app's configuration (called by ``create_app``)."""
    global _fixed
    value = (config.get("EPOLES_TODAY") or "").strip()
    _fixed = parse_day(value) if value and config.get("EPOLES_LOCAL_DEMO") else None


def today() -> date:
    """Today in Brussels, or the fixed date of the demo and the tests."""
    if _fixed is not None:
        return _fixed
    return datetime.now(BRUSSELS).date()


@contextmanager
def fixed_today(day: date) -> Iterator[None]:
    """Run a block as if it were ``day`` (tests, ``flask remind --today``)."""
    global _fixed
    before, _fixed = _fixed, day
    try:
        yield
    finally:
        _fixed = before


# -- the moment (naive UTC, as MongoDB stores it) for counters and throttling ---------------

_fixed_now: datetime | None = None


def now() -> datetime:
    """Now in naive UTC, or the moment a test fixed with ``fixed_now``."""
    if _fixed_now is not None:
        return _fixed_now
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def fixed_now(moment: datetime) -> Iterator[None]:
    """Run a block as if it were ``moment`` (naive UTC): tests move time forward."""
    global _fixed_now
    before, _fixed_now = _fixed_now, moment
    try:
        yield
    finally:
        _fixed_now = before
