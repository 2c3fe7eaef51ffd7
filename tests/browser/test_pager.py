"""The one pager, as a coordinator picking a school sees it at 1280 and 390 pixels: the
pages around the current one, first and last, and « Suivante » that leads on."""

from app.models import OrganisingAuthority, School
from app.rules.reference import ORDINARY
from tests.browser.conftest import context_as
from tests.browser.test_identity import SHOTS, WIDTHS


def _many_candidates(app, count: int = 130) -> None:
    with app.app_context():
        liege = OrganisingAuthority.objects.get(fase=1001)
        School.objects.insert(
            [
                School(
                    fase=9000 + i,
                    name=f"École de test {i:03d}",
                    city="Testville",
                    po=liege,
                    zone=4,
                    education=ORDINARY,
                    sort_name=f"ecole de test {i:03d}",
                )
                for i in range(count)
            ]
        )


def test_the_pager_of_the_school_picker(app, live_server, browser):
    _many_candidates(app)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, size in WIDTHS.items():
        context, page = context_as(browser, live_server, "coord1", size)
        try:
            page.goto(live_server.url + "/poles/1/ajouter/cooperating?q=testville&page=3")
            pager = page.get_by_role("navigation", name="Pages des écoles proposées")
            assert pager.is_visible()
            assert (
                pager.get_by_role("link", name="3", exact=True).get_attribute("aria-current")
                == "page"
            )
            numbers = pager.get_by_role("link").all_inner_texts()
            assert numbers[0] == "« Précédente" and numbers[-1] == "Suivante »"
            assert "1" in numbers and "6" in numbers and "4" in numbers
            page.screenshot(path=str(SHOTS / f"pager-{width}.png"), full_page=True)
            # No page scrolls sideways on a phone: the pager wraps inside the page, the table
            # scrolls in its box (its screen-reader-only « Action » header included).
            assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
            pager.get_by_role("link", name="Suivante »").click()
            page.wait_for_load_state("networkidle")
            assert "Page 4 / 6" in page.content()
            assert "q=testville" in page.url  # the search is kept from page to page
        finally:
            context.close()
