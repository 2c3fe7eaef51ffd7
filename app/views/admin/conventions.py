"""Back-office list of all conventions. The lock applies here like everywhere else."""

from typing import Any

from flask import g, has_request_context, url_for
from flask_admin import expose
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter
from markupsafe import Markup, escape

from app import formatting
from app.models import Convention
from app.models.base import as_loaded
from app.rules.deadlines import DeadlineState
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.rules.reference import ZONE_CHOICES
from app.rules.states import (
    APPROVED_STATUSES,
    CONVENTION_FIELD_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
)
from app.services import exports, school_years, workflow
from app.views.admin.base import SecureModelView
from app.views.exports import (
    CONVENTION_EXPORT_FIELDS,
    CONVENTION_HEADLINE_FIELDS,
    convention_cell,
    zip_response,
)


def _title(view: Any, context: Any, model: Any, name: str) -> Any:
    href = url_for("conventions.show", convention_id=str(model.pk))
    return Markup(f'<a href="{escape(href)}">{escape(model.title)}</a>')


def _deadline(view: Any, context: Any, model: Any, name: str) -> Any:
    state = school_years.deadline_of(model, view.calendars())
    if state.due is None:
        return ""
    late = f" ({state.late_by} j. ouvrables)" if state.late_by else ""
    return Markup(
        f'{escape(formatting.date_text(state.due))} <span class="badge badge-{state.badge}">'
        f"{escape(state.label)}{escape(late)}</span>"
    )


class DeadlineFilter(BaseMongoEngineFilter):
    """« Échéance » : en retard / bientôt / sans échéance, on today's date (app.clock)."""

    def apply(self, query: Any, value: Any) -> Any:
        if value not in STATE_OPTIONS:
            return query
        return query.filter(**school_years.state_filter(value))

    def operation(self) -> str:
        return "est"


class ZoneFilter(BaseMongoEngineFilter):
    """« Zone » : the conventions of the poles of one zone (the dashboard's zone rows)."""

    def apply(self, query: Any, value: Any) -> Any:
        from app.models import Pole

        if not is_digits(str(value)):
            return query
        return query.filter(pole__in=[p.pk for p in Pole.objects(zone=int(value)).only("id")])

    def operation(self) -> str:
        return "est"


class AmendmentFilter(BaseMongoEngineFilter):
    """« Avenant » : oui (amendments only) / non (conventions only)."""

    def apply(self, query: Any, value: Any) -> Any:
        if value == "oui":
            return query.filter(parent__ne=None)
        if value == "non":
            return query.filter(parent=None)
        return query

    def operation(self) -> str:
        return "est"


STATE_OPTIONS = {
    state: state.label for state in (DeadlineState.LATE, DeadlineState.DUE_SOON, DeadlineState.NONE)
}


