"""The one place where dates and numbers become French text (pages, PDFs, exports, messages).

Locale ``fr_BE`` and time zone Europe/Brussels, through Babel — the library Flask-Babel wraps;
``create_app`` configures Flask-Babel with the same two constants, so Flask-Admin's own strings
and these texts agree. The functions take plain values and need no request or application
context, so the PDF renderer, the CLI, the seed and the rules can use them too.

    datetime_text(2026-12-01 07:05 UTC)  → « 1 décembre 2026 à 08:05 »
    date_text(date(2026, 12, 1))         → « 1 décembre 2026 »
    number_text(12345.5)                 → « 12 345,50 »  (narrow no-break space)
    percent_text(50)                     → « 50,0 % »    (no-break space before %)
    amount_text(1234.5)                  → « 1 234,50 € »

Stored times are naive UTC (MongoDB's convention); calendar dates (``date``) are never shifted.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers

LOCALE = "fr_BE"
TIMEZONE_NAME = "Europe/Brussels"
TIMEZONE = ZoneInfo(TIMEZONE_NAME)
UTC = ZoneInfo("UTC")
NBSP = "\u00a0"
EMPTY = "—"

_DATE = "d MMMM y"
_TIME = "HH:mm"
_TIME_SECONDS = "HH:mm:ss"
_SHORT_DATE = "dd/MM/y"


def parse_moment(value: Any) -> datetime | date | None:
    """A datetime, a date, or an ISO string of either; None for anything else."""
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def local_datetime(value: datetime) -> datetime:
    """A stored time (naive = UTC) as an aware Brussels time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TIMEZONE)


def stored_datetime(local: datetime) -> datetime:
    """A Brussels wall-clock time typed in a form (naive) as a stored time (naive UTC)."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=TIMEZONE)
    return local.astimezone(UTC).replace(tzinfo=None)


def _local_date(value: Any) -> date | None:
    """The calendar day of a value: a date as is, a stored time as its Brussels day."""
    moment = parse_moment(value)
    if isinstance(moment, datetime):
        return local_datetime(moment).date()
    return moment


def _moment_text(value: Any, pattern: str, day_text: Any) -> str:
    """A stored time in Brussels with `pattern`; a bare date through `day_text`."""
    moment = parse_moment(value)
    if moment is None:
        return EMPTY
    if not isinstance(moment, datetime):
        return day_text(moment)
    return babel_dates.format_datetime(local_datetime(moment), pattern, locale=LOCALE)


def datetime_text(value: Any, seconds: bool = False) -> str:
    """« 1 décembre 2026 à 08:05 » in Brussels time; « — » when there is none."""
    return _moment_text(value, f"{_DATE} 'à' {_TIME_SECONDS if seconds else _TIME}", date_text)


def date_text(value: Any) -> str:
    """« 1 décembre 2026 »: a calendar date as is, a stored time as its Brussels day."""
    day = _local_date(value)
    return EMPTY if day is None else babel_dates.format_date(day, _DATE, locale=LOCALE)


def short_date_text(value: Any) -> str:
    """« 01/12/2026 »: for dense tables and file names where the long form does not fit."""
    day = _local_date(value)
    return EMPTY if day is None else babel_dates.format_date(day, _SHORT_DATE, locale=LOCALE)


def short_datetime_text(value: Any) -> str:
    """« 01/12/2026 08:05 » in Brussels time: what a spreadsheet in fr-BE reads as a moment."""
    return _moment_text(value, f"{_SHORT_DATE} {_TIME}", short_date_text)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _pattern_text(value: Any, whole: str, digit: str, places: int, empty: str = EMPTY) -> str:
    """A number through a Babel pattern: `whole` before the comma, `places` × `digit` after."""
    number = _decimal(value)
    if number is None:
        return empty
    pattern = whole + ("." + digit * places if places > 0 else "")
    return babel_numbers.format_decimal(number, pattern, locale=LOCALE)


def number_text(value: Any, decimals: int = 2) -> str:
    """« 12 345,50 »: grouped thousands, decimal comma, a fixed number of decimals."""
    return _pattern_text(value, "#,##0", "0", decimals)


def decimal_text(value: Any, max_decimals: int = 2) -> str:
    """« 33,33 », « 50 »: as many decimals as the value has (up to ``max_decimals``)."""
    return _pattern_text(value, "#,##0", "#", max_decimals)


def plain_decimal_text(value: Any, max_decimals: int = 6) -> str:
    """« -1234,5 »: decimal comma and no grouping, for files a spreadsheet reads as a number
    (a narrow no-break space between thousands makes Excel read text)."""
    return _pattern_text(value, "0", "#", max_decimals, empty="")


def percent_text(value: Any, decimals: int = 1) -> str:
    """« 50,0 % » for 50 (a value already in percent, not a ratio)."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    return number_text(number, decimals) + NBSP + "%"


def ratio_text(part: Any, whole: Any, decimals: int = 1) -> str:
    """« 50,0 % » for 1 of 2; « — » when the whole is zero or missing."""
    top, bottom = _decimal(part), _decimal(whole)
    if top is None or not bottom:
        return EMPTY
    return percent_text(top * 100 / bottom, decimals)


def amount_text(value: Any, decimals: int = 2) -> str:
    """« 1 234,50 € »."""
    number = _decimal(value)
    if number is None:
        return EMPTY
    return number_text(number, decimals) + NBSP + "€"


def integer_text(value: Any) -> str:
    """« 2 900 »."""
    return number_text(value, 0)


FILTERS = {
    "datetime_fr": datetime_text,
    "date_fr": date_text,
    "short_date_fr": short_date_text,
    "number_fr": number_text,
    "decimal_fr": decimal_text,
    "percent_fr": percent_text,
    "amount_fr": amount_text,
    "integer_fr": integer_text,
}
"""Jinja filters, registered on the Flask app and on the PDF environment alike."""
