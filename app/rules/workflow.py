"""The life of a convention: school list, articles, validation, signatures, approval.

Every state change of a convention goes through this module (views, CLI and seed call it).
Each function takes the acting user last, checks ``permissions.can``, checks the status, does
one atomic conditional update (filter on the id and the expected status, ``$push``/``$pull``/
``$set`` on the precise fields, ``$inc`` of ``version``) inside ``workflow_write()``, reloads
the convention it was given, and appends an audit event. A refusal raises a ``RuleViolation``
(French message) after appending an audit event with ``outcome="refused"``.

Decisions worth knowing:
- A convention is created the first time a school is routed to it (slot unique per pole).
- A cooperation or specific partnership convention left without school while still a draft is
  deleted; a ressort or partnership left empty is deleted only if nothing was written in its
  articles (otherwise it is kept, empty, so that the text is not lost).
- Removing the last partner of another PO brings the remaining same-PO partners back from the
  partnership convention into the ressort (the mirror of the move the circular describes).
- ``reopen`` (Administration, before all have signed) takes a validated convention back to
  ``list_validated``: the list stays validated, the articles become editable, the partial
  signatures are removed (they signed another text) and named in the audit trail.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from mongoengine import NotUniqueError

from app.models.base import utcnow
from app.models.convention import (
    LOCKED_MESSAGE,
    Acknowledgment,
    Convention,
    ConventionSchool,
    Derogation,
    Signature,
    workflow_write,
)
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.models.setting import AppSetting
from app.models.stored_file import StoredFile
from app.rules import audit, permissions
from app.rules.articles import (
    EDITABLE_NATURES,
    article_label,
    build_articles,
    check_input,
    find_article,
    is_required,
    missing_articles,
    prefilled,
    structured_still_valid,
)
from app.rules.derogations import check_file, missing_derogations, needs_derogation
from app.rules.errors import (
    ConventionLocked,
    InvalidState,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from app.rules.parties import (
    acknowledging_school_ids,
    missing_acknowledgments,
    missing_signatures,
    signatory_po_ids,
)
from app.rules.permissions import Action
from app.rules.refs import as_id, ref_id
from app.rules.roles import DIRECTOR_ROLES, PO_DELEGATE_ROLES, ROLE_LABELS, Role
from app.rules.routing import (
    PARTNERSHIP_SLOT,
    POLE_LIST,
    RESSORT_SLOT,
    Target,
    eligibility_error,
    parse_role,
    route,
)
from app.rules.snapshot import build_snapshot, snapshot_digest
from app.rules.states import (
    KIND_LABELS,
    LOCKED_STATUSES,
    STATUS_LABELS,
    Kind,
    SchoolRole,
    Status,
)

__all__ = [
    "SEALERS",
    "acknowledge",
    "add_school",
    "approve",
    "attach_derogation",
    "change_school_po",
    "change_school_zone",
    "copy_last_cooperation_article",
    "derogation_file",
    "is_required",
    "missing_articles",
    "next_steps",
    "pole_documents",
    "remove_school",
    "reopen",
    "reopen_school_list",
    "save_article",
    "sign",
    "validate",
    "validate_school_list",
]

# Sealers render the protected PDF at approval: each gets the convention and its snapshot and
# returns (stored file, SHA-256) or None. The app factory registers them (helper C's module).
Sealer = Callable[[Convention, dict[str, Any]], "tuple[StoredFile, str] | None"]
SEALERS: list[Sealer] = []

UNLOCKED = (Status.DRAFT.value, Status.LIST_VALIDATED.value)
LIST_VALIDATED_MESSAGE = (
    "La liste des écoles de cette convention est validée : plus aucune école ne peut y être "
    "ajoutée ou retirée. Seule l'Administration peut la rouvrir."
)
CHANGED_MESSAGE = "La convention a été modifiée entre-temps ; rechargez la page et recommencez."


# --- plumbing ---------------------------------------------------------------------------


@contextmanager
def _audited(
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
        audit.record(
            action,
            actor,
            convention=convention,
            outcome="refused",
            target=target,
            status_before=getattr(convention, "status", None),
            details={**(details or {}), "reason": str(exc)},
        )
        raise


def _require(actor: Any, action: Action, obj: Any, message: str) -> None:
    if not permissions.can(actor, action, obj):
        raise PermissionDenied(message)


def _username(actor: Any) -> str | None:
    return getattr(actor, "username", None)


def _write(convention_id: Any, filters: dict[str, Any], **update: Any) -> int:
    """One conditional update of one convention, counted as a new version."""
    with workflow_write():
        return Convention.objects(id=convention_id, **filters).update_one(
            inc__version=1, set__updated_at=utcnow(), **update
        )


def _raw_write(convention_id: Any, filters: dict[str, Any], update: dict[str, Any]) -> int:
    update = dict(update)
    update.setdefault("$inc", {})["version"] = 1
    update.setdefault("$set", {})["updated_at"] = utcnow()
    with workflow_write():
        return Convention.objects(id=convention_id, **filters).update_one(__raw__=update)


def _school_label(school: Any) -> str:
    return f"{school.name} (FASE {school.fase})"


def _state_error(convention: Any, wanted: str) -> RuleViolation:
    """The error for an action attempted at the wrong stage."""
    status = convention.status
    label = STATUS_LABELS.get(status, status)
    if wanted in ("edit_list", "edit_articles") and status in LOCKED_STATUSES:
        return ConventionLocked(LOCKED_MESSAGE)
    if wanted == "edit_list" and status == Status.LIST_VALIDATED:
        return InvalidState(LIST_VALIDATED_MESSAGE)
    return InvalidState(
        f"Cette action n'est pas possible au stade actuel de la convention ({label})."
    )


def current_school_year(today: date | None = None) -> str:
    """The school year new conventions belong to (setting ``school_year``, else the calendar)."""
    configured = AppSetting.get("school_year")
    if configured:
        return str(configured)
    today = today or utcnow().date()
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}-{start + 1}"


def _seat_school(pole_or_conv: Any) -> School:
    seat = School.objects(id=ref_id(pole_or_conv, "seat_school")).first()
    if seat is None:
        raise RuleViolation("L'école siège de ce pôle est introuvable.")
    return seat


def _entry(school: School, role: str, actor: Any) -> ConventionSchool:
    po = OrganisingAuthority.objects(id=ref_id(school, "po")).first()
    return ConventionSchool(
        school=school.pk,
        role=str(role),
        fase=school.fase,
        name=school.name,
        po=ref_id(school, "po"),
        po_fase=po.fase if po else None,
        po_name=po.name if po else "",
        zone=school.zone,
        added_by=_username(actor),
    )


def _refresh_prefilled(convention_id: Any) -> None:
    """Regenerate the P articles (and re-check points splits) while not locked."""
    conv = Convention.objects(id=convention_id).exclude("snapshot").first()
    if conv is None or conv.status not in UNLOCKED:
        return
    for key, (body, data) in prefilled(conv).items():
        _write(
            conv.pk,
            {"status__in": list(UNLOCKED), "articles__key": key},
            set__articles__S__body=body,
            set__articles__S__data=data,
            set__articles__S__complete=True,
        )
    for article in conv.articles:
        if article.complete and not structured_still_valid(article, conv):
            _write(
                conv.pk,
                {"status__in": list(UNLOCKED), "articles__key": article.key},
                set__articles__S__complete=False,
            )


def _has_written_articles(conv: Convention) -> bool:
    return any(a.nature in EDITABLE_NATURES and (a.body or a.data) for a in conv.articles)


def _delete_if_empty(conv_id: Any, actor: Any, *, keep_written: bool) -> bool:
    """Delete a draft convention that has no school left; True when deleted."""
    conv = Convention.objects(id=conv_id).first()
    if conv is None or conv.schools or conv.status != Status.DRAFT:
        return False
    if keep_written and _has_written_articles(conv):
        return False
    with workflow_write():
        deleted = Convention.objects(id=conv_id, status=Status.DRAFT, schools__size=0).delete()
    if deleted:
        audit.record(
            "convention.delete",
            actor,
            convention=conv_id,
            status_before=Status.DRAFT,
            details={"kind": conv.kind, "slot": conv.slot, "reason": "plus aucune école"},
        )
    return bool(deleted)


def _ensure_convention(pole: Pole, target: Target, seat: School, actor: Any) -> Convention:
    """The pole's convention for ``target``, created (as a draft) when it does not exist."""
    existing = Convention.objects(pole=pole.pk, slot=target.slot).first()
    if existing is not None:
        return existing
    conv = Convention(
        kind=target.kind,
        status=Status.DRAFT,
        pole=pole.pk,
        pole_number=pole.number,
        slot=target.slot,
        seat_school=seat.pk,
        seat_po=ref_id(seat, "po"),
        counterpart_po=target.counterpart_po,
        school_year=current_school_year(),
        articles=build_articles(target.kind),
    )
    try:
        with workflow_write():
            conv.save(force_insert=True)
    except NotUniqueError:  # created by someone else at the same moment
        return Convention.objects.get(pole=pole.pk, slot=target.slot)
    audit.record(
        "convention.create",
        actor,
        convention=conv.pk,
        status_after=Status.DRAFT,
        details={"kind": target.kind, "slot": target.slot, "pole": pole.number},
    )
    return conv


