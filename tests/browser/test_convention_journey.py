"""A cooperation convention from the list to the acknowledgment, through the browser only.

coord1 validates the list and completes the articles of pole 1's cooperation convention with
PO 1003 (Herstal), then validates it; po-siege1 and po-coop1 sign, admin approves, dir-coop1
acknowledges. Screenshots of every step page are saved under the test's tmp dir, at
1280×800 and at 1024×700.
"""

import pytest

from app.models import Convention, Pole, School, User
from app.rules.states import Status
from app.services import workflow
from tests.browser.conftest import context_as, shoot, status_of

pytestmark = pytest.mark.browser
VIEWPORTS = [(1280, 800), (1024, 700)]


def _coop_convention(app) -> str:
    """Pole 1's cooperation convention with PO 1003, built if the demo seed has not."""
    with app.app_context():
        pole = Pole.objects(number=1).get()
        coord = User.objects(username="coord1").get()
        for fase in (2113, 2114):
            school = School.objects(fase=fase).get()
            if not Convention.objects(pole=pole.pk, schools__school=school.pk).first():
                workflow.add_school(pole, school, "cooperating", coord)
        conv = Convention.objects(
            pole=pole.pk, schools__school=School.objects(fase=2113).get().pk
        ).get()
        assert conv.status in (Status.DRAFT, Status.LIST_VALIDATED), conv.status
        return str(conv.pk)


def test_cooperation_convention_journey(live_server, browser, tmp_path):
    app, server = live_server.app, live_server
    conv_id = _coop_convention(app)
    conv_url = f"{server.url}/conventions/{conv_id}"
    shots = tmp_path

    # 1. The coordinator: structure page, list, articles, VALIDER.
    context, page = context_as(browser, server, "coord1")
    page.goto(server.url + "/poles/1/structure")
    assert page.get_by_test_id("seat-box").is_visible()
    shoot(page, shots, "01-structure-1280")
    page.get_by_role("link", name="Convention de coopération – Commune de Herstal").click()
    page.wait_for_load_state("networkidle")
    page.goto(conv_url + "?etape=1")
    assert page.get_by_test_id("school-list").is_visible()
    shoot(page, shots, "02-step1-1280")
    if status_of(app, conv_id) == Status.DRAFT:
        page.get_by_test_id("validate-list").click()
        page.wait_for_load_state("networkidle")
        assert "sera verrouillée" in page.content()  # the confirmation page, nothing done yet
        assert status_of(app, conv_id) == Status.DRAFT
        page.get_by_test_id("confirm-button").click()
        page.wait_for_load_state("networkidle")
        assert "La liste des écoles est validée" in page.content()
    page.goto(conv_url + "?etape=2")
    assert page.locator("button:has-text('VALIDER')").is_disabled()
    shoot(page, shots, "03-step2-before-1280")
    for _round in range(20):
        missing = page.locator("details.article-missing")
        if missing.count() == 0:
            break
        first = missing.first
        key = first.get_attribute("data-key")
        first.get_by_test_id("edit-article").click()
        page.wait_for_load_state("networkidle")
        if _round == 0:
            shoot(page, shots, "04-article-form-1280")
        page.fill(
            "textarea[name=body]",
            f"Modalités convenues pour l'article {key} : réunion trimestrielle.",
        )
        page.get_by_test_id("save-article").click()
        page.wait_for_load_state("networkidle")
        assert "a été enregistré" in page.content()
        assert page.locator(f"#article-{key}.article-complete").count() == 1
    assert page.locator("details.article-missing").count() == 0
    shoot(page, shots, "05-step2-complete-1280")
    page.get_by_test_id("validate").click()
    page.wait_for_load_state("networkidle")
    shoot(page, shots, "05b-confirm-validate-1280")
    assert status_of(app, conv_id) == Status.LIST_VALIDATED
    page.get_by_test_id("confirm-button").click()
    page.wait_for_load_state("networkidle")
    assert "verrouillée" in page.content()
    assert status_of(app, conv_id) == Status.VALIDATED
    shoot(page, shots, "06-step3-validated-1280")
    context.close()

    # 2. Both PO delegates sign, each confirming on the page that says what follows.
    for username in ("po-siege1", "po-coop1"):
        context, page = context_as(browser, server, username)
        page.goto(conv_url)
        form = page.get_by_test_id("sign-form")
        assert form.is_visible()
        form.get_by_role("link", name="Signer…").click()
        page.wait_for_load_state("networkidle")
        assert "Signer la convention ?" in page.content()
        shoot(page, shots, f"07-confirm-sign-{username}-1280")
        page.get_by_test_id("confirm-button").click()
        page.wait_for_load_state("networkidle")
        assert "a été enregistrée" in page.content()
        shoot(page, shots, f"07-signed-{username}-1280")
        context.close()
    assert status_of(app, conv_id) == Status.SIGNED

    # 3. The Administration approves.
    context, page = context_as(browser, server, "admin")
    page.goto(conv_url)
    page.get_by_test_id("approve-form").get_by_role("link", name="Approuver…").click()
    page.wait_for_load_state("networkidle")
    assert "Approuver et sceller la convention ?" in page.content()
    assert status_of(app, conv_id) == Status.SIGNED
    page.get_by_role("button", name="Approuver et sceller").click()
    page.wait_for_load_state("networkidle")
    assert status_of(app, conv_id) == Status.APPROVED
    shoot(page, shots, "08-approved-1280")
    context.close()

    # 4. The cooperating school's director acknowledges.
    context, page = context_as(browser, server, "dir-coop1")
    page.goto(conv_url)
    page.get_by_test_id("ack-form").get_by_role("link", name="Prendre connaissance…").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("confirm-button").click()
    page.wait_for_load_state("networkidle")
    assert "Votre prise de connaissance a été enregistrée" in page.content()
    directors = page.get_by_test_id("directors").inner_text()
    assert "Pierre Collard" in directors or "dir-coop1" in directors
    shoot(page, shots, "09-acknowledged-1280")
    context.close()
    with app.app_context():
        conv = Convention.objects(id=conv_id).get()
        assert [a.school.fase for a in conv.acknowledgments] == [2113]

    # 5. Every step page at both sizes, as the coordinator sees it.
    for width, height in VIEWPORTS:
        context, page = context_as(browser, server, "coord1", (width, height))
        for step in (1, 2, 3):
            page.goto(f"{conv_url}?etape={step}")
            shoot(page, shots, f"10-step{step}-{width}")
        page.goto(server.url + "/poles/1/structure")
        shoot(page, shots, f"10-structure-{width}")
        page.goto(server.url + "/poles/1/ajouter/cooperating")
        shoot(page, shots, f"10-picker-{width}")
        context.close()
    print("screenshots:", shots)


