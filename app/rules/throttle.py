"""Login throttling that an attacker cannot turn against the account's owner.

Failed passwords are counted in fixed windows (15 minutes) three ways:
- per (account, address): 5 failures stop that account from that address until the window
  ends — the owner, from anywhere else, is not concerned;
- per address: 30 failures, whatever the accounts, stop that address (one machine guessing
  many accounts);
- per account, from every address: past 10 failures, each new try waits a delay that doubles
  with every failure (up to 15 minutes) — guessing one account from many addresses stays
  bounded. A browser the owner already signed in from (a signed device cookie) skips it.

Pure decisions on plain values; the counters live in the database (``app.services.throttle``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.formatting import datetime_text

EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Policy:
    window: timedelta = timedelta(minutes=15)
    per_pair: int = 5
    per_address: int = 30
    account_free: int = 10
    first_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=15)


POLICY = Policy()


@dataclass(frozen=True)
class Counts:
    """The failures of the current window: of this account from this address, of this
    address, of this account from everywhere (and the moment of its last failure)."""

    pair: int = 0
    address: int = 0
    account: int = 0
    account_last_failure: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""  # "pair", "address" or "account"
    retry_at: datetime | None = None


def window_index(moment: datetime, policy: Policy = POLICY) -> int:
    """The number of the fixed window ``moment`` (naive UTC) falls in."""
    return int((moment - EPOCH).total_seconds() // policy.window.total_seconds())


def window_end(index: int, policy: Policy = POLICY) -> datetime:
    return EPOCH + policy.window * (index + 1)


def account_delay(failures: int, policy: Policy = POLICY) -> timedelta:
    """How long a try on an account waits after its last failure (zero under the free
    failures, then doubling up to the ceiling)."""
    extra = failures - policy.account_free
    if extra < 0:
        return timedelta(0)
    if extra >= 20:  # 2 s × 2**20 is far past any ceiling
        return policy.max_delay
    return min(policy.first_delay * (2**extra), policy.max_delay)


def verdict(
    counts: Counts, moment: datetime, *, trusted_device: bool, policy: Policy = POLICY
) -> Verdict:
    """May this login attempt be checked at all?"""
    end = window_end(window_index(moment, policy), policy)
    if counts.address >= policy.per_address:
        return Verdict(False, "address", end)
    if counts.pair >= policy.per_pair:
        return Verdict(False, "pair", end)
    if not trusted_device and counts.account_last_failure is not None:
        ready = counts.account_last_failure + account_delay(counts.account, policy)
        if moment < ready:
            return Verdict(False, "account", ready)
    return Verdict(True)


def _wait_text(retry_at: datetime, moment: datetime) -> str:
    seconds = max(1, int((retry_at - moment).total_seconds() + 0.999))
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def refusal_message(found: Verdict, moment: datetime) -> str:
    """Why this attempt was not even checked, and when to try again (French)."""
    wait = _wait_text(found.retry_at or moment, moment)
    at = datetime_text(found.retry_at) if found.retry_at else ""
    if found.reason == "address":
        return (
            "Trop de mots de passe erronés depuis votre adresse réseau : les connexions depuis "
            f"cette adresse reprendront dans {wait} ({at})."
        )
    if found.reason == "pair":
        return (
            "Trop de mots de passe erronés pour ce compte depuis votre adresse réseau : "
            f"réessayez dans {wait} ({at})."
        )
    return (
        "Ce compte a reçu de nombreux mots de passe erronés : par sécurité, chaque essai "
        f"attend un délai. Réessayez dans {wait}. Depuis un navigateur où vous vous êtes déjà "
        "connecté, ce délai ne s'applique pas."
    )


def policy_text(policy: Policy = POLICY) -> str:
    """The lock-out policy, as the login page explains it when it applies."""
    minutes = int(policy.window.total_seconds() // 60)
    ceiling = int(policy.max_delay.total_seconds() // 60)
    return (
        f"Par sécurité, après {policy.per_pair} mots de passe erronés en {minutes} minutes pour "
        f"un même compte depuis une même adresse (ou {policy.per_address} depuis une même "
        "adresse, tous comptes confondus), les essais depuis cette adresse sont suspendus "
        f"jusqu'à la fin de la période de {minutes} minutes ; les autres adresses ne sont pas "
        f"concernées. Au-delà de {policy.account_free} erreurs pour un compte, toutes adresses "
        f"confondues, chaque essai attend un délai croissant (jusqu'à {ceiling} minutes), sauf "
        "depuis un navigateur où vous vous êtes déjà connecté. En cas d'oubli, choisissez un "
        "nouveau mot de passe avec « Mot de passe oublié ? »."
    )
