"""Validation, then the signatures of the POs and the acknowledgments of the directors."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from app.models.base import utcnow
from app.models.convention import Acknowledgment, Convention, Signature
from app.models.organisation import OrganisingAuthority
from app.models.school import School
from app.rules import permissions
from app.rules.articles import article_label, missing_articles
from app.rules.errors import InvalidState, PermissionDenied, RuleViolation
from app.rules.parties import (
    acknowledging_school_ids,
    missing_acknowledgments,
    missing_signatures,
    signatory_po_ids,
)
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.roles import ROLE_LABELS
from app.rules.states import Status, status_index, validation_from
from app.services import audit
from app.services.workflow._common import (
    audited,
    chain_events,
    notifier,
    raw_write,
    require,
    settle,
    state_error,
    transition,
    username_of,
    write,
)


def validate(convention: Convention, actor: Any) -> Convention:
    """list_validated (an amendment: draft) → validated: locked, ready for signatures."""
    with audited("convention.validate", actor, convention):
        require(
            actor,
            Action.VALIDATE,
            convention,
            "Seuls le coordonnateur, la direction de l'école siège et le délégué du pouvoir "
            "organisateur de l'école siège peuvent valider la convention.",
        )
        ready = validation_from(convention.is_amendment)
        if convention.status == Status.DRAFT and ready != Status.DRAFT:
            raise InvalidState("Validez d'abord la liste des écoles (étape 1).")
        if convention.status != ready:
            raise InvalidState("Cette convention est déjà validée.")
        missing = missing_articles(convention)
        if missing:
            raise RuleViolation(
                "Articles à compléter : " + ", ".join(article_label(a) for a in missing) + "."
            )
        transition(
            convention,
            "convention.validate",
            actor,
            ready,
            Status.VALIDATED,
            {"version": convention.version + 1},
            set__validated_at=utcnow(),
        )
    convention = settle(convention)
    notifier().validated(convention)
    return convention


# --- 6. signatures ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Round:
    """A round in which every party concerned adds its record once, then the convention moves on.

    Signatures (one per PO, validated → signed) and acknowledgments (one per school director,
    approved → acknowledged) are the same steps over other fields: this holds the differences.
    """

    action: str  # the audit action, e.g. "convention.sign"
    permission: Action
    not_allowed: str  # when ``can`` says no
    status: Status  # the status the round runs in
    next_status: Status  # once every party has its record
    too_early: str  # attempted before ``status``
    too_late: str  # attempted after it
    party: str  # "po" or "school": the record's field and the grant's field
    party_model: type  # where the party's name is read
    party_of: Callable[[Any, Convention], Any]  # the party the actor speaks for, or None
    no_party: str  # when the actor speaks for no party
    record: type  # Signature or Acknowledgment
    records: str  # the convention's list of them
    at: str  # the date field, on the record and (when complete) on the convention
    already: str  # the party has its record already ({name})
    parties: Callable[[Convention], Iterable[Any]]  # every party that must add a record
    missing: Callable[[Convention], Any]  # the parties still missing
    details: Callable[[Any, Any, Convention], dict[str, Any]]  # audit details of a success
    on_complete: Callable[[Convention], None] | None = None  # tell the next party


def _capacity(actor: Any, action: Action, convention: Convention, party_id: Any) -> str:
    """The label of the grant through which the actor speaks for ``party_id``."""
    role = permissions.party_role(actor, action, convention, party_id)
    return ROLE_LABELS[role] if role else ""


def _add_record(rnd: _Round, convention: Convention, actor: Any) -> Convention:
    """Add the actor's record to ``convention`` (atomically, once per party), then move on."""
    with audited(rnd.action, actor, convention):
        require(actor, rnd.permission, convention, rnd.not_allowed)
        if convention.status != rnd.status:
            early = status_index(convention.status) < status_index(rnd.status)
            raise InvalidState(rnd.too_early if early else rnd.too_late)
        party_id = rnd.party_of(actor, convention)
        if party_id is None:
            raise PermissionDenied(rnd.no_party)
        party = rnd.party_model.objects(id=party_id).only("name").first()
        record = rnd.record(
            **{rnd.party: party_id, f"{rnd.party}_name": party.name if party else ""},
            user=getattr(actor, "pk", None),
            username=username_of(actor),
            name=getattr(actor, "full_name", None) or username_of(actor),
            capacity=_capacity(actor, rnd.permission, convention, party_id),
            **{rnd.at: utcnow()},
        )
        event = audit.pending(
            rnd.action,
            actor,
            status_before=rnd.status,
            status_after=rnd.status,
            details=rnd.details(party_id, record, convention),
        )
        pushed = write(
            convention.pk,
            {"status": rnd.status, f"{rnd.records}__{rnd.party}__ne": party_id},
            event,
            **{f"push__{rnd.records}": record},
        )
        if not pushed:
            convention.reload()
            if any(ref_id(r, rnd.party) == party_id for r in getattr(convention, rnd.records)):
                raise RuleViolation(rnd.already.format(name=getattr(record, f"{rnd.party}_name")))
            raise state_error(convention, rnd.action.removeprefix("convention."))
    convention.reload()
    completed = False
    if not rnd.missing(convention):
        complete = {
            "status": rnd.status,
            f"{rnd.records}__{rnd.party}__all": list(rnd.parties(convention)),
        }
        moved = {"status": rnd.next_status, rnd.at: utcnow()}
        # The record's pending event says where the convention went, in the same update.
        if raw_write(
            convention.pk,
            {**complete, "pending_events__id": event["id"]},
            {"$set": {**moved, "pending_events.$.status_after": rnd.next_status}},
        ):
            completed = True
        else:
            completed = bool(raw_write(convention.pk, complete, {"$set": moved}))  # event chained
        convention.reload()
    convention = chain_events(convention)
    if completed and rnd.on_complete is not None:
        rnd.on_complete(convention)
    return convention


