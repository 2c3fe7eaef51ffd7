"""Download responses of the exports (``app.services.exports`` writes the files): every list
answers CSV and XLSX through ``table_response``, the sealed PDFs through ``zip_response``."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response

from app.models.base import utcnow
from app.rules.exports import export_filename
from app.rules.states import CONVENTION_FIELD_LABELS
from app.services import exports
from app.views.downloads import streamed_download

FORMATS = ("csv", "xlsx")

# What names a convention in a table: the back office's list opens with these columns.
CONVENTION_HEADLINE_FIELDS = ("pole_number", "kind", "title", "status", "school_year", "due_on")
# The columns of every conventions export (back office, a pole's structure page): the
# headline, then the workflow's dates and the seal.
CONVENTION_EXPORT_FIELDS = (
    *CONVENTION_HEADLINE_FIELDS,
    "created_at",
    "updated_at",
    "validated_at",
    "signed_at",
    "approved_at",
    "sealed_pdf_sha256",
)


def convention_cell(view: Any, context: Any, convention: Any, name: str) -> Any:
    """A convention's exported value (a Flask-Admin export formatter too): labels in French."""
    if name == "kind":
        return convention.kind_label
    if name == "status":
        return convention.status_label
    return getattr(convention, name)


def conventions_response(fmt: str, name: str, conventions: Iterable[Any]) -> Response:
    """A list of conventions as CSV or XLSX, with the back office's columns."""
    labels = [CONVENTION_FIELD_LABELS[f] for f in CONVENTION_EXPORT_FIELDS]
    fields = CONVENTION_EXPORT_FIELDS
    rows = ([convention_cell(None, None, c, f) for f in fields] for c in conventions)
    return table_response(fmt, name, labels, rows)


def table_response(
    fmt: str, name: str, labels: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response:
    """The list as a CSV or XLSX download named after ``name`` and the moment."""
    filename = export_filename(name, utcnow(), fmt)
    if fmt == "xlsx":
        handle = exports.xlsx_file(name, labels, rows)
        return streamed_download(exports.file_chunks(handle), exports.XLSX_MIMETYPE, filename)
    return streamed_download(exports.csv_chunks(labels, rows), exports.CSV_MIMETYPE, filename)


def zip_response(name: str, chunks: Iterator[bytes]) -> Response:
    return streamed_download(chunks, exports.ZIP_MIMETYPE, export_filename(name, utcnow(), "zip"))
