"""Approval by the Administration (snapshot, sealed PDF) and reopening."""

from collections.abc import Callable
from typing import Any

from app.models.base import utcnow
from app.models.convention import Convention
from app.models.stored_file import StoredFile
from app.rules.errors import InvalidState, RuleViolation
from app.rules.parties import missing_signatures, signature_summaries
from app.rules.permissions import Action
from app.rules.snapshot import build_snapshot, snapshot_digest
from app.rules.states import Status, status_index, validation_from
from app.rules.text import MAX_MOTIVE, required_text
from app.services.workflow._common import (
    CHANGED_MESSAGE,
    audited,
    notifier,
    require,
    settle,
    transition,
    username_of,
)
from app.services.workflow.school_list import reopen_school_list


def parent_facts(convention: Convention) -> dict[str, Any] | None:
    # Imported here: the amendments module builds on the article verbs, which import this one.
    from app.services.workflow.amendments import parent_facts as facts

    return facts(convention)


# Sealers render the protected PDF at approval: each gets the convention and its snapshot and
# returns (stored file, SHA-256) or None (not mine); the first result counts, and without one
# the approval is refused. The app factory registers them (``app.pdf.init_pdf``).
Sealer = Callable[[Convention, dict[str, Any]], "tuple[StoredFile, str] | None"]
SEALERS: list[Sealer] = []


def approve(convention: Convention, actor: Any) -> Convention:
    """signed → approved (Administration): freeze the snapshot, its SHA-256 and the sealed PDF."""
    with audited("convention.approve", actor, convention):
        require(
            actor,
            Action.APPROVE,
            convention,
            "Seule l'Administration peut approuver une convention.",
        )
        if convention.status != Status.SIGNED:
            if convention.status in (Status.APPROVED, Status.ACKNOWLEDGED):
                raise InvalidState("Cette convention est déjà approuvée.")
            raise InvalidState(
                "La convention ne peut être approuvée qu'une fois signée par toutes les parties."
            )
        if missing_signatures(convention):
            raise InvalidState("Toutes les parties n'ont pas encore signé cette convention.")
        now = utcnow()
        approved_at = now.replace(microsecond=now.microsecond // 1000 * 1000)
        snapshot = build_snapshot(
            convention, approved_at, username_of(actor), parent=parent_facts(convention)
        )
        digest = snapshot_digest(snapshot)
        sealed = _seal(convention, snapshot)
        update: dict[str, Any] = {
            "set__approved_at": approved_at,
            "set__snapshot": snapshot,
            "set__snapshot_sha256": digest,
        }
        update["set__sealed_pdf"] = sealed[0].pk
        update["set__sealed_pdf_sha256"] = sealed[1]
        try:
            transition(
                convention,
                "convention.approve",
                actor,
                Status.SIGNED,
                Status.APPROVED,
                {"snapshot_sha256": digest, "sealed_pdf_sha256": sealed[1]},
                **update,
            )
        except InvalidState:
            sealed[0].delete()  # the race was lost: no orphan file
            raise
    convention = settle(convention)
    notifier().approved(convention)
    return convention


NO_SEALER_MESSAGE = (
    "Le PDF scellé ne peut pas être produit : aucun scellement n'est configuré sur ce serveur. "
    "La convention reste signée, sans approbation."
)


def _seal(convention: Convention, snapshot: dict[str, Any]) -> "tuple[StoredFile, str]":
    """The first sealer's result; none configured or a rendering failure becomes a French
    refusal (an approval never goes without its sealed PDF)."""
    # Read the list through the package: the app and the tests reach it as workflow.SEALERS
    # (append to it, or replace it), and this must see what they did.
    from app.services import workflow

    for sealer in workflow.SEALERS:
        try:
            result = sealer(convention, snapshot)
        except RuleViolation:
            raise
        except Exception as exc:  # a rendering failure must not become a server error
            raise RuleViolation(
                f"Le PDF scellé de la convention n'a pas pu être produit ({type(exc).__name__})."
            ) from exc
        if result is not None:
            return result
    raise RuleViolation(NO_SEALER_MESSAGE)


ALL_SIGNED_MESSAGE = (
    "Toutes les parties ont signé cette convention : elle ne peut plus être rouverte."
)


def _reopen_refusal(seen: str, stored: str, signatures_missing: bool) -> str | None:
    """Why a convention the caller saw at ``seen``, stored at ``stored``, cannot be reopened
    (None: it can). A copy gone stale is told so, never given the copy's stage as the cause
    (a convention another administrator reopened meanwhile was « signée par toutes les
    parties »)."""
    if status_index(stored) > status_index(Status.VALIDATED) or (
        stored == Status.VALIDATED and not signatures_missing
    ):
        return ALL_SIGNED_MESSAGE
    if stored != seen:
        return CHANGED_MESSAGE
    if stored != Status.VALIDATED:
        return "Cette convention n'est pas validée : il n'y a rien à rouvrir."
    return None


def reopen(convention: Convention, actor: Any, reason: str = "") -> Convention:
    """Administration, before all have signed: validated → list_validated (an amendment:
    draft), signatures removed.

    On a convention whose list only is validated, this reopens the list (→ draft).
    """
    reason = required_text(reason, MAX_MOTIVE, "Le motif")
    if convention.status == Status.LIST_VALIDATED:
        return reopen_school_list(convention, actor, reason)
    with audited("convention.reopen", actor, convention, details={"reason_given": reason}):
        require(
            actor, Action.REOPEN, convention, "Seule l'Administration peut rouvrir une convention."
        )
        seen = convention.status
        convention.reload()  # the stored stage decides, not the caller's copy of it
        refusal = _reopen_refusal(seen, convention.status, bool(missing_signatures(convention)))
        if refusal:
            raise InvalidState(refusal)
        transition(
            convention,
            "convention.reopen",
            actor,
            Status.VALIDATED,
            validation_from(convention.is_amendment),
            {"reason": reason, "removed_signatures": signature_summaries(convention.signatures)},
            set__signatures=[],
            unset__validated_at=True,
        )
    return settle(convention)
