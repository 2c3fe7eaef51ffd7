"""« À approuver »: the Administration's queue of conventions signed by every party.

Oldest first (the longest waiting comes first), each with its draft PDF, an approve button
and a send-back form; both post to the convention's own actions, which come back here.
"""

from typing import Any

from flask_admin import BaseView, expose

from app.models import Convention, Pole
from app.models.base import as_loaded
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.states import Status
from app.views.admin.base import ActionGated


def awaiting_approval() -> list[Convention]:
    """Signed conventions, oldest signature round first (one query, no heavy fields)."""
    return list(
        as_loaded(
            Convention.objects(status=Status.SIGNED)
            .exclude("articles", "snapshot", "acknowledgments")
            .order_by("signed_at", "pole_number")
        )
    )


def count_awaiting_approval() -> int:
    return Convention.objects(status=Status.SIGNED).count()


class ApprovalsView(ActionGated, BaseView):
    """The Administration's approval queue (``Action.APPROVE``)."""

    action = Action.APPROVE

    @expose("/")
    def index(self) -> Any:
        convs = awaiting_approval()
        poles = {
            p.pk: p
            for p in Pole.objects(id__in=list({ref_id(c, "pole") for c in convs})).only(
                "number", "name"
            )
        }
        items = [{"conv": c, "pole": poles.get(ref_id(c, "pole"))} for c in convs]
        return self.render("admin/steering/approvals.html", items=items)
