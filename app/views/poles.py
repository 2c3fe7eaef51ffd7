"""« Sélection du pôle »: a user working on several poles chooses the one to work on.

The choice lives in the session (``session["pole_id"]``) and is shown in the header. A
hook re-reads it on every request (one small query) and drops it as soon as the user may no
longer see that pole (a revoked grant takes effect at once).
"""

from typing import Any

from bson import ObjectId
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from app.auth import is_safe_next
from app.models import Pole
from app.rules import permissions
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.views.context import SESSION_POLE_KEY, parse_object_id, visible_poles
from app.views.pagination import paginate

bp = Blueprint("poles", __name__)

PER_PAGE = 12


def _several_poles(user: Any) -> bool:
    """The menu entry is for users with more than one pole (every pole for the back office)."""
    if not permissions.can(user, Action.VIEW_POLE):
        return False
    ids = permissions.pole_ids(user)
    return ids is None or len(ids) > 1


NAV = [("poles.select", "Sélection du pôle", _several_poles)]


@bp.before_app_request
def load_current_pole() -> None:
    """Put the session's pole in ``g.current_pole`` for the header, if still allowed."""
    chosen = session.get(SESSION_POLE_KEY)
    if chosen is None or (request.endpoint or "").endswith("static"):
        return
    if not current_user.is_authenticated or not isinstance(chosen, str):
        session.pop(SESSION_POLE_KEY, None)
        return
    if not ObjectId.is_valid(chosen) or not permissions.can(current_user, Action.VIEW_POLE):
        session.pop(SESSION_POLE_KEY, None)
        return
    ids = permissions.pole_ids(current_user)
    oid = ObjectId(chosen)
    if ids is not None and oid not in ids:
        session.pop(SESSION_POLE_KEY, None)
        return
    pole = Pole.objects(id=oid).only("number", "name").first()
    if pole is None:
        session.pop(SESSION_POLE_KEY, None)
        return
    g.current_pole = pole


def _landing(pole: Pole) -> str:
    """Where a chosen pole leads: the page asked for, else the pole's structure."""
    target = request.values.get("next")
    if is_safe_next(target):
        return target
    if "structure.pole" in current_app.view_functions:
        return url_for("structure.pole", number=pole.number)
    return url_for("main.home")


def _choose(pole: Pole) -> Any:
    session[SESSION_POLE_KEY] = str(pole.pk)
    g.current_pole = pole
    return redirect(_landing(pole))


@bp.route("/selection-du-pole", methods=["GET", "POST"])
@login_required
def select():
    if not permissions.can(current_user, Action.VIEW_POLE):
        abort(404)
    poles = visible_poles(current_user)
    if request.method == "POST":
        oid = parse_object_id(request.form.get("pole_id"))
        pole = poles.filter(id=oid).only("number", "name").first()
        if pole is None:
            abort(404)
        return _choose(pole)

    ids = permissions.pole_ids(current_user)
    if ids is not None and len(ids) == 1:
        pole = poles.only("number", "name").first()
        if pole is not None:
            return _choose(pole)
    query = (request.args.get("q") or "").strip()[:100]
    listed = poles.only("number", "name", "zone").order_by("number")
    if query:
        if is_digits(query) and len(query) <= 4:
            listed = listed.filter(number=int(query))
        else:
            listed = listed.filter(name__icontains=query)
    shown = paginate(listed, PER_PAGE)
    next_target = request.args.get("next")
    return render_template(
        "poles/select.html",
        listed=shown,
        query=query,
        searchable=ids is None,
        next_target=next_target if is_safe_next(next_target) else None,
        current_id=session.get(SESSION_POLE_KEY),
    )