def test_structured_articles_in_the_browser(live_server, browser, tmp_path):
    """Points split of pole 3's ressort and a retrocession table, rows added without script."""
    app, server = live_server.app, live_server
    with app.app_context():
        pole3 = Pole.objects(number=3).get()
        specific = workflow.add_school(
            pole3,
            School.objects(fase=2201).get(),
            "specific_partner",
            User.objects(username="coord1").get(),
        )
        ressort = Convention.objects(pole=pole3.pk, kind="ressort").get()
        specific_id, ressort_id = str(specific.pk), str(ressort.pk)
        split_key = next(a.key for a in ressort.articles if a.form == "points_split")
        retro_key = next(a.key for a in specific.articles if a.form == "retrocession")

    context, page = context_as(browser, server, "coord1", (1024, 700))
    page.goto(f"{server.url}/conventions/{ressort_id}/articles/{split_key}")
    page.check("#mode-split")
    page.fill("#percent_0", "70")
    page.fill("#percent_1", "20")
    assert page.get_by_test_id("percent-sum").inner_text() == "90"
    page.get_by_test_id("save-article").click()
    page.wait_for_load_state("networkidle")
    assert "100 %" in page.content()  # refused: the shares must add up to 100 %
    page.fill("#percent_1", "30")
    shoot(page, tmp_path, "20-points-split-1024")
    page.get_by_test_id("save-article").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(f"#article-{split_key}.article-complete").count() == 1
    shoot(page, tmp_path, "21-ressort-step2-1024")

    page.goto(f"{server.url}/conventions/{specific_id}/articles/{retro_key}")
    page.get_by_test_id("add-row").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("add-row").click()
    page.wait_for_load_state("networkidle")
    page.select_option("#function_0", "Logopède")
    page.fill("#count_0_2", "1")  # 2,5/5: a half-time speech therapist
    page.select_option("#function_1", "Kinésithérapeute")
    page.fill("#count_1_5", "1")
    page.get_by_role("button", name="Retirer la ligne 2").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#function_1").count() == 0
    assert page.locator("#function_0").input_value() == "Logopède"
    shoot(page, tmp_path, "22-retrocession-1024")
    page.get_by_test_id("save-article").click()
    page.wait_for_load_state("networkidle")
    assert "Nombre total de points rétrocédés : 62,50" in page.content()
    page.goto(f"{server.url}/conventions/{specific_id}/articles/{retro_key}")
    assert page.get_by_test_id("retro-total").inner_text() == "62,50"
    shoot(page, tmp_path, "23-retrocession-saved-1024")
    context.close()
