"""Login, logout, bad passwords, CSRF, deactivated users."""

from html import unescape

from app.models import AuditEvent, User
from tests.conftest import DEMO_PASSWORD, csrf_token, login


def test_login_page_is_french_and_lists_demo_accounts(demo, client):
    html = client.get("/login").get_data(as_text=True)
    assert "Connexion à e-Pôles" in html
    assert 'lang="fr"' in html
    assert "po-part1" in html and DEMO_PASSWORD in html


def test_login_page_hides_demo_accounts_without_demo_data(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Comptes de démonstration" not in html


def test_login_and_logout(demo, client):
    response = login(client, "coord1")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects(action="login", actor="coord1").count() == 1


def test_bad_password_gives_generic_message(demo, client):
    response = login(client, "coord1", "wrong")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Nom d'utilisateur ou mot de passe incorrect." in html
    unknown = unescape(login(client, "nobody", "wrong").get_data(as_text=True))
    assert "Nom d'utilisateur ou mot de passe incorrect." in unknown
    assert client.get("/").status_code == 302
    assert AuditEvent.objects(action="login_failed", outcome="refused").count() == 2


def test_post_without_csrf_is_rejected(demo, client):
    response = client.post("/login", data={"username": "coord1", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "jeton de sécurité" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.location


def test_deactivated_user_is_logged_out_at_next_request(demo, client):
    login(client, "coord1")
    assert client.get("/").status_code == 200
    User.objects(username="coord1").update_one(set__active=False)
    assert client.get("/").status_code == 302


def test_rotated_token_ends_the_session(demo, client):
    login(client, "coord1")
    user = User.objects.get(username="coord1")
    user.rotate_session_token()
    user.save()
    assert client.get("/").status_code == 302


def test_login_redirects_only_to_local_next(demo, client):
    token = csrf_token(client)
    response = client.post(
        "/login?next=//evil.example/x",
        data={"username": "coord1", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert "evil.example" not in response.location


def test_principal_identity_is_built_from_grants(demo, client):
    from flask import g
    from flask_principal import RoleNeed

    login(client, "coord1")
    with client:
        client.get("/")
        provides = g.identity.provides
        assert RoleNeed("coordinator") in provides
        assert RoleNeed("administration") not in provides
        poles = {value for kind, value in provides if kind == "coordinator:pole"}
        assert len(poles) == 2
