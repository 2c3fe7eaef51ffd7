"""Login and logout.

Hardening: failed passwords counted in the database per (account, address), per address and
per account (``app.rules.throttle``: an attacker's failures never lock the owner out from
elsewhere, and the owner's known browsers skip the per-account delay), one generic message
whatever was wrong, the same cost for unknown usernames, a fresh session at login (no
fixation), and only local ``next`` targets.
"""

import secrets
import time

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
from flask.wrappers import Response
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

import app.models.user as user_module
from app import clock
from app.auth import demo_loaded, safe_next
from app.models import User
from app.models.base import utcnow
from app.models.user import new_session_token
from app.rules import throttle as throttle_rules
from app.rules.audit import Outcome
from app.rules.errors import RuleViolation
from app.services import access, audit, throttle

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
    ("dir-ress2", "Direction de l'autre école coopérante du ressort (PO du siège)"),
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


DEVICE_COOKIE = "epoles_device"
DEVICE_MAX_AGE = 180 * 24 * 3600
DEVICE_ACCOUNTS = 5


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="epoles-device")


def device_accounts() -> list[str]:
    """The accounts this browser has signed in with (a signed, dated cookie), newest first."""
    raw = request.cookies.get(DEVICE_COOKIE, "")
    if not raw or len(raw) > 2000:
        return []
    try:
        accounts = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadData:
        return []
    return [a for a in accounts if isinstance(a, str)] if isinstance(accounts, list) else []


def _remember_device(response: Response, username: str) -> Response:
    accounts = [username] + [a for a in device_accounts() if a != username]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(accounts[:DEVICE_ACCOUNTS]),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def _refused(username: str, found: throttle_rules.Verdict, form: "LoginForm"):  # type: ignore[no-untyped-def]
    """The attempt is not checked: say why, when to retry, and the policy (429)."""
    audit.record(
        "lockout" if found.reason in ("pair", "account") else "login_throttled",
        None,
        outcome=Outcome.REFUSED,
        target=f"user:{username}" if found.reason != "address" else f"ip:{_address()}",
        details={"ip": _address(), "reason": found.reason},
    )
    flash(throttle_rules.refusal_message(found, clock.now()), "danger")
    return _login_page(form, policy=throttle_rules.policy_text()), 429


def _address() -> str:
    return request.remote_addr or ""


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
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("main.home")))
    # Form fields only: Flask-WTF would also read a JSON body, whose values may be objects
    # like {"$ne": null}.
    form = LoginForm(formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        username = form.username.data.strip().lower()[:64]
        trusted = username in device_accounts()
        found = throttle.check(username, _address(), trusted_device=trusted)
        if not found.allowed:
            return _refused(username, found, form)
        user = User.objects(username=username).first()
        if _password_matches(user, form.password.data) and user is not None and user.active:
            throttle.record_success(username, _address())
            # A fresh session: nothing from before the login survives (no fixation).
            session.clear()
            login_user(user, remember=form.remember.data)
            User.objects(pk=user.pk).update_one(set__last_login_at=utcnow())
            audit.record("login", user, target=f"user:{user.username}")
            return _remember_device(redirect(safe_next(url_for("main.home"))), user.username)
        throttle.record_failure(username, _address())
        audit.record(
            "login_failed",
            None,
            outcome=Outcome.REFUSED,
            target=f"user:{username}",
            details={"ip": _address()},
        )
        flash(GENERIC_FAILURE, "danger")
    return _login_page(form)


def _login_page(form: "LoginForm", policy: str | None = None) -> str:
    accounts = DEMO_ACCOUNTS if demo_loaded() else []
    return render_template(
        "auth/login.html",
        form=form,
        policy=policy,
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


# --- A user's own password ----------------------------------------------------------------

# A reset request answers after the same time whether the account exists or not.
RESET_MIN_SECONDS = 0.3


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password():
    """« Mot de passe oublié ? »: one answer for every username, a link only to the e-mail on
    file (``access.request_password_reset``)."""
    if request.method == "GET":
        return render_template("auth/forgot_password.html")
    started = time.monotonic()
    username = request.form.get("username", "")
    try:
        access.request_password_reset(
            username if isinstance(username, str) else "",
            base_url=current_app.config["EPOLES_BASE_URL"],
            address=_address(),
        )
    except access.Throttled as exc:
        flash(str(exc), "danger")
        return render_template(
            "auth/forgot_password.html", policy=throttle_rules.policy_text()
        ), 429
    floor = float(current_app.config.get("EPOLES_RESET_MIN_SECONDS", RESET_MIN_SECONDS))
    time.sleep(max(0.0, floor - (time.monotonic() - started)))
    flash(access.RESET_ANSWER, "info")
    return redirect(url_for("auth.login"))


@bp.route("/mon-compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    """The signed-in user changes their password; their other sessions end, this one stays."""
    min_length = int(current_app.config["EPOLES_PASSWORD_MIN_LENGTH"])
    problems: list[str] = []
    if request.method == "POST":
        user = current_user._get_current_object()
        try:
            user = access.change_password(
                user,
                request.form.get("current", ""),
                request.form.get("password", ""),
                request.form.get("confirmation", ""),
                min_length=min_length,
                address=_address(),
            )
        except access.PasswordRejected as exc:
            problems = exc.problems
        except RuleViolation as exc:
            flash(str(exc), "danger")
            status = 429 if isinstance(exc, access.Throttled) else 400
            return _password_page(min_length, []), status
        else:
            # The token this session carried was rotated with the others: carry the new one
            # (and a new remember-me cookie when this browser had one).
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remembered in request.cookies)
            flash(
                "Votre mot de passe est changé. Vos autres sessions (autres navigateurs, "
                "appareils) sont fermées.",
                "success",
            )
            return redirect(url_for("main.home"))
    return _password_page(min_length, problems), (400 if problems else 200)


def _password_page(min_length: int, problems: list[str]) -> str:
    return render_template("auth/change_password.html", min_length=min_length, problems=problems)
