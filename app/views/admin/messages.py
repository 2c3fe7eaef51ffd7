"""Back-office view of the home-page messages (Administration)."""

from typing import Any

from flask_admin.menu import MenuLink
from flask_login import current_user
from wtforms import SelectField

from app.models.base import DELETED_LABEL, ref_id, referenced
from app.models.message import AUDIENCE_LABELS, Message
from app.models.organisation import OrganisingAuthority
from app.models.school import School
from app.rules import permissions
from app.rules.permissions import Action
from app.views.admin.audited import AuditedModelView
from app.views.admin.widgets import BrusselsDateTimeField


def _ref(field: str) -> Any:
    def formatter(view: Any, context: Any, model: Any, name: str) -> str:
        if ref_id(model, field) is None:
            return "—"
        ref = referenced(model, field)
        return str(getattr(ref, "name", "")) if ref is not None else DELETED_LABEL

    return formatter


class MessageView(AuditedModelView):
    action = Action.MANAGE_MESSAGES
    audit_noun = "message"
    column_list = ["title", "audience", "school", "po", "published_from", "published_until"]
    form_columns = [
        "title",
        "body",
        "audience",
        "school",
        "po",
        "published_from",
        "published_until",
    ]
    # The details: what the form edits, then who wrote it and when.
    column_details_list = [*form_columns, "created_by", "created_at"]
    column_export_list = column_details_list
    column_labels = {
        "title": "Titre",
        "body": "Texte",
        "audience": "Destinataires",
        "school": "École",
        "po": "Pouvoir organisateur",
        "published_from": "Publié à partir du",
        "published_until": "Publié jusqu'au",
        "created_by": "Rédigé par",
        "created_at": "Créé le",
    }
    column_searchable_list = ["title", "body"]
    column_filters = ["audience", "published_from"]
    column_default_sort = ("published_from", True)
    prefetch_refs = {"school": School, "po": OrganisingAuthority}
    column_formatters = {
        "audience": lambda v, c, m, n: AUDIENCE_LABELS.get(m.audience, m.audience),
        "school": _ref("school"),
        "po": _ref("po"),
    }
    column_formatters_export = {"school": _ref("school"), "po": _ref("po")}
    # WTForms' DateTimeField (Flask-Admin's default) is deprecated: a native date-time input,
    # in Brussels time like the rest of the pages (stored as UTC).
    form_overrides = {
        "audience": SelectField,
        "published_from": BrusselsDateTimeField,
        "published_until": BrusselsDateTimeField,
    }
    form_args = {
        "audience": {"choices": list(AUDIENCE_LABELS.items()), "label": "Destinataires"},
        "school": {"label": "École (si adressé à une école)"},
        "po": {"label": "Pouvoir organisateur (si adressé à un PO)"},
        "published_from": {"label": "Publié à partir du (heure de Bruxelles)"},
        "published_until": {"label": "Publié jusqu'au (heure de Bruxelles, vide : sans limite)"},
    }
    form_widget_args = {"body": {"rows": 8}}
    form_ajax_refs = {
        "school": {"fields": ["name"], "page_size": 20},
        "po": {"fields": ["name"], "page_size": 20},
    }
    can_export = True

    def on_model_change(self, form: Any, model: Message, is_created: bool) -> None:
        if is_created:
            model.created_by = current_user.username

    def audit_details(self, model: Message) -> dict[str, Any]:
        return {"audience": model.audience}


class StructureLink(MenuLink):
    """Back-office menu link to a page outside Flask-Admin, shown to who may use it
    (the pole structure pages by default: data managers, Administration)."""

    def __init__(self, *args: Any, action: Action = Action.MANAGE_STRUCTURE, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.action = action

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and permissions.can(current_user, self.action)