class ConventionView(SecureModelView):
    action = Action.VIEW_CONVENTION
    can_create = False
    column_list = [*CONVENTION_HEADLINE_FIELDS, "updated_at"]
    column_details_list = [
        "pole_number",
        "kind",
        "status",
        "school_year",
        "due_on",
        "take_in_charge_on",
        "created_at",
        "updated_at",
        "validated_at",
        "approved_at",
        "snapshot_sha256",
        "sealed_pdf_sha256",
    ]
    column_export_list = list(CONVENTION_EXPORT_FIELDS)
    column_labels = CONVENTION_FIELD_LABELS
    column_formatters_export = {name: convention_cell for name in CONVENTION_EXPORT_FIELDS}
    list_template = "admin/conventions_list.html"
    column_sortable_list = ["pole_number", "kind", "status", "due_on", "updated_at"]
    column_default_sort = [("pole_number", False), ("kind", False)]
    column_filters = [
        "kind",
        "status",
        "pole_number",
        "school_year",
        DeadlineFilter(
            "due_on", "Échéance", options=[(k.value, v) for k, v in STATE_OPTIONS.items()]
        ),
        # The dashboard's rows by zone and its amendments line link to these.
        ZoneFilter("pole", "Zone", options=[(str(z), label) for z, label in ZONE_CHOICES]),
        AmendmentFilter("parent", "Avenant", options=[("oui", "oui"), ("non", "non")]),
    ]
    column_formatters = {
        "kind": lambda v, c, m, n: KIND_LABELS.get(m.kind, m.kind),
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
        "title": _title,
        "due_on": _deadline,
    }
    form_columns = ["school_year"]
    form_args = {"school_year": {"label": "Année scolaire"}}
    can_export = True
    # What the title (kind, first school, amendment's year) and the deadline (status, signed
    # day) read besides the columns; of the schools, only the first is loaded (``project``).
    list_extra_fields = ("kind", "schools", "parent", "school_year", "status", "signed_at")
    page_by_ids = True  # 1,514 conventions with their articles: see SecureModelView

    def loaded(self, rows: Any) -> Any:
        return as_loaded(rows)

    def project(self, query: Any) -> Any:
        query = super().project(query)
        if g.get("epoles_export_columns") == "whole":
            return query
        return query.fields(slice__schools=1)

    def is_accessible(self) -> bool:
        from flask_login import current_user

        from app.rules import permissions

        return (
            current_user.is_authenticated
            and permissions.can(current_user, Action.ENTER_BACKOFFICE)
            and permissions.can(current_user, Action.VIEW_CONVENTION)
        )

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self._administration()

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self._administration()

    @property
    def column_editable_list(self) -> list[str]:  # type: ignore[override]
        # Inline edit only checks this list, not can_edit: keep it empty unless allowed.
        # (Outside a request, at start-up, Flask-Admin builds the inline form once.)
        if not has_request_context():
            return ["school_year"]
        return ["school_year"] if self._administration() else []

    @staticmethod
    def _administration() -> bool:
        from flask_login import current_user

        from app.rules import permissions

        return current_user.is_authenticated and permissions.can(current_user, Action.REOPEN)

    def delete_model(self, model: Convention) -> bool:  # type: ignore[override]
        """Deleting goes through the workflow (permission, lock, audit event), never
        ``model.delete()``; a refusal is flashed in French."""
        from flask import flash
        from flask_login import current_user

        try:
            workflow.delete_convention(model, current_user._get_current_object())
        except RuleViolation as exc:
            flash(str(exc), "error")
            return False
        return True

    @staticmethod
    def may_export_sealed() -> bool:
        from flask_login import current_user

        from app.rules import permissions

        return current_user.is_authenticated and permissions.can(
            current_user, Action.EXPORT_SEALED_PDFS
        )

    @expose("/export/pdf-scelles/")
    def export_sealed(self) -> Any:
        """The sealed PDFs of the list as filtered (search, filters, scope), as one ZIP
        streamed while it is written; the Administration only, audited."""
        from flask import abort, request
        from flask_login import current_user

        if not self.may_export_sealed():
            abort(403)
        g.epoles_export_columns = "whole"  # the sealed files' references too
        _count, data = self._export_data()
        sealed = [c for c in data if c.status in APPROVED_STATUSES and c.sealed_pdf_sha256]
        exports.record_export(
            current_user._get_current_object(),
            "conventions_sealed_pdfs",
            "zip",
            len(sealed),
            {k: v[:200] for k, v in request.args.items()},
        )
        return zip_response("pdf-scelles", exports.sealed_pdfs_zip(sealed))

    @staticmethod
    def calendars() -> school_years.Calendars:
        """The calendars, loaded once per request for the deadline column."""
        if "epoles_calendars" not in g:
            g.epoles_calendars = school_years.Calendars.load()
        return g.epoles_calendars

    def update_model(self, form: Any, model: Convention) -> bool:  # type: ignore[override]
        """The one editable field goes through the workflow's verb (permission, lock, audit);
        a refusal is flashed in French and nothing is written."""
        from flask import flash
        from flask_login import current_user

        try:
            workflow.set_school_year(
                model, form.school_year.data, current_user._get_current_object()
            )
        except RuleViolation as exc:
            flash(str(exc), "error")
            return False
        return True

    def get_query(self) -> Any:
        # Lists never load the embedded articles and signatures (−30 to −45 % per page), and
        # never dereference the schools listed in each row (``loaded``: their names are kept
        # alongside; reading ``schools`` would otherwise cost two queries per row).
        # The same scope clauses as every convention page (the back office sees all today;
        # a narrower role given the back office would see its own conventions only).
        from flask_login import current_user

        from app.rules import permissions

        scope = permissions.convention_filter(current_user)
        query = Convention.objects.exclude("articles", "signatures", "acknowledgments", "snapshot")
        if scope is None:
            return query.filter(id__in=[])
        return query.filter(__raw__=scope) if scope else query
