"""The official school directory file: reading it, checking each line, and the difference
with what e-Pôles holds. Plain values in, plain values out (no database, no Flask).

A directory file lists one school a line: its FASE number, name, address, its organising
authority (PO FASE and name), teaching zone, ordinary or specialized, and the special-education
types. It comes as CSV (``;`` or ``,``; UTF-8 with or without byte-order mark, or
Windows-1252) or XLSX. ``compare`` classifies every line as new, changed (field by field),
unchanged, in conflict with a lock, or in error; the service applies what it says.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.rules.numbers import is_digits
from app.rules.reference import (
    ORDINARY,
    SPECIALIZED,
    fase_error,
    types_error,
    zone_error,
)
from app.rules.text import text_problem

MAX_LINES = 20_000

# The school fields an import sets, in the order the preview shows them.
FIELDS = ("name", "street", "postal_code", "city", "po_fase", "zone", "education", "types")
FIELD_LABELS: dict[str, str] = {
    "fase": "FASE école",
    "name": "Dénomination",
    "street": "Rue",
    "postal_code": "Code postal",
    "city": "Localité",
    "po_fase": "FASE PO",
    "po_name": "Dénomination PO",
    "zone": "Zone",
    "education": "Enseignement",
    "types": "Types",
}
# What the lock of a convention's school list forbids to change (the list and its routing
# were validated with these values).
LOCKED_FIELDS = frozenset({"po_fase", "zone", "education", "types"})

# Column headings accepted for each field, compared without accents, case or punctuation.
_HEADINGS: dict[str, tuple[str, ...]] = {
    "fase": ("fase", "fase ecole", "fase etablissement", "numero fase", "n fase", "no fase"),
    "name": ("nom", "denomination", "nom ecole", "denomination ecole", "etablissement"),
    "street": ("rue", "adresse", "adresse rue"),
    "postal_code": ("code postal", "cp"),
    "city": ("localite", "commune", "ville"),
    "po_fase": ("fase po", "po fase", "numero fase po", "n fase po", "fase pouvoir organisateur"),
    "po_name": (
        "nom po",
        "po",
        "denomination po",
        "pouvoir organisateur",
        "nom pouvoir organisateur",
    ),
    "zone": ("zone", "zone d enseignement"),
    "education": ("enseignement", "niveau", "ordinaire specialise", "type d enseignement"),
    "types": ("types", "type", "types d enseignement specialise"),
}
REQUIRED_COLUMNS = ("fase", "name", "po_fase", "po_name", "zone", "education")

_EDUCATION_VALUES = {
    "ordinaire": ORDINARY,
    "o": ORDINARY,
    "enseignement ordinaire": ORDINARY,
    "ordinary": ORDINARY,
    "specialise": SPECIALIZED,
    "s": SPECIALIZED,
    "enseignement specialise": SPECIALIZED,
    "specialized": SPECIALIZED,
}
_EDUCATION_SHOWN = {ORDINARY: "ordinaire", SPECIALIZED: "spécialisé"}


class DirectoryFileError(ValueError):
    """The file cannot be read at all (format, encoding, headings); ``str()`` is French."""


@dataclass(frozen=True)
class LineError:
    line: int  # the line number in the file (the heading is line 1)
    column: str  # a French column label, or "" for the whole line
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" + (f", colonne « {self.column} »" if self.column else "")
        return f"{where} : {self.message}"


@dataclass(frozen=True)
class DirectoryLine:
    """One valid line of the file, as plain values."""

    line: int
    fase: int
    name: str
    street: str
    postal_code: str
    city: str
    po_fase: int
    po_name: str
    zone: int
    education: str
    types: tuple[int, ...]

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in FIELDS}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]

    @property
    def old_shown(self) -> str:
        return shown(self.field, self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.field, self.new)


@dataclass(frozen=True)
class LineOutcome:
    line: DirectoryLine
    changes: tuple[FieldChange, ...] = ()
    reason: str = ""  # why a conflict is not applied


@dataclass
class DirectoryReport:
    """The preview of an import: what applying it would do, line by line."""

    new: list[LineOutcome] = field(default_factory=list)
    changed: list[LineOutcome] = field(default_factory=list)
    unchanged: list[LineOutcome] = field(default_factory=list)
    conflicts: list[LineOutcome] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    new_pos: dict[int, str] = field(default_factory=dict)  # PO FASE → name, to create
    renamed_pos: dict[int, tuple[str, str]] = field(default_factory=dict)  # FASE → (old, new)

    @property
    def applicable(self) -> bool:
        """Apply only a file without errors: everything in one go, or nothing."""
        return not self.errors

    @property
    def error_lines(self) -> int:
        """How many lines are in error (a line may have several errors)."""
        return len({e.line for e in self.errors})

    @property
    def has_writes(self) -> bool:
        return bool(self.new or self.changed or self.new_pos or self.renamed_pos)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "conflicts": len(self.conflicts),
            "errors": self.error_lines,
            "new_pos": len(self.new_pos),
            "renamed_pos": len(self.renamed_pos),
        }

    def summary(self) -> str:
        """The last line of ``flask import-schools`` (CONTRACT.md)."""
        return (
            f"nouvelles: {len(self.new)}, modifiées: {len(self.changed)}, "
            f"inchangées: {len(self.unchanged)}, conflits: {len(self.conflicts)}, "
            f"erreurs: {self.error_lines}"
        )


def shown(name: str, value: Any) -> str:
    """A field's value as the preview shows it, in French."""
    if value is None or value == "" or value == ():
        return "—"
    if name == "education":
        return _EDUCATION_SHOWN.get(value, str(value))
    if name == "types":
        return ", ".join(str(t) for t in value)
    return str(value)


