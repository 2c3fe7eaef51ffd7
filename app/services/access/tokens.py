"""One-time links by which a new (or returning) user chooses a password.

Pure Python (no Flask). A token is returned once and stored only as its SHA-256; it is spent
by an atomic conditional update, so a link works once. Its time is ``app.clock.now()``.
"""

import hashlib
import secrets
from datetime import timedelta

from app import clock
from app.models.access_request import PasswordToken
from app.models.user import User, new_session_token
from app.rules.errors import RuleViolation
from app.rules.passwords import password_problems
from app.rules.refs import ref_id
from app.services import audit

TOKEN_LIFETIME = timedelta(hours=48)
PASSWORD_PATH = "/mot-de-passe/"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_password_token(user: User, *, lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A fresh one-time token (returned once, stored only as its SHA-256); earlier unused
    tokens of the user stop working."""
    PasswordToken.objects(user=user.pk, used_at=None).delete()
    token = secrets.token_urlsafe(32)
    now = clock.now()
    PasswordToken(
        user=user, token_hash=_hash_token(token), created_at=now, expires_at=now + lifetime
    ).save()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a valid (unused, unexpired) token belongs to, else None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    found = PasswordToken.objects(token_hash=_hash_token(token)).first()
    if found is None or found.used_at is not None or found.expires_at <= clock.now():
        return None
    user = User.objects(pk=ref_id(found, "user")).first()
    return user if user is not None and user.active else None


INVALID_LINK = (
    "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez un nouveau lien au support "
    "e-Pôles : poles.territoriaux@cfwb.be."
)


def new_password_problems(
    user: User, password: str, confirmation: str | None, *, min_length: int
) -> list[str]:
    """The circular's rule for this user's new password, and the confirmation typed twice."""
    problems = password_problems(
        password,
        first_name=user.first_name,
        last_name=user.last_name,
        min_length=min_length,
        username=user.username or "",
    )
    if confirmation is not None and confirmation != password:
        problems.append("Les deux mots de passe ne sont pas identiques.")
    return problems


class PasswordRejected(RuleViolation):
    """The chosen password breaks the rule; ``problems`` lists each reason in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def set_password_with_token(
    token: str, password: str, *, min_length: int = 10, confirmation: str | None = None
) -> User:
    """Set the password of the token's user, once; the token is spent only on success."""
    user = user_for_token(token)
    if user is None:
        raise RuleViolation(INVALID_LINK)
    password = password if isinstance(password, str) else ""
    problems = new_password_problems(user, password, confirmation, min_length=min_length)
    if problems:
        raise PasswordRejected(problems)
    spent = PasswordToken.objects(
        token_hash=_hash_token(token), used_at=None, expires_at__gt=clock.now()
    ).update_one(set__used_at=clock.now())
    if not spent:
        raise RuleViolation(INVALID_LINK)
    user.set_password(password)
    User.objects(pk=user.pk).update_one(
        set__password_hash=user.password_hash,
        set__password_changed_at=user.password_changed_at,
        set__session_token=new_session_token(),
    )
    user.reload()
    audit.record("password_set", user, target=f"user:{user.username}")
    return user
