"""Anonymous visitors: every URL rule of the application (read from ``app.url_map`` at
collection time, so a new route is covered the day it lands) sends to the login page or
answers 404/405 — never a protected page, never a 500."""

import tempfile
from pathlib import Path

import pytest

from tests.security.conftest import (
    PUBLIC_ENDPOINTS,
    build_path,
    collect_rules,
    is_static,
    rule_id,
)

RULES = [r for r in collect_rules(Path(tempfile.mkdtemp())) if not is_static(r)]


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_anonymous_get_goes_to_login(demo, client, values, rule):
    path = build_path(rule, values)
    response = client.get(path)
    assert response.status_code != 500, path
    if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
        # The bearer API: no login page, a JSON 401.
        assert response.status_code == 401 and response.is_json, path
        return
    if rule.endpoint in PUBLIC_ENDPOINTS:
        assert response.status_code in (200, 302, 400, 404, 405), path
        if response.status_code == 302:
            assert response.location.startswith("/login") or "/login" in response.location
        return
    assert response.status_code in (302, 404, 405), (path, response.status_code)
    if response.status_code == 302:
        assert "/login" in response.location, (path, response.location)


@pytest.mark.parametrize("rule", [r for r in RULES if "POST" in r.methods], ids=rule_id)
def test_anonymous_post_changes_nothing(demo, client, values, rule):
    """Even with a valid CSRF token, an anonymous POST to a protected endpoint is refused."""
    from tests.conftest import csrf_token
    from tests.security.conftest import db_fingerprint

    if rule.endpoint in PUBLIC_ENDPOINTS:
        pytest.skip("public form: covered by the CSRF, injection and upload tests")
    token = csrf_token(client, "/login")
    before = db_fingerprint()
    response = client.post(build_path(rule, values), data={"csrf_token": token})
    assert response.status_code in (302, 400, 403, 404, 405)
    if response.status_code == 302:
        assert "/login" in response.location
    assert db_fingerprint() == before


def test_public_pages_are_reachable(demo, client):
    for path in ("/login", "/health", "/acces/demande", "/acces/revocation"):
        assert client.get(path).status_code == 200, path
