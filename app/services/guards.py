"""What every verb of the services opens with: the permission check, and the name under which
the acting user is recorded on the documents it writes."""

from typing import Any

from app.rules import permissions
from app.rules.errors import PermissionDenied
from app.rules.permissions import Action


def require(actor: Any, action: Action, obj: Any, message: str) -> None:
    """Refuse with ``message`` (French) unless the permission table lets ``actor`` do
    ``action`` on ``obj``."""
    if not permissions.can(actor, action, obj):
        raise PermissionDenied(message)


def username_of(actor: Any) -> str | None:
    """The acting user's username (None for an actor without one, such as the system)."""
    return getattr(actor, "username", None)
