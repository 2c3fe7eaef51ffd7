"""Who is asking: Flask-Login sessions, Flask-Principal identity, the current user helpers."""

from typing import Any, NoReturn
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from flask_login import current_user
from flask_principal import Identity, RoleNeed, UserNeed, identity_loaded

from app.extensions import login_manager, principal
from app.models import AppSetting, User
from app.models.base import as_loaded
from app.rules.audit import Outcome
from app.rules.refs import ref_id
from app.services import audit


def init_auth(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Veuillez vous connecter pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.needs_refresh_message = "Veuillez vous reconnecter pour continuer."
    # "strong": a session whose client fingerprint changes is dropped, remember-me included.
    login_manager.session_protection = "strong"
    identity_loaded.connect_via(app)(_on_identity_loaded)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Sessions carry the user's rotating token: a revoked or deactivated user is out at once."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    # As loaded: the grants' pole, school and PO stay ids (the permission rules read ids);
    # resolving them took one query per referenced collection on every request.
    user = next(as_loaded(User.objects(session_token=token).limit(1)), None)
    if user is None or not user.active:
        return None
    return user


@principal.identity_loader
def _load_identity() -> Identity | None:
    if current_user.is_authenticated:
        return Identity(current_user.get_id(), auth_type="session")
    return None


def _on_identity_loaded(sender: Any, identity: Identity) -> None:
    """The needs of the request's identity, rebuilt from the user's grants on every request."""
    user = current_user
    if not getattr(user, "is_authenticated", False):
        return
    identity.user = user
    identity.provides.add(UserNeed(str(user.pk)))
    for grant in user.grants:
        identity.provides.add(RoleNeed(grant.role))
        for field in ("pole", "school", "po"):
            value = ref_id(grant, field)
            if value is not None:
                identity.provides.add((f"{grant.role}:{field}", str(value)))


def actor() -> User | None:
    """The logged-in user as the rules see it (None when anonymous)."""
    return current_user if current_user.is_authenticated else None


def refuse(action: str, target: str, code: int = 404) -> NoReturn:
    """Record a refused access to an object in the audit trail, then answer ``code``
    (404 by default: what is outside the user's scope does not exist for them)."""
    audit.record(
        action,
        actor(),
        outcome=Outcome.REFUSED,
        target=target,
        details={"path": request.path[:200], "ip": request.remote_addr or ""},
    )
    abort(code)


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths: no scheme, no host, no ``//`` or backslash tricks."""
    if not target or not isinstance(target, str):
        return False
    if any(c in target for c in "\\\r\n\t") or not target.startswith("/"):
        return False
    if target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(default: str) -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else default


def request_cache() -> dict[str, Any]:
    if not hasattr(g, "_epoles_cache"):
        g._epoles_cache = {}
    return g._epoles_cache


def demo_loaded() -> bool:
    """The login page lists the demo accounts only when the demo data is there."""
    if current_app.config.get("EPOLES_HIDE_DEMO_ACCOUNTS"):
        return False
    return bool(AppSetting.get("demo_data", False))


DEMO_ACCOUNTS_HINT = (
    "Comptes de démonstration (mot de passe : {password}) : admin, gestionnaire, support, "
    "coord1, dir-siege1, po-siege1, dir-part1, po-part1, dir-spec1, po-spec1, dir-coop1, "
    "po-coop1, dir-ress1, dir-ress2, po-ress1, coord2"
)
