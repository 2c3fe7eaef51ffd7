"""What an exported cell holds: French text for CSV, a typed value for XLSX, never a formula.

Pure decisions on plain values (the service writes the files). A text that a spreadsheet would
read as a formula — starting with ``= + - @ | %``, a tab, a carriage return or a line feed —
is neutralised: in CSV it gets a leading apostrophe, in XLSX it stays the exact text in a
string cell marked « quote prefix ». Numbers are never touched: ``-3.5`` is a number, written
``-3,5`` in CSV and as a numeric cell in XLSX; a text that is only a number (``"-2"``) is no
formula either and is left as it is.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app import formatting

FORMULA_TRIGGERS = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\n")
# A plain number, with a decimal point or comma: a spreadsheet reads it as a value.
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
INTEGER_FORMAT = "0"
DECIMAL_FORMAT = "#,##0.00"
YES, NO = "Oui", "Non"


def is_formula_risk(text: str) -> bool:
    """Would a spreadsheet take this text for a formula (or a command)?"""
    return bool(text) and text.startswith(FORMULA_TRIGGERS) and not _NUMBER.match(text)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value if v is not None and v != "")
    return str(value)


def csv_text(value: Any) -> str:
    """A cell of a French CSV: Brussels times, decimal comma, « Oui »/« Non », no formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime):
        return formatting.short_datetime_text(value)
    if isinstance(value, date):
        return formatting.short_date_text(value)
    if isinstance(value, int | float | Decimal):
        return formatting.plain_decimal_text(value)
    text = _text(value)
    return "'" + text if is_formula_risk(text) else text


@dataclass(frozen=True)
class XlsxCell:
    """A typed cell: ``value`` as openpyxl stores it, its number format, and whether it is a
    text to keep as text (``quote_prefix``: never evaluated, even when edited)."""

    value: Any
    number_format: str | None = None
    quote_prefix: bool = False


def xlsx_cell(value: Any) -> XlsxCell:
    """Dates as dates (Brussels time for stored moments), numbers as numbers, text as text."""
    if value is None:
        return XlsxCell(None)
    if isinstance(value, bool):
        return XlsxCell(YES if value else NO)
    if isinstance(value, datetime):
        local = formatting.local_datetime(value).replace(tzinfo=None)
        return XlsxCell(local, DATETIME_FORMAT)
    if isinstance(value, date):
        return XlsxCell(value, DATE_FORMAT)
    if isinstance(value, int):
        return XlsxCell(value, INTEGER_FORMAT)
    if isinstance(value, float | Decimal):
        return XlsxCell(float(value), DECIMAL_FORMAT)
    text = _text(value)
    return XlsxCell(text, None, is_formula_risk(text) or text.startswith("'"))


def export_filename(base: str, stamp: datetime, extension: str) -> str:
    """« conventions-2026-12-01-0805.csv »: ASCII, the Brussels moment of the export."""
    ascii_base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^a-z0-9]+", "-", ascii_base.lower()).strip("-") or "export"
    local = formatting.local_datetime(stamp)
    return f"{safe}-{local:%Y-%m-%d-%H%M}.{extension}"
