"""Configuration from the environment (12-factor); ``create_app(config)`` may override any key."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.rules.numbers import is_digits

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and is_digits(value.strip()) else default


def _secret_key(data_dir: Path, production: bool) -> str:
    """SECRET_KEY from the environment; in local demo mode, one kept under the data folder so
    that sessions survive a restart."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise RuntimeError("SECRET_KEY doit être défini en production.")
    path = data_dir / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key
    except OSError:
        return secrets.token_urlsafe(48)


def from_environment() -> dict[str, Any]:
    uri = os.environ.get("MONGODB_URI", "").strip()
    data_dir = Path(os.environ.get("EPOLES_DATA_DIR", str(INSTANCE_DIR / "data")))
    # Local demo mode: the embedded store or an in-memory one, served over plain HTTP.
    local_demo = _bool("EPOLES_LOCAL_DEMO", not uri or uri.startswith("mongomock://"))
    return {
        "MONGODB_URI": uri,
        "EPOLES_DATA_DIR": str(data_dir),
        "EPOLES_LOCAL_DEMO": local_demo,
        "SECRET_KEY": _secret_key(data_dir, production=not local_demo),
        "EPOLES_DEMO_PASSWORD": os.environ.get("EPOLES_DEMO_PASSWORD", "Demo-2026"),
        "EPOLES_PASSWORD_MIN_LENGTH": _int("EPOLES_PASSWORD_MIN_LENGTH", 10),
        # The date taken as today (demo and tests only; ignored on MongoDB): app.clock.
        "EPOLES_TODAY": os.environ.get("EPOLES_TODAY", ""),
        "EPOLES_PDF_P12": os.environ.get("EPOLES_PDF_P12", ""),
        "EPOLES_PDF_P12_PASSWORD": os.environ.get("EPOLES_PDF_P12_PASSWORD", ""),
        # The public address for links in mails and sealed PDFs (app.links): required in
        # production; in local demo mode the browser's address is used when unset.
        "EPOLES_BASE_URL": os.environ.get("EPOLES_BASE_URL", ""),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "e-poles@cfwb.be"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        # Seconds an SMTP server may take to answer; attempts before a message fails.
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 5),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
        # A clerk may keep a form open for long: the token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not local_demo,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not local_demo,
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        "FLASK_ADMIN_SWATCH": "cerulean",
    }
