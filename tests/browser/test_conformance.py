"""Accessibility and HTML conformance of every page each profile reaches by links.

- axe-core (WCAG 2.1 A and AA rules, from npm, injected into Debian's chromium): no serious or
  critical violation;
- the Nu HTML Checker (vnu-jar from npm, on Debian's Java): no error.

The crawl is the one of ``tests/security/test_crawl.py``. Pages built from the same template
(the same path once ids and numbers are masked, the same query parameter names) are checked
once per profile: what differs between them is data, not markup. A failure names the page,
the rule and the element, so whoever added the page can fix it at once. There is no
allow-list: any finding fails.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from app.models import Pole
from tests.browser.conftest import log_in
from tests.conftest import csrf_token, login
from tests.security.test_crawl import crawl

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PROFILES = [None, "admin", "gestionnaire", "support", "coord1", "po-part1", "dir-coop1"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")
# Pages an anonymous visitor reaches without links from the home page.
ANONYMOUS_STARTS = ["/login", "/acces/demande", "/acces/revocation", "/page-qui-n-existe-pas"]
# Pages a profile reaches through a GET form rather than a link (the dashboard's « rappel »).
ACCOUNT_STARTS = {"admin": ["/admin/rappels/?annee=2026-2027&pole=1&pole=2"]}
# Sorting and paging a list change its rows, not its markup.
LIST_STATE = {"sort", "desc", "page", "page_size"}
# Flask-Admin's list filters (flt0_12=…): the same list template, filtered (the dashboard's
# numbers link to them).
FILTER_ARG = re.compile(r"^flt\d+_\d+$")
_MASK = re.compile(r"/(?:[0-9a-f]{24}|\d+|[A-Z0-9]{2,}-[A-Z0-9-]+)(?=/|$)")


def _report(checker: str, found: set[tuple[str, str, str]]) -> None:
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    out = ROOT / "test-artifacts" / f"{checker}-findings.json"
    out.write_text(json.dumps(sorted(found), ensure_ascii=False, indent=1), encoding="utf-8")


def template_key(url: str) -> str:
    """The same page template: path with ids, numbers and references masked, query names."""
    parts = urlsplit(url)
    names = sorted(
        {
            n
            for n, _ in parse_qsl(parts.query, keep_blank_values=True)
            if n not in LIST_STATE and not FILTER_ARG.match(n)
        }
    )
    return _MASK.sub("/_", parts.path) + ("?" + "&".join(names) if names else "")


def _missing(tool: Path) -> None:
    message = f"{tool.relative_to(ROOT)} absent: run `make test` (npm ci) first"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _choose_pole_one(client) -> None:
    token = csrf_token(client, "/selection-du-pole")
    pole = Pole.objects.get(number=1)
    client.post("/selection-du-pole", data={"csrf_token": token, "pole_id": str(pole.pk)})


def confirmation_starts(account: str | None) -> list[str]:
    """Pages the crawl of ``account`` would reach past its page limit, or only through a
    search form: the confirmation pages of irreversible steps (app.views.confirm)."""
    from app.models import Convention

    def first(status: str) -> str | None:
        conv = Convention.objects(pole_number=1, status=status).only("id").first()
        return str(conv.pk) if conv else None

    if account == "admin":
        signed, validated, listed = first("signed"), first("validated"), first("list_validated")
        return [
            *([f"/conventions/{signed}/approuver"] if signed else []),
            *([f"/conventions/{validated}/rouvrir"] if validated else []),
            *([f"/conventions/{listed}/rouvrir-liste"] if listed else []),
            *([f"/gestion/poles/1/conventions/{listed}/rouvrir-liste"] if listed else []),
        ]
    if account == "support":  # accounts are found by searching: start at one
        return ["/support/utilisateurs/coord1"]
    return []


def reachable_pages(client, account: str | None) -> dict[str, str]:
    """One URL per template key → its HTML, as ``account`` (None: anonymous) reaches them."""
    if account:
        login(client, account)
        if account == "coord1":
            _choose_pole_one(client)
        starts = ["/", *ACCOUNT_STARTS.get(account, []), *confirmation_starts(account)]
    else:
        starts = ["/", *ANONYMOUS_STARTS]
    pages: dict[str, str] = {}
    for start in starts:
        crawl(client, start, pages=pages)
    distinct: dict[str, str] = {}
    for url in pages:
        distinct.setdefault(template_key(url), url)
    return {url: pages[url] for url in distinct.values()}


def _page_of(files: dict[str, str], url: str) -> str:
    """The profile and page a checker message is about (vnu answers with file: URLs)."""
    for path, page in files.items():
        if url.endswith(path):
            return page
    return url


def test_every_reachable_page_is_valid_html(demo, tmp_path):
    """One JVM for every profile's distinct pages; error pages (404) are checked too."""
    if not VNU.exists():
        _missing(VNU)
    if not shutil.which("java"):
        pytest.fail("java absent: apt-get install default-jre-headless")
    files: dict[str, str] = {}
    for account in PROFILES:
        client = demo.test_client()
        for n, (url, html) in enumerate(reachable_pages(client, account).items()):
            path = tmp_path / f"{account or 'anonyme'}-{n:03d}.html"
            path.write_text(html, encoding="utf-8")
            files[str(path)] = f"{account or 'anonyme'} {url}"
    result = subprocess.run(
        ["java", "-Xss16m", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors, found = [], set()
    for m in messages:
        if m.get("type") not in ("error", "non-document-error"):
            continue
        where = _page_of(files, m.get("url", ""))
        profile, _, url = where.partition(" ")
        item = (profile, template_key(url), m["message"])
        found.add(item)
        extract = " ".join(m.get("extract", "").split())[:120]
        errors.append(f"{where} l.{m.get('lastLine')}: {m['message']} — {extract}")
    _report("vnu", found)
    print(f"vnu: {len(files)} pages, {len(found)} kinds of error, {len(errors)} errors")
    assert len(files) > 20
    assert not errors, f"{len(errors)} erreurs HTML:\n" + "\n".join(errors[:60])


@pytest.mark.parametrize("account", PROFILES, ids=lambda a: a or "anonyme")
def test_no_serious_accessibility_violation(live_server, browser, account):
    if not AXE.exists():
        _missing(AXE)
    client = live_server.app.test_client()
    urls = list(reachable_pages(client, account))
    # The content security policy would refuse the injected axe script: bypass it here only.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    if account:
        log_in(page, live_server, account)
        if account == "coord1":
            pole = Pole.objects.get(number=1)
            page.goto(live_server.url + "/selection-du-pole")
            page.locator(f"form:has(input[name=pole_id][value='{pole.pk}']) button").click()
            page.wait_for_load_state()
    script = AXE.read_text(encoding="utf-8")
    problems: list[str] = []
    found: set[tuple[str, str, str]] = set()
    profile = account or "anonyme"
    for url in urls:
        page.goto(live_server.url + url)
        page.add_script_tag(content=script)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        for violation in result["violations"]:
            if violation["impact"] not in SERIOUS:
                continue
            item = (profile, template_key(url), violation["id"])
            found.add(item)
            for node in violation["nodes"][:3]:
                problems.append(
                    f"{url} [{violation['id']}, {violation['impact']}] "
                    f"{' '.join(node['target'])}: {node.get('failureSummary', '')[:200]}"
                )
    context.close()
    _report(f"axe-{profile}", found)
    print(f"axe {account or 'anonyme'}: {len(urls)} pages, {len(problems)} violations")
    assert urls
    assert not problems, f"{len(problems)} violations graves:\n" + "\n".join(problems[:60])
