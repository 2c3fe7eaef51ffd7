"""CSRF: every state-changing endpoint (create, edit, delete, bulk action, inline edit, sign,
acknowledge, approve, revoke, the public forms…) refuses a POST without the token or with the
token of another session — 400, and nothing changed in the database."""

import tempfile
from pathlib import Path

import pytest

from tests.conftest import CSRF_RE, login
from tests.security.conftest import (
    actor_for,
    build_path,
    collect_rules,
    db_fingerprint,
    is_static,
    rule_id,
)

POST_RULES = [
    r for r in collect_rules(Path(tempfile.mkdtemp())) if "POST" in r.methods and not is_static(r)
]


def foreign_token(app) -> str:
    """A valid token, but of another browser's session."""
    other = app.test_client()
    login(other, "admin")
    html = other.get("/").get_data(as_text=True)
    return CSRF_RE.search(html).group(1)


@pytest.mark.parametrize("rule", POST_RULES, ids=rule_id)
@pytest.mark.parametrize("token_kind", ["missing", "foreign"])
def test_post_without_own_token_is_refused(demo, app, client, values, rule, token_kind):
    username = actor_for(rule.endpoint)
    if username:
        assert login(client, username).status_code == 302
    else:
        client.get("/login")  # an anonymous session, as a browser would have
    path = build_path(rule, values)
    data = {
        # Plausible fields for the usual forms: the refusal must not depend on them.
        "username": "coord1",
        "password": "Demo-2026",
        "reason": "motif",
        "grant": "x",
        "rowid": "x",
        "action": "delete",
        "name": "Nouveau nom",
        "body": "Nouveau texte",
        "confirmation": "Demo-2026-Xy",
    }
    if token_kind == "foreign":
        data["csrf_token"] = foreign_token(app)
    before = db_fingerprint()
    response = client.post(path, data=data)
    assert response.status_code == 400, (path, response.status_code)
    assert "jeton de sécurité" in response.get_data(as_text=True)
    assert db_fingerprint() == before, path


def test_every_post_form_of_the_pages_carries_the_token(demo, client, values):
    """The forms the pages render include the token (else users would hit the 400 above)."""
    import re

    login(client, "support")
    pages = [
        "/support/demandes",
        f"/support/demandes/{values['reference']}",
        "/support/utilisateurs/dir-part1",
    ]
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S | re.I)
        assert forms, page
        for form in forms:
            assert 'name="csrf_token"' in form, page
