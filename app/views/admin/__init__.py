"""The back office (Flask-Admin), built per application so that a second app works."""

from flask import Flask
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme

from app.headers import csp_nonce
from app.models import (
    AccessRequest,
    ArticleTemplate,
    Convention,
    Message,
    OrganisingAuthority,
    OutboxMessage,
    Pole,
    School,
    SchoolYear,
    TeamFunction,
    User,
)
from app.rules.permissions import Action
from app.views.admin.access import AccessRequestView, OutboxView
from app.views.admin.api_clients import ApiClient, ApiClientView
from app.views.admin.approvals import ApprovalsView
from app.views.admin.base import BackOfficeIndexView
from app.views.admin.conventions import ConventionView
from app.views.admin.financing import FinancingView, TeamFunctionView
from app.views.admin.late_reminders import LateRemindersView
from app.views.admin.messages import MessageView, StructureLink
from app.views.admin.reference import (
    ArticleTemplateView,
    OrganisingAuthorityView,
    PoleView,
    SchoolView,
)
from app.views.admin.school_years import SchoolYearView
from app.views.admin.users import UserView


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="e-Pôles – Back-office",
        index_view=BackOfficeIndexView(name="Tableau de bord", url="/admin"),
        theme=Bootstrap4Theme(
            swatch="cerulean", fluid=True, base_template="admin/epoles_base.html"
        ),
        # The Content-Security-Policy's nonce on Flask-Admin's own script tags.
        csp_nonce_generator=csp_nonce,
    )
    ref = "Données de référence"
    admin.add_view(PoleView(Pole, name="Pôles", category=ref, endpoint="poles_admin"))
    admin.add_view(SchoolView(School, name="Écoles", category=ref, endpoint="schools_admin"))
    admin.add_view(
        OrganisingAuthorityView(
            OrganisingAuthority,
            name="Pouvoirs organisateurs",
            category=ref,
            endpoint="pos_admin",
        )
    )
    admin.add_view(
        ApprovalsView(name="À approuver", endpoint="approvals", url="/admin/a-approuver")
    )
    admin.add_view(
        LateRemindersView(name="Rappels", endpoint="late_reminders", url="/admin/rappels")
    )
    admin.add_view(ConventionView(Convention, name="Conventions", endpoint="conventions_admin"))
    admin.add_view(
        SchoolYearView(
            SchoolYear, name="Années scolaires", endpoint="school_years_admin", url="/admin/annees"
        )
    )
    admin.add_view(
        ArticleTemplateView(ArticleTemplate, name="Modèles d'articles", endpoint="templates_admin")
    )
    admin.add_view(UserView(User, name="Utilisateurs", endpoint="users_admin"))
    admin.add_view(
        AccessRequestView(
            AccessRequest,
            name="Demandes d'accès",
            category="Accès",
            endpoint="access_requests_admin",
        )
    )
    admin.add_view(
        OutboxView(
            OutboxMessage, name="Courriels envoyés", category="Accès", endpoint="outbox_admin"
        )
    )
    admin.add_view(MessageView(Message, name="Messages", endpoint="messages_admin"))
    fin = "Financement"
    admin.add_view(
        FinancingView(
            name="Financement des pôles",
            category=fin,
            endpoint="financing_admin",
            url="/admin/financement",
        )
    )
    admin.add_view(
        TeamFunctionView(
            TeamFunction,
            name="Catalogue des fonctions",
            category=fin,
            endpoint="functions_admin",
            url="/admin/fonctions",
        )
    )
    admin.add_view(
        ApiClientView(
            ApiClient,
            name="Clients de l'API",
            category="Accès",
            endpoint="api_clients_admin",
            url="/admin/api-clients",
        )
    )
    admin.add_link(StructureLink(name="Structure des pôles", endpoint="datamgmt.index"))
    admin.add_link(
        StructureLink(
            name="Import de l'annuaire",
            endpoint="directory.upload",
            action=Action.IMPORT_DIRECTORY,
        )
    )
    admin.add_link(MenuLink(name="Retour à e-Pôles", endpoint="main.home"))
    app.extensions["epoles_admin"] = admin
    return admin
