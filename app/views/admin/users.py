"""Back-office view of the accounts (Administration and support staff)."""

from typing import Any

from flask_login import current_user
from markupsafe import Markup, escape

from app.models import OrganisingAuthority, Pole, School, User
from app.rules import permissions
from app.rules.permissions import Action
from app.services import audit
from app.services.access import describe_grant
from app.views.admin.base import SecureModelView, prefetch_embedded


def _grants(view: Any, context: Any, model: Any, name: str) -> Any:
    if not model.grants:
        return "—"
    lines = []
    for g in model.grants:
        lines.append(escape(describe_grant(g)))
    return Markup("<br>").join(lines)


class UserView(SecureModelView):
    action = Action.MANAGE_USERS
    column_list = ["username", "last_name", "first_name", "email", "active", "grants"]
    column_details_list = [
        "username",
        "last_name",
        "first_name",
        "email",
        "phone",
        "active",
        "grants",
        "created_at",
        "last_login_at",
    ]
    column_export_list = ["username", "last_name", "first_name", "email", "phone", "active"]
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
    form_columns = ["username", "last_name", "first_name", "email", "phone", "active"]
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

    def after_model_change(self, form: Any, model: User, is_created: bool) -> None:
        audit.record(
            "user_created" if is_created else "user_updated",
            current_user._get_current_object(),
            target=f"user:{model.username}",
            details={"active": model.active},
        )

    def on_model_delete(self, model: User) -> None:
        audit.record(
            "user_deleted", current_user._get_current_object(), target=f"user:{model.username}"
        )
