"""Downloads: scoped like the convention pages, attachment headers, French errors."""

import hashlib

import pytest
from werkzeug.http import parse_options_header

from app.models import StoredFile
from app.pdf.render import PdfError
from tests.pdf.conftest import demo_convention, pdf_text
from tests.raw import raw_conventions


def test_sealed_download_returns_the_stored_bytes(demo, login_as):
    conv = demo_convention("ressort", status="approved")
    client = login_as("coord1")
    response = client.get(f"/conventions/{conv.pk}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and options["filename"].startswith("ressort-pole-1-")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data == bytes(StoredFile.objects.get(id=conv.sealed_pdf.pk).data)
    assert hashlib.sha256(response.data).hexdigest() == conv.sealed_pdf_sha256
    assert client.get(f"/conventions/{conv.pk}/pdf").data == response.data
    # A client holding these bytes already (their SHA-256 is the ETag) is told so.
    again = client.get(
        f"/conventions/{conv.pk}/pdf", headers={"If-None-Match": f'"{conv.sealed_pdf_sha256}"'}
    )
    assert again.status_code == 304 and again.data == b""


def test_draft_download_is_a_watermarked_live_render(demo, login_as):
    conv = demo_convention("partnership", status="validated")
    response = login_as("po-part1").get(f"/conventions/{conv.pk}/pdf")
    assert response.status_code == 200
    assert "projet" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "PROJET" in text
    assert "En attente de signature" in text


def test_school_list_download(demo, login_as):
    conv = demo_convention("cooperation", status="list_validated")
    response = login_as("coord1").get(f"/conventions/{conv.pk}/ecoles.pdf")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = pdf_text(response.data)
    assert "Écoles coopérantes" in text
    for entry in conv.schools:
        assert str(entry.fase) in text


@pytest.mark.parametrize("suffix", ["pdf", "ecoles.pdf"])
def test_a_user_of_another_pole_gets_404(demo, login_as, suffix):
    client = login_as("coord2")
    for kind in ("ressort", "partnership"):
        conv = demo_convention(kind)
        assert client.get(f"/conventions/{conv.pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("convention_id", ["nope", "0" * 24, "zzzzzzzzzzzzzzzzzzzzzzzz"])
def test_malformed_or_unknown_ids_give_404(demo, login_as, convention_id):
    client = login_as("coord1")
    assert client.get(f"/conventions/{convention_id}/pdf").status_code == 404
    assert client.get(f"/conventions/{convention_id}/ecoles.pdf").status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(demo, client):
    conv = demo_convention("ressort", status="approved")
    response = client.get(f"/conventions/{conv.pk}/pdf")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_render_failure_is_a_french_page_not_a_500(demo, login_as, monkeypatch):
    from app.pdf import documents

    def broken(conv):
        raise PdfError("La production du document PDF a pris trop de temps et a été interrompue.")

    monkeypatch.setattr(documents, "draft_pdf", broken)
    conv = demo_convention("partnership", status="validated")
    response = login_as("coord1").get(f"/conventions/{conv.pk}/pdf")
    assert response.status_code == 503
    assert "a pris trop de temps" in response.get_data(as_text=True)


def test_the_convention_page_links_to_the_pdfs(demo, login_as):
    conv = demo_convention("ressort", status="approved")
    client = login_as("coord1")
    html = client.get(f"/conventions/{conv.pk}?etape=3").get_data(as_text=True)
    assert f"/conventions/{conv.pk}/pdf" in html
    html = client.get(f"/conventions/{conv.pk}?etape=1").get_data(as_text=True)
    assert f"/conventions/{conv.pk}/ecoles.pdf" in html


def test_an_approved_convention_without_its_sealed_file_says_so(demo, login_as):
    conv = demo_convention("ressort", status="approved")
    # Data from before sealing existed: written raw, below the model's lock.
    raw_conventions().update_one({"_id": conv.pk}, {"$unset": {"sealed_pdf": ""}})
    response = login_as("coord1").get(f"/conventions/{conv.pk}/pdf")
    assert response.status_code == 503
    assert "version scellée de cette convention approuvée est introuvable" in response.get_data(
        as_text=True
    )


def test_the_verify_page_is_rate_limited(demo, client):
    import io

    page = client.get("/verifier").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    codes = [
        client.post(
            "/verifier",
            data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4 x"), "x.pdf")},
            content_type="multipart/form-data",
        ).status_code
        for _ in range(21)
    ]
    assert codes[:20] == [200] * 20
    assert codes[20] == 429
