"""API clients: creation (the token shown once), revocation, and who a bearer token is.

Every change and every call is in the audit trail. A revoked client is refused at once: the
lookup filters on ``revoked_at`` being unset, on the database side.
"""

from typing import Any

from bson import ObjectId

from app.models.api_client import ApiClient
from app.models.base import utcnow
from app.rules.api import clean_name, clean_scopes, new_token, token_digest
from app.rules.audit import Outcome
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.services import audit
from app.services.guards import require

REFUSED = "Seule l'Administration gère les clients de l'API."


def create(name: str, scopes: list[str] | None, actor: Any) -> tuple[ApiClient, str]:
    """A new client and its token (returned once, never stored). ``actor`` None: the CLI."""
    if actor is not None:
        require(actor, Action.MANAGE_API_CLIENTS, None, REFUSED)
    token = new_token()
    client = ApiClient(
        name=clean_name(name),
        token_digest=token_digest(token),
        token_hint=token[:8],
        scopes=clean_scopes(scopes),
        created_by=getattr(actor, "username", None) or "cli",
    ).save(force_insert=True)
    audit.record(
        "api_client_created",
        actor or "cli",
        target=f"api_client:{client.pk}",
        details={"name": client.name, "scopes": client.scopes},
    )
    return client, token


def revoke(client_id: Any, actor: Any) -> bool:
    """Revoke a client (the Administration); False when it was already revoked."""
    require(actor, Action.MANAGE_API_CLIENTS, None, REFUSED)
    client = ApiClient.objects(pk=client_id).first() if ObjectId.is_valid(str(client_id)) else None
    if client is None:
        raise RuleViolation("Ce client de l'API n'existe pas.")
    changed = ApiClient.objects(pk=client.pk, revoked_at=None).update_one(
        set__revoked_at=utcnow(), set__revoked_by=actor.username
    )
    if changed:
        audit.record(
            "api_client_revoked",
            actor,
            target=f"api_client:{client.pk}",
            details={"name": client.name},
        )
    return bool(changed)


def authenticate(token: str | None) -> ApiClient | None:
    """The active client holding ``token`` (its last use noted), or None."""
    if not token:
        return None
    client = ApiClient.objects(token_digest=token_digest(token), revoked_at=None).first()
    if client is not None:
        now = utcnow()
        ApiClient.objects(pk=client.pk).update_one(set__last_used_at=now)
        client.last_used_at = now
    return client


def record_call(client: ApiClient | None, path: str, status: int, query: dict[str, str]) -> None:
    """One audit event per API call, refused ones included (who tried, what, the answer)."""
    audit.record(
        "api_call",
        f"api:{client.name}" if client is not None else "api:anonyme",
        outcome=Outcome.OK if status < 400 else Outcome.REFUSED,
        target=path[:200],
        details={
            "client": str(client.pk) if client is not None else None,
            "status": status,
            "query": {k[:40]: v[:200] for k, v in list(query.items())[:20]},
        },
    )
