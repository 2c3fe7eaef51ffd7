"""Security headers on every response: the Content-Security-Policy (no inline script without
the request's nonce, no plugins, no foreign base, no framing) and HSTS over HTTPS only."""

import re

import pytest

from tests.conftest import login

PAGES = ["/login", "/acces/demande", "/page-qui-n-existe-pas", "/static/epoles.css", "/health"]


def _directives(header: str) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_policy(app, client, path):
    response = client.get(path)
    response.close()  # a static file is served from an open file
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_inline_scripts_carry_the_requests_nonce(demo, client):
    login(client, "admin")
    response = client.get("/admin/schools_admin/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    again = client.get("/admin/schools_admin/").headers["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again  # a fresh nonce per response


def test_no_template_has_inline_handlers_or_scripts(demo, client):
    """Our own pages: scripts only from files, no on…= attribute (the policy would refuse it)."""
    login(client, "coord1")
    for path in ["/", "/structure", "/informations-generales", "/guide"]:
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert not re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path


def test_hsts_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://e-poles.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_attack_a_framed_login_page_is_refused(app, client):
    """Clickjacking: a foreign page framing the login form is refused by both headers."""
    response = client.get("/login", headers={"Sec-Fetch-Dest": "iframe"})
    assert _directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
