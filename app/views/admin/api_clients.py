"""« Clients de l'API » (the Administration): create a client (its token shown once), see
when each was last used, revoke."""

from typing import Any

from bson import ObjectId
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup

from app.models.api_client import ApiClient
from app.rules.api import SCOPES
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.services import api_clients
from app.views.admin.base import SecureModelView
from app.views.confirm import Confirmation, confirmed, page_context, to_confirmation


def _revoke_button(view: Any, context: Any, model: ApiClient, name: str) -> Any:
    if not model.active:
        return "révoqué"
    target = url_for(".revoke", client_id=str(model.pk))
    return Markup('<a class="btn btn-sm btn-outline-danger" href="{}">Révoquer {}…</a>').format(
        target, model.name
    )


def _active(client_id: str) -> ApiClient | None:
    """The client not revoked yet with that id, or None."""
    if not ObjectId.is_valid(client_id):
        return None
    return ApiClient.objects(pk=client_id, revoked_at=None).first()


class ApiClientView(SecureModelView):
    action = Action.MANAGE_API_CLIENTS
    can_create = False  # through « Nouveau client », which shows the token once
    can_edit = False
    can_delete = False
    can_view_details = False
    can_export = True
    list_template = "admin/api_clients_list.html"
    column_list = [
        "revoke",
        "name",
        "scopes",
        "token_hint",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    column_export_list = column_list[1:]
    column_labels = {
        "revoke": "Révocation",
        "name": "Client",
        "scopes": "Portées",
        "token_hint": "Début du jeton",
        "created_at": "Créé le",
        "created_by": "Créé par",
        "last_used_at": "Dernier appel",
        "revoked_at": "Révoqué le",
        "revoked_by": "Révoqué par",
    }
    column_formatters = {
        "scopes": lambda v, c, m, n: ", ".join(SCOPES.get(s, s) for s in m.scopes or []),
        "token_hint": lambda v, c, m, n: f"{m.token_hint}…" if m.token_hint else "—",
        "revoke": _revoke_button,
    }
    column_searchable_list = ["name"]
    column_default_sort = ("created_at", True)

    @expose("/nouveau/", methods=("GET", "POST"))
    def create_client(self) -> Any:
        """The creation form; on success the token, shown on this page only."""
        name = (request.form.get("name") or "").strip()
        chosen = request.form.getlist("scopes")
        if request.method == "POST":
            try:
                client, token = api_clients.create(name, chosen, current_user._get_current_object())
            except RuleViolation as exc:
                flash(str(exc), "error")
                return self._form(name, chosen), 422
            return self.render("admin/api_client_created.html", client=client, token=token)
        return self._form(name, chosen or list(SCOPES))

    def _form(self, name: str, chosen: list[str]) -> Any:
        return self.render("admin/api_client_new.html", name=name, chosen=chosen, scopes=SCOPES)

    @expose("/<client_id>/revoquer", methods=("GET", "POST"))
    def revoke(self, client_id: str) -> Any:
        """GET: what revoking the client does; POST confirmed (CSRF like every form): revoke
        it (its token stops working at once)."""
        if request.method == "GET":
            client = _active(client_id)
            if client is None:
                flash("Ce client n'existe pas ou est déjà révoqué.", "info")
                return redirect(self.get_url(".index_view"))
            confirmation = Confirmation(
                title="Révoquer ce client de l'API ?",
                subject=f"Client « {client.name} » (jeton {client.token_hint}…)",
                consequences=[
                    "Son jeton cessera immédiatement de fonctionner : chaque appel du système "
                    "qui l'utilise recevra une erreur 401.",
                    "Un client révoqué ne peut pas être rétabli : il faudra créer un nouveau "
                    "client, dont le nouveau jeton sera à transmettre au système concerné.",
                ],
                button="Révoquer maintenant",
                tone="danger",
                cancel_url=self.get_url(".index_view"),
            )
            return self.render("admin/confirm.html", **page_context(confirmation))
        if not confirmed():
            return to_confirmation()
        try:
            changed = api_clients.revoke(client_id, current_user._get_current_object())
        except RuleViolation as exc:
            flash(str(exc), "error")
        else:
            flash(
                "Client révoqué : son jeton ne fonctionne plus."
                if changed
                else "Ce client était déjà révoqué.",
                "success" if changed else "info",
            )
        return redirect(self.get_url(".index_view"))


__all__ = ["ApiClient", "ApiClientView"]
