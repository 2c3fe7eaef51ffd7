"""Step 1: putting schools in the right document of a pole, and taking them off."""

from typing import Any

from app.models.convention import Convention, ConventionSchool
from app.models.pole import Pole
from app.models.school import School
from app.models.stored_file import StoredFile
from app.rules.errors import InvalidState, RuleViolation
from app.rules.permissions import Action
from app.rules.refs import as_id, ref_id
from app.rules.routing import (
    PARTNERSHIP_SLOT,
    POLE_LIST,
    RESSORT_SLOT,
    Target,
    eligibility_error,
    parse_role,
    route,
)
from app.rules.states import SCHOOL_ROLE_LABELS, Kind, SchoolRole, Status
from app.services import audit
from app.services.workflow._common import (
    audited,
    chain_events,
    raw_write,
    refresh_prefilled,
    require,
    require_draft_list,
    school_label,
    seat_school_of,
    settle,
    state_error,
    write,
)
from app.services.workflow._writer import workflow_write
from app.services.workflow.documents import delete_if_empty, ensure_convention, new_entry

# --- 1. school lists --------------------------------------------------------------------


def add_school(pole: Pole, school: School, role: str, actor: Any) -> Convention:
    """Put ``school`` in the right document of ``pole`` (created when needed).

    The returned convention carries ``notices``: French messages to show the user (the school
    went to the ressort, a partner moved to the partnership convention…).
    """
    details = {"pole": pole.number, "school_fase": school.fase, "role": str(role)}
    with audited("convention.add_school", actor, target=f"pole:{pole.number}", details=details):
        require(
            actor,
            Action.EDIT_SCHOOL_LIST,
            pole,
            "Vous ne pouvez pas modifier la liste des écoles de ce pôle.",
        )
        return place_school(pole, school, parse_role(role), actor)


def _other_pole_number(field: str, pole: Pole, school: School) -> int | None:
    other = Pole.objects(id__ne=pole.pk, **{field: school.pk}).only("number").first()
    return other.number if other else None


def _check_addable(pole: Pole, school: School, role: SchoolRole, seat: School) -> None:
    label = f"L'école {school_label(school)}"
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
    return SCHOOL_ROLE_LABELS.get(role, role)


def place_school(pole: Pole, school: School, role: SchoolRole, actor: Any) -> Convention:
    """``add_school`` without the permission check (the caller made it, or is a correction)."""
    seat = seat_school_of(pole)
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
                f"L'école {school_label(school)} relève d'un autre pouvoir organisateur : "
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
    conv = existing or ensure_convention(pole, target, seat, actor)

    added = _draft_change(
        "convention.add_school",
        actor,
        {
            "school_fase": school.fase,
            "school_name": school.name,
            "role": role.value,
            "kind": conv.kind,
            "moved_from_ressort": [e.fase for e in movers],
        },
    )
    if not _push_entries(conv.pk, [*movers, new_entry(school, role, actor)], added):
        conv.reload()
        if conv.school_entry(school.pk) is not None:
            raise RuleViolation(f"L'école {school_label(school)} figure déjà dans ce pôle.")
        raise state_error(conv, "edit_list")
    with workflow_write():
        Pole.objects(id=pole.pk).update_one(**{f"add_to_set__{POLE_LIST[role]}": school.pk})

    notices: list[str] = []
    if target.kind == Kind.RESSORT:
        notices.append(
            f"L'école {school_label(school)} relève du même pouvoir organisateur que l'école "
            "siège : elle a été inscrite dans le ressort."
        )
    if movers:
        _moved_out(ressort.pk, movers, conv.pk, actor)
        for e in movers:
            notices.append(
                f"L'école {e.name} (FASE {e.fase}) a été déplacée du ressort vers la convention "
                "de partenariat : dès qu'une école partenaire relève d'un autre pouvoir "
                "organisateur, toutes les écoles partenaires figurent dans la convention de "
                "partenariat."
            )
        if delete_if_empty(ressort.pk, actor, keep_written=True):
            notices.append("Le ressort ne contenait plus aucune école : il a été supprimé.")
        else:
            refresh_prefilled(ressort.pk)
    refresh_prefilled(conv.pk)
    settle(conv)  # its event chained after the move's, as things happened
    conv.notices = notices
    return conv


