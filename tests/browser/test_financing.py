"""The team simulator in a browser: build two scenarios, one breaking the 80/20 rule, compare
them side by side; screenshots at 1280 and 390 px (under the test's tmp dir)."""

from pathlib import Path

from tests.browser.conftest import log_in

SHOTS = Path("/tmp/financing-shots")


def _fill(page, name: str, lines: list[tuple[str, str, int]]) -> None:
    page.fill("input[name=name]", name)
    for i, (code, workload, count) in enumerate(lines):
        page.select_option(f"select[name=code_{i}]", code)
        page.select_option(f"select[name=workload_{i}]", workload)
        page.fill(f"input[name=count_{i}]", str(count))
    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")


def test_build_and_compare_two_scenarios(live_server, browser, tmp_path):
    server = live_server
    folder = tmp_path
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-BE")
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, server, "coord1")
        page.goto(server.url + "/poles/1/financement")
        assert page.get_by_test_id("envelope-total").inner_text() == "2\u202f335,00"
        assert page.get_by_test_id("demo-values").is_visible()
        page.screenshot(path=str(folder / f"financement-{width}.png"), full_page=True)
        page.goto(server.url + "/poles/1/simulations?nouveau=1")
        suffix = f" {width}"
        _fill(
            page,
            "Complète" + suffix,
            [("COORD", "5/5", 1), ("INST", "5/5", 10), ("LOGO", "5/5", 4), ("PSY", "5/5", 2)],
        )
        assert page.get_by_test_id("checks-ok").is_visible()
        page.screenshot(path=str(folder / f"scenario-ok-{width}.png"), full_page=True)
        page.goto(server.url + "/poles/1/simulations?nouveau=1")
        _fill(
            page,
            "Réduite" + suffix,
            [("COORD", "5/5", 1), ("INST", "5/5", 12), ("EDUC", "2,5/5", 8)],
        )
        failed = page.get_by_test_id("checks-failed")
        assert failed.is_visible()
        assert "Règle des 80 % / 20 % non respectée" in failed.inner_text()
        page.screenshot(path=str(folder / f"scenario-failed-{width}.png"), full_page=True)
        page.goto(server.url + "/poles/1/simulations")
        page.get_by_label("Comparer « Complète" + suffix + " »").check()
        page.get_by_label("Comparer « Réduite" + suffix + " »").check()
        page.click("text=Comparer les scénarios cochés")
        page.wait_for_load_state("networkidle")
        table = page.get_by_test_id("comparison")
        assert "Complète" + suffix in table.inner_text()
        assert "non respectée" in table.inner_text()
        page.screenshot(path=str(folder / f"comparaison-{width}.png"), full_page=True)
        with page.expect_download() as download:
            page.click("text=Exporter la comparaison en PDF")
        assert download.value.suggested_filename == "pole-1-simulation.pdf"
        context.close()
    for shot in folder.glob("*.png"):
        (SHOTS / shot.name).write_bytes(shot.read_bytes())
