"""Sending a signed convention back, and a PO delegate declining to sign: the pure part.

A convention the Administration sends back returns to the draft: the pole corrects it and
validates it again. The signatures it had are moved to the convention's history (they signed
another text), never kept on the document. A PO delegate who declines leaves the convention
as it is (validated, the other signatures stand) with a comment the pole reads; the
Administration may then reopen or send it back. One decline per PO and validation round.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from app.rules.choices import Choices
from app.rules.errors import InvalidState, RuleViolation
from app.rules.refs import ref_id
from app.rules.states import Status

TEXT_MAX = 1000


class EventKind(Choices):
    """The entries of a convention's own history (shown to the pole)."""

    SENT_BACK = "sent_back", "Renvoyée pour modification par l'Administration"
    DECLINED = "declined", "Refus de signer"


EVENT_LABELS: dict[str, str] = EventKind.labels()

REASON_MISSING = "Indiquez le motif du renvoi : le pôle le lira pour corriger la convention."
COMMENT_MISSING = "Indiquez pourquoi vous refusez de signer : le pôle lira ce commentaire."


def clean_text(text: str | None, missing: str) -> str:
    """The reason or comment, trimmed; refused when empty or too long."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise RuleViolation(missing)
    if len(cleaned) > TEXT_MAX:
        raise RuleViolation(
            f"Le texte est trop long ({len(cleaned)} caractères, {TEXT_MAX} au plus)."
        )
    return cleaned


def check_send_back(status: str) -> None:
    """Only a convention signed by every party (awaiting approval) may be sent back."""
    if status == Status.SIGNED:
        return
    if status in (Status.APPROVED, Status.ACKNOWLEDGED):
        raise InvalidState("Cette convention est déjà approuvée : elle ne peut plus être renvoyée.")
    if status == Status.VALIDATED:
        raise InvalidState(
            "Toutes les parties n'ont pas encore signé : rouvrez la convention plutôt que de la "
            "renvoyer."
        )
    raise InvalidState("Cette convention n'est pas signée : il n'y a rien à renvoyer.")


def check_decline(status: str, signed: bool, already_declined: bool) -> None:
    """A PO delegate may decline a validated convention his PO has not signed, once a round."""
    if status != Status.VALIDATED:
        if status in (Status.DRAFT, Status.LIST_VALIDATED):
            raise InvalidState("La convention n'est pas encore validée : elle n'est pas à signer.")
        raise InvalidState("Toutes les parties ont déjà signé cette convention.")
    if signed:
        raise InvalidState("Votre pouvoir organisateur a déjà signé cette convention.")
    if already_declined:
        raise InvalidState("Votre refus de signer est déjà enregistré pour cette convention.")


def current_declines(history: Iterable[Any], validated_at: datetime | None) -> list[Any]:
    """The declines of the current validation round (what the pole must answer now)."""
    if validated_at is None:
        return []
    return [
        e
        for e in history or []
        if getattr(e, "kind", None) == EventKind.DECLINED
        and getattr(e, "round", None) == validated_at
    ]


def declined_by(history: Iterable[Any], validated_at: datetime | None, po_id: Any) -> bool:
    """Has ``po_id`` declined in the current round?"""
    return any(ref_id(e, "po") == po_id for e in current_declines(history, validated_at))


def last_sent_back(history: Iterable[Any]) -> Any:
    """The latest send back (its reason is shown on the draft), or None."""
    entries = [e for e in history or [] if getattr(e, "kind", None) == EventKind.SENT_BACK]
    return max(entries, key=lambda e: e.at) if entries else None
