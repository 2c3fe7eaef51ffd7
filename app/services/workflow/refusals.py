"""Sending a signed convention back to the pole, and a PO delegate declining to sign."""

from typing import Any

from app.models.convention import Convention, ConventionEvent
from app.models.organisation import OrganisingAuthority
from app.rules import permissions
from app.rules.errors import PermissionDenied
from app.rules.parties import signature_summaries, signed_po_ids
from app.rules.permissions import Action
from app.rules.refusals import (
    COMMENT_MISSING,
    REASON_MISSING,
    EventKind,
    check_decline,
    check_send_back,
    clean_text,
    declined_by,
)
from app.rules.states import Status
from app.services import audit
from app.services.workflow._common import (
    audited,
    notifier,
    require,
    settle,
    transition,
    username_of,
    write_or_refuse,
)


def _entry(kind: EventKind, actor: Any, text: str, **fields: Any) -> ConventionEvent:
    return ConventionEvent(
        kind=kind,
        user=getattr(actor, "pk", None),
        username=username_of(actor),
        name=getattr(actor, "full_name", None) or username_of(actor),
        text=text,
        **fields,
    )


def send_back(convention: Convention, reason: str, actor: Any) -> Convention:
    """signed → draft (Administration), with a reason the pole reads: the signatures leave
    the document for its history; the pole corrects, then validates and collects them again."""
    with audited("convention.send_back", actor, convention, details={"reason_given": reason}):
        require(
            actor,
            Action.SEND_BACK,
            convention,
            "Seule l'Administration peut renvoyer une convention pour modification.",
        )
        check_send_back(convention.status)
        text = clean_text(reason, REASON_MISSING)
        removed = list(convention.signatures)
        transition(
            convention,
            "convention.send_back",
            actor,
            Status.SIGNED,
            Status.DRAFT,
            {"reason": text, "removed_signatures": signature_summaries(removed)},
            set__signatures=[],
            push__history=_entry(EventKind.SENT_BACK, actor, text, signatures=removed),
            unset__list_validated_at=True,
            unset__validated_at=True,
            unset__signed_at=True,
        )
    convention = settle(convention)
    notifier().sent_back(convention, text, actor)
    return convention


def decline(convention: Convention, comment: str, actor: Any) -> Convention:
    """A PO delegate concerned declines to sign, with a comment the pole reads. The
    convention stays validated (the other signatures stand); once per PO and round."""
    with audited("convention.decline", actor, convention, details={"comment_given": comment}):
        require(
            actor,
            Action.DECLINE,
            convention,
            "Seul le délégué d'un pouvoir organisateur partie à cette convention peut refuser "
            "de la signer.",
        )
        po_id = permissions.signing_po_id(actor, convention)
        if po_id is None:
            raise PermissionDenied(
                "Vous ne signez pour aucun pouvoir organisateur de cette convention."
            )
        check_decline(
            convention.status,
            po_id in signed_po_ids(convention),
            declined_by(convention.history, convention.validated_at, po_id),
        )
        text = clean_text(comment, COMMENT_MISSING)
        po = OrganisingAuthority.objects(id=po_id).only("name").first()
        round_at = convention.validated_at
        entry = _entry(
            EventKind.DECLINED,
            actor,
            text,
            po=po_id,
            po_name=po.name if po else "",
            round=round_at,
        )
        # One decline per PO and round, even when two clicks race: the filter says so.
        write_or_refuse(
            convention,
            {
                "status": Status.VALIDATED,
                "validated_at": round_at,
                "signatures__po__ne": po_id,
                "__raw__": {
                    "history": {
                        "$not": {
                            "$elemMatch": {
                                "kind": EventKind.DECLINED.value,
                                "po": po_id,
                                "round": round_at,
                            }
                        }
                    }
                },
            },
            audit.pending(
                "convention.decline",
                actor,
                status_before=Status.VALIDATED,
                status_after=Status.VALIDATED,
                details={"po": str(po_id), "po_name": entry.po_name, "comment": text},
            ),
            push__history=entry,
        )
    convention = settle(convention)
    notifier().declined(convention, entry, actor)
    return convention
