"""The exports of every list: French CSV, typed XLSX, a ZIP of sealed PDFs — all streamed.

One home for the three file shapes; the lists (back office, pole pages) give their column
labels and rows of typed values, ``app.rules.exports`` decides what each cell becomes.

- CSV: UTF-8 with a byte-order mark, ``;`` between cells, CRLF: what a Belgian Excel opens
  with its accents and columns in place.
- XLSX: openpyxl in write-only mode (rows go to a temporary file, not into memory), typed cells.
- ZIP: written to an unseekable sink (data descriptors), one PDF loaded at a time; the chunks
  are handed out as they are produced.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile

from app.models.stored_file import StoredFile
from app.pdf.documents import file_name
from app.rules.exports import csv_text, xlsx_cell
from app.rules.refs import ref_id
from app.services import audit

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

BOM = "\ufeff"
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MIMETYPE = "application/zip"
CHUNK = 64 * 1024
# Up to this size the XLSX stays in memory; larger ones spill to a temporary file.
SPOOL_BYTES = 4 * 1024 * 1024

Row = Sequence[Any]


class _Line:
    """The csv module's file: hands back each line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(labels: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """The CSV, a line at a time: BOM, French labels, then one line per row."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield (BOM + writer.writerow([csv_text(label) for label in labels])).encode("utf-8")
    for row in rows:
        yield writer.writerow([csv_text(value) for value in row]).encode("utf-8")


def xlsx_file(title: str, labels: Sequence[str], rows: Iterable[Row]) -> BinaryIO:
    """The workbook (one sheet, bold heading, typed cells), rewound, ready to stream."""
    # openpyxl (about 20 MiB) is imported by the first XLSX export, not with the app.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    bold = Font(bold=True)
    heading = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    # Handed to the response, which closes it once sent (file_chunks).
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    book.save(out)
    out.seek(0)
    return out


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return (cleaned or "Export")[:31]


def _xlsx_cell(sheet: Any, value: Any) -> "WriteOnlyCell":
    from openpyxl.cell import WriteOnlyCell

    typed = xlsx_cell(value)
    cell = WriteOnlyCell(sheet, value=typed.value)
    if typed.quote_prefix:
        # openpyxl stores a text starting with "=" as a formula: keep it a string.
        cell.data_type = "s"
        cell.quotePrefix = True
    if typed.number_format:
        cell.number_format = typed.number_format
    return cell


def file_chunks(handle: BinaryIO) -> Iterator[bytes]:
    """A file's bytes in chunks, closed at the end (or when the download is abandoned)."""
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()


class _Sink:
    """An unseekable file for ``ZipFile``: keeps what was written until it is drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out


def zip_chunks(entries: Iterable[tuple[str, Callable[[], bytes | None]]]) -> Iterator[bytes]:
    """A ZIP of ``(name, load)`` entries, produced as it goes: each file's bytes are loaded
    when its turn comes and handed out before the next one is read. A name used twice gets
    a numbered variant; an entry whose load gives None is left out."""
    sink = _Sink()
    used: set[str] = set()
    with ZipFile(sink, mode="w", compression=ZIP_DEFLATED) as archive:  # type: ignore[arg-type]
        for name, load in entries:
            data = load()
            if data is None:
                continue
            unique = _unique_name(name, used)
            with archive.open(unique, mode="w") as member:
                for start in range(0, len(data), CHUNK):
                    member.write(data[start : start + CHUNK])
                    yield sink.drain()
            yield sink.drain()
    yield sink.drain()


def _unique_name(name: str, used: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
    used.add(candidate)
    return candidate


def sealed_bytes(convention: Any) -> bytes | None:
    """The exact bytes sealed at approval (None if the stored file is missing)."""
    file_id = ref_id(convention, "sealed_pdf")
    if file_id is None:
        return None
    stored = StoredFile.objects(id=file_id).only("data").first()
    return bytes(stored.data) if stored is not None else None


def sealed_pdfs_zip(conventions: Iterable[Any]) -> Iterator[bytes]:
    """The sealed PDFs of ``conventions`` as a streamed ZIP, one stored file read at a time,
    each under its download name (``convention-…-scellee.pdf``)."""
    entries = (
        (
            file_name(conv.kind, conv.pole_number, conv.pk, "scellee"),
            partial(sealed_bytes, conv),
        )
        for conv in conventions
    )
    return zip_chunks(entries)


def record_export(actor: Any, what: str, fmt: str, rows: int | None, filters: Any) -> None:
    """One audit event per export: who took which list, in which format, with which filters."""
    audit.record(
        "list_exported",
        actor,
        target=f"export:{what}",
        details={"format": fmt, "rows": rows, "filters": filters},
    )
