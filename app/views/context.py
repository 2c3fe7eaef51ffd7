"""Which pole and which convention a page works on, read safely from the request.

Every lookup here is scoped by the user's rights: an object the user may not see is
answered exactly like a missing one (404), so that ids reveal nothing.
"""

from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from flask import abort, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from app.models import Convention, Pole
from app.models.base import as_loaded
from app.rules import permissions
from app.rules.permissions import Action
from app.rules.refs import ref_id

SESSION_POLE_KEY = "pole_id"


def parse_object_id(value: Any) -> ObjectId:
    """The ObjectId written in a URL, or 404 for anything malformed."""
    if not isinstance(value, str) or len(value) != 24:
        abort(404)
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        abort(404)


def visible_poles(user: Any) -> Any:
    """The poles ``user`` works on, as a queryset (every pole for the back office)."""
    if not permissions.can(user, Action.VIEW_POLE):
        return Pole.objects(id__in=[])
    ids = permissions.pole_ids(user)
    if ids is None:
        return Pole.objects
    return Pole.objects(id__in=list(ids))


def current_pole_for(user: Any) -> Pole | None:
    """The pole the user is working on: the one chosen in the session if the user may see
    it, else the user's only pole; None when a choice is needed (or nothing is visible)."""
    if not permissions.can(user, Action.VIEW_POLE):
        return None
    ids = permissions.pole_ids(user)
    chosen = session.get(SESSION_POLE_KEY)
    if isinstance(chosen, str) and ObjectId.is_valid(chosen):
        oid = ObjectId(chosen)
        if ids is None or oid in ids:
            pole = Pole.objects(id=oid).first()
            if pole is not None:
                return pole
    if ids is not None and len(ids) == 1:
        return Pole.objects(id=next(iter(ids))).first()
    return None


def pole_or_404(number: int, user: Any) -> Pole:
    """The pole numbered ``number`` if the user may view it; it becomes the header's pole."""
    pole = Pole.objects(number=number).first()
    if pole is None or not permissions.can(user, Action.VIEW_POLE, pole):
        abort(404)
    g.current_pole = pole
    return pole


def convention_or_404(convention_id: str, user: Any) -> Convention:
    """The convention if it is within the user's scope, else 404 (malformed ids too)."""
    oid = parse_object_id(convention_id)
    scope = permissions.convention_filter(user)
    if scope is None:
        abort(404)
    # ``scope`` is built by the permission rules, never from request data.
    # As loaded: its school list keeps the ids it stores (the permission check and the pages
    # read them; the names they show are fetched in one query per collection).
    conv = next(as_loaded(Convention.objects(__raw__={"$and": [{"_id": oid}, scope]})[:1]), None)
    if conv is None or not permissions.can(user, Action.VIEW_CONVENTION, conv):
        abort(404)
    pole = Pole.objects(id=ref_id(conv, "pole")).first()
    g.current_pole = pole
    return conv


def to_current_pole(user: Any, endpoint: str) -> Response:
    """A menu entry's answer: ``endpoint`` for the pole ``user`` works on (``current_pole_for``),
    else the pole selection, which comes back here once a pole is chosen."""
    pole = current_pole_for(user)
    if pole is None:
        return redirect(url_for("poles.select", next=request.path))
    return redirect(url_for(endpoint, number=pole.number))
