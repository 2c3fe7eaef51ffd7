"""What every template may use: the permission check, labels, French formatting, error pages."""

from typing import Any

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app import formatting
from app.rules import permissions
from app.rules.reference import ZONES, zone_label
from app.rules.roles import ROLE_LABELS, Role
from app.rules.states import KIND_LABELS, STATUS_LABELS, STATUS_TONES, Kind


def _can(action: str, obj: Any = None) -> bool:
    return permissions.can(current_user if current_user.is_authenticated else None, action, obj)


ERROR_TEXTS = {
    400: ("Requête invalide", "La demande n'a pas pu être traitée."),
    403: ("Accès refusé", "Votre profil ne vous permet pas d'accéder à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou vous n'y avez pas accès."),
    405: ("Méthode non autorisée", "Cette action n'est pas possible de cette manière."),
    413: (
        "Fichier trop volumineux",
        "Le fichier envoyé dépasse la taille maximale autorisée (10 Mo).",
    ),
    422: ("Saisie refusée", "Le formulaire contient une valeur refusée : rien n'a été enregistré."),
    429: (
        "Trop de tentatives",
        "Trop de tentatives en peu de temps. Veuillez patienter quelques minutes.",
    ),
    500: (
        "Erreur interne",
        "Une erreur inattendue s'est produite. L'équipe e-Pôles a été prévenue.",
    ),
}


def render_error(code: int, message: str | None = None):  # type: ignore[no-untyped-def]
    title, text = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        can=_can,
        Action=permissions.Action,
        Role=Role,
        Kind=Kind,
        ROLE_LABELS=ROLE_LABELS,
        KIND_LABELS=KIND_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        STATUS_TONES=STATUS_TONES,
        ZONES=ZONES,
    )
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.filters["zone_label"] = zone_label

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):  # type: ignore[no-untyped-def]
        return render_error(
            400,
            "Le formulaire a expiré ou ne provient pas d'e-Pôles (jeton de sécurité "
            "manquant ou invalide). Rechargez la page et recommencez.",
        )

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda exc, code=code: render_error(code))

    @app.errorhandler(500)
    def internal_error(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("Erreur interne sur %s", request.path)
        return render_error(500)
