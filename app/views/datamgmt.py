"""Data managers fix the structure of a pole: add a missing partner, cooperating or specific
partner school (creating the school, and its PO, when absent), correct a school's zone or PO.

Everything goes through ``app.services.workflow``: routing applies, a validated list refuses
(only the Administration reopens it, audited), and every change is in the audit trail.
"""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.auth import actor
from app.forms.school import SchoolForm
from app.models import Convention, OrganisingAuthority, Pole, School
from app.models.base import as_loaded
from app.rules import permissions
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits, whole_number
from app.rules.permissions import Action
from app.rules.reference import EDUCATION_LABELS, SPECIAL_TYPES, ZONE_CHOICES
from app.rules.refs import ref_id
from app.rules.states import SCHOOL_ROLE_LABELS, STATUS_LABELS, SchoolRole, Status
from app.services import school_records, workflow
from app.views.actions import run_action
from app.views.confirm import ask, confirmed, motive_problem, to_confirmation
from app.views.context import parse_object_id
from app.views.conventions import confirmations
from app.views.gates import requires
from app.views.pagination import paginate
from app.views.structure import run_add_school

bp = Blueprint("datamgmt", __name__, url_prefix="/gestion")

PER_PAGE = 25
ROLE_ORDER = [SchoolRole.PARTNER, SchoolRole.COOPERATING, SchoolRole.SPECIFIC_PARTNER]
ROLE_HEADINGS = {
    SchoolRole.PARTNER: "Écoles partenaires",
    SchoolRole.COOPERATING: "Écoles coopérantes",
    SchoolRole.SPECIFIC_PARTNER: "Écoles partenaires spécifiques",
}


def _pole(number: int) -> Pole:
    """The pole of the URL, or 404 (the view's gate has checked ``MANAGE_STRUCTURE``)."""
    pole = Pole.objects(number=number).first()
    if pole is None:
        abort(404)
    return pole


def _role(raw: Any) -> SchoolRole | None:
    return next((r for r in ROLE_ORDER if r.value == raw), None)


@bp.route("/poles")
@login_required
@requires(Action.MANAGE_STRUCTURE)
def index():
    query = (request.args.get("q") or "").strip()[:100]
    poles = Pole.objects.only("number", "name", "zone").order_by("number")
    if query:
        poles = (
            poles.filter(number=int(query))
            if is_digits(query) and len(query) <= 4
            else poles.filter(name__icontains=query)
        )
    return render_template("datamgmt/index.html", listed=paginate(poles, PER_PAGE), query=query)


def _structure(pole: Pole) -> dict[str, Any]:
    """The pole's schools by role, read from its conventions (one query), with the seat."""
    convs = list(
        as_loaded(
            Convention.objects(pole=pole.pk).exclude(
                "articles", "snapshot", "signatures", "acknowledgments"
            )
        )
    )
    rows: dict[str, list[dict[str, Any]]] = {r.value: [] for r in ROLE_ORDER}
    for conv in convs:
        for entry in conv.schools:
            rows.setdefault(entry.role, []).append({"entry": entry, "conv": conv})
    for items in rows.values():
        items.sort(key=lambda i: (i["entry"].name or "", i["entry"].fase or 0))
    seat = School.objects(id=ref_id(pole, "seat_school")).only("name", "fase", "zone", "po").first()
    seat_po = (
        OrganisingAuthority.objects(id=ref_id(seat, "po")).only("name", "fase").first()
        if seat
        else None
    )
    return {
        "convs": sorted(convs, key=lambda c: (c.kind, c.title)),
        "rows": rows,
        "seat": seat,
        "seat_po": seat_po,
        "locked_lists": [c for c in convs if c.status != Status.DRAFT],
    }


def _render(pole: Pole, create: dict[str, Any] | None = None, status: int = 200):
    return (
        render_template(
            "datamgmt/pole.html",
            pole=pole,
            create=create,
            roles=[(r.value, SCHOOL_ROLE_LABELS[r]) for r in ROLE_ORDER],
            headings={r.value: ROLE_HEADINGS[r] for r in ROLE_ORDER},
            zones=ZONE_CHOICES,
            educations=EDUCATION_LABELS,
            special_types=SPECIAL_TYPES,
            may_reopen=permissions.can(current_user, Action.REOPEN),
            **_structure(pole),
        ),
        status,
    )


@bp.route("/poles/<int:number>")
@login_required
@requires(Action.MANAGE_STRUCTURE)
def pole(number: int):
    return _render(_pole(number))


def _added(pole: Pole, school: School, role: SchoolRole) -> Response:
    """Route the school into the pole's documents, say what happened, back to the pole."""
    return run_add_school(
        pole,
        school,
        role,
        to=url_for("datamgmt.pole", number=pole.number),
        success=lambda conv: (
            f"{school.name} (FASE {school.fase}) a été ajoutée comme "
            f"{SCHOOL_ROLE_LABELS[role]} : « {conv.title} »."
        ),
    )


