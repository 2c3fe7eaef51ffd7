"""The convention page shows the sealed PDF's fingerprint, the one the download returns."""

import hashlib

from app.models import Convention
from tests.conftest import login


def test_step3_shows_the_sealed_fingerprint(demo, client):
    ressort = Convention.objects.get(pole_number=1, kind="ressort", parent=None)
    assert ressort.sealed_pdf_sha256
    login(client, "coord1")
    html = client.get(f"/conventions/{ressort.pk}?etape=3").get_data(as_text=True)
    assert 'data-testid="sealed-fingerprint"' in html
    assert ressort.sealed_pdf_sha256 in html
    pdf = client.get(f"/conventions/{ressort.pk}/pdf").data
    assert hashlib.sha256(pdf).hexdigest() == ressort.sealed_pdf_sha256


def test_draft_has_no_fingerprint(demo, client):
    draft = Convention.objects(pole_number=1, status="draft").first()
    login(client, "coord1")
    html = client.get(f"/conventions/{draft.pk}?etape=3").get_data(as_text=True)
    assert 'data-testid="sealed-fingerprint"' not in html
