"""Home page and health check."""

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from app import db

bp = Blueprint("main", __name__)

NAV = [("main.home", "Accueil", lambda user: True)]


@bp.route("/health")
def health():
    try:
        db.ping()
    except Exception:  # the point is to answer, whatever broke
        return jsonify(status="error", database="indisponible"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/")
@login_required
def home():
    grants = sorted(
        current_user.grants, key=lambda g: (g.role, str(g.pole.number if g.pole else ""))
    )
    return render_template("main/home.html", grants=grants)