# --- 1. school lists --------------------------------------------------------------------


def add_school(pole: Pole, school: School, role: str, actor: Any) -> Convention:
    """Put ``school`` in the right document of ``pole`` (created when needed).

    The returned convention carries ``notices``: French messages to show the user (the school
    went to the ressort, a partner moved to the partnership convention…).
    """
    details = {"pole": pole.number, "school_fase": school.fase, "role": str(role)}
    with _audited("convention.add_school", actor, target=f"pole:{pole.number}", details=details):
        _require(
            actor,
            Action.EDIT_SCHOOL_LIST,
            pole,
            "Vous ne pouvez pas modifier la liste des écoles de ce pôle.",
        )
        return _add_school(pole, school, parse_role(role), actor)


def _other_pole_number(field: str, pole: Pole, school: School) -> int | None:
    other = Pole.objects(id__ne=pole.pk, **{field: school.pk}).only("number").first()
    return other.number if other else None


def _check_addable(pole: Pole, school: School, role: SchoolRole, seat: School) -> None:
    label = f"L'école {_school_label(school)}"
    message = eligibility_error(school, role)
    if message:
        raise RuleViolation(message)
    if school.pk == seat.pk:
        raise RuleViolation(f"{label} est l'école siège du pôle : elle en fait déjà partie.")
    if role == SchoolRole.COOPERATING:
        number = _other_pole_number("cooperating_schools", pole, school)
        if number is None:
            other = (
                Convention.objects(
                    pole__ne=pole.pk, schools__match={"school": school.pk, "role": role.value}
                )
                .only("pole_number")
                .first()
            )
            number = other.pole_number if other else None
        if number is not None:
            raise RuleViolation(
                f"{label} coopère déjà avec le pôle n° {number} : une école ne coopère "
                "qu'avec un seul pôle."
            )
    if role == SchoolRole.PARTNER:
        number = _other_pole_number("partner_schools", pole, school)
        if number is not None:
            raise RuleViolation(
                f"{label} est déjà partenaire du pôle n° {number} (exclusivité de partenariat)."
            )
        seat_of = Pole.objects(seat_school=school.pk).only("number").first()
        if seat_of is not None:
            raise RuleViolation(
                f"{label} est l'école siège du pôle n° {seat_of.number} : elle ne peut pas "
                "être partenaire d'un autre pôle."
            )
    present = (
        Convention.objects(pole=pole.pk, schools__school=school.pk)
        .exclude("articles", "snapshot")
        .first()
    )
    if present is not None:
        raise RuleViolation(f"{label} figure déjà dans ce pôle ({present.title}).")
    for other_role, field in POLE_LIST.items():
        if other_role != role and Pole.objects(id=pole.pk, **{field: school.pk}).count():
            raise RuleViolation(
                f"{label} figure déjà dans la structure du pôle comme {_role_label(other_role)}."
            )


