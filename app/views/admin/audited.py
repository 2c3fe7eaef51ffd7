"""Back-office CRUD views whose every create, update and delete is an audit event."""

from typing import Any

from flask_login import current_user

from app.services import audit
from app.views.admin.base import SecureModelView


class AuditedModelView(SecureModelView):
    """Records ``<audit_noun>_created``, ``_updated`` or ``_deleted`` on
    ``<audit_noun>:<audit_target(model)>`` after each change made through the form."""

    audit_noun: str = ""

    def audit_target(self, model: Any) -> str:
        """How the event names the document (its id unless a view says otherwise)."""
        return str(model.pk)

    def audit_details(self, model: Any) -> dict[str, Any] | None:
        """What a create or update event records of the document (nothing by default)."""
        return None

    def _record(self, change: str, model: Any, details: dict[str, Any] | None = None) -> None:
        audit.record(
            f"{self.audit_noun}_{change}",
            current_user._get_current_object(),
            target=f"{self.audit_noun}:{self.audit_target(model)}",
            details=details,
        )

    def after_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        self._record("created" if is_created else "updated", model, self.audit_details(model))

    def on_model_delete(self, model: Any) -> None:
        self._record("deleted", model)
