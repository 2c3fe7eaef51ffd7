"""Taking grants away from an account: one grant, or all of them (the account is closed).

Pure Python (no Flask). Updates are atomic on the user document; the session token always
rotates so open sessions end, and the refusal or the change is audited.
"""

from typing import Any

from app.models.access_request import PasswordToken
from app.models.user import Grant, User, new_session_token
from app.rules.audit import Outcome
from app.rules.errors import InvalidState, PermissionDenied, RuleViolation
from app.rules.permissions import Action, can, may_manage_account
from app.rules.refs import ref_id
from app.services import audit
from app.services.access.grants import describe_grant, refuse_backoffice_account


def _grant_filter(grant: Grant) -> dict[str, Any]:
    found: dict[str, Any] = {"role": grant.role}
    for field in ("pole", "school", "po"):
        value = ref_id(grant, field)
        if value is not None:
            found[field] = value
    return found


def revoke_user(
    user: User, actor: Any, grant: Grant | None = None, *, request_ref: str | None = None
) -> User:
    """Take one grant away, or every grant (``grant=None``) and deactivate the account.

    Always rotates the session token: the user's open sessions and remember-me cookies stop
    working at their next request. An account left without any grant is deactivated.
    """
    target = f"user:{user.username}"
    if not (can(actor, Action.MANAGE_USERS) or can(actor, Action.REVIEW_ACCESS)):
        audit.record("access_revoked", actor, outcome=Outcome.REFUSED, target=target)
        raise PermissionDenied("Votre profil ne permet pas de révoquer des accès.")
    user.reload()
    if not may_manage_account(actor, user):
        refuse_backoffice_account("access_revoked", actor, target)
    if getattr(actor, "pk", None) == user.pk:
        raise RuleViolation("Vous ne pouvez pas révoquer votre propre accès.")
    collection = User._get_collection()
    if grant is None:
        removed = [describe_grant(g) for g in user.grants]
        collection.update_one(
            {"_id": user.pk},
            {"$set": {"grants": [], "active": False, "session_token": new_session_token()}},
        )
    else:
        removed = [describe_grant(grant)]
        result = collection.update_one(
            {"_id": user.pk, "grants": {"$elemMatch": _grant_filter(grant)}},
            {
                "$pull": {"grants": _grant_filter(grant)},
                "$set": {"session_token": new_session_token()},
            },
        )
        if not result.modified_count:
            raise InvalidState("Ce profil n'est plus attribué à ce compte.")
        # No profile left: the account itself is closed.
        collection.update_one({"_id": user.pk, "grants": {"$size": 0}}, {"$set": {"active": False}})
    PasswordToken.objects(user=user.pk, used_at=None).delete()
    user.reload()
    audit.record(
        "access_revoked",
        actor,
        target=target,
        details={
            "grants": removed,
            "deactivated": not user.active,
            "request": request_ref or "",
        },
    )
    return user