def _role_label(role: str) -> str:
    from app.rules.states import SCHOOL_ROLE_LABELS

    return SCHOOL_ROLE_LABELS.get(role, role)


def _add_school(pole: Pole, school: School, role: SchoolRole, actor: Any) -> Convention:
    seat = _seat_school(pole)
    _check_addable(pole, school, role, seat)
    seat_po = ref_id(seat, "po")
    school_po = ref_id(school, "po")

    ressort = Convention.objects(pole=pole.pk, slot=RESSORT_SLOT).exclude("snapshot").first()
    partner_pos: list[Any] = []
    if role == SchoolRole.PARTNER:
        for conv in Convention.objects(pole=pole.pk, slot__in=[RESSORT_SLOT, PARTNERSHIP_SLOT]):
            partner_pos += [ref_id(e, "po") for e in conv.schools if e.role == SchoolRole.PARTNER]
    target = route(role, school.pk, school_po, seat_po, partner_pos)

    movers: list[ConventionSchool] = []
    if target.kind == Kind.PARTNERSHIP and ressort is not None:
        movers = [e for e in ressort.schools if e.role == SchoolRole.PARTNER]
        if movers and ressort.status != Status.DRAFT:
            names = ", ".join(f"{e.name} (FASE {e.fase})" for e in movers)
            raise InvalidState(
                f"L'école {_school_label(school)} relève d'un autre pouvoir organisateur : "
                f"toutes les écoles partenaires doivent alors passer dans la convention de "
                f"partenariat, mais la liste du ressort, qui contient {names}, est déjà "
                "validée. L'Administration doit d'abord la rouvrir."
            )

    existing = Convention.objects(pole=pole.pk, slot=target.slot).exclude("snapshot").first()
    if existing is not None and existing.status != Status.DRAFT:
        raise InvalidState(
            f"La liste des écoles de la {existing.title.lower()} est déjà validée : "
            "l'Administration doit d'abord la rouvrir pour y ajouter une école."
            if existing.kind != Kind.RESSORT
            else "La liste des écoles du ressort est déjà validée : l'Administration doit "
            "d'abord la rouvrir pour y ajouter une école."
        )
    conv = existing or _ensure_convention(pole, target, seat, actor)

    entries = [*movers, _entry(school, role, actor)]
    ids = [as_id(e.school) for e in entries]
    pushed = _write(
        conv.pk,
        {"status": Status.DRAFT, "schools__school__nin": ids},
        push_all__schools=entries,
    )
    if not pushed:
        conv.reload()
        if conv.school_entry(school.pk) is not None:
            raise RuleViolation(f"L'école {_school_label(school)} figure déjà dans ce pôle.")
        raise _state_error(conv, "edit_list")
    with workflow_write():
        Pole.objects(id=pole.pk).update_one(**{f"add_to_set__{POLE_LIST[role]}": school.pk})

    notices: list[str] = []
    if target.kind == Kind.RESSORT:
        notices.append(
            f"L'école {_school_label(school)} relève du même pouvoir organisateur que l'école "
            "siège : elle a été inscrite dans le ressort."
        )
    if movers:
        moved_ids = [as_id(e.school) for e in movers]
        _raw_write(
            ressort.pk,
            {"status": Status.DRAFT},
            {"$pull": {"schools": {"school": {"$in": moved_ids}}}},
        )
        for e in movers:
            notices.append(
                f"L'école {e.name} (FASE {e.fase}) a été déplacée du ressort vers la convention "
                "de partenariat : dès qu'une école partenaire relève d'un autre pouvoir "
                "organisateur, toutes les écoles partenaires figurent dans la convention de "
                "partenariat."
            )
        audit.record(
            "convention.move_school",
            actor,
            convention=ressort.pk,
            status_before=Status.DRAFT,
            status_after=Status.DRAFT,
            details={"moved_to": str(conv.pk), "school_fases": [e.fase for e in movers]},
        )
        if _delete_if_empty(ressort.pk, actor, keep_written=True):
            notices.append("Le ressort ne contenait plus aucune école : il a été supprimé.")
        else:
            _refresh_prefilled(ressort.pk)
    _refresh_prefilled(conv.pk)
    conv.reload()
    audit.record(
        "convention.add_school",
        actor,
        convention=conv.pk,
        status_before=Status.DRAFT,
        status_after=conv.status,
        details={
            "school_fase": school.fase,
            "school_name": school.name,
            "role": role.value,
            "kind": conv.kind,
            "moved_from_ressort": [e.fase for e in movers],
        },
    )
    conv.notices = notices
    return conv


