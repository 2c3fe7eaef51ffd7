"""The Administration's dashboard in a browser: admin lands on it, reads pole 1 by stage and
its late conventions, follows a number to the filtered list, approves from « À approuver »;
screenshots at 1280 and 390 px (kept in /tmp/dashboard-shots for a look)."""

from datetime import date
from pathlib import Path

from app import clock
from tests.browser.conftest import log_in

SHOTS = Path("/tmp/dashboard-shots")


def test_dashboard_at_two_widths(live_server, browser):
    SHOTS.mkdir(exist_ok=True)
    with clock.fixed_today(date(2026, 10, 20)):  # after the 2026-2027 campaign deadline
        for width in (1280, 390):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-BE")
            page = context.new_page()
            page.set_default_timeout(15_000)
            log_in(page, live_server, "admin")
            page.goto(live_server.url + "/admin/")
            assert "Tableau de bord de la campagne" in page.inner_text("h1")
            row = page.locator('[data-testid=by-pole] tr[data-pole="1"]')
            assert row.count() == 1
            assert page.locator("[data-testid=late] tr[data-convention]").count() >= 1
            assert page.locator("svg.ep-chart-bar").count() >= 4
            page.screenshot(path=str(SHOTS / f"dashboard-{width}.png"), full_page=True)
            context.close()
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-BE")
        page = context.new_page()
        log_in(page, live_server, "admin")
        page.goto(live_server.url + "/admin/")
        # the « Signée » count of pole 1 opens the list of that one convention
        page.locator('[data-testid=by-pole] tr[data-pole="1"] td').nth(3).locator("a").click()
        page.wait_for_load_state("networkidle")
        assert "conventions_admin" in page.url
        assert "Convention de partenariat spécifique" in page.inner_text("body")
        page.goto(live_server.url + "/admin/a-approuver/")
        page.screenshot(path=str(SHOTS / "approvals-1280.png"), full_page=True)
        page.get_by_test_id("approve-form").get_by_role("link", name="Approuver…").click()
        page.wait_for_load_state("networkidle")
        assert "Approuver et sceller la convention ?" in page.content()
        page.screenshot(path=str(SHOTS / "approve-confirm-390.png"), full_page=True)
        page.get_by_role("button", name="Approuver et sceller").click()
        page.wait_for_load_state("networkidle")
        assert "a-approuver" in page.url
        assert "est approuvée" in page.inner_text("body")
        context.close()
