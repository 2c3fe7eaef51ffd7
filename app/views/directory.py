"""Import of the official school directory (data managers, Administration): upload a file,
read its preview, confirm it. The service decides and writes; this page shows."""

from typing import Any

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import login_required

from app.auth import actor
from app.models import DirectoryImport
from app.rules.directory import FIELD_LABELS
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.services import directory
from app.views.actions import run_action
from app.views.context import parse_object_id
from app.views.gates import requires

bp = Blueprint("directory", __name__, url_prefix="/gestion/annuaire")

SHOWN_LINES = 500  # per category on the preview page; the counts cover the whole file


@bp.route("/")
@login_required
@requires(Action.IMPORT_DIRECTORY)
def upload() -> Any:
    return render_template("directory/upload.html", labels=FIELD_LABELS)


@bp.route("/apercu", methods=["POST"])
@login_required
@requires(Action.IMPORT_DIRECTORY)
def preview() -> Any:
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("Choisissez le fichier de l'annuaire (CSV ou XLSX).", "danger")
        return render_template("directory/upload.html", labels=FIELD_LABELS), 400
    try:
        result = directory.preview(file.filename, file.read(), actor())
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return render_template("directory/upload.html", labels=FIELD_LABELS), 400
    return render_template(
        "directory/preview.html",
        report=result.report,
        import_id=str(result.import_id),
        filename=file.filename,
        shown=SHOWN_LINES,
    )


@bp.route("/<import_id>/confirmer", methods=["POST"])
@login_required
@requires(Action.IMPORT_DIRECTORY)
def confirm(import_id: str) -> Any:
    oid = parse_object_id(import_id)
    if oid is None or DirectoryImport.objects(id=oid).only("id").first() is None:
        abort(404)
    return run_action(
        url_for("directory.upload"),
        directory.confirm,
        oid,
        actor(),
        success=lambda report: f"Annuaire importé — {report.summary()}.",
    )
