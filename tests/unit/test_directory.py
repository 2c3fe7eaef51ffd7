"""The directory file rules: reading real-shaped files and comparing them (no app)."""

import io

import pytest
from openpyxl import Workbook

from app.rules import directory as d

HEADING = (
    "FASE école;Dénomination;Rue;Code postal;Localité;FASE PO;Dénomination PO;Zone;"
    "Enseignement;Types"
)
LINES = [
    "1001;Athénée Royal de Liège;Rue des Écoles 1;4000;Liège;501;Ville de Liège;4;ordinaire;",
    "1002;École spécialisée Les Érables;Rue Haute 2;4020;Liège;501;Ville de Liège;4;spécialisé;1/8",
]


def _csv(lines, sep=";", heading=HEADING) -> str:
    return "\n".join(x.replace(";", sep) for x in [heading, *lines]) + "\n"


def _parse(data: bytes, filename="annuaire.csv"):
    return d.parse(d.read_rows(filename, data))


def _stored(**overrides):
    values = {
        "name": "Athénée Royal de Liège",
        "street": "Rue des Écoles 1",
        "postal_code": "4000",
        "city": "Liège",
        "po_fase": 501,
        "zone": 4,
        "education": "ordinary",
        "types": (),
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252"],
)
@pytest.mark.parametrize("sep", [";", ","])
def test_reads_both_separators_and_encodings_with_accents(encode, sep) -> None:
    lines, errors = _parse(encode(_csv(LINES, sep)))
    assert errors == []
    assert [line.fase for line in lines] == [1001, 1002]
    assert lines[0].name == "Athénée Royal de Liège"
    assert lines[0].city == "Liège"
    assert lines[1].education == "specialized"
    assert lines[1].types == (1, 8)


def test_comma_separated_file_with_quoted_types() -> None:
    text = HEADING.replace(";", ",") + '\n1002,Les Érables,,4020,Liège,501,Ville,4,S,"1, 8"\n'
    lines, errors = _parse(text.encode())
    assert errors == []
    assert lines[0].types == (1, 8)


def test_reads_xlsx_with_numbers_as_numbers() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADING.split(";"))
    sheet.append([1001.0, "Athénée", "Rue 1", 4000, "Liège", 501, "Ville de Liège", 4, "O", None])
    out = io.BytesIO()
    book.save(out)
    lines, errors = _parse(out.getvalue(), "annuaire.xlsx")
    assert errors == []
    assert (lines[0].fase, lines[0].postal_code, lines[0].zone) == (1001, "4000", 4)


def test_bad_lines_say_line_column_and_what_in_french() -> None:
    bad = [
        LINES[0],
        "abc;Sans numéro;;4000;Liège;501;Ville de Liège;4;ordinaire;",
        "1003;Mauvaise zone;;40;Liège;501;Ville de Liège;12;ordinaire;",
        "1004;Spécialisée sans type;;4000;Liège;501;Ville de Liège;4;spécialisé;",
        "1001;Doublon;;4000;Liège;501;Ville de Liège;4;ordinaire;",
    ]
    lines, errors = _parse(_csv(bad).encode())
    assert [line.fase for line in lines] == [1001]
    shown = [str(e) for e in errors]
    assert any(s.startswith("ligne 3, colonne « FASE école »") for s in shown)
    assert any("ligne 4, colonne « Zone »" in s and "1 à 10" in s for s in shown)
    assert any("ligne 4, colonne « Code postal »" in s for s in shown)
    assert any("ligne 5, colonne « Types »" in s and "au moins un type" in s for s in shown)
    assert any("ligne 6" in s and "figure déjà à la ligne 2" in s for s in shown)


def test_one_po_with_two_names_is_an_error() -> None:
    lines, errors = _parse(
        _csv([LINES[0], LINES[1].replace("Ville de Liège", "Commune de Liège")]).encode()
    )
    assert len(lines) == 1
    assert "ligne 3" in str(errors[0]) and "Ville de Liège" in errors[0].message


