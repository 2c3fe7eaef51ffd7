"""Access management: the request forms of annexes 1–3 and 5, the support staff's decisions,
revocation, and the one-time links by which a new user sets a password.

Pure Python (no Flask). Every function that changes something takes the acting ``User``
last, records an audit event (refusals too) and raises ``RuleViolation`` with a French
message. Decisions are atomic conditional updates: a request leaves ``pending`` only once.

The package re-exports its public names, so callers keep writing ``access.submit_request``:

- ``submission``: the public forms (fields, PDF check, references, ``submit_request``);
- ``grants``: what a decision gives or takes away (``grants_for_request``, ``describe_grant``);
- ``decisions``: ``approve_request`` and ``reject_request``;
- ``revocation``: ``revoke_user``;
- ``tokens``: one-time password links (``issue_password_token``, ``set_password_with_token``);
- ``outbox``: ``queue_mail``;
- ``passwords``: a user's own password (``change_password``, ``request_password_reset``).
"""

from app.rules.permissions import may_manage_account
from app.services.access.decisions import (
    MAX_REASON,
    IdentityNotConfirmed,
    approve_request,
    identity_check,
    reject_request,
)
from app.services.access.grants import (
    PLACE_ROLES,
    describe_grant,
    grant_key,
    grant_profiles,
    grants_for_request,
    pole_places,
)
from app.services.access.outbox import queue_mail
from app.services.access.passwords import (
    RESET_ANSWER,
    RESET_LIFETIME,
    Throttled,
    change_password,
    request_password_reset,
)
from app.services.access.revocation import revoke_user
from app.services.access.submission import (
    FIELDS,
    PHONE_RE,
    USERNAME_RE,
    FieldErrors,
    check_pdf,
    next_reference,
    submit_request,
)
from app.services.access.tokens import (
    INVALID_LINK,
    PASSWORD_PATH,
    TOKEN_LIFETIME,
    PasswordRejected,
    issue_password_token,
    set_password_with_token,
    user_for_token,
)

__all__ = [
    "FIELDS",
    "INVALID_LINK",
    "MAX_REASON",
    "PASSWORD_PATH",
    "PHONE_RE",
    "PLACE_ROLES",
    "RESET_ANSWER",
    "RESET_LIFETIME",
    "TOKEN_LIFETIME",
    "USERNAME_RE",
    "FieldErrors",
    "IdentityNotConfirmed",
    "PasswordRejected",
    "Throttled",
    "approve_request",
    "change_password",
    "check_pdf",
    "describe_grant",
    "grant_key",
    "grant_profiles",
    "grants_for_request",
    "identity_check",
    "issue_password_token",
    "may_manage_account",
    "next_reference",
    "pole_places",
    "queue_mail",
    "reject_request",
    "request_password_reset",
    "revoke_user",
    "set_password_with_token",
    "submit_request",
    "user_for_token",
]
