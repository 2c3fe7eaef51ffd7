"""Step 1 actions: remove a school, attach or download a derogation, validate or reopen the
list (both confirmed on a page of their own first)."""

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.auth import actor
from app.models import Convention, School
from app.rules.errors import NotFound, RuleViolation
from app.services import workflow
from app.views.actions import run_action
from app.views.context import convention_or_404, parse_object_id
from app.views.conventions import bp, confirmations
from app.views.conventions._common import back, run, step_url
from app.views.downloads import download


def _school_of(conv: Convention, school_id: str) -> School:
    """A school of the convention's list, or 404."""
    oid = parse_object_id(school_id)
    if conv.school_entry(oid) is None:
        abort(404)
    school = School.objects(id=oid).first()
    if school is None:
        abort(404)
    return school


@bp.route("/<convention_id>/ecoles/<school_id>/retirer", methods=["POST"])
@login_required
def remove_school(convention_id: str, school_id: str):
    conv = convention_or_404(convention_id, current_user)
    school = _school_of(conv, school_id)
    return run_action(
        lambda _notices: _list_or_pole(conv),
        workflow.remove_school,
        conv,
        school,
        actor(),
        success=f"L'école « {school.name} » a été retirée de la liste.",
        failure_to=step_url(conv, 1),
        notices=lambda notices: notices,  # what the verb returns
    )


def _list_or_pole(conv: Convention) -> str:
    """Back to the list, or to the pole when the document had no school left and was deleted."""
    if Convention.objects(id=conv.pk).only("id").first() is None:
        return url_for("structure.pole", number=conv.pole_number)
    return step_url(conv, 1)


@bp.route("/<convention_id>/ecoles/<school_id>/derogation", methods=["POST"])
@login_required
def upload_derogation(convention_id: str, school_id: str):
    conv = convention_or_404(convention_id, current_user)
    school = _school_of(conv, school_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choisissez le fichier de la dérogation (PDF, JPEG ou PNG).", "danger")
        return back(conv, 1)
    data = upload.read()
    return run(
        conv,
        1,
        f"La dérogation de l'école « {school.name} » a été jointe.",
        workflow.attach_derogation,
        conv,
        school,
        upload.filename,
        data,
        actor(),
    )


@bp.route("/<convention_id>/derogations/<school_id>")
@login_required
def derogation(convention_id: str, school_id: str):
    conv = convention_or_404(convention_id, current_user)
    oid = parse_object_id(school_id)
    try:
        stored = workflow.derogation_file(conv, oid, actor())
    except NotFound:
        abort(404)
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return back(conv, 1)
    return download(stored.data, stored.content_type, stored.filename)


# GET: what validating the list locks, or what reopening it means with its motive; POST
# confirmed: take the step.
confirmations.route(bp, confirmations.VALIDATE_LIST)
confirmations.route(bp, confirmations.REOPEN_LIST)