def test_missing_columns_refuse_the_file() -> None:
    with pytest.raises(d.DirectoryFileError, match="FASE PO"):
        _parse(b"FASE;Nom;Zone;Enseignement;Nom PO\n1;A;1;o;X\n")


def test_unreadable_files_refused_in_french() -> None:
    with pytest.raises(d.DirectoryFileError, match="vide"):
        _parse(b"")
    with pytest.raises(d.DirectoryFileError, match="XLSX"):
        _parse(b"PK\x03\x04garbage", "x.xlsx")


def test_compare_new_changed_field_by_field_unchanged() -> None:
    lines, errors = _parse(_csv(LINES).encode())
    stored = {1001: _stored(street="Ancienne rue 9", zone=3)}
    report = d.compare(lines, errors, stored, {501: "Ville de Liège"}, frozen={})
    assert [o.line.fase for o in report.new] == [1002]
    (changed,) = report.changed
    assert [(c.label, c.old_shown, c.new_shown) for c in changed.changes] == [
        ("Rue", "Ancienne rue 9", "Rue des Écoles 1"),
        ("Zone", "3", "4"),
    ]
    assert report.summary() == (
        "nouvelles: 1, modifiées: 1, inchangées: 0, conflits: 0, erreurs: 0"
    )


def test_same_data_is_unchanged_and_new_po_is_listed() -> None:
    lines, errors = _parse(_csv(LINES[:1]).encode())
    report = d.compare(lines, errors, {1001: _stored()}, {}, frozen={})
    assert len(report.unchanged) == 1 and not report.changed
    assert report.new_pos == {501: "Ville de Liège"}


def test_locked_school_changing_po_or_zone_is_a_conflict_not_a_change() -> None:
    lines, errors = _parse(_csv(LINES[:1]).encode())
    stored = {1001: _stored(po_fase=777)}
    report = d.compare(lines, errors, stored, {501: "Ville de Liège"}, {1001: "liste validée"})
    assert not report.changed
    (conflict,) = report.conflicts
    assert conflict.reason == "liste validée"
    assert [c.field for c in conflict.changes] == ["po_fase"]


def test_locked_school_may_still_change_its_name() -> None:
    lines, errors = _parse(_csv(LINES[:1]).encode())
    report = d.compare(lines, errors, {1001: _stored(name="Ancien nom")}, {}, {1001: "liste"})
    assert not report.conflicts
    assert [c.field for c in report.changed[0].changes] == ["name"]


def test_errors_make_the_report_not_applicable() -> None:
    lines, errors = _parse(_csv([LINES[0], "x;;;;;;;;;"]).encode())
    report = d.compare(lines, errors, {}, {}, {})
    assert not report.applicable
    assert len(errors) > 1  # one line, several columns wrong
    assert report.summary().endswith("erreurs: 1")


def test_hostile_text_in_a_directory_file_is_a_line_error() -> None:
    """The import writes the collections directly: the text rule is applied per cell."""
    bad = [
        "1001;Athénée \u202eegèiL\u202c;Rue 1;4000;Liège;501;Ville de Liège;4;ordinaire;",
        "1002;École" + "x" * 200 + ";;4020;Liège;501;Ville de Liège;4;ordinaire;",
    ]
    lines, errors = _parse(_csv(bad).encode())
    assert lines == []
    shown = [str(e) for e in errors]
    assert any("ligne 2, colonne « Dénomination »" in s and "U+202C, U+202E" in s for s in shown)
    assert any("ligne 3" in s and "200 au plus" in s.replace("\u202f", " ") for s in shown)
    # A NUL byte makes the whole file unreadable as CSV: refused before any line.
    with pytest.raises(d.DirectoryFileError):
        _parse(_csv(["1003;École\x00nulle;;4020;Liège;501;Ville de Liège;4;ordinaire;"]).encode())
