"""Back-office list of all conventions. The lock applies here like everywhere else."""

from typing import Any

from flask import has_request_context, url_for
from markupsafe import Markup, escape

from app.models import Convention
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.rules.states import KIND_LABELS, STATUS_LABELS
from app.services import workflow
from app.views.admin.base import SecureModelView


def _title(view: Any, context: Any, model: Any, name: str) -> Any:
    href = url_for("conventions.show", convention_id=str(model.pk))
    return Markup(f'<a href="{escape(href)}">{escape(model.title)}</a>')


class ConventionView(SecureModelView):
    action = Action.VIEW_CONVENTION
    can_create = False
    column_list = ["pole_number", "kind", "title", "status", "school_year", "updated_at"]
    column_details_list = [
        "pole_number",
        "kind",
        "status",
        "school_year",
        "created_at",
        "updated_at",
        "validated_at",
        "approved_at",
        "snapshot_sha256",
        "sealed_pdf_sha256",
    ]
    column_export_list = ["pole_number", "kind", "status", "school_year", "updated_at"]
    column_labels = {
        "pole_number": "Pôle",
        "kind": "Type",
        "title": "Convention",
        "status": "Statut",
        "school_year": "Année scolaire",
        "created_at": "Créée le",
        "updated_at": "Modifiée le",
        "validated_at": "Validée le",
        "approved_at": "Approuvée le",
        "snapshot_sha256": "Empreinte du texte (SHA-256)",
        "sealed_pdf_sha256": "Empreinte du PDF scellé (SHA-256)",
    }
    column_sortable_list = ["pole_number", "kind", "status", "updated_at"]
    column_default_sort = [("pole_number", False), ("kind", False)]
    column_filters = ["kind", "status", "pole_number", "school_year"]
    column_formatters = {
        "kind": lambda v, c, m, n: KIND_LABELS.get(m.kind, m.kind),
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
        "title": _title,
    }
    form_columns = ["school_year"]
    form_args = {"school_year": {"label": "Année scolaire"}}
    can_export = True

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

    def get_query(self) -> Any:
        # Lists never load the embedded articles and signatures (−30 to −45 % per page), and
        # never dereference the schools listed in each row (their names are kept alongside:
        # reading ``schools`` would otherwise cost two queries per row).
        return Convention.objects.no_dereference().exclude(
            "articles", "signatures", "acknowledgments", "snapshot"
        )
