"""Profiles in the browser: a partner PO delegate signs from « À signer », a coordinator of
two poles picks the pole to work on. Screenshots at 1280×800 and 1024×700 under tmp_path."""

import pytest

from app.models import Convention, Pole
from app.rules.states import Status
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
VIEWPORTS = [(1280, 800), (1024, 700)]


def _awaiting_po_part1(app) -> list[str]:
    """Pole 1's conventions awaiting po-part1 (PO 1002): the demo partnership."""
    with app.app_context():
        pole = Pole.objects.get(number=1)
        return [
            str(c.pk)
            for c in Convention.objects(pole=pole, status=Status.VALIDATED, schools__po_fase=1002)
        ]


def test_po_delegate_signs_from_the_simplified_page(live_server, page, tmp_path):
    awaiting = _awaiting_po_part1(live_server.app)
    assert len(awaiting) == 1
    log_in(page, live_server, "po-part1")
    page.get_by_role("link", name="À signer").first.click()
    page.wait_for_load_state("networkidle")
    cards = page.locator("[data-testid=pending-convention]")
    assert sorted(cards.evaluate_all("els => els.map(e => e.dataset.convention)")) == awaiting
    assert page.locator("[data-testid=signed-convention]").count() == 0
    # No back-office chrome on the simplified page.
    assert page.locator(".admin-menu, #admin-navbar").count() == 0
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"a-signer-{width}.png"), full_page=False)

    card = cards.first
    card.locator("summary", has_text="Lire l'intégralité").click()
    assert card.get_by_text("Article 4").first.is_visible()
    page.screenshot(path=str(tmp_path / "a-signer-lecture.png"), full_page=False)

    # « Signer… » opens the confirmation page: what the signature commits to, nothing yet …
    card.get_by_role("link", name="Signer…").click()
    page.wait_for_load_state("networkidle")
    assert "Signer la convention ?" in page.content()
    page.screenshot(path=str(tmp_path / "a-signer-confirmation.png"), full_page=True)
    page.get_by_test_id("confirm-cancel").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=signed-convention]").count() == 0
    # … then confirmed: signed.
    card.get_by_role("link", name="Signer…").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("confirm-button").click()
    page.wait_for_load_state("networkidle")
    assert "Votre signature au nom de ASBL Enseignement spécialisé de la Meuse" in page.content()
    assert page.locator("[data-testid=pending-convention]").count() == 0
    signed = page.locator("[data-testid=signed-convention]")
    assert signed.count() == 1
    assert signed.first.get_attribute("data-convention") == awaiting[0]
    assert (
        "Signée au nom de ASBL Enseignement spécialisé de la Meuse le" in signed.first.inner_text()
    )
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"signee-{width}.png"), full_page=False)
    with live_server.app.app_context():
        conv = Convention.objects.get(id=awaiting[0])
        assert {s.username for s in conv.signatures} >= {"po-part1"}


def test_coordinator_of_two_poles_picks_pole_3(live_server, page, tmp_path):
    log_in(page, live_server, "coord1")
    assert page.locator("[data-testid=current-pole]").count() == 0
    page.get_by_role("link", name="Sélection du pôle").click()
    page.wait_for_load_state("networkidle")
    choices = page.locator("[data-testid=pole-choices] li")
    assert choices.count() == 2
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"selection-{width}.png"), full_page=False)
    page.get_by_role("button", name="Sélectionner le pôle 3").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/poles/3/structure")
    badge = page.locator("[data-testid=current-pole]")
    assert badge.inner_text().startswith("Pôle 3 –")
    page.goto(live_server.url + "/")
    assert page.locator("[data-testid=current-pole]").inner_text().startswith("Pôle 3 –")
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"accueil-{width}.png"), full_page=False)


def test_help_switch_is_remembered(live_server, page, tmp_path):
    log_in(page, live_server, "dir-siege1")
    page.get_by_role("link", name="À prendre connaissance").first.click()
    page.wait_for_load_state("networkidle")
    tip = page.locator(".help-tip").first
    assert tip.is_visible()
    page.screenshot(path=str(tmp_path / "connaissance-1280.png"), full_page=False)
    page.get_by_role("button", name="Aide contextuelle : activée").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/a-prendre-connaissance")
    assert not page.locator(".help-tip").first.is_visible()
    page.goto(live_server.url + "/")
    assert page.get_by_role("button", name="Aide contextuelle : désactivée").is_visible()
