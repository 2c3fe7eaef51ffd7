"""Sessions and login: revoked users are out at once (session and remember-me cookies),
no session fixation, strong session protection, cookie flags, throttled guessing."""

from datetime import datetime

import pytest

from app import clock
from app.config import from_environment
from app.models import AuditEvent, User
from app.services import access
from tests.conftest import DEMO_PASSWORD, csrf_token, login


def revoke(username: str) -> None:
    access.revoke_user(User.objects.get(username=username), User.objects.get(username="support"))


def test_revoked_users_old_session_cookie_is_refused(demo, app, client):
    assert login(client, "dir-part1").status_code == 302
    stolen = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    revoke("dir-part1")
    assert client.get("/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_revoking_one_grant_also_ends_the_session(demo, client):
    login(client, "coord1")
    coord = User.objects.get(username="coord1")
    access.revoke_user(coord, User.objects.get(username="support"), coord.grants[0])
    assert client.get("/").status_code == 302


def test_revoked_users_remember_me_cookie_is_refused(demo, app, client):
    login(client, "po-part1", remember=True)
    remember = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert fresh.get("/").status_code == 200  # the cookie works on its own…
    revoke("po-part1")
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert later.get("/").status_code == 302  # …until the access is revoked


def test_login_starts_a_fresh_session(demo, app, client):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["pole_id"] = "planted-before-login"
    before = client.get_cookie("session").value
    login(client, "coord1")
    with client.session_transaction() as sess:
        assert "pole_id" not in sess
    assert client.get_cookie("session").value != before
    # The pre-login cookie (that an attacker could have planted) is still anonymous.
    planted = app.test_client()
    planted.set_cookie("session", before)
    assert planted.get("/").status_code == 302


def test_strong_session_protection_drops_a_moved_session(demo, client):
    login(client, "coord1")
    assert client.get("/").status_code == 200
    response = client.get("/", headers={"User-Agent": "Autre navigateur/1.0"})
    assert response.status_code == 302


def test_cookie_flags(demo, client):
    response = login(client, "coord1", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_secure_cookies_outside_local_demo(monkeypatch):
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.example:27017/epoles")
    monkeypatch.setenv("SECRET_KEY", "production-secret")
    monkeypatch.delenv("EPOLES_LOCAL_DEMO", raising=False)
    config = from_environment()
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    monkeypatch.setenv("MONGODB_URI", "")
    local = from_environment()
    assert not local["SESSION_COOKIE_SECURE"]


@pytest.fixture
def one_window():
    """The throttle counts in 15-minute windows: keep a test inside one."""
    with clock.fixed_now(datetime(2026, 11, 3, 9, 0, 0)):
        yield


def test_failed_logins_are_throttled_per_username(demo, app, client, one_window):
    for _attempt in range(5):
        assert login(client, "coord1", "mauvais").status_code == 200
    sixth = login(client, "coord1", DEMO_PASSWORD)  # even the right password now waits
    html = sixth.get_data(as_text=True)
    assert sixth.status_code == 429
    assert "Trop de mots de passe erronés" in html and 'lang="fr"' in html
    assert AuditEvent.objects(action="lockout", target="user:coord1").count() >= 1
    assert AuditEvent.objects(action="login_failed", target="user:coord1").count() == 5
    # Another account from the same address is not locked.
    assert login(app.test_client(), "coord2").status_code == 302


def test_successful_logins_do_not_count(demo, app, one_window):
    for _attempt in range(7):
        client = app.test_client()
        assert login(client, "coord1").status_code == 302


def test_login_is_throttled_per_address(demo, app, one_window):
    client = app.test_client()
    token = csrf_token(client, "/login")
    codes = [
        client.post(
            "/login",
            data={"username": f"inconnu{i}", "password": "x", "csrf_token": token},
        ).status_code
        for i in range(31)
    ]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    assert AuditEvent.objects(action="login_throttled").count() == 1


def test_unknown_user_and_wrong_password_look_the_same(demo, app):
    one = login(app.test_client(), "coord1", "mauvais").get_data(as_text=True)
    two = login(app.test_client(), "personne", "mauvais").get_data(as_text=True)
    two = two.replace('value="personne"', 'value="coord1"')  # the typed name is kept
    strip = lambda html: "".join(  # noqa: E731
        line for line in html.splitlines() if "csrf" not in line
    )
    assert strip(one) == strip(two)
    assert "Nom d&#39;utilisateur ou mot de passe incorrect." in one


def test_security_events_reach_the_audit_trail(demo, client):
    login(client, "coord1", "mauvais")
    login(client, "coord1")
    revoke("dir-coop1")
    assert client.get("/support/utilisateurs/admin").status_code == 403  # coord1 may not
    support = client.application.test_client()
    login(support, "support")
    assert support.get("/support/utilisateurs/admin").status_code == 404
    actions = set(AuditEvent.objects.distinct("action"))
    assert {"login_failed", "login", "access_revoked", "account_view", "page_refused"} <= actions
    page = AuditEvent.objects.get(action="page_refused")
    assert page.actor == "coord1" and page.outcome == "refused"
    refused = AuditEvent.objects.get(action="account_view")
    assert refused.outcome == "refused" and refused.actor == "support"
