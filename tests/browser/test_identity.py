"""One identity for the front and back office, at 1280 and 390 pixels.

Every main page carries the institution's band and footer (legal notices, accessibility,
contact); on a phone the front office's menu folds behind « Menu » and no page scrolls
sideways: wide tables scroll inside their own box. Screenshots of each page at both widths
are written to test-artifacts/screens/ for whoever changes the look to look at.
"""

from pathlib import Path

import pytest

from app.models import Convention, Pole
from tests.browser.conftest import context_as

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screens"
WIDTHS = {"1280": (1280, 800), "390": (390, 844)}


def _pages(app) -> dict[str, list[tuple[str, str]]]:
    """account → [(name, path)]: the main pages of each profile."""
    with app.app_context():
        partnership = Convention.objects(pole_number=1, kind="partnership").first()
        signed = Convention.objects(pole_number=1, status="signed").only("id").first()
    conv = f"/conventions/{partnership.pk}"
    return {
        "coord1": [
            ("accueil", "/"),
            ("structure", "/poles/1/structure"),
            ("convention-etape1", conv + "?etape=1"),
            ("convention-etape3", conv + "?etape=3"),
            ("accessibilite", "/accessibilite"),
        ],
        "po-part1": [
            ("a-signer", "/a-signer"),
            ("confirmer-signature", f"/a-signer/{partnership.pk}"),
            ("confirmer-refus", conv + "/refuser-de-signer"),
        ],
        "admin": [
            ("back-office", "/admin/"),
            ("ecoles", "/admin/schools_admin/"),
            ("ecole-nouvelle", "/admin/schools_admin/new/"),
            ("poles", "/admin/poles_admin/"),
            ("message-nouveau", "/admin/messages_admin/new/"),
            ("conventions", "/admin/conventions_admin/"),
            ("rouvrir", conv + "/rouvrir"),
            *([("confirmer-renvoi", f"/conventions/{signed.pk}/renvoyer")] if signed else []),
        ],
    }


def _choose_pole_one(page, server) -> None:
    with server.app.app_context():
        pole = Pole.objects.get(number=1)
    page.goto(server.url + "/selection-du-pole")
    page.locator(f"form:has(input[name=pole_id][value='{pole.pk}']) button").click()
    page.wait_for_load_state()


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_main_pages_share_the_identity_and_fit_the_screen(live_server, browser, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for account, pages in _pages(live_server.app).items():
        context, page = context_as(browser, live_server, account, size=WIDTHS[width])
        if account == "coord1":
            _choose_pole_one(page, live_server)
        for name, path in pages:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            assert page.get_by_test_id("institution").is_visible(), path
            footer = page.get_by_test_id("footer")
            for label in ("Mentions légales", "Accessibilité", "Contact"):
                assert footer.get_by_role("link", name=label).count() == 1, (path, label)
            if not _no_sideways_scroll(page):
                problems.append(f"{account} {path} at {width}px scrolls sideways")
        context.close()
    assert not problems, problems


def test_the_menu_folds_on_a_phone_and_unfolds_on_demand(live_server, browser):
    context, page = context_as(browser, live_server, "coord1", size=WIDTHS["390"])
    page.goto(live_server.url + "/")
    toggle = page.get_by_role("button", name="Menu", exact=True)
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    guide = page.locator("#ep-menu").get_by_role("link", name="Guide de l'utilisateur")
    assert not guide.is_visible()
    header = page.locator("header").bounding_box()
    assert header["height"] < 200, header  # was 280–335 px of an 844 px screen
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and guide.is_visible()
    page.screenshot(path=str(SHOTS / "menu-ouvert-390.png"), full_page=False)
    context.close()

    context, page = context_as(browser, live_server, "coord1", size=WIDTHS["1280"])
    page.goto(live_server.url + "/")
    assert not page.get_by_role("button", name="Menu", exact=True).is_visible()
    assert page.locator("#ep-menu").get_by_role("link", name="Guide de l'utilisateur").is_visible()
    context.close()


def test_a_wide_back_office_table_scrolls_in_its_box(live_server, browser):
    context, page = context_as(browser, live_server, "admin", size=WIDTHS["390"])
    page.goto(live_server.url + "/admin/conventions_admin/")
    box = page.evaluate(
        """() => { const t = document.querySelector('table.model-list');
                   const b = t.closest('.table-responsive') || t;
                   return {scroll: b.scrollWidth, client: b.clientWidth,
                           overflow: getComputedStyle(b).overflowX}; }"""
    )
    assert box["scroll"] > box["client"] and box["overflow"] in ("auto", "scroll"), box
    assert _no_sideways_scroll(page)
    context.close()


def test_the_browsers_validation_messages_are_french(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + "/mot-de-passe-oublie")
    # The browser's check of a required field left empty (what a submit runs first).
    message = page.eval_on_selector(
        "input[name=username]", "el => { el.checkValidity(); return el.validationMessage; }"
    )
    assert message == "Ce champ est obligatoire : complétez-le.", message
    page.fill("input[name=username]", "coord1")
    assert page.eval_on_selector("input[name=username]", "el => el.validationMessage") == ""
    context.close()
