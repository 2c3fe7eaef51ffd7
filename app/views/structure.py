"""« Structure du pôle »: the seat school, the pole's documents, and the school pickers."""

from collections.abc import Callable
from typing import Any

from bson import ObjectId
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from mongoengine import Q
from werkzeug.wrappers import Response

from app.auth import actor
from app.models import Convention, OrganisingAuthority, Pole, School
from app.rules import permissions
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.rules.reference import ORDINARY, SPECIALIZED, SPECIFIC_PARTNER_TYPES
from app.rules.refs import as_id, ref_id
from app.rules.routing import POLE_LIST
from app.rules.states import KIND_LABELS, SCHOOL_ROLE_LABELS, Kind, SchoolRole
from app.services import school_years, workflow
from app.services.exports import record_export
from app.views.actions import run_action
from app.views.context import pole_or_404, to_current_pole
from app.views.exports import FORMATS as EXPORT_FORMATS
from app.views.exports import conventions_response
from app.views.gates import requires
from app.views.pagination import paginate

bp = Blueprint("structure", __name__)

NAV = [
    (
        "structure.index",
        "Structure du pôle",
        lambda user: permissions.can(user, Action.VIEW_POLE),
    )
]

PER_PAGE = 25
# Order of the documents on the pole page (user guide §7).
KIND_ORDER = [Kind.PARTNERSHIP, Kind.RESSORT, Kind.COOPERATION, Kind.SPECIFIC_PARTNERSHIP]
KIND_HEADINGS = {
    Kind.PARTNERSHIP: "Convention de partenariat",
    Kind.RESSORT: "Ressort",
    Kind.COOPERATION: "Conventions de coopération",
    Kind.SPECIFIC_PARTNERSHIP: "Conventions de partenariat spécifique",
}
ADD_LABELS = {
    SchoolRole.PARTNER: "Ajouter une école partenaire",
    SchoolRole.COOPERATING: "Ajouter une école coopérante",
    SchoolRole.SPECIFIC_PARTNER: "Ajouter une école partenaire spécifique",
}
PICKER_HELP = {
    SchoolRole.PARTNER: (
        "Les écoles partenaires sont des écoles d'enseignement spécialisé. Si elles relèvent "
        "du même pouvoir organisateur que l'école siège, elles vont dans le ressort ; sinon, "
        "une convention de partenariat est conclue (et toutes les écoles partenaires y "
        "passent)."
    ),
    SchoolRole.COOPERATING: (
        "Les écoles coopérantes sont des écoles d'enseignement ordinaire. Une convention de "
        "coopération est établie par pouvoir organisateur ; les écoles du pouvoir organisateur "
        "de l'école siège vont dans le ressort."
    ),
    SchoolRole.SPECIFIC_PARTNER: (
        "Une école partenaire spécifique est une école d'enseignement spécialisé de type 4, 5, "
        "6 ou 7 qui prend en charge des élèves aux besoins spécifiques sensori-moteurs pour "
        "lesquels le pôle ne dispose pas des compétences. Une convention par école."
    ),
}


@bp.route("/structure")
@login_required
@requires(Action.VIEW_POLE)
def index():
    """The menu entry: the pole being worked on, else the pole selection."""
    return to_current_pole(current_user, "structure.pole")


@bp.route("/poles/<int:number>/structure")
@login_required
def pole(number: int):
    pole = pole_or_404(number, current_user)
    seat = School.objects(id=ref_id(pole, "seat_school")).first()
    seat_po = OrganisingAuthority.objects(id=ref_id(seat, "po")).first() if seat else None
    documents = _visible_documents(pole)
    cals = school_years.Calendars.load()
    return render_template(
        "structure/pole.html",
        deadlines={
            str(c.pk): school_years.deadline_of(c, cals) for cs in documents.values() for c in cs
        },
        pole=pole,
        seat=seat,
        seat_po=seat_po,
        sections=[(kind, KIND_HEADINGS[kind], documents.get(kind, [])) for kind in KIND_ORDER],
        add_labels=ADD_LABELS,
        may_edit_list=permissions.can(current_user, Action.EDIT_SCHOOL_LIST, pole),
    )


@bp.route("/poles/<int:number>/conventions.<fmt>")
@login_required
def export(number: int, fmt: str):
    """The pole's documents the user may view, as CSV or XLSX (the back office's columns)."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    pole = pole_or_404(number, current_user)
    documents = _visible_documents(pole)
    conventions = [c for kind in KIND_ORDER for c in documents.get(kind, [])]
    record_export(actor(), f"pole:{pole.number}:conventions", fmt, len(conventions), {})
    return conventions_response(fmt, f"pole-{pole.number}-conventions", conventions)


def _visible_documents(pole: Pole) -> dict[str, list[Convention]]:
    """The pole's documents by kind, keeping only those the user may view."""
    out: dict[str, list[Convention]] = {}
    for kind, convs in workflow.pole_documents(pole).items():
        shown = [c for c in convs if permissions.can(current_user, Action.VIEW_CONVENTION, c)]
        if shown:
            out[str(kind)] = shown
    return out


# -- the school pickers ---------------------------------------------------------------------


def _role_or_404(role: str) -> SchoolRole:
    try:
        return SchoolRole(role)
    except ValueError:
        abort(404)