@bp.route("/poles/<int:number>/ajouter", methods=["POST"])
@login_required
@requires(Action.MANAGE_STRUCTURE)
def add_school(number: int):
    pole = _pole(number)
    fase = whole_number(request.form.get("fase"))
    role = _role(request.form.get("role"))
    if fase is None or role is None:
        flash("Indiquez le numéro FASE de l'école (un nombre) et son rôle dans le pôle.", "danger")
        return _render(pole, status=400)
    school = School.objects(fase=fase).first()
    if school is None:
        flash(
            f"Aucune école ne porte le numéro FASE {fase} : complétez sa fiche pour la créer "
            "et l'ajouter au pôle.",
            "warning",
        )
        return _render(pole, create={"fase": fase, "role": role.value, "values": {}})
    return _added(pole, school, role)


def _typed() -> dict[str, Any]:
    """What the user typed, as typed, to show the form again after a refusal."""
    values: dict[str, Any] = {name: request.form.get(name, "") for name in SchoolForm().data}
    values["types"] = request.form.getlist("types")[:8]
    return values


@bp.route("/poles/<int:number>/creer-ecole", methods=["POST"])
@login_required
@requires(Action.MANAGE_STRUCTURE)
def create_school(number: int):
    pole = _pole(number)
    form = SchoolForm(request.form)
    create = {
        "fase": form.fase.data,
        "role": request.form.get("role", ""),
        "values": _typed(),
        "need_po": "po_name" in request.form,  # the PO's fields were shown: keep them
    }
    if not form.validate():
        flash(form.first_error(), "danger")
        # A bad FASE or role is in the form's hidden fields: start again from the FASE.
        return _render(pole, None if form.fase.errors or form.role.errors else create, 400)
    try:
        created = school_records.create_school(form.entry(), actor())
    except school_records.FaseTaken as exc:
        flash(str(exc), "danger")
        return _render(pole, status=400)
    except school_records.PoUnknown as exc:
        flash(str(exc), "warning")
        return _render(pole, {**create, "need_po": True}, 400)
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return _render(pole, create, 400)
    if (po := created.new_po) is not None:
        flash(f"Le pouvoir organisateur {po.name} (FASE {po.fase}) a été créé.", "success")
    flash(f"L'école {created.school.name} (FASE {created.school.fase}) a été créée.", "success")
    return _added(pole, created.school, SchoolRole(form.role.data))


@bp.route("/poles/<int:number>/corriger", methods=["POST"])
@login_required
@requires(Action.MANAGE_STRUCTURE)
def correct_school(number: int):
    pole = _pole(number)
    fase = whole_number(request.form.get("fase"))
    school = School.objects(fase=fase).first() if fase is not None else None
    if school is None:
        flash("Aucune école ne porte ce numéro FASE.", "danger")
        return _render(pole, status=400)
    zone = whole_number(request.form.get("zone"), 2)
    po_fase = whole_number(request.form.get("po_fase"))
    if zone is None and po_fase is None:
        flash(
            "Indiquez la nouvelle zone ou le numéro FASE du nouveau pouvoir organisateur.", "danger"
        )
        return _render(pole, status=400)
    try:
        correction = school_records.correct_school(school, zone, po_fase, actor())
    except RuleViolation as exc:
        flash(str(exc), "danger")
    else:
        for done in correction.done:
            flash(done, "success")
        for notice in correction.notices:
            flash(notice, "info")
    return redirect(url_for("datamgmt.pole", number=pole.number))


@bp.route("/poles/<int:number>/conventions/<convention_id>/rouvrir-liste", methods=["GET", "POST"])
@login_required
@requires(Action.MANAGE_STRUCTURE)
def reopen_list(number: int, convention_id: str):
    """GET: what reopening the list means, with its motive; POST confirmed: reopen it."""
    pole = _pole(number)
    oid = parse_object_id(convention_id)
    conv = Convention.objects(id=oid, pole=pole.pk).exclude("snapshot").first()
    if conv is None:
        abort(404)
    here = url_for("datamgmt.pole", number=pole.number)
    confirmation = confirmations.reopen_list(conv, cancel_url=here)
    if request.method == "GET":
        if conv.status != Status.LIST_VALIDATED or not permissions.can(
            current_user, Action.REOPEN, conv
        ):
            flash(confirmations.NOT_OFFERED.format(STATUS_LABELS[conv.status]), "info")
            return redirect(here)
        return ask(confirmation)
    if not confirmed():
        return to_confirmation()
    reason, problem = motive_problem(confirmation.motive)
    if problem:
        return ask(confirmation, motive_value=reason, error=problem)
    return run_action(
        here,
        workflow.reopen_school_list,
        conv,
        actor(),
        reason=reason,
        success=f"La liste des écoles de « {conv.title} » est rouverte.",
    )
