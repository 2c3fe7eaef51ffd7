"""Exports of the lists: French CSV bytes, typed XLSX, filters and scope, the sealed PDFs ZIP."""

import csv
import hashlib
import io
import zipfile

from openpyxl import load_workbook

from app.models import AuditEvent, Convention, OrganisingAuthority, User
from app.rules import permissions
from app.rules.permissions import Action
from app.rules.states import APPROVED_STATUSES, Status
from app.services import exports
from tests.conftest import login

BOM = b"\xef\xbb\xbf"


def _client(app, username):
    client = app.test_client()
    login(client, username)
    return client


def _rows(response) -> list[dict[str, str]]:
    """The CSV as a Belgian Excel reads it: UTF-8 with BOM, « ; » between cells."""
    assert response.status_code == 200, response.status_code
    assert response.data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def _filter_arg(app, endpoint: str, column: str) -> str:
    """The URL argument of a list's equality filter on ``column`` (Flask-Admin numbers them)."""
    view = next(v for v in app.extensions["epoles_admin"]._views if v.endpoint == endpoint)
    for arg, (_index, flt) in view._filter_args.items():
        if flt.column == column and type(flt).__name__ in ("FilterEqual", "ChoiceEqualFilter"):
            return f"flt0_{arg}"
    raise AssertionError(f"no equality filter on {column}")


def test_csv_bytes_are_french(demo) -> None:
    admin = _client(demo, "admin")
    response = admin.get("/admin/conventions_admin/export/csv/")
    assert response.headers["Content-Type"].startswith("text/csv")
    first = response.data[len(BOM) :].split(b"\r\n")[0].decode("utf-8")
    assert first.split(";")[:4] == ["Pôle", "Type", "Convention", "Statut"]
    rows = _rows(response)
    assert len(rows) == Convention.objects.count()
    statuses = {r["Statut"] for r in rows}
    assert "Approuvée par l'Administration" in statuses and "approved" not in statuses
    assert {r["Type"] for r in rows} >= {"Ressort", "Convention de partenariat"}
    approved = next(r for r in rows if r["Type"] == "Ressort")
    conv = Convention.objects.get(pole_number=1, kind="ressort", parent=None)
    assert approved["Empreinte du PDF scellé (SHA-256)"] == conv.sealed_pdf_sha256
    # Brussels time, the way a fr-BE spreadsheet reads a moment: dd/mm/yyyy hh:mm
    assert approved["Approuvée le"] == exports.csv_text(conv.approved_at)
    assert len(approved["Approuvée le"]) == 16 and approved["Approuvée le"][2] == "/"
    schools = _rows(admin.get("/admin/schools_admin/export/csv/"))
    assert {r["Enseignement"] for r in schools} <= {
        "Enseignement ordinaire",
        "Enseignement spécialisé",
    }


def test_csv_decimal_comma_and_escaping_table(app) -> None:
    labels = ["Nom", "Valeur"]
    rows = [["=1+1", -3.5], ["+32 2", 1234.25], ["@x", -2], ["|x", 0.5], ["%x", 7], ["\tx", 1]]
    data = b"".join(exports.csv_chunks(labels, rows))
    assert data.startswith(BOM)
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Nom;Valeur"
    assert lines[1:7] == [
        "'=1+1;-3,5",
        "'+32 2;1234,25",
        "'@x;-2",
        "'|x;0,5",
        "'%x;7",
        "'\tx;1",
    ]