def _taken(pole: Pole, role: SchoolRole) -> set[Any]:
    """Schools the rules would refuse for ``role`` in ``pole``: already in the pole, or
    bound elsewhere (a school cooperates with one pole; partnership is exclusive)."""
    taken = {ref_id(pole, "seat_school")}
    for conv in Convention.objects(pole=pole.pk).only("schools.school"):
        taken.update(ref_id(e, "school") for e in conv.schools)
    for other_role, field in POLE_LIST.items():
        if other_role != role:
            taken.update(as_id(s) for s in pole._data.get(field) or [])
    if role in (SchoolRole.COOPERATING, SchoolRole.PARTNER):
        field = POLE_LIST[role]
        for other in Pole.objects(id__ne=pole.pk).only(field, "seat_school"):
            taken.update(as_id(s) for s in other._data.get(field) or [])
            if role == SchoolRole.PARTNER:
                taken.add(ref_id(other, "seat_school"))
    if role == SchoolRole.COOPERATING:
        elsewhere = Convention.objects(
            pole__ne=pole.pk, schools__role=SchoolRole.COOPERATING.value
        ).only("schools.school", "schools.role")
        for conv in elsewhere:
            taken.update(
                ref_id(e, "school") for e in conv.schools if e.role == SchoolRole.COOPERATING
            )
    taken.discard(None)
    return taken


def _candidates(pole: Pole, role: SchoolRole, q: str) -> Any:
    """The schools that could take ``role`` in ``pole`` and are not in it yet."""
    if role == SchoolRole.COOPERATING:
        query = Q(education=ORDINARY)
    elif role == SchoolRole.SPECIFIC_PARTNER:
        query = Q(education=SPECIALIZED, types__in=sorted(SPECIFIC_PARTNER_TYPES))
    else:
        query = Q(education=SPECIALIZED)
    query &= Q(id__nin=list(_taken(pole, role)))
    q = q.strip()
    if q:
        # icontains escapes the text: no regex from the request.
        text = Q(name__icontains=q) | Q(city__icontains=q)
        if is_digits(q) and len(q) <= 9:
            text |= Q(fase=int(q))
        query &= text
    return School.objects(query).order_by("sort_name", "name")


@bp.route("/poles/<int:number>/ajouter/<role>", methods=["GET", "POST"])
@login_required
def add_school(number: int, role: str):
    pole = pole_or_404(number, current_user)
    school_role = _role_or_404(role)
    if not permissions.can(current_user, Action.EDIT_SCHOOL_LIST, pole):
        abort(404)
    if request.method == "POST":
        return _add_school_post(pole, school_role)
    q = request.args.get("q", "")[:100]
    listed = paginate(
        _candidates(pole, school_role, q).only(
            "name", "fase", "city", "postal_code", "zone", "types", "po"
        ),
        PER_PAGE,
    )
    rows = listed.items
    back_conv = request.args.get("convention", "")
    back_url = (
        url_for("conventions.show", convention_id=back_conv, etape=1)
        if ObjectId.is_valid(back_conv) and len(back_conv) == 24
        else None
    )
    po_ids = {ref_id(s, "po") for s in rows}
    pos = {po.pk: po for po in OrganisingAuthority.objects(id__in=list(po_ids)).only("name")}
    return render_template(
        "structure/add_school.html",
        pole=pole,
        role=school_role,
        role_label=SCHOOL_ROLE_LABELS[school_role],
        title=ADD_LABELS[school_role],
        help_text=PICKER_HELP[school_role],
        rows=[(s, pos.get(ref_id(s, "po"))) for s in rows],
        q=q,
        listed=listed,
        seat_zone=pole.zone,
        back_url=back_url,
        back_conv=back_conv if back_url else None,
    )


def _add_school_post(pole: Pole, role: SchoolRole):
    back = url_for("structure.add_school", number=pole.number, role=role.value)
    raw = request.form.get("school_id", "")
    school = School.objects(id=ObjectId(raw)).first() if ObjectId.is_valid(raw) else None
    if school is None:
        flash("Choisissez une école dans la liste.", "danger")
        return redirect(back)
    return run_add_school(
        pole,
        school,
        role,
        to=lambda conv: url_for("conventions.show", convention_id=str(conv.pk), etape=1),
        success=lambda conv: (
            f"L'école « {school.name} » (FASE {school.fase}) a été ajoutée comme "
            f"{SCHOOL_ROLE_LABELS[role]} ({KIND_LABELS.get(conv.kind, conv.kind).lower()})."
        ),
        failure_to=back,
    )


def run_add_school(
    pole: Pole,
    school: School,
    role: SchoolRole,
    *,
    to: str | Callable[[Convention], str],
    success: Callable[[Convention], str],
    failure_to: str | None = None,
) -> Response:
    """Route ``school`` into ``pole``'s documents as ``role`` (``workflow.add_school``), flash
    ``success`` and the notices the routing left on the convention, redirect (``run_action``).
    The data managers' page adds a school through it too."""
    return run_action(
        to,
        workflow.add_school,
        pole,
        school,
        role.value,
        actor(),
        success=success,
        failure_to=failure_to,
        notices=lambda conv: conv.notices,
    )
