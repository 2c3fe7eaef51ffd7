"""An administrator searches the schools list in the back office, in a real browser."""

from tests.browser.conftest import log_in


def test_admin_searches_schools(live_server, page, tmp_path):
    log_in(page, live_server, "admin")
    page.goto(live_server.url + "/admin/schools_admin/")
    page.locator("table.model-list").wait_for()
    page.screenshot(path=str(tmp_path / "admin-schools.png"), full_page=True)
    search = page.locator("input[name=search]")
    search.fill("Herstal")
    search.press("Enter")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.model-list tbody tr")
    texts = rows.all_inner_texts()
    assert len(texts) == 2, texts
    assert all("Herstal" in t for t in texts)
    assert "Sainte-Walburge" not in page.content()
    page.screenshot(path=str(tmp_path / "admin-schools-search.png"), full_page=True)
