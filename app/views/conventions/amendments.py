"""Drafting the yearly amendment (avenant) of an approved convention's points."""

from flask import request
from flask_login import current_user, login_required

from app.auth import actor
from app.services import workflow
from app.views.actions import run_action
from app.views.context import convention_or_404
from app.views.conventions import bp
from app.views.conventions._common import step_url


@bp.route("/<convention_id>/avenants", methods=["POST"])
@login_required
def start_amendment(convention_id: str):
    """Create the amendment for the chosen school year, then open its points (step 2)."""
    conv = convention_or_404(convention_id, current_user)
    year = (request.form.get("school_year") or "").strip()[:20]
    return run_action(
        lambda amendment: step_url(amendment, 2),
        workflow.start_amendment,
        conv,
        year,
        actor(),
        success=lambda amendment: (
            f"L'avenant {amendment.school_year} est créé : complétez la nouvelle répartition "
            "des points, puis validez-le pour le faire signer."
        ),
        failure_to=step_url(conv, 3),
    )
