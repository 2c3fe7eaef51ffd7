"""Step 3 actions: sign, decline to sign, send back, approve, acknowledge, and reopen a
validated convention, each confirmed on a page of its own first (``confirmations.Step``).

Signing, declining and acknowledging are also taken from the « À signer » and « À prendre
connaissance » queues (``app.views.signing``), sending back and approving from « À
approuver » (``retour=``): the same steps, given the queue to lead back to.
"""

from flask import flash, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from app import clock
from app.auth import actor
from app.services import workflow
from app.views.context import convention_or_404
from app.views.conventions import bp, confirmations
from app.views.conventions._common import back, run
from app.views.conventions.page import default_step

# Each step's route: GET /conventions/<id>/<path> asks, the confirmed POST takes it.
for _step in (
    confirmations.SIGN,
    confirmations.DECLINE,  # the comment may come typed on the step page, POSTed unconfirmed
    confirmations.SEND_BACK,  # Administration, with the reason the pole reads
    confirmations.APPROVE,  # seals the PDF
    confirmations.ACKNOWLEDGE,
    confirmations.REOPEN,  # with its motive
):
    confirmations.route(bp, _step)


@bp.route("/<convention_id>/prise-en-charge", methods=["POST"])
@login_required
def take_in_charge(convention_id: str) -> ResponseReturnValue:
    """A specific partnership's planned take-in-charge date (sets its due date)."""
    conv = convention_or_404(convention_id, current_user)
    raw = (request.form.get("take_in_charge_on") or "").strip()
    day = None
    if raw:
        try:
            day = clock.parse_day(raw)
        except ValueError as exc:
            flash(str(exc), "danger")
            return back(conv, default_step(conv))
    return run(
        conv,
        default_step(conv),
        "La date de prise en charge est enregistrée ; l'échéance suit."
        if day
        else "La date de prise en charge est effacée.",
        workflow.set_take_in_charge,
        conv,
        day,
        actor(),
    )