_SIGNATURES = _Round(
    action="convention.sign",
    permission=Action.SIGN,
    not_allowed="Seul le délégué d'un pouvoir organisateur partie à cette convention peut la "
    "signer.",
    status=Status.VALIDATED,
    next_status=Status.SIGNED,
    too_early="La convention doit être validée avant d'être signée.",
    too_late="Toutes les parties ont déjà signé cette convention.",
    party="po",
    party_model=OrganisingAuthority,
    party_of=permissions.signing_po_id,
    no_party="Vous ne signez pour aucun pouvoir organisateur de cette convention.",
    record=Signature,
    records="signatures",
    at="signed_at",
    already="La convention est déjà signée pour le pouvoir organisateur {name}.",
    parties=signatory_po_ids,
    missing=missing_signatures,
    details=lambda po_id, signature, conv: {
        "po": str(po_id),
        "po_name": signature.po_name,
        "capacity": signature.capacity,
        # Computed before the signature is written: the parties still missing after it.
        "missing": len([po for po in missing_signatures(conv) if po != po_id]),
    },
    on_complete=lambda conv: notifier().signed(conv),
)

_ACKNOWLEDGMENTS = _Round(
    action="convention.acknowledge",
    permission=Action.ACKNOWLEDGE,
    not_allowed="Seule la direction d'une école partie à cette convention peut en prendre "
    "connaissance.",
    status=Status.APPROVED,
    next_status=Status.ACKNOWLEDGED,
    too_early="La prise de connaissance n'est possible qu'une fois la convention approuvée "
    "par l'Administration.",
    too_late="Toutes les directions ont déjà pris connaissance de cette convention.",
    party="school",
    party_model=School,
    party_of=permissions.acknowledging_school_id,
    no_party="Vous ne représentez aucune école de cette convention.",
    record=Acknowledgment,
    records="acknowledgments",
    at="acknowledged_at",
    already="La prise de connaissance est déjà enregistrée pour l'école {name}.",
    parties=acknowledging_school_ids,
    missing=missing_acknowledgments,
    details=lambda school_id, ack, conv: {
        "school": str(school_id),
        "school_name": ack.school_name,
    },
)


def sign(convention: Convention, actor: Any) -> Convention:
    """A PO delegate concerned signs once; when all have, validated → signed."""
    return _add_record(_SIGNATURES, convention, actor)


def acknowledge(convention: Convention, actor: Any) -> Convention:
    """A director concerned acknowledges once; when all have, approved → acknowledged."""
    return _add_record(_ACKNOWLEDGMENTS, convention, actor)
