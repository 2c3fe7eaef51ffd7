"""The Content-Security-Policy refuses inline scripts, and the pages still work under it.

In a real browser (Debian's chromium), with the policy enforced: every page a back-office
profile reaches by links, then Flask-Admin's own behaviour driven by hand (filters, bulk
actions and their confirmation, the row delete confirmation, the date picker, select2). The
article page's running total, now a served script, is driven by test_convention_journey.
Any ``securitypolicyviolation`` event or "Refused to…" console message fails the test,
naming the page.
"""

from app.models import Message
from tests.browser.conftest import log_in
from tests.browser.test_conformance import reachable_pages

# Collected in the page before any of its own scripts runs (the driver's init script is not
# subject to the page's policy).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
                    + (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


class Watcher:
    """Every CSP refusal seen by one browser context, with the page it happened on."""

    def __init__(self, context) -> None:
        self.problems: list[str] = []
        context.add_init_script(WATCH)

    def attach(self, page) -> None:
        page.on(
            "console",
            lambda msg: (
                self.problems.append(f"{page.url}: {msg.text}")
                if "Content Security Policy" in msg.text or "Refused to" in msg.text
                else None
            ),
        )

    def collect(self, page) -> None:
        try:
            seen = page.evaluate("window.__csp || []")
        except Exception:  # the page is navigating: its events were reported to the console
            return
        self.problems.extend(f"{page.url}: {item}" for item in seen)


def _session(browser, live_server, account: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-BE")
    watcher = Watcher(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watcher.attach(page)
    log_in(page, live_server, account)
    return context, page, watcher


def test_every_back_office_page_runs_under_the_policy(live_server, browser):
    """No violation on any page admin, data manager or support reach by links."""
    problems: list[str] = []
    visited = 0
    for account in ("admin", "gestionnaire", "support"):
        urls = list(reachable_pages(live_server.app.test_client(), account))
        context, page, watcher = _session(browser, live_server, account)
        for url in urls:
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            watcher.collect(page)
            visited += 1
        problems += watcher.problems
        context.close()
    assert visited > 30
    assert not problems, "\n".join(problems[:40])


def test_flask_admin_behaviour_works_under_the_policy(live_server, browser):
    context, page, watcher = _session(browser, live_server, "admin")

    # The policy is enforced and the watcher sees it: an injected inline handler never runs.
    page.goto(live_server.url + "/admin/messages_admin/")
    page.evaluate(
        """() => { const b = document.createElement("button");
                   b.setAttribute("onclick", "window.__ran = 1");
                   document.body.appendChild(b); b.click(); }"""
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    assert "script-src" in page.evaluate("window.__csp[0]")
    page.evaluate("window.__csp = []")
    watcher.problems.clear()

    # Filters: « Ajouter un filtre » opens its menu and adds a filter row.
    page.goto(live_server.url + "/admin/messages_admin/")
    page.locator("a.nav-link.dropdown-toggle", has_text="filtre").first.click()
    page.locator(".field-filters a.filter").first.click()
    page.locator("#filter_form .filter-op").first.wait_for()
    assert page.locator("#filter_form tr").count() >= 1
    watcher.collect(page)

    # The date picker of a date filter (« Publié à partir du ») opens.
    page.goto(live_server.url + "/admin/messages_admin/")
    page.locator("a.nav-link.dropdown-toggle", has_text="filtre").first.click()
    page.locator(".field-filters a.filter", has_text="Publié").first.click()
    page.locator("#filter_form input.filter-val[data-date-format]").first.click()
    page.locator(".daterangepicker").first.wait_for(state="visible")
    watcher.collect(page)

    # The edit form: select2 dropdowns are built (Flask-Admin's form.js ran).
    page.goto(live_server.url + "/admin/messages_admin/new/")
    assert page.locator(".select2-container").count() >= 1

    # Bulk delete of a message: the menu action asks for confirmation, then deletes.
    target = Message.objects.first()
    page.goto(live_server.url + "/admin/messages_admin/")
    page.locator(f"input.action-checkbox[value='{target.pk}']").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("a.dropdown-toggle", has_text="sélection").click()
    with page.expect_navigation():
        page.locator("[data-model-action=delete]").click()
    assert Message.objects(pk=target.pk).first() is None
    watcher.collect(page)

    # The row delete button leads to its confirmation page (no JavaScript dialog): cancelling
    # there deletes nothing.
    other = Message.objects.first()
    page.goto(live_server.url + "/admin/messages_admin/")
    page.locator(f"form:has(input[name=id][value='{other.pk}']) button[type=submit]").click()
    page.wait_for_load_state()
    assert "Supprimer cet enregistrement ?" in page.content()
    page.get_by_test_id("confirm-cancel").click()
    page.wait_for_load_state()
    assert Message.objects(pk=other.pk).first() is not None
    watcher.collect(page)

    # A javascript: link (the current page of the pager, the « Liste » tab) does nothing.
    page.locator("a.nav-link.active[href^='javascript:']").first.click()
    watcher.collect(page)

    context.close()
    assert not watcher.problems, "\n".join(watcher.problems)
