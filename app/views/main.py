"""Home page (profiles, shortcuts, the two message boxes of the user guide) and health check."""

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, render_template, url_for
from flask_login import current_user, login_required

from app import db
from app.models import OrganisingAuthority, Pole, School
from app.models.message import messages_for
from app.rules import permissions
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.roles import ROLE_LABELS
from app.services import school_years, workflow
from app.views.context import current_pole_for
from app.views.signing import count_to_acknowledge, count_to_sign, is_director, is_po_delegate

bp = Blueprint("main", __name__)

NAV = [("main.home", "Accueil", lambda user: True)]


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for it at the root whatever the page says: the served icon, cached."""
    icon = Path(current_app.static_folder or "", "favicon.ico").read_bytes()  # 759 bytes
    return Response(
        icon, mimetype="image/x-icon", headers={"Cache-Control": "public, max-age=86400"}
    )


@bp.route("/health")
def health():
    try:
        answered = db.ping()
    except Exception:  # the point is to answer, whatever broke
        answered = False
    if not answered:
        return jsonify(status="error", database="indisponible"), 503
    return jsonify(status="ok", database="ok")


def _profiles(grants: list[Any], pole: Pole | None = None) -> list[dict[str, Any]]:
    """The user's profiles with their scope, names read with one query per collection
    (none for the poles when ``pole``, already read for the header, is the only one)."""
    ids = {f: {ref_id(gr, f) for gr in grants} - {None} for f in ("pole", "school", "po")}
    models = {"pole": Pole, "school": School, "po": OrganisingAuthority}
    fields = {"pole": ("number", "name"), "school": ("name", "fase"), "po": ("name", "fase")}
    found: dict[str, dict[Any, Any]] = {"pole": {pole.pk: pole} if pole is not None else {}}
    for field, wanted in ids.items():
        wanted = wanted - found.get(field, {}).keys()
        found.setdefault(field, {}).update(
            {d.pk: d for d in models[field].objects(id__in=list(wanted)).only(*fields[field])}
            if wanted
            else {}
        )
    rows = [
        {
            "label": ROLE_LABELS.get(gr.role, gr.role),
            "pole": found["pole"].get(ref_id(gr, "pole")),
            "school": found["school"].get(ref_id(gr, "school")),
            "po": found["po"].get(ref_id(gr, "po")),
        }
        for gr in grants
    ]
    return sorted(rows, key=lambda r: (r["pole"].number if r["pole"] else 0, r["label"]))


def _task_url(task: Any) -> str:
    """Where a task of « Ce qui vous attend » is done: the signing pages for a signature or
    an acknowledgment (the convention's anchor), else the convention's step."""
    anchor = f"convention-{task.convention.pk}"
    if task.kind == workflow.TaskKind.SIGN:
        return url_for("signing.to_sign", _anchor=anchor)
    if task.kind == workflow.TaskKind.ACKNOWLEDGE:
        return url_for("signing.to_acknowledge", _anchor=anchor)
    return url_for("conventions.show", convention_id=str(task.convention.pk), etape=task.step)


@bp.route("/")
@login_required
def home():
    grants = permissions.active_grants(current_user)
    general, personal = messages_for(
        {gr.role for gr in grants},
        {ref_id(gr, "school") for gr in grants} - {None},
        {ref_id(gr, "po") for gr in grants} - {None},
    )
    pole = getattr(g, "current_pole", None)
    if pole is None:
        pole = current_pole_for(current_user)
    pole_ids = permissions.pole_ids(current_user)
    due = None
    tasks: list[Any] = []
    if not permissions.can(current_user, Action.ENTER_BACKOFFICE) and (pole or pole_ids):
        wanted = [pole.pk] if pole is not None else sorted(pole_ids or [])
        cals = school_years.Calendars.load()
        # One read of the poles' open conventions serves the late and due-soon ones and
        # « Ce qui vous attend » (to complete, validate, sign, acknowledge, with due dates).
        convs = workflow.open_conventions(current_user, wanted)
        scope = permissions.convention_filter(current_user)
        found = school_years.late_and_soon(wanted, scope, cals, convs)
        due = [(c, school_years.deadline_of(c, cals)) for cs in found.values() for c in cs]
        tasks = [
            (t, school_years.deadline_of(t.convention, cals), _task_url(t))
            for t in workflow.tasks_for(current_user, wanted, convs)
        ]
    return render_template(
        "main/home.html",
        due=due,
        tasks=tasks,
        task_titles=workflow.TASK_TITLES,
        profiles=_profiles(grants, pole),
        general=general,
        personal=personal,
        current_pole=pole,
        several_poles=permissions.can(current_user, Action.VIEW_POLE)
        and (pole_ids is None or len(pole_ids) > 1),
        to_sign=count_to_sign(current_user) if is_po_delegate(current_user) else None,
        to_acknowledge=count_to_acknowledge(current_user) if is_director(current_user) else None,
    )
