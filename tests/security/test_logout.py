"""Logout ends the session for good: a cookie copied before ``POST /logout`` opens nothing
afterwards (session cookie and remember-me cookie alike)."""

from app.models import User
from tests.conftest import csrf_token, login


def _logout(client) -> None:
    token = csrf_token(client, "/logout")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_session_cookie_copied_before_logout_is_dead_after(demo, app, client):
    assert login(client, "coord1").status_code == 302
    stolen = client.get_cookie("session").value
    before = User.objects.get(username="coord1").session_token
    _logout(client)
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.location
    assert User.objects.get(username="coord1").session_token != before


def test_remember_me_cookie_copied_before_logout_is_dead_after(demo, app, client):
    login(client, "po-part1", remember=True)
    remember = client.get_cookie("remember_token").value
    _logout(client)
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_the_user_can_log_in_again_after_logout(demo, client):
    login(client, "coord1")
    _logout(client)
    assert login(client, "coord1").status_code == 302
    assert client.get("/").status_code == 200
