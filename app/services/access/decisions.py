"""The support staff's (and the Administration's) decisions on access requests.

Pure Python (no Flask). Each decision records an audit event (refusals too) and leaves
``pending`` through an atomic conditional update: a request is decided only once.
"""

from typing import Any

from app.models.access_request import (
    KIND_ACCESS,
    KIND_REVOCATION,
    STATUS_APPROVED,
    STATUS_PENDING,
    STATUS_REJECTED,
    AccessRequest,
)
from app.models.base import utcnow
from app.models.user import Grant, User
from app.rules.audit import Outcome
from app.rules.errors import InvalidState, NotFound, PermissionDenied, RuleViolation
from app.rules.identity import NO_EMAIL_ON_FILE, IdentityCheck, confirmation_message
from app.rules.permissions import Action, can, holds_backoffice_role
from app.rules.text import text_problem
from app.services import audit
from app.services.access.grants import (
    describe_grant,
    grant_profiles,
    grants_for_request,
    refuse_backoffice_account,
)
from app.services.access.outbox import queue_mail
from app.services.access.revocation import revoke_user
from app.services.access.tokens import PASSWORD_PATH, issue_password_token

MAX_REASON = 2000


class IdentityNotConfirmed(RuleViolation):
    """The request names an existing account in a way support must confirm explicitly."""


def _require(actor: Any, action: Action, what: str, target: str) -> None:
    if not can(actor, action):
        audit.record(what, actor, outcome=Outcome.REFUSED, target=target, details={"why": action})
        raise PermissionDenied("Votre profil ne permet pas de traiter les demandes d'accès.")


def _claim(request: AccessRequest, status: str, actor: Any, reason: str | None) -> None:
    """pending → approved/rejected, once: the filter on ``pending`` makes it atomic."""
    changed = AccessRequest.objects(pk=request.pk, status=STATUS_PENDING).update_one(
        set__status=status,
        set__decided_at=utcnow(),
        set__decided_by=getattr(actor, "username", None),
        set__reason=reason,
    )
    if not changed:
        raise InvalidState(f"La demande {request.reference} a déjà été traitée.")


def identity_check(request: AccessRequest, account: User) -> IdentityCheck:
    """What accepting ``request`` would do to the existing ``account`` (shown to support)."""
    return IdentityCheck(
        email_on_file=account.email or "",
        email_requested=request.person.email or "",
        reactivates=not account.active,
    )


