"""In a browser: download the sealed PDF from the convention page, then verify it."""

import hashlib

import pytest

from app.models import Convention
from tests.browser.conftest import browser, live_server, log_in, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_download_then_verify_the_sealed_pdf(live_server, page, tmp_path):  # noqa: F811
    with live_server.app.app_context():
        conv = Convention.objects(kind="ressort", pole_number=1).first()
        expected = conv.sealed_pdf_sha256
    log_in(page, live_server, "coord1")
    page.goto(f"{live_server.url}/conventions/{conv.pk}?etape=3")
    with page.expect_download() as info:
        page.click("[data-testid=pdf-link]")
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.name.startswith("ressort-pole-1-") and path.suffix == ".pdf"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == expected

    page.click("text=Vérifier un PDF")
    page.set_input_files("#verify-file", str(path))
    page.click("button:has-text('Vérifier')")
    result = page.locator("[data-testid=verify-result]")
    assert result.get_attribute("data-authentic") == "oui"
    assert "Document scellé authentique : Ressort, pôle territorial n° 1" in result.inner_text()
    page.screenshot(path=str(tmp_path / "verify.png"), full_page=True)

    tampered = tmp_path / "modifie.pdf"
    tampered.write_bytes(path.read_bytes().replace(b"Ressort", b"Ressorx", 1))
    page.set_input_files("#verify-file", str(tampered))
    page.click("button:has-text('Vérifier')")
    result = page.locator("[data-testid=verify-result]")
    assert result.get_attribute("data-authentic") == "non"
    assert "modifié" in result.inner_text()
    page.screenshot(path=str(tmp_path / "verify-modified.png"), full_page=True)
