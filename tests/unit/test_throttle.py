"""The login throttle's decisions on plain counts and moments."""

from datetime import datetime, timedelta

import pytest

from app.rules.throttle import (
    POLICY,
    Counts,
    account_delay,
    policy_text,
    refusal_message,
    verdict,
    window_end,
    window_index,
)

T0 = datetime(2026, 11, 3, 9, 0, 0)


def test_windows_are_fixed_quarters_of_an_hour():
    assert window_index(T0) == window_index(T0 + timedelta(minutes=14, seconds=59))
    assert window_index(T0 + timedelta(minutes=15)) == window_index(T0) + 1
    assert window_end(window_index(T0 + timedelta(minutes=3))) == T0 + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("counts", "reason"),
    [
        (Counts(pair=4, address=4, account=4), ""),
        (Counts(pair=5, address=5, account=5), "pair"),
        (Counts(pair=0, address=30, account=0), "address"),
        (Counts(pair=5, address=30, account=5), "address"),
    ],
)
def test_pair_and_address_limits(counts, reason):
    found = verdict(counts, T0 + timedelta(minutes=2), trusted_device=False)
    assert found.reason == reason and found.allowed == (not reason)
    if reason:
        assert found.retry_at == T0 + timedelta(minutes=15)


def test_a_trusted_device_does_not_skip_the_pair_limit():
    assert not verdict(Counts(pair=5), T0, trusted_device=True).allowed


def test_the_account_delay_doubles_up_to_its_ceiling():
    assert account_delay(9) == timedelta(0)
    assert account_delay(10) == timedelta(seconds=2)
    assert account_delay(11) == timedelta(seconds=4)
    assert account_delay(14) == timedelta(seconds=32)
    assert account_delay(30) == POLICY.max_delay
    assert account_delay(10**9) == POLICY.max_delay


def test_the_account_delay_applies_after_the_last_failure_unless_the_device_is_known():
    counts = Counts(account=12, account_last_failure=T0)
    assert verdict(counts, T0 + timedelta(seconds=7), trusted_device=False).reason == "account"
    assert verdict(counts, T0 + timedelta(seconds=8), trusted_device=False).allowed
    assert verdict(counts, T0 + timedelta(seconds=1), trusted_device=True).allowed


def test_messages_say_when_to_retry_and_the_policy():
    found = verdict(Counts(pair=5), T0 + timedelta(minutes=5), trusted_device=False)
    message = refusal_message(found, T0 + timedelta(minutes=5))
    assert "depuis votre adresse" in message and "10 minutes" in message
    late = verdict(Counts(account=11, account_last_failure=T0), T0, trusted_device=False)
    assert "4 secondes" in refusal_message(late, T0)
    text = policy_text()
    assert "5 mots de passe erronés en 15 minutes" in text and "30" in text
    assert "Mot de passe oublié" in text
