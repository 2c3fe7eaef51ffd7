"""The Administration reminds late poles from its dashboard: choose, preview, then send.

GET shows who will receive what (each recipient, how it reaches them, whether they were
already reminded today, and the message itself); only the POST of that page writes to the
outbox, through ``app.services.reminders.remind_late_poles`` (one message per person and
day, audited).
"""

from typing import Any

from flask import request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from app import clock
from app.rules.notifications import DELIVERY_LABELS
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.services import dashboard, reminders
from app.views.actions import run_action
from app.views.admin.base import ActionGated


def _chosen(values: list[str]) -> list[int]:
    """The pole numbers ticked (anything that is not a number is ignored)."""
    return sorted({int(v) for v in values if is_digits(v.strip())})


class LateRemindersView(ActionGated, BaseView):
    """``/admin/rappels``: reached from the dashboard's late section (``Action.STEER_CAMPAIGN``)."""

    action = Action.STEER_CAMPAIGN

    def is_visible(self) -> bool:
        return False  # reached from the dashboard, with the poles chosen there

    def _year(self) -> str:
        source = request.form if request.method == "POST" else request.args
        return dashboard.parse_filters(source.get("annee"), None, None).year

    @expose("/")
    def index(self) -> Any:
        year = self._year()
        numbers = _chosen(request.args.getlist("pole"))
        today = clock.today()
        poles = reminders.late_poles(year, numbers)
        recipients = reminders.late_recipients(poles, today)
        previews = [
            (r, reminders.late_subject(r), reminders.late_message(r, today)[0]) for r in recipients
        ]
        return self.render(
            "admin/steering/late_reminders.html",
            year=year,
            chosen=numbers,
            poles=poles,
            previews=previews,
            delivery_labels=DELIVERY_LABELS,
            today=today,
        )

    @expose("/envoyer", methods=("POST",))
    def send(self) -> Any:
        year = self._year()
        numbers = _chosen(request.form.getlist("pole"))
        back = url_for("admin.index", annee=year)

        def sent(written: int) -> str:
            if not written:
                return "Rappel déjà envoyé aujourd'hui à ces personnes : rien de nouveau."
            return f"Rappel écrit dans la boîte d'envoi pour {written} personne(s)."

        return run_action(
            back,
            reminders.remind_late_poles,
            year,
            numbers,
            current_user._get_current_object(),
            success=sent,
            failure_to=url_for(".index", annee=year, pole=numbers),
        )
