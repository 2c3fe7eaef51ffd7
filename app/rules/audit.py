"""The audit trail: every workflow action and every refusal, chained by SHA-256.

Each event stores the hash of the previous one, so editing or deleting an event in the
database breaks the chain at that point; ``verify_chain`` finds the first broken link.
Appending is safe on a real MongoDB: ``seq`` is unique, and a writer that loses the race for
a position retries with the next one.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mongoengine import NotUniqueError

from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.rules.refs import as_id

GENESIS = "0" * 64
SYSTEM_ACTOR = "système"

# The actions of the trail, in French, for pages, PDFs and certificates (unknown ones are
# shown as recorded).
ACTION_LABELS = {
    "convention.create": "Création du document",
    "convention.delete": "Suppression du document",
    "convention.add_school": "Ajout d'une école",
    "convention.move_school": "Transfert d'écoles",
    "convention.remove_school": "Retrait d'une école",
    "convention.attach_derogation": "Ajout d'une dérogation",
    "convention.validate_list": "Validation de la liste des écoles",
    "convention.reopen_list": "Réouverture de la liste des écoles",
    "convention.save_article": "Enregistrement d'un article",
    "convention.copy_article": "Reprise d'un article",
    "convention.validate": "Validation de la convention",
    "convention.sign": "Signature",
    "convention.approve": "Approbation par l'Administration",
    "convention.acknowledge": "Prise de connaissance",
    "convention.reopen": "Réouverture de la convention",
    "school.change_po": "Changement de pouvoir organisateur d'une école",
    "school.change_zone": "Changement de zone d'une école",
    "login": "Connexion",
    "login_failed": "Échec de connexion",
    "logout": "Déconnexion",
}
OUTCOME_LABELS = {"ok": "Effectuée", "refused": "Refusée"}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds") if event.at else None,
        "actor": event.actor,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "action": event.action,
        "outcome": event.outcome,
        "convention": str(event.convention) if event.convention else None,
        "target": event.target,
        "status_before": event.status_before,
        "status_after": event.status_after,
        "details": event.details or {},
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _truncate_ms(moment: datetime) -> datetime:
    # MongoDB keeps milliseconds: hash what will be read back.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def record(
    action: str,
    actor: Any = None,
    *,
    convention: Any = None,
    outcome: str = "ok",
    target: str | None = None,
    status_before: str | None = None,
    status_after: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it."""
    username = getattr(actor, "username", None) or (actor if isinstance(actor, str) else None)
    actor_id = getattr(actor, "pk", None)
    for _attempt in range(20):
        last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        event = AuditEvent(
            seq=(last.seq + 1) if last else 1,
            at=_truncate_ms(utcnow()),
            actor=username or SYSTEM_ACTOR,
            actor_id=actor_id,
            action=action,
            outcome=outcome,
            convention=as_id(convention),
            target=target,
            status_before=status_before,
            status_after=status_after,
            details=_plain(details or {}),
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = event_hash(event)
        try:
            return event.save(force_insert=True)
        except NotUniqueError:
            continue  # another writer took this position: chain after it
    raise RuntimeError("Impossible d'ajouter l'événement au journal d'audit.")


def _plain(value: Any) -> Any:
    """Details as plain JSON-able values, so that the stored event hashes the same."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch_size: int = 1000) -> ChainReport:
    """Walk the chain in order; report the first event whose link or hash is wrong."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        batch = list(AuditEvent.objects(seq__gt=last_seq).order_by("seq").limit(batch_size))
        if not batch:
            return ChainReport(checked)
        for event in batch:
            if event.seq != expected_seq:
                return ChainReport(checked, expected_seq, f"l'événement n° {expected_seq} manque")
            if event.prev_hash != expected_prev:
                return ChainReport(
                    checked, event.seq, "le lien vers l'événement précédent est rompu"
                )
            if event_hash(event) != event.hash:
                return ChainReport(checked, event.seq, "le contenu de l'événement a été modifié")
            expected_prev, expected_seq = event.hash, event.seq + 1
            checked += 1
            last_seq = event.seq


def history(convention_id: Any) -> list[AuditEvent]:
    """The events of one convention, oldest first."""
    return list(AuditEvent.objects(convention=as_id(convention_id)).order_by("seq"))
