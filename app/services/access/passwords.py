"""A user's own password: change it when signed in, or ask for a reset link when it is lost.

Pure Python (no Flask). Both are throttled with the login's counters (``app.services.throttle``,
scopes of their own); both end every other session (the session token is rotated). A reset
link is one of the one-time tokens of ``tokens`` (valid one hour) and goes only to the e-mail
on file; the answer is the same whether the account exists or not.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from app import clock
from app.models.access_request import PasswordToken
from app.models.base import utcnow
from app.models.user import User, new_session_token
from app.rules import throttle as throttle_rules
from app.rules.audit import Outcome
from app.rules.errors import RuleViolation
from app.services import audit, throttle
from app.services.access.outbox import queue_mail
from app.services.access.tokens import (
    PASSWORD_PATH,
    PasswordRejected,
    issue_password_token,
    new_password_problems,
)

RESET_LIFETIME = timedelta(hours=1)
CHANGE_SCOPE = "password"
RESET_SCOPE = "reset"
WRONG_CURRENT = "Le mot de passe actuel est incorrect : rien n'a été changé."
RESET_ANSWER = (
    "Si ce compte existe et qu'une adresse électronique y est associée, un lien pour choisir "
    "un nouveau mot de passe vient d'y être envoyé. Il est valable une heure et ne sert "
    "qu'une fois. Sans nouvelles, contactez le support e-Pôles : poles.territoriaux@cfwb.be."
)


class Throttled(RuleViolation):
    """Too many attempts: ``str()`` says when to try again."""


def _record(
    action: str,
    actor: User | None,
    username: str,
    address: str,
    refused: str | None = None,
    **details: str,
) -> None:
    """A password step in the audit trail: on whose account, from which address, and (when
    ``refused``) why it was refused."""
    if refused is not None:
        details["reason"] = refused
    audit.record(
        action,
        actor,
        outcome=Outcome.REFUSED if refused is not None else Outcome.OK,
        target=f"user:{username}",
        details={"ip": address, **details},
    )


def _refuse_if_throttled(username: str, address: str, scope: str) -> None:
    found = throttle.check(username, address, trusted_device=False, scope=scope)
    if not found.allowed:
        raise Throttled(throttle_rules.refusal_message(found, clock.now()))


def change_password(
    user: User,
    current: str,
    new: str,
    confirmation: str,
    *,
    min_length: int,
    address: str,
) -> User:
    """Check the current password, then set the new one under the circular's rule; every
    session of the user ends but the caller's, which logs in again with the returned user."""
    _refuse_if_throttled(user.username, address, CHANGE_SCOPE)
    if not isinstance(current, str) or not user.check_password(current):
        throttle.record_failure(user.username, address, CHANGE_SCOPE)
        _record("password_change", user, user.username, address, refused="current password")
        raise RuleViolation(WRONG_CURRENT)
    new = new if isinstance(new, str) else ""
    problems = new_password_problems(user, new, confirmation, min_length=min_length)
    if new == current:
        problems.append("Le nouveau mot de passe doit être différent de l'actuel.")
    if problems:
        raise PasswordRejected(problems)
    before = user.password_hash
    user.set_password(new)
    # Conditional on the hash the check was made against: of two changes at once, one wins.
    changed = User.objects(pk=user.pk, password_hash=before).update_one(
        set__password_hash=user.password_hash,
        set__password_changed_at=user.password_changed_at,
        set__session_token=new_session_token(),
    )
    if not changed:
        raise RuleViolation(
            "Le mot de passe a été modifié entre-temps : reconnectez-vous puis recommencez."
        )
    # A reset link asked before the change must not undo it.
    PasswordToken.objects(user=user.pk, used_at=None).delete()
    user.reload()
    _record("password_changed", user, user.username, address)
    return user


@dataclass(frozen=True)
class ResetOutcome:
    """What a reset request did (never shown: the page says ``RESET_ANSWER`` either way)."""

    sent: bool


def request_password_reset(username: str, *, base_url: str, address: str) -> ResetOutcome:
    """Send a one-hour link to the account's e-mail on file, if there is one. Throttled per
    (account, address), address and account like the login (``Throttled`` otherwise)."""
    username = (username if isinstance(username, str) else "").strip().lower()[:64]
    _refuse_if_throttled(username, address, RESET_SCOPE)
    throttle.record_failure(username, address, RESET_SCOPE)
    user = User.objects(username=username).first() if username else None
    if user is None or not user.active or not (user.email or "").strip():
        # The same work as a real request (a token drawn and hashed, one audit event), so
        # that the answer takes as long either way.
        hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()
        _record("password_reset", None, username, address, refused="no account or e-mail")
        return ResetOutcome(sent=False)
    token = issue_password_token(user, lifetime=RESET_LIFETIME)
    link = f"{base_url.rstrip('/')}{PASSWORD_PATH}{token}"
    queue_mail(
        user.email,
        "e-Pôles : choisir un nouveau mot de passe",
        (
            f"Bonjour {user.full_name},\n\n"
            "Une demande de nouveau mot de passe a été faite pour votre compte e-Pôles "
            f"« {user.username} ». Pour le choisir, ouvrez ce lien (valable une heure, une "
            f"seule fois) :\n\n{link}\n\n"
            "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe actuel reste "
            "valable.\n\nL'équipe e-Pôles"
        ),
        topic=f"user:{user.username}",
    )
    expires = (utcnow() + RESET_LIFETIME).isoformat()
    _record("password_reset", None, user.username, address, expires=expires)
    return ResetOutcome(sent=True)