def remove_school(convention: Convention, school: School | Any, actor: Any) -> list[str]:
    """Take a school off a draft convention (and off the pole's structure list).

    Returns the French notices to show (also left on ``convention.notices``).
    """
    school_id = as_id(school)
    details = {"school": str(school_id)}
    with _audited("convention.remove_school", actor, convention, details=details):
        _require(
            actor,
            Action.EDIT_SCHOOL_LIST,
            convention,
            "Vous ne pouvez pas modifier la liste des écoles de cette convention.",
        )
        return _remove_school(convention, school_id, actor)


def _remove_school(convention: Convention, school_id: Any, actor: Any) -> list[str]:
    if convention.status != Status.DRAFT:
        raise _state_error(convention, "edit_list")
    entry = convention.school_entry(school_id)
    if entry is None:
        raise RuleViolation("Cette école ne figure pas dans la convention.")
    notices: list[str] = []

    # The last partner of another PO leaves: the remaining (same-PO) partners go back to the
    # ressort, since a partnership convention exists only with another PO.
    back: list[ConventionSchool] = []
    if convention.kind == Kind.PARTNERSHIP and entry.role == SchoolRole.PARTNER:
        seat_po = ref_id(convention, "seat_po")
        rest = [
            e
            for e in convention.schools
            if ref_id(e, "school") != school_id and e.role == SchoolRole.PARTNER
        ]
        if rest and all(ref_id(e, "po") == seat_po for e in rest):
            back = rest
            ressort = Convention.objects(pole=ref_id(convention, "pole"), slot=RESSORT_SLOT).first()
            if ressort is not None and ressort.status != Status.DRAFT:
                raise InvalidState(
                    "Les écoles partenaires restantes relèvent du pouvoir organisateur de "
                    "l'école siège et devraient revenir dans le ressort, mais la liste du "
                    "ressort est déjà validée. L'Administration doit d'abord la rouvrir."
                )

    removed = _raw_write(
        convention.pk,
        {"status": Status.DRAFT, "schools__school": school_id},
        {"$pull": {"schools": {"school": school_id}}},
    )
    if not removed:
        convention.reload()
        raise _state_error(convention, "edit_list")
    with workflow_write():
        Pole.objects(id=ref_id(convention, "pole")).update_one(
            **{f"pull__{POLE_LIST[SchoolRole(entry.role)]}": school_id}
        )
    if entry.derogation:
        StoredFile.objects(id=ref_id(entry.derogation, "file")).delete()
    audit.record(
        "convention.remove_school",
        actor,
        convention=convention.pk,
        status_before=Status.DRAFT,
        status_after=Status.DRAFT,
        details={"school_fase": entry.fase, "school_name": entry.name, "role": entry.role},
    )

    if back:
        pole = Pole.objects.get(id=ref_id(convention, "pole"))
        seat = _seat_school(pole)
        ressort = _ensure_convention(pole, Target(Kind.RESSORT, RESSORT_SLOT), seat, actor)
        ids = [as_id(e.school) for e in back]
        if _write(
            ressort.pk,
            {"status": Status.DRAFT, "schools__school__nin": ids},
            push_all__schools=back,
        ):
            _raw_write(
                convention.pk,
                {"status": Status.DRAFT},
                {"$pull": {"schools": {"school": {"$in": ids}}}},
            )
            for e in back:
                notices.append(
                    f"L'école {e.name} (FASE {e.fase}) relève du même pouvoir organisateur que "
                    "l'école siège : elle est revenue dans le ressort."
                )
            audit.record(
                "convention.move_school",
                actor,
                convention=convention.pk,
                status_before=Status.DRAFT,
                status_after=Status.DRAFT,
                details={"moved_to": str(ressort.pk), "school_fases": [e.fase for e in back]},
            )
            _refresh_prefilled(ressort.pk)

    keep_written = convention.kind in (Kind.RESSORT, Kind.PARTNERSHIP)
    if _delete_if_empty(convention.pk, actor, keep_written=keep_written):
        notices.append(f"{convention.title} ne contenait plus aucune école : elle a été supprimée.")
        convention.notices = notices
        return notices
    _refresh_prefilled(convention.pk)
    convention.reload()
    convention.notices = notices
    return notices