def test_xlsx_is_real_and_typed(demo) -> None:
    OrganisingAuthority(fase=9901, name='=HYPERLINK("http://x")', city="Liège").save()
    admin = _client(demo, "admin")
    response = admin.get("/admin/conventions_admin/export/xlsx/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == exports.XLSX_MIMETYPE
    sheet = load_workbook(io.BytesIO(response.data)).active
    heading = [c.value for c in sheet[1]]
    assert heading[:4] == ["Pôle", "Type", "Convention", "Statut"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == Convention.objects.count()
    col = {name: i for i, name in enumerate(heading)}
    pole_cell = rows[0][col["Pôle"]]
    assert pole_cell.data_type == "n" and isinstance(pole_cell.value, int)
    created = rows[0][col["Créée le"]]
    assert created.is_date and created.number_format == "DD/MM/YYYY HH:MM"
    ressort = next(r for r in rows if r[col["Type"]].value == "Ressort")
    assert ressort[col["Approuvée le"]].is_date
    pos = load_workbook(io.BytesIO(admin.get("/admin/pos_admin/export/xlsx/").data)).active
    formula_row = next(r for r in pos.iter_rows(min_row=2) if r[0].value == 9901)
    assert formula_row[0].data_type == "n"
    assert formula_row[1].value == '=HYPERLINK("http://x")'
    assert formula_row[1].data_type == "s" and formula_row[1].quotePrefix


def test_filtered_export_holds_only_the_filtered_rows(demo) -> None:
    admin = _client(demo, "admin")
    arg = _filter_arg(demo, "conventions_admin", "status")
    rows = _rows(admin.get(f"/admin/conventions_admin/export/csv/?{arg}=draft"))
    assert rows and {r["Statut"] for r in rows} == {"Brouillon"}
    assert len(rows) == Convention.objects(status="draft").count()
    schools = _rows(admin.get("/admin/schools_admin/export/csv/?search=Waremme"))
    assert schools and all("Waremme" in (r["Dénomination"] + r["Localité"]) for r in schools)
    event = AuditEvent.objects(action="list_exported").order_by("-seq").first()
    assert event.details["format"] == "csv" and event.actor == "admin"


def test_xlsx_is_no_longer_refused_and_unknown_formats_are(demo) -> None:
    admin = _client(demo, "admin")
    assert admin.get("/admin/users_admin/export/xlsx/").status_code == 200
    refused = admin.get("/admin/users_admin/export/json/")
    assert refused.status_code == 302


def test_pole_profile_exports_its_own_pole_only(demo) -> None:
    coord = _client(demo, "coord1")
    rows = _rows(coord.get("/poles/1/conventions.csv"))
    assert rows and {r["Pôle"] for r in rows} == {"1"}
    assert len(rows) == Convention.objects(pole_number=1).count()
    book = load_workbook(io.BytesIO(coord.get("/poles/1/conventions.xlsx").data)).active
    assert {row[0] for row in book.iter_rows(min_row=2, values_only=True)} == {1}
    page = coord.get("/poles/1/structure").get_data(as_text=True)
    assert "/poles/1/conventions.xlsx" in page
    assert _client(demo, "coord2").get("/poles/1/conventions.csv").status_code == 404
    # A counterpart sees the documents it may view, nothing more.
    partner = _rows(_client(demo, "dir-coop1").get("/poles/1/conventions.csv"))
    assert 0 < len(partner) < len(rows)
    user = User.objects.get(username="dir-coop1")
    visible = [
        c
        for c in Convention.objects(pole_number=1)
        if permissions.can(user, Action.VIEW_CONVENTION, c)
    ]
    assert sorted(r["Convention"] for r in partner) == sorted(c.title for c in visible)
    assert coord.get("/poles/1/conventions.pdf").status_code == 404


def test_sealed_pdfs_zip_is_streamed_scoped_and_audited(demo) -> None:
    admin = _client(demo, "admin")
    response = admin.get("/admin/conventions_admin/export/pdf-scelles/")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    sealed = list(Convention.objects(status__in=list(APPROVED_STATUSES)))
    assert sealed and len(archive.namelist()) == len(sealed)
    for conv in sealed:
        name = next(n for n in archive.namelist() if str(conv.pk)[-6:] in n)
        data = archive.read(name)
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == (
            conv.sealed_pdf_sha256
        )
    event = AuditEvent.objects(action="list_exported").order_by("-seq").first()
    assert event.target == "export:conventions_sealed_pdfs" and event.details["rows"] == len(sealed)
    arg = _filter_arg(demo, "conventions_admin", "status")
    empty = zipfile.ZipFile(
        io.BytesIO(admin.get(f"/admin/conventions_admin/export/pdf-scelles/?{arg}=draft").data)
    )
    assert empty.namelist() == []
    assert "PDF scellés (ZIP)" in admin.get("/admin/conventions_admin/").get_data(as_text=True)
    manager = _client(demo, "gestionnaire")
    assert manager.get("/admin/conventions_admin/export/pdf-scelles/").status_code == 403
    assert "PDF scellés" not in manager.get("/admin/conventions_admin/").get_data(as_text=True)


def test_zip_reads_one_file_at_a_time(app) -> None:
    loaded: list[str] = []

    def loader(name: str, size: int):
        def load() -> bytes:
            loaded.append(name)
            return bytes(range(256)) * (size // 256)

        return load

    chunks = exports.zip_chunks(
        [("a.pdf", loader("a", 200_000)), ("a.pdf", loader("b", 1024)), ("c.pdf", lambda: None)]
    )
    first = next(chunks)
    assert loaded == ["a"] and first.startswith(b"PK")  # produced before the next file is read
    rest = b"".join(chunks)
    archive = zipfile.ZipFile(io.BytesIO(first + rest))
    assert archive.namelist() == ["a.pdf", "a-2.pdf"]
    assert archive.read("a-2.pdf") == bytes(range(256)) * 4
    assert loaded == ["a", "b"]
    assert Status.DRAFT  # the statuses module is the one the view filters on
