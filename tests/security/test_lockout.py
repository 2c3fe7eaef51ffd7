"""Throttling that cannot be turned against a user, sent as the attack of the report: five
(or fifty) wrong passwords for ``admin`` from one address, then the owner signs in from
another address — and from a browser they signed in from before, past the per-account delay.
Addresses are the test client's ``REMOTE_ADDR``; time is ``app.clock``'s."""

from datetime import datetime, timedelta

import pytest

from app import clock
from app.models import AuditEvent, LoginCounter
from tests.conftest import CSRF_INPUT_RE, CSRF_RE, DEMO_PASSWORD, csrf_token

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
T0 = datetime(2026, 11, 3, 9, 0, 0)  # the start of a 15-minute window


def attempt(client, username: str, password: str, address: str):
    env = {"REMOTE_ADDR": address}
    html = client.get("/login", environ_base=env).get_data(as_text=True)
    token = (CSRF_RE.search(html) or CSRF_INPUT_RE.search(html)).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base=env,
    )


@pytest.fixture
def at_t0(demo):
    with clock.fixed_now(T0):
        yield


def test_five_wrong_passwords_from_one_address_do_not_lock_the_owner_out(at_t0, app):
    attacker = app.test_client()
    for _ in range(5):
        assert attempt(attacker, "admin", "mauvais", ATTACKER).status_code == 200
    sixth = attempt(attacker, "admin", DEMO_PASSWORD, ATTACKER)
    html = sixth.get_data(as_text=True)
    assert sixth.status_code == 429  # the attacker's address is stopped for this account
    assert "depuis votre adresse" in html and 'data-testid="lockout-policy"' in html
    assert AuditEvent.objects(action="lockout", target="user:admin").count() == 1
    # The owner, from another address, signs in at once with the right password.
    owner = app.test_client()
    response = attempt(owner, "admin", DEMO_PASSWORD, OWNER)
    assert response.status_code == 302
    assert owner.get("/", environ_base={"REMOTE_ADDR": OWNER}).status_code == 200


def test_the_pair_limit_ends_with_its_window(at_t0, app):
    attacker = app.test_client()
    for _ in range(5):
        attempt(attacker, "coord1", "mauvais", ATTACKER)
    assert attempt(attacker, "coord1", DEMO_PASSWORD, ATTACKER).status_code == 429
    with clock.fixed_now(T0 + timedelta(minutes=15)):
        assert attempt(attacker, "coord1", DEMO_PASSWORD, ATTACKER).status_code == 302


def test_one_address_guessing_many_accounts_is_stopped(at_t0, app):
    client = app.test_client()
    codes = [attempt(client, f"inconnu{i}", "x", ATTACKER).status_code for i in range(31)]
    assert codes[:30] == [200] * 30 and codes[30] == 429
    assert AuditEvent.objects(action="login_throttled").count() == 1
    # Another address is not concerned.
    assert attempt(app.test_client(), "coord1", DEMO_PASSWORD, OWNER).status_code == 302


def test_guessing_one_account_from_many_addresses_stays_bounded(at_t0, app):
    """Fifty addresses, one try each: past ten failures each try waits a growing delay; the
    tries refused during the delay never reach the password check."""
    checked = 0
    moment = T0
    for n in range(50):
        with clock.fixed_now(moment):
            response = attempt(app.test_client(), "admin", f"essai{n}", f"192.0.2.{n + 1}")
        if response.status_code == 200:
            checked += 1
        else:
            assert response.status_code == 429
            assert "chaque essai attend un délai" in response.get_data(as_text=True)
        moment += timedelta(seconds=1)
    assert checked <= 14  # 10 free, then 2 s, 4 s, 8 s, 16 s… apart within 50 seconds
    assert AuditEvent.objects(action="login_failed", target="user:admin").count() == checked
    # A browser that signed in as admin before skips the delay (the owner's device cookie);
    # a fresh browser waits.
    with clock.fixed_now(moment):
        assert attempt(app.test_client(), "admin", DEMO_PASSWORD, OWNER).status_code == 429


def test_the_owners_known_browser_skips_the_account_delay(at_t0, app):
    owner = app.test_client()
    assert attempt(owner, "admin", DEMO_PASSWORD, OWNER).status_code == 302
    owner.post("/logout", data={"csrf_token": csrf_token(owner, "/logout")})
    for n in range(20):
        attempt(app.test_client(), "admin", f"essai{n}", f"192.0.2.{n + 1}")
    assert attempt(app.test_client(), "admin", DEMO_PASSWORD, "192.0.2.200").status_code == 429
    assert attempt(owner, "admin", DEMO_PASSWORD, OWNER).status_code == 302


def test_a_forged_device_cookie_is_not_trusted(at_t0, app):
    for n in range(20):
        attempt(app.test_client(), "admin", f"essai{n}", f"192.0.2.{n + 1}")
    forger = app.test_client()
    forger.set_cookie("epoles_device", '["admin"]')
    assert attempt(forger, "admin", DEMO_PASSWORD, "192.0.2.201").status_code == 429


def test_counters_are_atomic_upserts_that_expire(at_t0, app):
    attempt(app.test_client(), "coord1", "mauvais", ATTACKER)
    attempt(app.test_client(), "coord1", "mauvais", ATTACKER)
    pair = LoginCounter.objects.get(key__startswith="pair:coord1|")
    assert pair.failures == 2 and pair.expires_at > T0 + timedelta(minutes=15)
    # The owner's success from that address forgives their own typos there.
    attempt(app.test_client(), "coord1", DEMO_PASSWORD, ATTACKER)
    assert LoginCounter.objects(key__startswith="pair:coord1|").count() == 0
    assert LoginCounter.objects.get(key__startswith="account:coord1|").failures == 2