# --- 2. derogations ---------------------------------------------------------------------


def attach_derogation(
    convention: Convention, school: School | Any, filename: str, data: bytes, actor: Any
) -> Convention:
    """Store the derogation of a school outside the seat's zone (PDF, JPEG or PNG)."""
    school_id = as_id(school)
    details = {"school": str(school_id), "filename": str(filename)[:200], "size": len(data or b"")}
    with _audited("convention.attach_derogation", actor, convention, details=details):
        _require(
            actor,
            Action.EDIT_SCHOOL_LIST,
            convention,
            "Vous ne pouvez pas joindre de dérogation à cette convention.",
        )
        if convention.status != Status.DRAFT:
            raise _state_error(convention, "edit_list")
        entry = convention.school_entry(school_id)
        if entry is None:
            raise RuleViolation("Cette école ne figure pas dans la convention.")
        seat = _seat_school(convention)
        if not needs_derogation(entry, seat.zone):
            raise RuleViolation(
                f"L'école {entry.name} (FASE {entry.fase}) n'a pas besoin de dérogation : "
                "elle est dans la zone de l'école siège."
                if entry.role != SchoolRole.SPECIFIC_PARTNER
                else "Une école partenaire spécifique n'a pas besoin de dérogation."
            )
        checked = check_file(filename, data)
        stored = StoredFile.store(
            checked.filename, checked.content_type, bytes(data), _username(actor)
        )
        derogation = Derogation(
            file=stored.pk,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=_username(actor),
        )
        done = _write(
            convention.pk,
            {"status": Status.DRAFT, "schools__school": school_id},
            set__schools__S__derogation=derogation,
        )
        if not done:
            stored.delete()
            convention.reload()
            raise _state_error(convention, "edit_list")
    if entry.derogation:  # the replaced file
        StoredFile.objects(id=ref_id(entry.derogation, "file")).delete()
    convention.reload()
    audit.record(
        "convention.attach_derogation",
        actor,
        convention=convention.pk,
        status_before=Status.DRAFT,
        status_after=convention.status,
        details={
            "school_fase": entry.fase,
            "filename": checked.filename,
            "content_type": checked.content_type,
            "size": checked.size,
            "sha256": stored.sha256,
        },
    )
    return convention


def derogation_file(convention: Convention, school_id: Any, actor: Any) -> StoredFile:
    """The derogation file of a school of ``convention`` (for the download route)."""
    if not permissions.can(actor, Action.VIEW_CONVENTION, convention):
        raise PermissionDenied("Vous n'avez pas accès à cette convention.")
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
    with _audited("convention.validate_list", actor, convention):
        _require(
            actor,
            Action.EDIT_SCHOOL_LIST,
            convention,
            "Vous ne pouvez pas valider la liste des écoles de cette convention.",
        )
        if convention.status != Status.DRAFT:
            raise _state_error(convention, "validate_list")
        if not convention.schools:
            raise RuleViolation("La liste ne contient aucune école : ajoutez-en au moins une.")
        seat = _seat_school(convention)
        missing = missing_derogations(convention, seat.zone)
        if missing:
            names = ", ".join(f"{e.name} (FASE {e.fase})" for e in missing)
            raise RuleViolation(
                "Une dérogation est nécessaire pour les écoles situées hors de la zone "
                f"d'enseignement de l'école siège : joignez-la pour {names}."
            )
        done = _write(
            convention.pk,
            {"status": Status.DRAFT, "version": convention.version},
            set__status=Status.LIST_VALIDATED,
            set__list_validated_at=utcnow(),
        )
        if not done:
            convention.reload()
            raise InvalidState(CHANGED_MESSAGE)
    convention.reload()
    audit.record(
        "convention.validate_list",
        actor,
        convention=convention.pk,
        status_before=Status.DRAFT,
        status_after=convention.status,
        details={"school_fases": [e.fase for e in convention.schools]},
    )
    return convention


