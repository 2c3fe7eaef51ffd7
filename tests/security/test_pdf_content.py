"""PDF uploads are opened with pypdf, not judged by their first bytes: the crafted files of
the report (``/OpenAction`` JavaScript, an HTML body behind a ``%PDF`` header) and their
kin (``/AA``, ``/Launch``, embedded files, a name hidden by ``#`` escapes in a compressed
object stream, an encrypted file) are refused in French on every upload path, and nothing
is stored."""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from app.models import AccessRequest, Convention, Pole, StoredFile
from app.rules.uploads import pdf_problem
from seed.stages import minimal_pdf
from tests.access.helpers import director_form
from tests.conftest import csrf_token, login
from tests.security.test_uploads import multipart


def _written(build) -> bytes:  # type: ignore[no-untyped-def]
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(writer: PdfWriter, key: str, action: dict) -> None:
    target = writer._root_object if key != "/AA" else writer.pages[0]
    value = DictionaryObject({NameObject(k): v for k, v in action.items()})
    if key == "/AA":
        value = DictionaryObject({NameObject("/O"): value})
    target[NameObject(key)] = writer._add_object(value)


def _names_js(writer: PdfWriter) -> None:
    """Document-level JavaScript, in the /Names tree (run when the file opens)."""
    action = writer._add_object(DictionaryObject({NameObject(k): v for k, v in JS.items()}))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), action])})
    names = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    writer._root_object[NameObject("/Names")] = writer._add_object(names)


JS = {"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert('pwned')")}
LAUNCH = {"/S": NameObject("/Launch"), "/F": TextStringObject("cmd.exe")}


def _escaped_in_object_stream() -> bytes:
    """/OpenAction JavaScript with its names written /J#61vaScript, inside a compressed
    object stream: no raw-byte search finds it, only parsing does."""
    import zlib

    inner = b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"
    header = b"5 0 "
    stream = zlib.compress(header + inner)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Open#41ction 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Type /ObjStm /N 1 /First "
        + str(len(header)).encode()
        + b" /Filter /FlateDecode /Length "
        + str(len(stream)).encode()
        + b" >>\nstream\n"
        + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.5\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    # A cross-reference stream would be the norm; a classic table plus the object stream
    # entry is what pypdf reads too (type 2 entries need an xref stream, so list obj 5 there).
    xref_offset = len(out)
    rows = (
        b"".join(bytes([1]) + off.to_bytes(4, "big") + b"\x00" for off in offsets)
        + bytes([2])
        + (4).to_bytes(4, "big")
        + b"\x00"
    )
    rows = bytes([0]) + b"\x00\x00\x00\x00\xff" + rows
    xref = zlib.compress(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 1] /Index [0 6] /Root 1 0 R /Filter "
        b"/FlateDecode /Length "
        + str(len(xref)).encode()
        + b" >>\nstream\n"
        + xref
        + b"\nendstream\nendobj\n"
    )
    out += f"startxref\n{xref_offset}\n%%EOF\n".encode()
    return bytes(out)


def _encrypted() -> bytes:
    def build(writer: PdfWriter) -> None:
        writer.encrypt("secret")

    return _written(build)


HTML_BEHIND_PDF = (
    b"%PDF-1.4\n<!doctype html><html><body><script>alert(1)</script></body></html>\n%%EOF\n"
)

HOSTILE_PDFS = [
    pytest.param(
        _written(lambda w: _action(w, "/OpenAction", JS)), "ouverture", id="openaction-js"
    ),
    pytest.param(_written(_names_js), "JavaScript", id="names-js"),
    pytest.param(_written(lambda w: _action(w, "/AA", LAUNCH)), "/AA", id="page-aa"),
    pytest.param(_written(lambda w: _action(w, "/OpenAction", LAUNCH)), "ouverture", id="launch"),
    pytest.param(
        _written(lambda w: w.add_attachment("macro.exe", b"MZ\x90\x00")),
        "incorporés",
        id="embedded",
    ),
    pytest.param(HTML_BEHIND_PDF, "lisible", id="html-behind-pdf-header"),
    pytest.param(_escaped_in_object_stream(), "ouverture", id="escaped-in-object-stream"),
    pytest.param(_encrypted(), "mot de passe", id="encrypted"),
]


@pytest.mark.parametrize(("data", "said"), HOSTILE_PDFS)
def test_the_rule_refuses_active_or_broken_pdfs(data, said):
    problem = pdf_problem("Le fichier joint", data)
    assert problem is not None and said in problem, problem


def test_the_rule_accepts_a_plain_pdf():
    assert pdf_problem("Le fichier joint", minimal_pdf("Formulaire signe")) is None
    assert pdf_problem("Le fichier joint", _written(lambda w: None)) is None


@pytest.mark.parametrize(("data", "said"), HOSTILE_PDFS)
def test_access_form_refuses_the_crafted_pdf(demo, client, data, said):
    files_before = StoredFile.objects.count()
    form = dict(director_form(), csrf_token=csrf_token(client, "/acces/demande"))
    response = client.post(
        "/acces/demande", **multipart(form, "attachment", "formulaire.pdf", data, "application/pdf")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "est refusé" in html and said in html
    assert AccessRequest.objects.count() == 0
    assert StoredFile.objects.count() == files_before


@pytest.mark.parametrize(("data", "said"), HOSTILE_PDFS[:2] + HOSTILE_PDFS[5:6])
def test_derogation_upload_refuses_the_crafted_pdf(demo, client, data, said):
    conv = Convention.objects.get(
        pole=Pole.objects.get(number=1), kind="cooperation", status="draft"
    )
    school_id = conv.schools[0]._data["school"].id
    before = Convention.objects.get(pk=conv.pk).schools[0].to_mongo().get("derogation")
    files_before = StoredFile.objects.count()
    login(client, "coord1")
    token = csrf_token(client, f"/conventions/{conv.pk}")
    response = client.post(
        f"/conventions/{conv.pk}/ecoles/{school_id}/derogation",
        **multipart({"csrf_token": token}, "file", "derogation.pdf", data, "application/pdf"),
        follow_redirects=True,
    )
    assert "est refusé" in response.get_data(as_text=True)
    assert StoredFile.objects.count() == files_before
    assert Convention.objects.get(pk=conv.pk).schools[0].to_mongo().get("derogation") == before
