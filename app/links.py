"""The public address of e-Pôles, for links that leave the page: mails, the sealed PDF's
certificate. One home, so that every link names the same server.

``EPOLES_BASE_URL`` wins. Without it, local demo mode takes the address the browser used
(``request.host_url``), then ``http://127.0.0.1:5000``; production has no good guess (behind a
proxy the request's host may be internal) and answers None, so that what needs a link refuses
in French rather than print a wrong one.
"""

from collections.abc import Mapping
from typing import Any

LOCAL_DEFAULT = "http://127.0.0.1:5000"
MISSING_MESSAGE = (
    "L'adresse publique d'e-Pôles (réglage EPOLES_BASE_URL) n'est pas configurée sur ce "
    "serveur : les liens des courriels et du certificat du PDF scellé ne peuvent pas être "
    "produits. L'équipe technique doit la définir."
)


def base_url(config: Mapping[str, Any]) -> str | None:
    """The public address, without a trailing slash; None when production lacks it."""
    configured = str(config.get("EPOLES_BASE_URL") or "").strip().rstrip("/")
    if configured:
        return configured
    if not config.get("EPOLES_LOCAL_DEMO"):
        return None
    from flask import has_request_context, request

    if has_request_context():
        return request.host_url.rstrip("/")
    return LOCAL_DEFAULT
