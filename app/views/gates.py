"""Page gates: Flask-Principal permissions derived from the one permission table.

The identity of every request provides a ``RoleNeed`` per grant of the user (``app.auth``);
``permission(action)`` asks for any role the table (``app.rules.permissions.PERMISSIONS``)
allows ``action``. Whether the user may act on *this* object is ``permissions.can`` in the view.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, request
from flask_principal import Permission, RoleNeed

from app.auth import refuse
from app.rules.permissions import Action, roles_allowed


def permission(action: Action) -> Permission:
    """The Principal permission of ``action``: any role the table allows it to."""
    return Permission(*(RoleNeed(role.value) for role in sorted(roles_allowed(action))))


def requires(action: Action, *, code: int = 404, record: bool = False) -> Callable:
    """Gate a view (below ``login_required``) on ``action``; answer ``code`` otherwise, after
    recording the refusal in the audit trail when ``record``."""
    gate = permission(action)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def gated(*args: Any, **kwargs: Any) -> Any:
            if not gate.can():
                if record:
                    refuse("page_refused", f"page:{request.endpoint}", code)
                abort(code)
            return view(*args, **kwargs)

        return gated

    return decorate
