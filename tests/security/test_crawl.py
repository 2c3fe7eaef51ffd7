"""Every page a demo user can reach by following links answers without a server error."""

import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from app.models import Pole
from tests.conftest import csrf_token, login

ACCOUNTS = ["admin", "gestionnaire", "support", "coord1", "po-part1", "dir-coop1", "coord2"]
LINK_RE = re.compile(r'href="([^"]+)"')
MAX_PAGES = 120
# Links that change state on GET do not exist; these only end the session or leave the site.
SKIP = ("/logout", "/static/", "/admin/static/", "mailto:", "javascript:")


def crawl(client, start: str = "/", pages: dict[str, str] | None = None) -> dict[str, int]:
    """Status of every page reached by links from ``start``; ``pages`` collects their HTML."""
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        if pages is not None:
            pages.setdefault(url, html)
        for href in LINK_RE.findall(html):
            href = urldefrag(unescape(href))[0]
            if not href or href.startswith(SKIP):
                continue
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "localhost":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP) or path in seen:
                continue
            queue.append(path)
    return seen


@pytest.mark.parametrize("account", ACCOUNTS)
def test_no_reachable_page_fails(demo, client, account):
    login(client, account)
    if account == "coord1":  # two poles: work on pole 1, as the selection page offers
        token = csrf_token(client, "/selection-du-pole")
        pole = Pole.objects.get(number=1)
        client.post("/selection-du-pole", data={"csrf_token": token, "pole_id": str(pole.pk)})
    pages = crawl(client)
    errors = {url: code for url, code in pages.items() if code >= 500}
    assert not errors, errors
    assert len(pages) > 5
