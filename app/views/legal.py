"""The institution's pages, public and linked from every page's footer (front and back
office): legal notices, the accessibility statement the Web Accessibility Directive
(EU 2016/2102) requires of a public body's site, and whom to contact for what."""

from flask import Blueprint, render_template

bp = Blueprint("legal", __name__)

# The statement's facts, dated: what was measured and when (tests/browser/test_conformance.py).
STATEMENT = {
    "established_on": "1er décembre 2026",
    "reviewed_on": "1er décembre 2026",
    "standard": "WCAG 2.1, niveau AA",
    "method": (
        "auto-évaluation : chaque page que chaque profil atteint par les liens de "
        "l'application est contrôlée à chaque modification par axe-core (règles WCAG 2.1 A et "
        "AA) et par le Nu HTML Checker du W3C, complétés par une vérification manuelle au "
        "clavier et sur un écran de 390 pixels de large"
    ),
}


@bp.route("/mentions-legales")
def notices():
    return render_template("legal/notices.html")


@bp.route("/accessibilite")
def accessibility():
    return render_template("legal/accessibility.html", statement=STATEMENT)


@bp.route("/contact")
def contact():
    return render_template("legal/contact.html")