def reopen_school_list(convention: Convention, actor: Any, reason: str = "") -> Convention:
    """list_validated → draft (Administration), so that schools can be added or removed."""
    reason = (reason or "").strip()[:1000]
    with _audited("convention.reopen_list", actor, convention, details={"reason_given": reason}):
        _require(
            actor,
            Action.REOPEN,
            convention,
            "Seule l'Administration peut rouvrir la liste des écoles.",
        )
        if convention.status != Status.LIST_VALIDATED:
            raise InvalidState(
                "Seule une liste validée, dont la convention n'est pas encore validée, peut "
                "être rouverte."
                if convention.status == Status.DRAFT
                else "La convention est déjà validée : rouvrez d'abord la convention."
            )
        done = _write(
            convention.pk,
            {"status": Status.LIST_VALIDATED},
            set__status=Status.DRAFT,
            unset__list_validated_at=True,
        )
        if not done:
            convention.reload()
            raise InvalidState(CHANGED_MESSAGE)
    convention.reload()
    audit.record(
        "convention.reopen_list",
        actor,
        convention=convention.pk,
        status_before=Status.LIST_VALIDATED,
        status_after=convention.status,
        details={"reason": reason},
    )
    return convention


# --- 4. articles ------------------------------------------------------------------------


def save_article(
    convention: Convention,
    number: int | str,
    body: str,
    actor: Any,
    data: dict[str, Any] | None = None,
) -> Convention:
    """Save one article to complete (C) or optional (O); complete = non-empty / valid data."""
    key = str(number).strip()
    with _audited("convention.save_article", actor, convention, details={"article": key}):
        _require(
            actor,
            Action.EDIT_ARTICLES,
            convention,
            "Vous ne pouvez pas modifier les articles de cette convention.",
        )
        if convention.status not in UNLOCKED:
            raise _state_error(convention, "edit_articles")
        article = find_article(convention, key)
        clean_body, clean_data, complete = check_input(article, convention, body, data)
        done = _write(
            convention.pk,
            {"status__in": list(UNLOCKED), "articles__key": key},
            set__articles__S__body=clean_body,
            set__articles__S__data=clean_data,
            set__articles__S__complete=complete,
            set__articles__S__updated_at=utcnow(),
            set__articles__S__updated_by=_username(actor),
        )
        if not done:
            convention.reload()
            raise _state_error(convention, "edit_articles")
    convention.reload()
    audit.record(
        "convention.save_article",
        actor,
        convention=convention.pk,
        status_before=convention.status,
        status_after=convention.status,
        details={"article": key, "complete": complete, "length": len(clean_body)},
    )
    return convention


def copy_last_cooperation_article(convention: Convention, number: int | str, actor: Any) -> str:
    """Copy article ``number`` from the pole's latest other cooperation convention."""
    key = str(number).strip()
    with _audited("convention.copy_article", actor, convention, details={"article": key}):
        _require(
            actor,
            Action.EDIT_ARTICLES,
            convention,
            "Vous ne pouvez pas modifier les articles de cette convention.",
        )
        if convention.kind != Kind.COOPERATION:
            raise RuleViolation(
                "La reprise d'un article n'existe que pour les conventions de coopération."
            )
        article = find_article(convention, key)
        if article.nature not in EDITABLE_NATURES:
            raise RuleViolation(f"Cet article n'est pas modifiable : « {article.title} ».")
        source = (
            Convention.objects(
                pole=ref_id(convention, "pole"),
                kind=Kind.COOPERATION,
                id__ne=convention.pk,
                articles__match={"key": key, "complete": True},
            )
            .order_by("-updated_at")
            .only("articles", "schools", "kind", "pole_number")
            .first()
        )
        if source is None:
            raise RuleViolation(
                f"Aucune autre convention de coopération du pôle n'a d'article {key} complété."
            )
        found = source.article(key)
    save_article(convention, key, found.body, actor, data=dict(found.data) or None)
    return found.body


