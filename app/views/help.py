"""« Informations générales », « Guide de l'utilisateur » and the contextual help switch."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth import is_safe_next
from app.models import User

bp = Blueprint("help", __name__)

NAV = [
    ("help.information", "Informations générales", lambda user: True),
    ("help.guide", "Guide de l'utilisateur", lambda user: True),
]


@bp.route("/informations-generales")
@login_required
def information():
    return render_template("help/information.html")


@bp.route("/guide")
@login_required
def guide():
    return render_template("help/guide.html")


@bp.route("/aide-contextuelle", methods=["POST"])
@login_required
def toggle():
    """Switch the contextual help tooltips on or off for this user (kept across sessions)."""
    enabled = request.form.get("enabled") == "1"
    User.objects(id=current_user.pk).update_one(set__help_enabled=enabled)
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))
