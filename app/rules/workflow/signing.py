"""Validation, then the signatures of the POs and the acknowledgments of the directors."""

from typing import Any

from app.models.base import utcnow
from app.models.convention import Acknowledgment, Convention, Signature
from app.models.organisation import OrganisingAuthority
from app.models.school import School
from app.rules import audit, permissions
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
from app.rules.roles import DIRECTOR_ROLES, PO_DELEGATE_ROLES, ROLE_LABELS, Role
from app.rules.states import Status
from app.rules.workflow._common import (
    CHANGED_MESSAGE,
    audited,
    require,
    state_error,
    username_of,
    write,
)


def validate(convention: Convention, actor: Any) -> Convention:
    """list_validated → validated: the convention is locked, ready for signatures."""
    with audited("convention.validate", actor, convention):
        require(
            actor,
            Action.VALIDATE,
            convention,
            "Seuls le coordonnateur, la direction de l'école siège et le délégué du pouvoir "
            "organisateur de l'école siège peuvent valider la convention.",
        )
        if convention.status == Status.DRAFT:
            raise InvalidState("Validez d'abord la liste des écoles (étape 1).")
        if convention.status != Status.LIST_VALIDATED:
            raise InvalidState("Cette convention est déjà validée.")
        missing = missing_articles(convention)
        if missing:
            raise RuleViolation(
                "Articles à compléter : " + ", ".join(article_label(a) for a in missing) + "."
            )
        done = write(
            convention.pk,
            {"status": Status.LIST_VALIDATED, "version": convention.version},
            set__status=Status.VALIDATED,
            set__validated_at=utcnow(),
        )
        if not done:
            convention.reload()
            raise InvalidState(CHANGED_MESSAGE)
    convention.reload()
    audit.record(
        "convention.validate",
        actor,
        convention=convention.pk,
        status_before=Status.LIST_VALIDATED,
        status_after=convention.status,
        details={"version": convention.version},
    )
    return convention


# --- 6. signatures ----------------------------------------------------------------------


def _grant_label(actor: Any, pole_id: Any, roles: frozenset[Role], field: str, value: Any) -> str:
    for grant in permissions.active_grants(actor):
        role = Role(grant.role)
        if role in roles and ref_id(grant, "pole") == pole_id and ref_id(grant, field) == value:
            return ROLE_LABELS[role]
    return ""


def sign(convention: Convention, actor: Any) -> Convention:
    """A PO delegate concerned signs once; when all have, validated → signed."""
    with audited("convention.sign", actor, convention):
        require(
            actor,
            Action.SIGN,
            convention,
            "Seul le délégué d'un pouvoir organisateur partie à cette convention peut la signer.",
        )
        if convention.status != Status.VALIDATED:
            if convention.status in (Status.DRAFT, Status.LIST_VALIDATED):
                raise InvalidState("La convention doit être validée avant d'être signée.")
            raise InvalidState("Toutes les parties ont déjà signé cette convention.")
        po_id = permissions.signing_po_id(actor, convention)
        if po_id is None:
            raise PermissionDenied(
                "Vous ne signez pour aucun pouvoir organisateur de cette convention."
            )
        po = OrganisingAuthority.objects(id=po_id).only("name").first()
        signature = Signature(
            po=po_id,
            po_name=po.name if po else "",
            user=getattr(actor, "pk", None),
            username=username_of(actor),
            name=getattr(actor, "full_name", None) or username_of(actor),
            capacity=_grant_label(
                actor, ref_id(convention, "pole"), PO_DELEGATE_ROLES, "po", po_id
            ),
            signed_at=utcnow(),
        )
        pushed = write(
            convention.pk,
            {"status": Status.VALIDATED, "signatures__po__ne": po_id},
            push__signatures=signature,
        )
        if not pushed:
            convention.reload()
            if any(ref_id(s, "po") == po_id for s in convention.signatures):
                raise RuleViolation(
                    f"La convention est déjà signée pour le pouvoir organisateur "
                    f"{signature.po_name}."
                )
            raise state_error(convention, "sign")
    convention.reload()
    if not missing_signatures(convention):
        write(
            convention.pk,
            {"status": Status.VALIDATED, "signatures__po__all": list(signatory_po_ids(convention))},
            set__status=Status.SIGNED,
            set__signed_at=utcnow(),
        )
        convention.reload()
    audit.record(
        "convention.sign",
        actor,
        convention=convention.pk,
        status_before=Status.VALIDATED,
        status_after=convention.status,
        details={
            "po": str(po_id),
            "po_name": signature.po_name,
            "capacity": signature.capacity,
            "missing": len(missing_signatures(convention)),
        },
    )
    return convention


def acknowledge(convention: Convention, actor: Any) -> Convention:
    """A director concerned acknowledges once; when all have, approved → acknowledged."""
    with audited("convention.acknowledge", actor, convention):
        require(
            actor,
            Action.ACKNOWLEDGE,
            convention,
            "Seule la direction d'une école partie à cette convention peut en prendre "
            "connaissance.",
        )
        if convention.status != Status.APPROVED:
            if convention.status == Status.ACKNOWLEDGED:
                raise InvalidState(
                    "Toutes les directions ont déjà pris connaissance de cette convention."
                )
            raise InvalidState(
                "La prise de connaissance n'est possible qu'une fois la convention approuvée "
                "par l'Administration."
            )
        school_id = permissions.acknowledging_school_id(actor, convention)
        if school_id is None:
            raise PermissionDenied("Vous ne représentez aucune école de cette convention.")
        school = School.objects(id=school_id).only("name").first()
        ack = Acknowledgment(
            school=school_id,
            school_name=school.name if school else "",
            user=getattr(actor, "pk", None),
            username=username_of(actor),
            name=getattr(actor, "full_name", None) or username_of(actor),
            capacity=_grant_label(
                actor, ref_id(convention, "pole"), DIRECTOR_ROLES, "school", school_id
            ),
            acknowledged_at=utcnow(),
        )
        pushed = write(
            convention.pk,
            {"status": Status.APPROVED, "acknowledgments__school__ne": school_id},
            push__acknowledgments=ack,
        )
        if not pushed:
            convention.reload()
            if any(ref_id(a, "school") == school_id for a in convention.acknowledgments):
                raise RuleViolation(
                    f"La prise de connaissance est déjà enregistrée pour l'école {ack.school_name}."
                )
            raise state_error(convention, "acknowledge")
    convention.reload()
    if not missing_acknowledgments(convention):
        write(
            convention.pk,
            {
                "status": Status.APPROVED,
                "acknowledgments__school__all": list(acknowledging_school_ids(convention)),
            },
            set__status=Status.ACKNOWLEDGED,
            set__acknowledged_at=utcnow(),
        )
        convention.reload()
    audit.record(
        "convention.acknowledge",
        actor,
        convention=convention.pk,
        status_before=Status.APPROVED,
        status_after=convention.status,
        details={"school": str(school_id), "school_name": ack.school_name},
    )
    return convention
