"""« Mes notifications »: how each user receives the workflow's e-mails."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField

from app.auth import actor
from app.rules.errors import RuleViolation
from app.rules.notifications import PREFERENCE_LABELS, PREFERENCES
from app.services import notify

bp = Blueprint("account", __name__)

NAV = [("account.notifications", "Mes notifications", lambda user: True)]


class NotificationsForm(FlaskForm):
    preference = RadioField(
        "Recevoir les courriels des étapes des conventions",
        choices=[(p, PREFERENCE_LABELS[p]) for p in PREFERENCES],
    )


@bp.route("/mes-notifications", methods=["GET", "POST"])
@login_required
def notifications():
    form = NotificationsForm()
    if form.validate_on_submit():
        try:
            notify.set_preference(current_user, form.preference.data, actor())
        except RuleViolation as exc:
            flash(str(exc), "danger")
        else:
            flash("Votre choix est enregistré.", "success")
            return redirect(url_for("account.notifications"))
    elif form.is_submitted():
        flash("Choisissez une des trois façons de recevoir les notifications.", "danger")
    form.preference.data = form.preference.data or current_user.notifications or "immediate"
    return render_template("account/notifications.html", form=form)