def _push_entries(
    conv_id: Any, entries: list[ConventionSchool], event: dict[str, Any] | None = None
) -> int:
    """Add ``entries`` to a draft document's list, in one update refused if any is there
    (``event``, when given, travels in that update)."""
    ids = [as_id(e.school) for e in entries]
    return write(
        conv_id,
        {"status": Status.DRAFT, "schools__school__nin": ids},
        event,
        push_all__schools=entries,
    )


def _moved_out(source_id: Any, moved: list[ConventionSchool], target_id: Any, actor: Any) -> None:
    """Take off ``source_id``'s list the entries now in ``target_id``'s, the move's event in
    the same update, chained at once (the source may be deleted next, once empty)."""
    ids = [as_id(e.school) for e in moved]
    event = _draft_change(
        "convention.move_school",
        actor,
        {"moved_to": str(target_id), "school_fases": [e.fase for e in moved]},
    )
    raw_write(
        source_id,
        {"status": Status.DRAFT},
        {"$pull": {"schools": {"school": {"$in": ids}}}, "$push": {"pending_events": event}},
    )
    chain_events(Convention.objects.only("id").get(id=source_id))


def _draft_change(action: str, actor: Any, details: dict[str, Any]) -> dict[str, Any]:
    """The audit event of a change to a draft's school list (the list stays a draft), to
    write with the change itself (``audit.pending``)."""
    return audit.pending(
        action, actor, status_before=Status.DRAFT, status_after=Status.DRAFT, details=details
    )


def remove_school(convention: Convention, school: School | Any, actor: Any) -> list[str]:
    """Take a school off a draft convention (and off the pole's structure list).

    Returns the French notices to show (also left on ``convention.notices``).
    """
    school_id = as_id(school)
    details = {"school": str(school_id)}
    with audited("convention.remove_school", actor, convention, details=details):
        require(
            actor,
            Action.EDIT_SCHOOL_LIST,
            convention,
            "Vous ne pouvez pas modifier la liste des écoles de cette convention.",
        )
        return take_school_off(convention, school_id, actor)


def take_school_off(convention: Convention, school_id: Any, actor: Any) -> list[str]:
    """``remove_school`` without the permission check (the caller made it)."""
    require_draft_list(convention, "edit_list")
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

    event = _draft_change(
        "convention.remove_school",
        actor,
        {"school_fase": entry.fase, "school_name": entry.name, "role": entry.role},
    )
    removed = raw_write(
        convention.pk,
        {"status": Status.DRAFT, "schools__school": school_id},
        {"$pull": {"schools": {"school": school_id}}, "$push": {"pending_events": event}},
    )
    if not removed:
        convention.reload()
        raise state_error(convention, "edit_list")
    chain_events(convention)  # now: the convention may be deleted below, once empty
    with workflow_write():
        Pole.objects(id=ref_id(convention, "pole")).update_one(
            **{f"pull__{POLE_LIST[SchoolRole(entry.role)]}": school_id}
        )
    if entry.derogation:
        StoredFile.objects(id=ref_id(entry.derogation, "file")).delete()

    if back:
        pole = Pole.objects.get(id=ref_id(convention, "pole"))
        seat = seat_school_of(pole)
        ressort = ensure_convention(pole, Target(Kind.RESSORT, RESSORT_SLOT), seat, actor)
        if _push_entries(ressort.pk, back):
            _moved_out(convention.pk, back, ressort.pk, actor)
            for e in back:
                notices.append(
                    f"L'école {e.name} (FASE {e.fase}) relève du même pouvoir organisateur que "
                    "l'école siège : elle est revenue dans le ressort."
                )
            refresh_prefilled(ressort.pk)

    keep_written = convention.kind in (Kind.RESSORT, Kind.PARTNERSHIP)
    if delete_if_empty(convention.pk, actor, keep_written=keep_written):
        notices.append(f"{convention.title} ne contenait plus aucune école : elle a été supprimée.")
        convention.notices = notices
        return notices
    refresh_prefilled(convention.pk)
    convention.reload()
    convention.notices = notices
    return notices