def validate(convention: Convention, actor: Any) -> Convention:
    """list_validated → validated: the convention is locked, ready for signatures."""
    with _audited("convention.validate", actor, convention):
        _require(
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
        done = _write(
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
    with _audited("convention.sign", actor, convention):
        _require(
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
            username=_username(actor),
            name=getattr(actor, "full_name", None) or _username(actor),
            capacity=_grant_label(
                actor, ref_id(convention, "pole"), PO_DELEGATE_ROLES, "po", po_id
            ),
            signed_at=utcnow(),
        )
        pushed = _write(
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
            raise _state_error(convention, "sign")
    convention.reload()
    if not missing_signatures(convention):
        _write(
            convention.pk,
            {
                "status": Status.VALIDATED,
                "signatures__po__all": list(signatory_po_ids(convention)),
            },
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


def approve(convention: Convention, actor: Any) -> Convention:
    """signed → approved (Administration): freeze the snapshot, its SHA-256 and the sealed PDF."""
    with _audited("convention.approve", actor, convention):
        _require(
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
        snapshot = build_snapshot(convention, approved_at, _username(actor))
        digest = snapshot_digest(snapshot)
        sealed = _seal(convention, snapshot)
        update: dict[str, Any] = {
            "set__status": Status.APPROVED,
            "set__approved_at": approved_at,
            "set__snapshot": snapshot,
            "set__snapshot_sha256": digest,
        }
        if sealed is not None:
            update["set__sealed_pdf"] = sealed[0].pk
            update["set__sealed_pdf_sha256"] = sealed[1]
        done = _write(
            convention.pk, {"status": Status.SIGNED, "version": convention.version}, **update
        )
        if not done:
            if sealed is not None:
                sealed[0].delete()  # the race was lost: no orphan file
            convention.reload()
            raise InvalidState(CHANGED_MESSAGE)
    convention.reload()
    audit.record(
        "convention.approve",
        actor,
        convention=convention.pk,
        status_before=Status.SIGNED,
        status_after=convention.status,
        details={
            "snapshot_sha256": digest,
            "sealed_pdf_sha256": sealed[1] if sealed else None,
        },
    )
    return convention


def _seal(convention: Convention, snapshot: dict[str, Any]) -> "tuple[StoredFile, str] | None":
    for sealer in SEALERS:
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
    return None


def acknowledge(convention: Convention, actor: Any) -> Convention:
    """A director concerned acknowledges once; when all have, approved → acknowledged."""
    with _audited("convention.acknowledge", actor, convention):
        _require(
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
            username=_username(actor),
            name=getattr(actor, "full_name", None) or _username(actor),
            capacity=_grant_label(
                actor, ref_id(convention, "pole"), DIRECTOR_ROLES, "school", school_id
            ),
            acknowledged_at=utcnow(),
        )
        pushed = _write(
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
            raise _state_error(convention, "acknowledge")
    convention.reload()
    if not missing_acknowledgments(convention):
        _write(
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


def reopen(convention: Convention, actor: Any, reason: str = "") -> Convention:
    """Administration, before all have signed: validated → list_validated, signatures removed.

    On a convention whose list only is validated, this reopens the list (→ draft).
    """
    reason = (reason or "").strip()[:1000]
    if convention.status == Status.LIST_VALIDATED:
        return reopen_school_list(convention, actor, reason)
    with _audited("convention.reopen", actor, convention, details={"reason_given": reason}):
        _require(
            actor, Action.REOPEN, convention, "Seule l'Administration peut rouvrir une convention."
        )
        if convention.status != Status.VALIDATED:
            if convention.status == Status.DRAFT:
                raise InvalidState("Cette convention n'est pas validée : il n'y a rien à rouvrir.")
            raise InvalidState(
                "Toutes les parties ont signé cette convention : elle ne peut plus être rouverte."
            )
        convention.reload()
        if convention.status != Status.VALIDATED or not missing_signatures(convention):
            raise InvalidState(
                "Toutes les parties ont signé cette convention : elle ne peut plus être rouverte."
            )
        removed = [
            {"po_name": s.po_name, "name": s.name, "username": s.username}
            for s in convention.signatures
        ]
        done = _write(
            convention.pk,
            {"status": Status.VALIDATED, "version": convention.version},
            set__status=Status.LIST_VALIDATED,
            set__signatures=[],
            unset__validated_at=True,
        )
        if not done:
            convention.reload()
            raise InvalidState(CHANGED_MESSAGE)
    convention.reload()
    audit.record(
        "convention.reopen",
        actor,
        convention=convention.pk,
        status_before=Status.VALIDATED,
        status_after=convention.status,
        details={"reason": reason, "removed_signatures": removed},
    )
    return convention


# --- data manager corrections -----------------------------------------------------------


def _conventions_of(school_id: Any) -> list[Convention]:
    return list(Convention.objects(schools__school=school_id).exclude("snapshot"))


def _refuse_if_frozen(school: School, convs: list[Convention], frozen: frozenset[str]) -> None:
    stuck = [c for c in convs if c.status in frozen]
    if stuck:
        names = ", ".join(f"{c.title} du pôle n° {c.pole_number}" for c in stuck)
        raise InvalidState(
            f"L'école {_school_label(school)} figure dans une convention dont la liste est "
            f"validée ou qui est validée ({names}) : rouvrez d'abord cette convention."
        )


def change_school_po(school: School, new_po: OrganisingAuthority, actor: Any) -> list[str]:
    """Correct the PO of a school; its conventions are re-routed. Returns notices."""
    details = {"school_fase": school.fase, "new_po_fase": getattr(new_po, "fase", None)}
    with _audited("school.change_po", actor, target=f"school:{school.fase}", details=details):
        _require(
            actor,
            Action.MANAGE_STRUCTURE,
            None,
            "Vous ne pouvez pas corriger les données des écoles.",
        )
        if new_po is None or getattr(new_po, "pk", None) is None:
            raise RuleViolation("Choisissez le nouveau pouvoir organisateur.")
        old_po = ref_id(school, "po")
        if old_po == new_po.pk:
            raise RuleViolation("L'école relève déjà de ce pouvoir organisateur.")
        convs = _conventions_of(school.pk)
        _refuse_if_frozen(school, convs, frozenset(LOCKED_STATUSES | {Status.LIST_VALIDATED}))
        if Pole.objects(seat_school=school.pk).count():
            raise RuleViolation(
                "L'école est l'école siège d'un pôle : changer son pouvoir organisateur "
                "change toutes les conventions du pôle ; l'Administration doit le faire "
                "convention par convention."
            )
        placements = [(c, c.school_entry(school.pk).role) for c in convs]
        notices: list[str] = []
        for conv, _role in placements:
            notices += _remove_school(conv, school.pk, actor)
        School.objects(id=school.pk).update_one(set__po=new_po.pk)
        school.reload()
        for conv, role in placements:
            pole = Pole.objects.get(id=ref_id(conv, "pole"))
            added = _add_school(pole, school, SchoolRole(role), actor)
            notices += added.notices
            notices.append(
                f"L'école figure désormais dans : {added.title} (pôle n° {pole.number})."
            )
    audit.record(
        "school.change_po",
        actor,
        target=f"school:{school.fase}",
        details={
            "school_fase": school.fase,
            "old_po": str(old_po),
            "new_po": str(new_po.pk),
            "new_po_fase": new_po.fase,
            "conventions": [str(c.pk) for c, _r in placements],
        },
    )
    return notices


def change_school_zone(school: School, zone: int, actor: Any) -> list[str]:
    """Correct the teaching zone of a school and of its unlocked conventions' lists."""
    from app.rules.reference import zone_error

    details = {"school_fase": school.fase, "zone": zone}
    with _audited("school.change_zone", actor, target=f"school:{school.fase}", details=details):
        _require(
            actor,
            Action.MANAGE_STRUCTURE,
            None,
            "Vous ne pouvez pas corriger les données des écoles.",
        )
        message = zone_error(zone)
        if message:
            raise RuleViolation(message)
        old_zone = school.zone
        if old_zone == zone:
            raise RuleViolation("L'école est déjà dans cette zone d'enseignement.")
        convs = _conventions_of(school.pk)
        _refuse_if_frozen(school, convs, LOCKED_STATUSES)
        if Pole.objects(seat_school=school.pk).count():
            raise RuleViolation(
                "L'école est l'école siège d'un pôle : corrigez la zone du pôle avec elle, "
                "dans la fiche du pôle."
            )
        School.objects(id=school.pk).update_one(set__zone=zone)
        school.reload()
        for conv in convs:
            _write(
                conv.pk,
                {"status__in": list(UNLOCKED), "schools__school": school.pk},
                set__schools__S__zone=zone,
            )
            _refresh_prefilled(conv.pk)
    audit.record(
        "school.change_zone",
        actor,
        target=f"school:{school.fase}",
        details={
            "school_fase": school.fase,
            "old_zone": old_zone,
            "zone": zone,
            "conventions": [str(c.pk) for c in convs],
        },
    )
    notices = []
    for conv in convs:
        seat = _seat_school(conv)
        entry = Convention.objects.get(id=conv.pk).school_entry(school.pk)
        if entry is not None and needs_derogation(entry, seat.zone) and not entry.derogation:
            notices.append(
                f"{conv.title} (pôle n° {conv.pole_number}) : une dérogation est désormais "
                "nécessaire pour cette école."
            )
    return notices


# --- reading helpers for the pages ------------------------------------------------------


def pole_documents(pole: Pole) -> dict[str, list[Convention]]:
    """The pole's conventions by kind (without the heavy embedded fields)."""
    result: dict[str, list[Convention]] = {k.value: [] for k in Kind}
    for conv in Convention.objects(pole=pole.pk).exclude("articles", "snapshot"):
        result.setdefault(conv.kind, []).append(conv)
    for convs in result.values():
        convs.sort(key=lambda c: (c.title, c.slot))
    return result


def next_steps(convention: Convention, user: Any) -> list[str]:
    """What ``user`` can do next on ``convention``, in French (for the convention page)."""
    can = permissions.can
    status = convention.status
    steps: list[str] = []
    if status == Status.DRAFT and can(user, Action.EDIT_SCHOOL_LIST, convention):
        steps.append("Complétez la liste des écoles puis validez-la (étape 1).")
    if status in UNLOCKED and can(user, Action.EDIT_ARTICLES, convention):
        missing = missing_articles(convention)
        if missing:
            steps.append(
                "Articles à compléter : " + ", ".join(article_label(a) for a in missing) + "."
            )
    if (
        status == Status.LIST_VALIDATED
        and can(user, Action.VALIDATE, convention)
        and not missing_articles(convention)
    ):
        steps.append("Tous les articles requis sont complets : vous pouvez valider la convention.")
    if status == Status.VALIDATED and can(user, Action.SIGN, convention):
        po = permissions.signing_po_id(user, convention)
        if po is not None and po in missing_signatures(convention):
            steps.append("La convention attend votre signature.")
    if status == Status.SIGNED and can(user, Action.APPROVE, convention):
        steps.append("Toutes les parties ont signé : la convention attend votre approbation.")
    if status == Status.APPROVED and can(user, Action.ACKNOWLEDGE, convention):
        school = permissions.acknowledging_school_id(user, convention)
        if school is not None and school in missing_acknowledgments(convention):
            steps.append("Prenez connaissance de la convention approuvée.")
    return steps


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
