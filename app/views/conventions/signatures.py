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
from app.views.conventions.confirmations import Queue, Step
from app.views.conventions.page import default_step


def take(convention_id: str, step: Step, queue: Queue | None = None) -> ResponseReturnValue:
    """The convention (404 outside the user's scope), then its step."""
    conv = convention_or_404(convention_id, current_user)
    return confirmations.take_step(conv, step, queue or confirmations.came_from())


@bp.route("/<convention_id>/signer", methods=["GET", "POST"])
@login_required
def sign(convention_id: str) -> ResponseReturnValue:
    """GET: what signing commits to and who is awaited next; POST confirmed: sign."""
    return take(convention_id, confirmations.SIGN)


@bp.route("/<convention_id>/refuser-de-signer", methods=["GET", "POST"])
@login_required
def decline(convention_id: str) -> ResponseReturnValue:
    """GET (or the comment typed on the step page, POSTed unconfirmed): what declining
    leaves as it is; POST confirmed: decline, with the comment the pole reads."""
    return take(convention_id, confirmations.DECLINE)


@bp.route("/<convention_id>/renvoyer", methods=["GET", "POST"])
@login_required
def send_back(convention_id: str) -> ResponseReturnValue:
    """Administration: GET (or the reason typed on the step page) what sending back undoes;
    POST confirmed: the signed convention goes back to the pole's draft with the reason."""
    return take(convention_id, confirmations.SEND_BACK)


@bp.route("/<convention_id>/approuver", methods=["GET", "POST"])
@login_required
def approve(convention_id: str) -> ResponseReturnValue:
    """GET: what approving seals; POST confirmed: approve and seal."""
    return take(convention_id, confirmations.APPROVE)


@bp.route("/<convention_id>/prendre-connaissance", methods=["GET", "POST"])
@login_required
def acknowledge(convention_id: str) -> ResponseReturnValue:
    """GET: what acknowledging records and who is awaited next; POST confirmed: acknowledge."""
    return take(convention_id, confirmations.ACKNOWLEDGE)


@bp.route("/<convention_id>/rouvrir", methods=["GET", "POST"])
@login_required
def reopen(convention_id: str) -> ResponseReturnValue:
    """GET: what reopening cancels, with its motive; POST confirmed: reopen."""
    return take(convention_id, confirmations.REOPEN)


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
