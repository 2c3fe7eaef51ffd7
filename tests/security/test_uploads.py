"""Uploads: an .exe renamed .pdf, an HTML page sent as application/pdf, an oversized file
are refused with a clear French message on every upload endpoint, and nothing is stored.

The endpoints are those of ``app.url_map`` that take a file; each has a case below (a new
upload route without one fails ``test_every_upload_endpoint_is_covered``)."""

import io
import tempfile
from pathlib import Path

import pytest

from app.models import AccessRequest, Convention, Pole, StoredFile
from tests.access.helpers import director_form
from tests.conftest import csrf_token, login
from tests.security.conftest import collect_rules

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 512 + b"This program"
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
PNG_AS_PDF = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BIG = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 10) + b"\n%%EOF\n"  # over 10 MB
HUGE = b"%PDF-1.4\n" + b"0" * (13 * 1024 * 1024)  # over the request limit (12 MB)

# Endpoints that store an uploaded file, and those that only read one (verification).
UPLOAD_ENDPOINTS = {
    "access.request_access",
    "access.request_revocation",
    "conventions.upload_derogation",
}
READ_ONLY_UPLOADS = {"pdf.verify"}


def multipart(fields: dict[str, str], name: str, filename: str, data: bytes, mimetype: str):
    """A multipart body built in memory: werkzeug's test client spools big bodies to a
    temporary file it never closes (a ResourceWarning, an error under ``-W error``)."""
    boundary = "----epoles-test-boundary"
    parts = []
    for key, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {mimetype}\r\n\r\n'
        ).encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return {"data": b"".join(parts), "content_type": f"multipart/form-data; boundary={boundary}"}


BAD_FILES = [
    pytest.param("programme.pdf", EXE, "application/pdf", id="exe-renamed-pdf"),
    pytest.param("page.pdf", HTML, "application/pdf", id="html-sent-as-pdf"),
    pytest.param("formulaire.pdf", BIG, "application/pdf", id="oversized"),
]


def test_every_upload_endpoint_is_covered():
    present = {
        r.endpoint
        for r in collect_rules(Path(tempfile.mkdtemp()))
        if "POST" in r.methods
        and any(
            word in r.rule for word in ("derogation", "acces/", "verifier", "fichier", "upload")
        )
    }
    assert present <= UPLOAD_ENDPOINTS | READ_ONLY_UPLOADS, present - UPLOAD_ENDPOINTS


@pytest.mark.parametrize("path", ["/acces/demande", "/acces/revocation"])
@pytest.mark.parametrize(("filename", "data", "mimetype"), BAD_FILES)
def test_access_forms_refuse_bad_attachments(demo, client, path, filename, data, mimetype):
    files_before = StoredFile.objects.count()
    form = dict(director_form(), csrf_token=csrf_token(client, path))
    response = client.post(path, **multipart(form, "attachment", filename, data, mimetype))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'data-field-error="attachment"' in html
    assert ("format PDF" in html) or ("trop volumineux" in html)
    assert AccessRequest.objects.count() == 0
    assert StoredFile.objects.count() == files_before


def test_access_form_refuses_a_body_over_the_request_limit(demo, client):
    form = dict(director_form(), csrf_token=csrf_token(client, "/acces/demande"))
    body = multipart(form, "attachment", "formulaire.pdf", HUGE, "application/pdf")
    response = client.post("/acces/demande", **body)
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)
    assert AccessRequest.objects.count() == 0


@pytest.fixture
def needs_derogation(demo):
    """Pole 1's draft cooperation convention: school 2115 is in zone 3, the seat in zone 4
    (the demo data already holds its derogation: a bad file must not replace it)."""
    conv = Convention.objects.get(
        pole=Pole.objects.get(number=1), kind="cooperation", status="draft"
    )
    school_id = conv.schools[0]._data["school"].id
    return conv, school_id


@pytest.mark.parametrize(("filename", "data", "mimetype"), BAD_FILES)
def test_derogation_upload_refuses_bad_files(needs_derogation, client, filename, data, mimetype):
    conv, school_id = needs_derogation
    login(client, "coord1")
    files_before = StoredFile.objects.count()
    derogation_before = Convention.objects.get(pk=conv.pk).schools[0].to_mongo().get("derogation")
    token = csrf_token(client, f"/conventions/{conv.pk}")
    response = client.post(
        f"/conventions/{conv.pk}/ecoles/{school_id}/derogation",
        **multipart({"csrf_token": token}, "file", filename, data, mimetype),
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert ("PDF, JPEG ou PNG" in html) or ("trop volumineux" in html), html[-2000:]
    assert StoredFile.objects.count() == files_before
    after = Convention.objects.get(pk=conv.pk).schools[0].to_mongo().get("derogation")
    assert after == derogation_before


def test_a_real_pdf_is_accepted(demo, client):
    from tests.access.helpers import PDF

    form = dict(director_form(), csrf_token=csrf_token(client, "/acces/demande"))
    form["attachment"] = (io.BytesIO(PDF), "formulaire signé.pdf", "application/octet-stream")
    response = client.post("/acces/demande", data=form, content_type="multipart/form-data")
    assert response.status_code == 200
    stored = AccessRequest.objects.get().attachment
    assert stored.content_type == "application/pdf" and bytes(stored.data) == PDF


@pytest.mark.parametrize("data", [EXE, HTML, PNG_AS_PDF, b""])
def test_verification_page_takes_any_bytes_without_error(demo, client, data):
    token = csrf_token(client, "/verifier")
    response = client.post(
        "/verifier",
        data={"csrf_token": token, "file": (io.BytesIO(data), "x.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
