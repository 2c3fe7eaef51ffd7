"""Step 3 actions: sign, approve, acknowledge, and reopen a validated convention (approving
and reopening confirmed on a page of their own first)."""

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import clock
from app.auth import actor
from app.services import workflow
from app.views.actions import run_action
from app.views.context import convention_or_404
from app.views.conventions import bp, confirmations
from app.views.conventions._common import back, run, step_url, still_awaited
from app.views.conventions.page import default_step


def _step_three_action(
    convention_id: str, call: Callable[..., Any], success: str, unconfirmed: str | None = None
) -> Response:
    """Run one step 3 rule on the convention (``unconfirmed``: the box to tick first); the
    message then says who the convention still awaits."""
    conv = convention_or_404(convention_id, current_user)
    if unconfirmed is not None and request.form.get("confirm") != "1":
        flash(unconfirmed, "danger")
        return back(conv, 3)
    return run(
        conv, 3, lambda done: f"{success} {still_awaited(done)}".strip(), call, conv, actor()
    )


@bp.route("/<convention_id>/signer", methods=["POST"])
@login_required
def sign(convention_id: str):
    return _step_three_action(
        convention_id,
        workflow.sign,
        "Votre signature a été enregistrée.",
        unconfirmed="Cochez la case « J'ai lu la convention et je la signe » pour confirmer la "
        "signature.",
    )


@bp.route("/<convention_id>/approuver", methods=["GET", "POST"])
@login_required
def approve(convention_id: str):
    """GET: what approving seals; POST confirmed: approve and seal (from the « À approuver »
    queue, ``retour=a-approuver`` brings the Administration back to it)."""
    conv = convention_or_404(convention_id, current_user)
    return confirmations.take(
        conv,
        3,
        confirmations.offers(conv).approve,
        confirmations.approve,
        "La convention est approuvée : sa version PDF protégée est disponible.",
        workflow.approve,
        queue=confirmations.queue_url(),
    )


@bp.route("/<convention_id>/prendre-connaissance", methods=["POST"])
@login_required
def acknowledge(convention_id: str):
    return _step_three_action(
        convention_id,
        workflow.acknowledge,
        "Votre prise de connaissance a été enregistrée.",
        unconfirmed="Cochez la case « J'ai pris connaissance de la convention » pour confirmer.",
    )


SEND_BACK_UNCONFIRMED = (
    "Cochez la case « Je renvoie cette convention au pôle » pour confirmer. Rien n'a été "
    "enregistré."
)
DECLINE_UNCONFIRMED = (
    "Cochez la case « Je refuse de signer cette convention » pour confirmer. Rien n'a été "
    "enregistré."
)


@bp.route("/<convention_id>/renvoyer", methods=["POST"])
@login_required
def send_back(convention_id: str):
    """Administration: a signed convention goes back to the pole's draft, with a reason;
    from « À approuver » (``retour=``) the outcome leads back to the queue."""
    conv = convention_or_404(convention_id, current_user)
    queue = confirmations.queue_url()
    if request.form.get("confirm") != "1":
        flash(SEND_BACK_UNCONFIRMED, "danger")
        return redirect(queue) if queue else back(conv, 3)
    return run_action(
        queue or step_url(conv, 1),
        workflow.send_back,
        conv,
        request.form.get("reason", ""),
        actor(),
        success=f"La convention « {conv.title} » (pôle {conv.pole_number}) est renvoyée au pôle "
        "pour modification : elle revient au brouillon.",
        failure_to=queue or step_url(conv, 3),
    )


@bp.route("/<convention_id>/refuser-de-signer", methods=["POST"])
@login_required
def decline(convention_id: str):
    """A PO delegate concerned declines to sign, with a comment for the pole."""
    return _step_three_action(
        convention_id,
        lambda conv, user: workflow.decline(conv, request.form.get("comment", ""), user),
        "Votre refus de signer est enregistré ; le pôle lira votre commentaire.",
        unconfirmed=DECLINE_UNCONFIRMED,
    )


@bp.route("/<convention_id>/rouvrir", methods=["GET", "POST"])
@login_required
def reopen(convention_id: str):
    """GET: what reopening cancels, with its motive; POST confirmed: reopen."""
    conv = convention_or_404(convention_id, current_user)
    return confirmations.take(
        conv,
        3,
        confirmations.offers(conv).reopen,
        confirmations.reopen,
        "La convention est rouverte : le siège peut de nouveau modifier les articles.",
        workflow.reopen,
        next_step=2,
    )


@bp.route("/<convention_id>/prise-en-charge", methods=["POST"])
@login_required
def take_in_charge(convention_id: str):
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
