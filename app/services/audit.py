"""Recording the audit trail and walking it (``app.rules.audit`` holds the hash and labels).

Appending is safe on a real MongoDB: ``seq`` is unique, and a writer that loses the race for
a position retries with the next one.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from mongoengine import NotUniqueError
from pymongo.errors import BulkWriteError

from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.rules.audit import (
    GENESIS,
    SYSTEM_ACTOR,
    ChainReport,
    Outcome,
    event_hash,
    plain,
    truncate_ms,
)
from app.rules.errors import RuleViolation
from app.rules.refs import as_id
from app.rules.text import remove_controls

__all__ = ["chain_pending", "chain_pending_batch", "history", "pending", "record", "verify_chain"]


def record(
    action: str,
    actor: Any = None,
    *,
    convention: Any = None,
    outcome: str = Outcome.OK,
    target: str | None = None,
    status_before: str | None = None,
    status_after: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
    actor_id: Any = None,
    origin: str | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it."""
    for _attempt in range(20):
        last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        event = _linked(
            last.seq if last else 0,
            last.hash if last else GENESIS,
            action,
            actor,
            convention=convention,
            outcome=outcome,
            target=target,
            status_before=status_before,
            status_after=status_after,
            details=details,
            at=at,
            actor_id=actor_id,
            origin=origin,
        )
        try:
            return event.save(force_insert=True)
        except NotUniqueError:
            if origin and (chained := AuditEvent.objects(origin=origin).first()):
                return chained  # someone else chained this pending event meanwhile
            continue  # another writer took this position: chain after it
    raise RuntimeError("Impossible d'ajouter l'événement au journal d'audit.")


def _linked(
    last_seq: int,
    prev_hash: str,
    action: str,
    actor: Any,
    *,
    convention: Any,
    outcome: str,
    target: str | None,
    status_before: str | None,
    status_after: str | None,
    details: dict[str, Any] | None,
    at: datetime | None,
    actor_id: Any,
    origin: str | None,
) -> AuditEvent:
    """The event that follows ``last_seq`` / ``prev_hash`` in the chain, hashed, not saved."""
    username = getattr(actor, "username", None) or (actor if isinstance(actor, str) else None)
    event = AuditEvent(
        seq=last_seq + 1,
        at=truncate_ms(at or utcnow()),
        actor=username or SYSTEM_ACTOR,
        actor_id=actor_id or getattr(actor, "pk", None),
        action=action,
        outcome=outcome,
        convention=as_id(convention),
        # The trail records hostile input too: its invisible controls removed.
        target=remove_controls(target) if target else target,
        status_before=status_before,
        status_after=status_after,
        details=plain(details or {}),
        prev_hash=prev_hash,
        origin=origin,
    )
    event.hash = event_hash(event)
    return event


def pending(
    action: str,
    actor: Any,
    *,
    status_before: str | None = None,
    status_after: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An event to write *with* the change it describes, in the changed document's own update
    (``pending_events``): a crash after that update cannot leave the change without its event.
    ``chain_pending`` then appends it to the chain (once, whoever gets there first)."""
    return {
        "id": uuid.uuid4().hex,
        "action": action,
        "actor": getattr(actor, "username", None) or (actor if isinstance(actor, str) else None),
        "actor_id": getattr(actor, "pk", None),
        "at": truncate_ms(utcnow()),
        "status_before": status_before,
        "status_after": status_after,
        "details": plain(details or {}),
    }


def chain_pending(event: dict[str, Any], convention: Any) -> AuditEvent:
    """Append a pending event to the chain unless it is there already (idempotent)."""
    chained = AuditEvent.objects(origin=event["id"]).first()
    if chained is not None:
        return chained
    return record(
        event["action"],
        event.get("actor"),
        convention=convention,
        status_before=event.get("status_before"),
        status_after=event.get("status_after"),
        details=event.get("details") or {},
        at=event.get("at"),
        actor_id=event.get("actor_id"),
        origin=event["id"],
    )


def chain_pending_batch(
    events: list[tuple[dict[str, Any], Any]], *, fresh: bool = False
) -> list[str]:
    """Append pending events (each with its convention's id), in order, after the chain's last
    event with one insert; the ids of those chained (already chained ones are skipped).

    A batch's chaining (a seed on an idle database). A writer that takes a position meanwhile
    makes the insert stop at the unique ``seq``: what went before it is a valid chain, the
    rest is not returned (a document carrying them keeps them pending for ``chain_pending``,
    ``flask audit chain``). ``fresh``: events just built, chained before the change they
    describe is written (the bulk path): no document carries them, so their ids are neither
    looked up nor kept as ``origin`` (whose unique index a stand-in store checks by scanning).
    """
    ids = [event["id"] for event, _ in events]
    done: set[str] = set()
    if ids and not fresh:
        done = set(AuditEvent.objects(origin__in=ids).distinct("origin"))
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    linked = []
    for event, convention in events:
        if event["id"] in done:
            continue
        doc = _linked(
            seq,
            prev,
            event["action"],
            event.get("actor"),
            convention=convention,
            outcome=Outcome.OK,
            target=None,
            status_before=event.get("status_before"),
            status_after=event.get("status_after"),
            details=event.get("details"),
            at=event.get("at"),
            actor_id=event.get("actor_id"),
            origin=None if fresh else event["id"],
        )
        seq, prev = doc.seq, doc.hash
        linked.append(doc)
    if not linked:
        return []
    try:
        AuditEvent._get_collection().insert_many([e.to_mongo() for e in linked], ordered=True)
    except BulkWriteError as exc:
        inserted = exc.details.get("nInserted", 0)
        return [event["id"] for event, _ in events if event["id"] not in done][:inserted]
    return [event["id"] for event, _ in events if event["id"] not in done]


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


@contextmanager
def audited(
    action: str,
    actor: Any,
    convention: Any = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> Iterator[None]:
    """Record a refused attempt (then let the RuleViolation go on)."""
    try:
        yield
    except RuleViolation as exc:
        record(
            action,
            actor,
            convention=convention,
            outcome=Outcome.REFUSED,
            target=target,
            status_before=getattr(convention, "status", None),
            details={**(details or {}), "reason": str(exc)},
        )
        raise
