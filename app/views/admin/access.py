"""Back-office views of the access management: the outbox (every e-mail written, sent or
not) and the access requests, read-only (decisions are taken on /support/demandes)."""

from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from app.models.access_request import KIND_LABELS, REVOCATION_PROFILE_LABELS
from app.models.access_request import STATUS_LABELS as REQUEST_STATUS_LABELS
from app.rules.delivery import STATUS_LABELS, mask_one_time_links
from app.rules.permissions import Action
from app.views.admin.base import SecureModelView


class OutboxView(SecureModelView):
    action = Action.REVIEW_ACCESS
    can_create = False
    can_edit = False
    can_delete = False
    can_export = True
    column_list = ["created_at", "to", "subject", "topic", "status", "attempts", "sent_at", "error"]
    # Never the bodies: they carry the one-time links of password choice.
    column_export_list = column_list
    column_details_list = [
        "created_at",
        "to",
        "subject",
        "body",
        "topic",
        "category",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    column_labels = {
        "created_at": "Écrit le",
        "to": "Destinataire",
        "subject": "Objet",
        "body": "Message",
        "topic": "Concerne",
        "sent_at": "Envoyé le",
        "error": "Remarque",
        "category": "Catégorie",
        "status": "État",
        "attempts": "Essais",
        "next_attempt_at": "Prochain essai",
    }
    column_searchable_list = ["to", "subject", "topic"]
    column_filters = ["status", "category", "topic"]
    choice_labels = {"status": STATUS_LABELS}
    column_default_sort = ("created_at", True)
    # One-time links (password setting) are masked in every back-office view: whoever reads
    # the outbox must not be able to take over the account.
    column_formatters = {
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
    }
    column_formatters_detail = {
        "body": lambda v, c, m, n: Markup("<pre class='mb-0'>{}</pre>").format(
            mask_one_time_links(m.body)
        ),
        "status": lambda v, c, m, n: STATUS_LABELS.get(m.status, m.status),
    }


def _reference(view: Any, context: Any, model: Any, name: str) -> Any:
    href = url_for("access.detail", reference=model.reference)
    return Markup('<a href="{}">{}</a>').format(href, escape(model.reference))


class AccessRequestView(SecureModelView):
    action = Action.REVIEW_ACCESS
    can_create = False
    can_edit = False
    can_delete = False
    can_view_details = False
    can_export = True
    column_list = ["reference", "created_at", "kind", "profile", "status", "decided_by"]
    column_export_list = column_list
    column_labels = {
        "reference": "Référence",
        "created_at": "Reçue le",
        "kind": "Type",
        "profile": "Profil",
        "status": "Statut",
        "decided_by": "Traitée par",
    }
    column_searchable_list = ["reference"]
    column_filters = ["status", "kind", "profile"]
    choice_labels = {
        "status": REQUEST_STATUS_LABELS,
        "kind": KIND_LABELS,
        "profile": REVOCATION_PROFILE_LABELS,
    }
    column_default_sort = ("created_at", True)
    column_formatters = {
        "reference": _reference,
        "kind": lambda v, c, m, n: m.kind_label,
        "profile": lambda v, c, m, n: m.profile_label,
        "status": lambda v, c, m, n: m.status_label,
    }
    column_formatters_export = {"reference": lambda v, c, m, n: m.reference}
