"""Security headers on every response (Flask-Talisman): a strict Content-Security-Policy,
HSTS when the request came over HTTPS, no framing, no referrer leaks to other sites.

The policy allows scripts and styles from our own origin only, plus, for scripts, the
per-request nonce (``csp_nonce()`` in templates, Flask-Admin's ``admin_csp_nonce_attribute``):
no inline script, event handler attribute or ``javascript:`` link runs. Behaviour lives in
served files (``app/static/epoles.js``).
"""

from flask import Flask, Response, request
from flask_login import current_user
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # Bootstrap's stylesheet draws its form controls with data: SVG images.
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
}

HSTS_MAX_AGE = 365 * 24 * 3600


def csp_nonce() -> str:
    """The nonce of this request's policy (Flask-Admin asks for it on every page)."""
    return getattr(request, "csp_nonce", "")


def init_headers(app: Flask) -> None:
    """One Talisman per application (tests build several), kept in ``app.extensions``."""
    app.extensions["talisman"] = Talisman(
        app,
        # The reverse proxy terminates TLS and redirects; the demo and tests are plain HTTP.
        force_https=False,
        # Talisman would force these on every request; config.py already decides them
        # (Secure with MongoDB, not on the local demo over HTTP).
        session_cookie_secure=False,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
        session_cookie_http_only=True,
        frame_options="DENY",
        # Sent only when the request is HTTPS (or forwarded as such): never on the demo.
        strict_transport_security=True,
        strict_transport_security_max_age=HSTS_MAX_AGE,
        strict_transport_security_include_subdomains=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="same-origin",
        x_xss_protection=False,
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )

    @app.after_request
    def private_pages_not_cached(response: Response) -> Response:
        # A signed-in user's pages hold personal data: no shared or back-button cache.
        if current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
