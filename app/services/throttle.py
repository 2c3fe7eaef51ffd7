"""Login throttling: read and count the failures of the current window in the database.

Counters are upserted with ``$inc`` (atomic on a real MongoDB: concurrent failures all
count), one document per key and fixed window, removed once the window is over. Time comes
from ``app.clock.now()`` (tests move it).
"""

from datetime import timedelta

from app import clock
from app.models.throttle import LoginCounter
from app.rules.throttle import POLICY, Counts, Policy, Verdict, verdict, window_end, window_index

LOGIN = "login"


def _keys(username: str, address: str, index: int, scope: str = LOGIN) -> dict[str, str]:
    """The three counters of an attempt; ``scope`` keeps other guarded forms (the current
    password, password reset requests) on counters of their own."""
    account = (username or "").strip().lower()[:64]
    address = (address or "")[:64]
    prefix = "" if scope == LOGIN else f"{scope}:"
    return {
        "pair": f"{prefix}pair:{account}|{address}|{index}",
        "address": f"{prefix}address:{address}|{index}",
        "account": f"{prefix}account:{account}|{index}",
    }


def counts(username: str, address: str, scope: str = LOGIN, policy: Policy = POLICY) -> Counts:
    """The failures of the current window for this attempt's three keys."""
    keys = _keys(username, address, window_index(clock.now(), policy), scope)
    found = {
        c.key: c
        for c in LoginCounter.objects(key__in=list(keys.values()), expires_at__gt=clock.now())
    }
    pair, by_address, account = (found.get(keys[k]) for k in ("pair", "address", "account"))
    return Counts(
        pair=pair.failures if pair else 0,
        address=by_address.failures if by_address else 0,
        account=account.failures if account else 0,
        account_last_failure=account.last_failure if account else None,
    )


def check(username: str, address: str, *, trusted_device: bool, scope: str = LOGIN) -> Verdict:
    """May this attempt be checked? (No password is hashed for a refused one.)"""
    found = counts(username, address, scope)
    return verdict(found, clock.now(), trusted_device=trusted_device)


def record_failure(
    username: str, address: str, scope: str = LOGIN, policy: Policy = POLICY
) -> None:
    """Count one failed password on the three keys, each by one atomic upsert."""
    moment = clock.now()
    index = window_index(moment, policy)
    # Kept a little past the window: a delay set near its end still applies.
    expires = window_end(index, policy) + policy.max_delay + timedelta(minutes=1)
    LoginCounter.objects(expires_at__lt=moment).delete()
    for key in _keys(username, address, index, scope).values():
        LoginCounter.objects(key=key).update_one(
            inc__failures=1,
            max__last_failure=moment,
            set_on_insert__expires_at=expires,
            upsert=True,
        )


def record_success(username: str, address: str, policy: Policy = POLICY) -> None:
    """The owner's own typos from this address are forgiven once the password is right
    (the account's count stays: an attacker elsewhere gains nothing)."""
    key = _keys(username, address, window_index(clock.now(), policy))["pair"]
    LoginCounter.objects(key=key).delete()
