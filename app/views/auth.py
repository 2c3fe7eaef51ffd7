"""Login and logout.

Hardening: rate limits per IP and per username (failures only; a tripped username limit is
a "lockout" in the audit trail), one generic message whatever was wrong, the same cost for
unknown usernames, a fresh session at login (no fixation), and only local ``next`` targets.
"""

import secrets

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RequestLimit
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

import app.models.user as user_module
from app.auth import demo_loaded, safe_next
from app.extensions import limiter
from app.models import User
from app.models.base import utcnow
from app.models.user import new_session_token
from app.services import audit

bp = Blueprint("auth", __name__)

GENERIC_FAILURE = "Nom d'utilisateur ou mot de passe incorrect."

DEMO_ACCOUNTS = [
    ("admin", "Administration (back-office)"),
    ("gestionnaire", "Gestionnaire de données"),
    ("support", "Support – gestion des accès"),
    ("coord1", "Coordonnateur des pôles 1 et 3"),
    ("dir-siege1", "Direction de l'école siège du pôle 1"),
    ("po-siege1", "Délégué PO de l'école siège du pôle 1"),
    ("dir-part1", "Direction d'une école partenaire (autre PO)"),
    ("po-part1", "Délégué PO d'une école partenaire (autre PO)"),
    ("dir-spec1", "Direction de l'école partenaire spécifique"),
    ("po-spec1", "Délégué PO de l'école partenaire spécifique"),
    ("dir-coop1", "Direction d'une école coopérante (autre PO)"),
    ("po-coop1", "Délégué PO d'une école coopérante (autre PO)"),
    ("dir-ress1", "Direction d'une école coopérante du ressort (PO du siège)"),
    ("po-ress1", "Délégué PO d'une école coopérante du ressort (PO du siège)"),
    ("coord2", "Coordonnateur du pôle 2"),
]


class LoginForm(FlaskForm):
    username = StringField(
        "Nom d'utilisateur (compte CERBERE)",
        validators=[DataRequired("Indiquez votre nom d'utilisateur."), Length(max=64)],
    )
    password = PasswordField(
        "Mot de passe", validators=[DataRequired("Indiquez votre mot de passe."), Length(max=200)]
    )
    remember = BooleanField("Rester connecté sur cet ordinateur")


def _username_key() -> str:
    name = request.form.get("username", "")
    return "login-user:" + (name if isinstance(name, str) else "").strip().lower()[:64]


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    # Only failed attempts count towards the per-username limit.
    return response.status_code == 200 and request.method == "POST"


def _on_username_lockout(limit: RequestLimit) -> None:
    """The per-username limit tripped: the account is locked for a while (audit "lockout")."""
    audit.record(
        "lockout",
        None,
        outcome="refused",
        target=f"user:{_username_key().removeprefix('login-user:')}",
        details={"ip": request.remote_addr or "", "limit": str(limit.limit)},
    )


def _on_ip_throttle(limit: RequestLimit) -> None:
    audit.record(
        "login_throttled",
        None,
        outcome="refused",
        target=f"ip:{request.remote_addr or ''}",
        details={"limit": str(limit.limit)},
    )


# Checking a password against a dummy hash costs what a real check costs: an unknown username
# answers as slowly as a known one (no account discovery by timing).
_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    method = user_module.PASSWORD_HASH_METHOD
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def _password_matches(user: User | None, password: str) -> bool:
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    "30 per minute",
    methods=["POST"],
    error_message="Trop de tentatives.",
    on_breach=_on_ip_throttle,
)
@limiter.limit(
    "5 per 5 minutes",
    key_func=_username_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message="Trop de tentatives.",
    on_breach=_on_username_lockout,
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("main.home")))
    # Form fields only: Flask-WTF would also read a JSON body, whose values may be objects
    # like {"$ne": null}.
    form = LoginForm(formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = User.objects(username=username).first() if len(username) <= 64 else None
        if _password_matches(user, form.password.data) and user is not None and user.active:
            # A fresh session: nothing from before the login survives (no fixation).
            session.clear()
            login_user(user, remember=form.remember.data)
            User.objects(pk=user.pk).update_one(set__last_login_at=utcnow())
            audit.record("login", user, target=f"user:{user.username}")
            return redirect(safe_next(url_for("main.home")))
        audit.record(
            "login_failed",
            None,
            outcome="refused",
            target=f"user:{username[:64]}",
            details={"ip": request.remote_addr or ""},
        )
        flash(GENERIC_FAILURE, "danger")
    accounts = DEMO_ACCOUNTS if demo_loaded() else []
    return render_template(
        "auth/login.html",
        form=form,
        demo_accounts=accounts,
        demo_password=current_app.config["EPOLES_DEMO_PASSWORD"] if accounts else None,
    )


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    # Logging out changes state: only a POST with the CSRF token does it (no logout by a
    # link or an image on another site); a GET asks for confirmation.
    if request.method == "GET":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return render_template("auth/logout.html")
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        # A copied session or remember-me cookie must not outlive the logout: the token it
        # carries is rotated, as revocation does (this ends the user's other sessions too).
        User.objects(pk=user.pk).update_one(set__session_token=new_session_token())
        audit.record("logout", user, target=f"user:{user.username}")
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))
