"""Browser tests: the app served on loopback, driven by Debian's chromium via Playwright.

Never ``playwright install`` (no download allowed): the ``playwright`` package drives
``/usr/bin/chromium``. Screenshots go under each test's tmp dir.
"""

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import DEMO_PASSWORD, load_demo_cached

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


class LiveServer:
    def __init__(self, app, url: str) -> None:
        self.app = app
        self.url = url


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The demo app served single-threaded on 127.0.0.1 (like the embedded store requires)."""
    load_demo_cached()
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip("chromium absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-BE")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def log_in(page, server: LiveServer, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def context_as(browser, server: LiveServer, username: str, size=(1280, 800)):
    """A new browser context logged in as ``username`` at ``size``: (context, page)."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-BE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, server, username)
    return context, page


def shoot(page, folder: Path, name: str) -> None:
    """A full-page screenshot ``name``.png in ``folder``."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def status_of(app, conv_id: str) -> str:
    """A convention's status, read from the database behind the live server."""
    from app.models import Convention

    with app.app_context():
        return Convention.objects(id=conv_id).get().status