# --- Reading -------------------------------------------------------------------------------


def _key(text: Any) -> str:
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


_HEADING_INDEX = {alias: name for name, aliases in _HEADINGS.items() for alias in aliases}


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DirectoryFileError(
            "Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8."
        ) from exc


def _csv_rows(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DirectoryFileError("Le classeur Excel (XLSX) est illisible.") from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_rows(filename: str, data: bytes) -> list[list[Any]]:
    """The rows of a CSV or XLSX file, heading first."""
    if not data:
        raise DirectoryFileError("Le fichier est vide.")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        if b"\x00" in data[:4096]:
            raise DirectoryFileError("Ce fichier n'est pas un CSV ni un classeur XLSX.")
        rows = _csv_rows(decode(data))
    rows = [r for r in rows if any(_text(c) for c in r)]
    if not rows:
        raise DirectoryFileError("Le fichier est vide.")
    if len(rows) - 1 > MAX_LINES:
        raise DirectoryFileError(f"Le fichier dépasse {MAX_LINES} lignes : découpez-le.")
    return rows


def _columns(heading: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(heading):
        name = _HEADING_INDEX.get(_key(cell))
        if name and name not in columns:
            columns[name] = index
    missing = [FIELD_LABELS[n] for n in REQUIRED_COLUMNS if n not in columns]
    if missing:
        raise DirectoryFileError(
            "Colonnes introuvables dans la première ligne : "
            + ", ".join(f"« {m} »" for m in missing)
            + "."
        )
    return columns


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _integer(value: Any) -> int | None:
    text = _text(value).replace(" ", "")
    return int(text) if is_digits(text) and len(text) <= 9 else None


def _parse_line(number: int, cells: list[Any], columns: dict[str, int]) -> Any:
    def cell(name: str) -> str:
        index = columns.get(name)
        return _text(cells[index]) if index is not None and index < len(cells) else ""

    errors: list[LineError] = []

    def fail(name: str, message: str) -> None:
        errors.append(LineError(number, FIELD_LABELS[name], message))

    numbers: dict[str, int] = {}
    for name in ("fase", "po_fase"):
        raw = cell(name)
        value = _integer(raw)
        if not raw:
            fail(name, "valeur manquante.")
        elif value is None or fase_error(value):
            fail(name, f"« {raw} » n'est pas un numéro FASE (nombre entier positif).")
        else:
            numbers[name] = value
    # The same rule as every form (app.rules.text): the import writes the collections
    # directly, below the documents' own check.
    for name, limit in (
        ("name", 200),
        ("po_name", 200),
        ("street", 200),
        ("city", 100),
        ("postal_code", 10),
    ):
        problem = text_problem(cell(name), limit, "le texte")
        if problem:
            fail(name, problem)
    for name in ("name", "po_name"):
        if not cell(name):
            fail(name, "valeur manquante.")
    postal = cell("postal_code")
    if postal and not re.fullmatch(r"\d{4}", postal):
        fail("postal_code", f"« {postal} » n'est pas un code postal belge (4 chiffres).")
    zone_raw = cell("zone")
    zone = _integer(zone_raw)
    if zone is None or zone_error(zone):
        fail("zone", f"« {zone_raw or '—'} » : la zone doit être un nombre de 1 à 10.")
    education = _EDUCATION_VALUES.get(_key(cell("education")))
    if education is None:
        fail(
            "education",
            f"« {cell('education') or '—'} » : indiquez « ordinaire » ou « spécialisé ».",
        )
    types_raw = cell("types")
    types = tuple(sorted({int(t) for t in re.findall(r"\d+", types_raw)}))
    if re.sub(r"[\d\s,;/+-]|et", "", types_raw.lower()):
        fail("types", f"« {types_raw} » : indiquez les types par des chiffres (ex. « 1, 8 »).")
    elif education is not None:
        message = types_error(education, list(types))
        if message:
            fail("types", message)
    if errors:
        return errors
    return DirectoryLine(
        line=number,
        fase=numbers["fase"],
        name=cell("name"),
        street=cell("street"),
        postal_code=postal,
        city=cell("city"),
        po_fase=numbers["po_fase"],
        po_name=cell("po_name"),
        zone=zone,  # type: ignore[arg-type]
        education=education,  # type: ignore[arg-type]
        types=types,
    )


def parse(rows: list[list[Any]]) -> tuple[list[DirectoryLine], list[LineError]]:
    """Valid lines and the errors of the others (a FASE twice: the later lines are errors)."""
    columns = _columns(rows[0])
    lines: list[DirectoryLine] = []
    errors: list[LineError] = []
    first_line_of: dict[int, int] = {}
    po_names: dict[int, tuple[str, int]] = {}
    for number, cells in enumerate(rows[1:], start=2):
        outcome = _parse_line(number, cells, columns)
        if isinstance(outcome, list):
            errors += outcome
            continue
        if outcome.fase in first_line_of:
            errors.append(
                LineError(
                    number,
                    FIELD_LABELS["fase"],
                    f"le numéro FASE {outcome.fase} figure déjà à la ligne "
                    f"{first_line_of[outcome.fase]}.",
                )
            )
            continue
        known = po_names.get(outcome.po_fase)
        if known and known[0] != outcome.po_name:
            errors.append(
                LineError(
                    number,
                    FIELD_LABELS["po_name"],
                    f"le PO {outcome.po_fase} s'appelle « {known[0]} » à la ligne {known[1]}.",
                )
            )
            continue
        first_line_of[outcome.fase] = number
        po_names.setdefault(outcome.po_fase, (outcome.po_name, number))
        lines.append(outcome)
    return lines, errors


# --- Comparing -----------------------------------------------------------------------------


def compare(
    lines: Iterable[DirectoryLine],
    errors: list[LineError],
    schools: Mapping[int, Mapping[str, Any]],
    pos: Mapping[int, str],
    frozen: Mapping[int, str],
) -> DirectoryReport:
    """What importing ``lines`` would do.

    ``schools``: FASE → the stored values of ``FIELDS`` (types as a tuple); ``pos``: PO FASE →
    stored name; ``frozen``: school FASE → why its locked fields may not change now (in a
    validated list, seat of a pole), in French.
    """
    report = DirectoryReport(errors=list(errors))
    for line in lines:
        if line.po_fase not in pos:
            report.new_pos.setdefault(line.po_fase, line.po_name)
        elif pos[line.po_fase] != line.po_name:
            report.renamed_pos.setdefault(line.po_fase, (pos[line.po_fase], line.po_name))
        stored = schools.get(line.fase)
        if stored is None:
            report.new.append(LineOutcome(line))
            continue
        changes = tuple(
            FieldChange(name, stored.get(name), value)
            for name, value in line.values().items()
            if _normal(name, stored.get(name)) != value
        )
        if not changes:
            report.unchanged.append(LineOutcome(line))
        elif line.fase in frozen and any(c.field in LOCKED_FIELDS for c in changes):
            report.conflicts.append(LineOutcome(line, changes, frozen[line.fase]))
        else:
            report.changed.append(LineOutcome(line, changes))
    return report


def _normal(name: str, value: Any) -> Any:
    if name == "types":
        return tuple(sorted(value or ()))
    if name in ("street", "postal_code", "city", "name"):
        return value or ""
    return value
