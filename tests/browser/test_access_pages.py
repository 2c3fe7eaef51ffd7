"""The access request form and the support queue in a real browser."""

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_request_form_errors_then_support_queue(live_server, page, tmp_path):
    page.goto(live_server.url + "/login")
    page.click("text=Demande d'accès (annexes 1 à 3)")
    page.check("#f-profile-direction")
    page.fill("#f-po_fase", "1002")
    page.fill("#f-school_fase", "2101")  # not a school of PO 1002
    page.fill("#f-person_email", "pas-une-adresse")
    page.click("text=Envoyer la demande d'accès")
    page.screenshot(path=str(tmp_path / "form-errors.png"), full_page=True)
    assert page.locator(".is-invalid").count() >= 5
    assert "n'appartient pas au pouvoir organisateur" in page.inner_text("body")

    fields = {
        "#f-po_name": "ASBL Enseignement spécialisé de la Meuse",
        "#f-po_address": "Quai de Rome 28, 4000 Liège",
        "#f-school_fase": "2103",
        "#f-school_name": "Institut Les Tilleuls",
        "#f-school_address": "Rue des Tilleuls 9, 4020 Liège",
        "#f-signatory_last_name": "Renson",
        "#f-signatory_first_name": "Philippe",
        "#f-person_last_name": "Lambotte",
        "#f-person_first_name": "Camille",
        "#f-person_function": "Directrice",
        "#f-person_email": "camille.lambotte@meuse.example",
        "#f-person_phone": "04 123 45 67",
        "#f-person_username": "clambotte",
    }
    for selector, value in fields.items():
        page.fill(selector, value)
    page.check("#f-signatory_capacity-president_admin")
    page.click("text=Envoyer la demande d'accès")
    reference = page.inner_text("[data-testid=reference]")
    assert reference.startswith("EP-")

    log_in(page, live_server, "support")
    page.click("text=Demandes en attente")
    page.click(f"text={reference}")
    page.screenshot(path=str(tmp_path / "support-detail.png"), full_page=True)
    assert "Direction école partenaire – pôle 1, école FASE 2103" in page.inner_text("body")
    page.click("text=Accepter la demande")
    assert "acceptée" in page.inner_text("body")