def approve_request(
    request: AccessRequest, actor: Any, *, base_url: str = "", confirm_identity: bool = False
) -> AccessRequest:
    """Accept a request: give the grants (creating the account if needed, with a one-time
    link to set its password) or, for a revocation, take them away at once.

    For an existing account the link and the mail go to the e-mail on file only; a request
    whose e-mail differs, or that would reactivate a deactivated account, needs
    ``confirm_identity`` (support saw both side by side and checked who is asking)."""
    target = f"request:{request.reference}"
    _require(actor, Action.REVIEW_ACCESS, "access_request_approved", target)
    request.reload()
    if request.status != STATUS_PENDING:
        raise InvalidState(f"La demande {request.reference} a déjà été traitée.")
    grants = grants_for_request(request)
    account = User.objects(username=request.person.username).first()
    touched = [g.role for g in grants] + [g.role for g in (account.grants if account else [])]
    if holds_backoffice_role(touched) and not can(actor, Action.GRANT_BACKOFFICE):
        refuse_backoffice_account("access_request_approved", actor, target)
    if request.kind == KIND_REVOCATION:
        return _approve_revocation(request, account, grants, actor)
    check = identity_check(request, account) if account is not None else None
    if check is not None and check.needs_confirmation and not confirm_identity:
        audit.record(
            "access_request_approved",
            actor,
            outcome=Outcome.REFUSED,
            target=target,
            details={"why": "identity not confirmed", "username": account.username},
        )
        raise IdentityNotConfirmed(confirmation_message(check))
    if account is not None and not account.email:
        raise RuleViolation(NO_EMAIL_ON_FILE.format(username=account.username))
    if not grants:
        raise RuleViolation(
            "Aucun profil ne découle de cette demande (l'école ne fait plus partie d'un pôle "
            "à ce titre) : refusez-la en indiquant le motif."
        )
    _claim(request, STATUS_APPROVED, actor, None)

    person = request.person
    granted = grant_profiles(
        person.username,
        grants,
        actor,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        phone=person.phone,
    )
    account, new, created = granted.account, granted.new, granted.created
    needs_password, reactivated = granted.needs_password, granted.reactivated
    AccessRequest.objects(pk=request.pk).update_one(
        set__applied_grants=new, set__account=account, set__account_created=created
    )
    described = [describe_grant(g) for g in new]
    if reactivated:
        audit.record(
            "account_reactivated",
            actor,
            target=f"user:{account.username}",
            details={
                "request": request.reference,
                "email_on_file": account.email,
                "email_requested": request.person.email,
                "confirmed": bool(confirm_identity),
            },
        )
    audit.record(
        "access_granted",
        actor,
        target=f"user:{account.username}",
        details={"request": request.reference, "grants": described, "created": created},
    )
    if needs_password:
        token = issue_password_token(account)
        link = f"{base_url.rstrip('/')}{PASSWORD_PATH}{token}"
        body = (
            f"Bonjour {request.person.full_name},\n\n"
            f"Votre demande d'accès à l'application e-Pôles ({request.reference}) a été "
            "acceptée.\n\n"
            f"Votre nom d'utilisateur : {account.username}\n"
            "Profils attribués :\n"
            + "".join(f"  – {d}\n" for d in described)
            + "\nChoisissez votre mot de passe en suivant ce lien (valable 48 heures, "
            f"une seule fois) :\n{link}\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message et prévenez "
            "poles.territoriaux@cfwb.be.\n\nL'équipe e-Pôles"
        )
    else:
        body = (
            f"Bonjour {request.person.full_name},\n\n"
            f"Votre demande d'accès ({request.reference}) a été acceptée. Les profils suivants "
            f"ont été ajoutés à votre compte {account.username} :\n"
            + "".join(f"  – {d}\n" for d in described)
            + "\nIls sont disponibles dès votre prochaine connexion.\n\nL'équipe e-Pôles"
        )
    # A new account's e-mail is the request's; an existing one's is the one on file.
    queue_mail(
        account.email or "",
        f"e-Pôles – votre demande d'accès {request.reference} est acceptée",
        body,
        topic=f"request:{request.reference}",
    )
    request.reload()
    return request


def _approve_revocation(
    request: AccessRequest, account: User | None, grants: list[Grant], actor: Any
) -> AccessRequest:
    if account is None:
        raise NotFound(
            f"Aucun compte « {request.person.username} » n'existe : refusez la demande en "
            "indiquant le motif."
        )
    if not grants:
        raise RuleViolation(
            f"Le compte « {account.username} » ne détient aucun profil lié à cette école ou à ce "
            "pouvoir organisateur : refusez la demande en indiquant le motif."
        )
    _claim(request, STATUS_APPROVED, actor, None)
    for grant in grants:
        revoke_user(account, actor, grant, request_ref=request.reference)
    AccessRequest.objects(pk=request.pk).update_one(
        set__applied_grants=grants, set__account=account
    )
    request.reload()
    return request


def reject_request(request: AccessRequest, reason: str, actor: Any) -> AccessRequest:
    """Refuse a request; the reason is required and, for an access request, sent by e-mail."""
    target = f"request:{request.reference}"
    _require(actor, Action.REVIEW_ACCESS, "access_request_rejected", target)
    reason = (reason if isinstance(reason, str) else "").strip()
    if not reason:
        raise RuleViolation("Indiquez le motif du refus.")
    problem = text_problem(reason, MAX_REASON, "Le motif")
    if problem:
        raise RuleViolation(problem)
    _claim(request, STATUS_REJECTED, actor, reason)
    audit.record(
        "access_request_rejected",
        actor,
        target=target,
        details={"reason": reason, "username": request.person.username},
    )
    account = User.objects(username=request.person.username).only("email").first()
    # The decision about an existing account goes to the e-mail on file, never elsewhere.
    to = (account.email if account is not None else request.person.email) or ""
    if request.kind == KIND_ACCESS and to:
        queue_mail(
            to,
            f"e-Pôles – votre demande d'accès {request.reference} est refusée",
            f"Bonjour {request.person.full_name},\n\n"
            f"Votre demande d'accès à l'application e-Pôles ({request.reference}) a été "
            f"refusée pour le motif suivant :\n\n{reason}\n\n"
            "Pour toute question : poles.territoriaux@cfwb.be.\n\nL'équipe e-Pôles",
            topic=target,
        )
    request.reload()
    return request
