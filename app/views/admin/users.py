"""Back-office view of the accounts (Administration and support staff)."""

from typing import Any

from flask_login import current_user
from markupsafe import Markup, escape

from app.models import OrganisingAuthority, Pole, School, User
from app.rules import permissions
from app.rules.permissions import Action
from app.services.access import describe_grant
from app.views.admin.audited import AuditedModelView
from app.views.admin.base import prefetch_embedded


def _grants(view: Any, context: Any, model: Any, name: str) -> Any:
    if not model.grants:
        return "—"
    lines = []
    for g in model.grants:
        lines.append(escape(describe_grant(g)))
    return Markup("<br>").join(lines)


class UserView(AuditedModelView):
    action = Action.MANAGE_USERS
    audit_noun = "user"
    column_list = ["username", "last_name", "first_name", "email", "active", "grants"]
    form_columns = ["username", "last_name", "first_name", "email", "phone", "active"]
    # The details: the edited fields, then the profiles and the account's dates.
    column_details_list = [*form_columns, "grants", "created_at", "last_login_at"]
    column_export_list = form_columns
    column_labels = {
        "username": "Compte CERBERE",
        "last_name": "Nom",
        "first_name": "Prénom",
        "email": "Courriel",
        "phone": "Téléphone",
        "active": "Actif",
        "grants": "Profils",
        "created_at": "Créé le",
        "last_login_at": "Dernière connexion",
    }
    column_searchable_list = ["username", "last_name", "first_name", "email"]
    column_filters = ["active"]
    column_default_sort = "username"
    # Names sort in French order (app.rules.collation): by last name, then first name.
    column_sortable_list = [
        "username",
        ("last_name", "sort_name"),
        "first_name",
        "email",
        "active",
    ]
    column_formatters = {"grants": _grants}
    column_formatters_detail = {"grants": _grants}
    can_export = True

    def get_query(self) -> Any:
        return super().get_query().filter(__raw__=permissions.account_filter(current_user))

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, data = super().get_list(*args, **kwargs)
        if kwargs.get("execute", True):
            # The « Profils » column names each grant's pole, school and PO: one query per
            # collection for the page, not three per grant.
            data = list(data)
            prefetch_embedded(
                data, "grants", {"pole": Pole, "school": School, "po": OrganisingAuthority}
            )
        return count, data

    def get_count_query(self) -> Any:
        return self.get_query()

    def on_model_change(self, form: Any, model: User, is_created: bool) -> None:
        if not is_created and not model.active:
            # Deactivation ends the user's open sessions at their next request.
            model.rotate_session_token()

    def audit_target(self, model: User) -> str:
        return model.username

    def audit_details(self, model: User) -> dict[str, Any]:
        return {"active": model.active}
