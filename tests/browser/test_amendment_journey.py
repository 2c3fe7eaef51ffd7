"""The yearly amendment of pole 1's ressort, through the browser only (issue 11).

coord1 drafts it from the approved ressort's page, sets the new split and a motivation and
validates it; po-siege1 signs, admin approves (sealed PDF), the three directors acknowledge; the
ressort's page then shows the amendment in force for 2027-2028. Screenshots of the parent
and the amendment at 1280 and 390 px wide go under the test's tmp dir (or
``EPOLES_SCREENSHOTS`` when set).
"""

import os
from pathlib import Path

import pytest

from app.models import Convention, User
from app.rules.states import Kind, Status
from app.services import workflow
from tests.browser.conftest import context_as, shoot, status_of

pytestmark = pytest.mark.browser
VIEWPORTS = [(1280, 800), (390, 844)]


def test_amendment_drafted_signed_approved_acknowledged(live_server, browser, tmp_path):
    app, server = live_server.app, live_server
    shots = Path(os.environ.get("EPOLES_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        ressort = Convention.objects(pole_number=1, kind=Kind.RESSORT, parent=None).get()
        ressort_id = str(ressort.pk)
        # The demo's draft amendment goes (the back office may delete a draft): the
        # coordinator drafts it again through the page.
        admin = User.objects.get(username="admin")
        for draft in Convention.objects(parent=ressort.pk):
            workflow.delete_convention(draft, admin)
    parent_url = f"{server.url}/conventions/{ressort_id}"

    # 1. The coordinator drafts the amendment from the approved ressort.
    context, page = context_as(browser, server, "coord1")
    page.goto(parent_url)
    table = page.get_by_test_id("points-by-year")
    assert "Tous les points à l'école siège" in table.inner_text()
    form = page.get_by_test_id("start-amendment")
    assert "2027-2028" in form.inner_text()
    shoot(page, shots, "01-ressort-before-1280")
    form.get_by_role("button", name="Rédiger l'avenant").click()
    page.wait_for_load_state("networkidle")
    assert "L'avenant 2027-2028 est créé" in page.content()
    with app.app_context():
        amendment_id = str(Convention.objects(parent=ressort_id).get().pk)
    amendment_url = f"{server.url}/conventions/{amendment_id}"
    assert page.url.startswith(amendment_url)
    assert page.get_by_test_id("amendment-of").is_visible()
    shoot(page, shots, "02-amendment-draft-1280")

    page.locator("#article-5").get_by_test_id("edit-article").click()
    page.wait_for_load_state("networkidle")
    page.check("#mode-split")
    page.fill("#percent_0", "100")
    shoot(page, shots, "03-amendment-points-1280")
    page.get_by_test_id("save-article").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#article-5.article-complete").count() == 1
    page.locator("#article-motivation summary").click()  # optional: shown folded
    page.locator("#article-motivation").get_by_test_id("edit-article").click()
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=body]", "La clé reste au siège ; elle est reconduite explicitement.")
    page.get_by_test_id("save-article").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("validate").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("confirm-button").click()
    page.wait_for_load_state("networkidle")
    assert "verrouillée" in page.content()
    assert status_of(app, amendment_id) == Status.VALIDATED
    context.close()

    # 2. The seat PO delegate signs it (the ressort's only signatory), from « À signer ».
    context, page = context_as(browser, server, "po-siege1")
    page.goto(server.url + "/a-signer")
    assert "Avenant 2027-2028 – Ressort" in page.content()
    page.goto(amendment_url)
    page.get_by_test_id("sign-form").get_by_role("link", name="Signer…").click()
    page.wait_for_load_state("networkidle")
    assert "Signer la convention ?" in page.content()
    page.get_by_test_id("confirm-button").click()
    page.wait_for_load_state("networkidle")
    assert "a été enregistrée" in page.content()
    assert status_of(app, amendment_id) == Status.SIGNED
    context.close()

    # 3. The Administration approves: its own sealed PDF.
    context, page = context_as(browser, server, "admin")
    page.goto(amendment_url)
    page.get_by_test_id("approve-form").get_by_role("link", name="Approuver…").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Approuver et sceller").click()
    page.wait_for_load_state("networkidle")
    assert status_of(app, amendment_id) == Status.APPROVED
    pdf = page.request.get(amendment_url + "/pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    context.close()

    # 4. The directors of the seat and of both cooperating schools acknowledge it.
    for username in ("dir-siege1", "dir-ress1", "dir-ress2"):
        context, page = context_as(browser, server, username)
        page.goto(amendment_url)
        page.get_by_test_id("ack-form").get_by_role("link", name="Prendre connaissance…").click()
        page.wait_for_load_state("networkidle")
        page.get_by_test_id("confirm-button").click()
        page.wait_for_load_state("networkidle")
        assert "Votre prise de connaissance a été enregistrée" in page.content()
        context.close()
    assert status_of(app, amendment_id) == Status.ACKNOWLEDGED

    # 5. The ressort shows the amendment in force for 2027-2028; both pages at both widths.
    for width, height in VIEWPORTS:
        context, page = context_as(browser, server, "coord1", (width, height))
        page.goto(parent_url)
        row = page.locator("tr[data-year='2027-2028']").inner_text()
        assert "Avenant 2027-2028" in row and "100" in row
        shoot(page, shots, f"10-ressort-after-{width}")
        for step in (2, 3):
            page.goto(f"{amendment_url}?etape={step}")
            shoot(page, shots, f"11-amendment-step{step}-{width}")
        context.close()
    print("screenshots:", shots)
