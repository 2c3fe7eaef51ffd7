"""A user's own password, sent as the attacks on it: a session cookie stolen before a
password change is dead after it; a stolen session cannot change the password without the
current one; « Mot de passe oublié ? » sends its one-hour, one-time link only to the e-mail
on file, answers the same for an unknown account, and is throttled."""

import re
import time
from datetime import datetime, timedelta
from html import unescape

import pytest

from app import clock
from app.models import AuditEvent, OutboxMessage, PasswordToken, User
from app.services.access import RESET_ANSWER
from tests.conftest import DEMO_PASSWORD, csrf_token, login

NEW = "Nouveau-Secret-2027"
LINK_RE = re.compile(r"/mot-de-passe/([A-Za-z0-9_-]{20,})")


def _change(client, current: str, new: str, confirmation: str | None = None):
    token = csrf_token(client, "/mon-compte/mot-de-passe")
    return client.post(
        "/mon-compte/mot-de-passe",
        data={
            "current": current,
            "password": new,
            "confirmation": new if confirmation is None else confirmation,
            "csrf_token": token,
        },
    )


def test_changing_the_password_ends_every_other_session_but_this_one(demo, app, client):
    login(client, "coord1")
    stolen = app.test_client()
    login(stolen, "coord1")
    assert stolen.get("/").status_code == 200
    response = _change(client, DEMO_PASSWORD, NEW)
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session goes on
    replay = stolen.get("/")
    assert replay.status_code == 302 and "/login" in replay.location
    assert login(app.test_client(), "coord1", DEMO_PASSWORD).status_code == 200  # old one fails
    assert login(app.test_client(), "coord1", NEW).status_code == 302
    assert AuditEvent.objects(action="password_changed", target="user:coord1").count() == 1


def test_a_stolen_session_cannot_change_the_password_without_the_current_one(demo, client):
    login(client, "coord1")
    before = User.objects.get(username="coord1")
    response = _change(client, "devine-peut-etre", NEW)
    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect" in unescape(response.get_data(as_text=True))
    after = User.objects.get(username="coord1")
    assert (after.password_hash, after.session_token) == (
        before.password_hash,
        before.session_token,
    )


@pytest.mark.parametrize(
    ("new", "confirmation", "said"),
    [
        ("court1A", None, "au moins 10 caractères"),
        ("sans-chiffre-Abc", None, "au moins un chiffre"),
        ("Claire-2027-xyz", None, "votre prénom"),
        ("Coord1-secret-X", None, "votre nom d'utilisateur"),
        (NEW, "Autre-Chose-2027", "pas identiques"),
        (DEMO_PASSWORD, None, "différent de l'actuel"),
    ],
)
def test_the_new_password_follows_the_circulars_rule(demo, client, new, confirmation, said):
    login(client, "coord1")
    before = User.objects.get(username="coord1").password_hash
    response = _change(client, DEMO_PASSWORD, new, confirmation)
    assert response.status_code == 400
    assert said in unescape(response.get_data(as_text=True))
    assert User.objects.get(username="coord1").password_hash == before


def test_guessing_the_current_password_is_throttled(demo, client):
    login(client, "coord1")
    for n in range(5):
        assert _change(client, f"essai{n}", NEW).status_code == 400
    response = _change(client, DEMO_PASSWORD, NEW)
    assert response.status_code == 429
    assert "depuis votre adresse" in unescape(response.get_data(as_text=True))


def _forgot(client, username: str, **extra):
    token = csrf_token(client, "/mot-de-passe-oublie")
    return client.post(
        "/mot-de-passe-oublie", data={"username": username, "csrf_token": token, **extra}
    )


def test_the_login_page_offers_the_reset(demo, client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/mot-de-passe-oublie"' in html and "Mot de passe oublié ?" in html


def test_reset_link_goes_only_to_the_email_on_file_and_lasts_one_hour(demo, app, client):
    response = _forgot(client, "coord1", email="pirate@example.org", to="pirate@example.org")
    assert response.status_code == 302
    mails = list(OutboxMessage.objects)
    assert [m.to for m in mails] == ["claire.lejeune@liege.example"]
    assert "valable une heure" in mails[0].body
    token = LINK_RE.search(mails[0].body).group(1)
    stored = PasswordToken.objects.get()
    assert stored.expires_at - stored.created_at == timedelta(hours=1)
    # Past the hour the link is dead; within it, it works once.
    with clock.fixed_now(stored.created_at + timedelta(minutes=61)):
        assert app.test_client().get(f"/mot-de-passe/{token}").status_code == 404
    setter = app.test_client()
    page = f"/mot-de-passe/{token}"
    data = {"password": NEW, "confirmation": NEW, "csrf_token": csrf_token(setter, page)}
    assert setter.post(page, data=data).status_code == 302
    assert setter.post(page, data=data).status_code == 404
    assert login(app.test_client(), "coord1", NEW).status_code == 302


def test_unknown_and_known_accounts_get_the_same_answer(demo, app):
    answers = []
    for username in ("coord1", "personne-inconnue", "dir-part1"):
        client = app.test_client()
        started = time.monotonic()
        response = _forgot(client, username)
        elapsed = time.monotonic() - started
        page = unescape(client.get(response.location).get_data(as_text=True))
        answers.append((response.status_code, response.location, RESET_ANSWER in page))
        assert elapsed >= 0.3  # the answer waits the same floor whatever happened
    assert len(set(answers)) == 1
    assert OutboxMessage.objects(to__ne="claire.lejeune@liege.example").count() <= 1
    assert OutboxMessage.objects(subject__contains="nouveau mot de passe").count() == 2


def test_reset_requests_are_throttled(demo, app):
    with clock.fixed_now(datetime(2026, 11, 3, 9, 0, 0)):
        client = app.test_client()
        codes = [_forgot(client, "coord1").status_code for _ in range(6)]
        assert codes == [302] * 5 + [429]
        assert OutboxMessage.objects.count() == 5
        # The owner from elsewhere still may ask.
        other = app.test_client()
        token = csrf_token(other, "/mot-de-passe-oublie")
        response = other.post(
            "/mot-de-passe-oublie",
            data={"username": "coord1", "csrf_token": token},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        )
        assert response.status_code == 302
