"""Step 1, continued: derogation files, validating and reopening a school list."""

from typing import Any

from app.models.base import utcnow
from app.models.convention import Convention, Derogation
from app.models.school import School
from app.models.stored_file import StoredFile
from app.rules.derogations import check_file, missing_derogations, needs_derogation
from app.rules.errors import InvalidState, NotFound, RuleViolation
from app.rules.permissions import Action
from app.rules.refs import as_id, ref_id
from app.rules.states import SchoolRole, Status
from app.rules.text import MAX_MOTIVE, required_text
from app.services import audit
from app.services.workflow._common import (
    audited,
    notifier,
    refuse_amendment_list,
    require,
    require_draft_list,
    seat_school_of,
    settle,
    state_error,
    transition,
    username_of,
    write,
    write_or_refuse,
)

# --- 2. derogations ---------------------------------------------------------------------


def attach_derogation(
    convention: Convention, school: School | Any, filename: str, data: bytes, actor: Any
) -> Convention:
    """Store the derogation of a school outside the seat's zone (PDF, JPEG or PNG)."""
    school_id = as_id(school)
    details = {"school": str(school_id), "filename": str(filename)[:200], "size": len(data or b"")}
    with audited("convention.attach_derogation", actor, convention, details=details):
        require(
            actor,
            Action.EDIT_SCHOOL_LIST,
            convention,
            "Vous ne pouvez pas joindre de dérogation à cette convention.",
        )
        require_draft_list(convention, "edit_list")
        entry = convention.school_entry(school_id)
        if entry is None:
            raise RuleViolation("Cette école ne figure pas dans la convention.")
        seat = seat_school_of(convention)
        if not needs_derogation(entry, seat.zone):
            raise RuleViolation(
                f"L'école {entry.name} (FASE {entry.fase}) n'a pas besoin de dérogation : "
                "elle est dans la zone de l'école siège."
                if entry.role != SchoolRole.SPECIFIC_PARTNER
                else "Une école partenaire spécifique n'a pas besoin de dérogation."
            )
        checked = check_file(filename, data)
        stored = StoredFile.store(
            checked.filename, checked.content_type, bytes(data), username_of(actor)
        )
        derogation = Derogation(
            file=stored.pk,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=username_of(actor),
        )
        done = write(
            convention.pk,
            {"status": Status.DRAFT, "schools__school": school_id},
            audit.pending(
                "convention.attach_derogation",
                actor,
                status_before=Status.DRAFT,
                status_after=Status.DRAFT,
                details={
                    "school_fase": entry.fase,
                    "filename": checked.filename,
                    "content_type": checked.content_type,
                    "size": checked.size,
                    "sha256": stored.sha256,
                },
            ),
            set__schools__S__derogation=derogation,
        )
        if not done:
            stored.delete()
            convention.reload()
            raise state_error(convention, "edit_list")
    if entry.derogation:  # the replaced file
        StoredFile.objects(id=ref_id(entry.derogation, "file")).delete()
    return settle(convention)


def derogation_file(convention: Convention, school_id: Any, actor: Any) -> StoredFile:
    """The derogation file of a school of ``convention`` (for the download route)."""
    require(actor, Action.VIEW_CONVENTION, convention, "Vous n'avez pas accès à cette convention.")
    entry = convention.school_entry(as_id(school_id))
    if entry is None or not entry.derogation:
        raise NotFound("Aucune dérogation n'est jointe pour cette école.")
    stored = StoredFile.objects(id=ref_id(entry.derogation, "file")).first()
    if stored is None:
        raise NotFound("Le fichier de dérogation est introuvable.")
    return stored


# --- 3. validating the list -------------------------------------------------------------


def validate_school_list(convention: Convention, actor: Any) -> Convention:
    """draft → list_validated: at least one school, every needed derogation attached."""
    with audited("convention.validate_list", actor, convention):
        require(
            actor,
            Action.VALIDATE_SCHOOL_LIST,
            convention,
            "Vous ne pouvez pas valider la liste des écoles de cette convention.",
        )
        require_draft_list(convention, "validate_list")
        if not convention.schools:
            raise RuleViolation("La liste ne contient aucune école : ajoutez-en au moins une.")
        seat = seat_school_of(convention)
        missing = missing_derogations(convention, seat.zone)
        if missing:
            names = ", ".join(f"{e.name} (FASE {e.fase})" for e in missing)
            raise RuleViolation(
                "Une dérogation est nécessaire pour les écoles situées hors de la zone "
                f"d'enseignement de l'école siège : joignez-la pour {names}."
            )
        write_or_refuse(
            convention,
            {"status": Status.DRAFT, "version": convention.version},
            list_validated_event(convention, actor),
            set__status=Status.LIST_VALIDATED,
            set__list_validated_at=utcnow(),
        )
    convention = settle(convention)
    notifier().list_validated(convention)
    return convention


def list_validated_event(convention: Any, actor: Any) -> dict[str, Any]:
    """The pending audit event of a list's validation (this verb's, the bulk path's)."""
    return audit.pending(
        "convention.validate_list",
        actor,
        status_before=Status.DRAFT,
        status_after=Status.LIST_VALIDATED,
        details={"school_fases": [e.fase for e in convention.schools]},
    )


def reopen_school_list(convention: Convention, actor: Any, reason: str = "") -> Convention:
    """list_validated → draft (Administration), so that schools can be added or removed."""
    reason = required_text(reason, MAX_MOTIVE, "Le motif")
    with audited("convention.reopen_list", actor, convention, details={"reason_given": reason}):
        require(
            actor,
            Action.REOPEN,
            convention,
            "Seule l'Administration peut rouvrir la liste des écoles.",
        )
        refuse_amendment_list(convention)
        if convention.status != Status.LIST_VALIDATED:
            raise InvalidState(
                "Seule une liste validée, dont la convention n'est pas encore validée, peut "
                "être rouverte."
                if convention.status == Status.DRAFT
                else "La convention est déjà validée : rouvrez d'abord la convention."
            )
        # Not on the version: an article saved meanwhile (the list stays as it was) does
        # not stop the list from reopening.
        transition(
            convention,
            "convention.reopen_list",
            actor,
            Status.LIST_VALIDATED,
            Status.DRAFT,
            {"reason": reason},
            versioned=False,
            unset__list_validated_at=True,
        )
    return settle(convention)
