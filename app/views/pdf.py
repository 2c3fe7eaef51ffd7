"""Downloads of a convention's PDFs and the verification page of sealed files.

``/conventions/<id>/pdf``: an approved convention gives back exactly the bytes sealed at
approval; any other gives a live render watermarked « PROJET ». ``/conventions/<id>/ecoles.pdf``:
the step-1 school list. Both are scoped like the convention's page (outside the user's scope:
404). ``/verifier`` is public (a third party holding a PDF can check it) and rate-limited; it
reveals no more than the title, the pole and the approval date of an authentic file.
"""

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import limiter
from app.models import Convention
from app.pdf import documents
from app.pdf.render import PdfError
from app.pdf.verify import EMPTY_MESSAGE, verify_bytes
from app.rules import permissions
from app.rules.permissions import Action
from app.services.exports import sealed_bytes
from app.views.context import convention_or_404
from app.views.downloads import download

bp = Blueprint("pdf", __name__)

NAV = [("pdf.verify", "Vérifier un PDF", lambda user: True)]

UNSEALED_MESSAGE = (
    "La version scellée de cette convention approuvée est introuvable. Contactez "
    "l'Administration (poles.territoriaux@cfwb.be)."
)


def _pdf_response(data: bytes, filename: str, etag: str | None = None):
    return download(data, "application/pdf", filename, etag=etag)


def _pdf_error(message: str):
    return (
        render_template(
            "errors/error.html", code=503, title="Document PDF indisponible", text=message
        ),
        503,
    )


@bp.route("/conventions/<convention_id>/pdf")
@login_required
def convention(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    if conv.status in documents.SEALED_STATUSES:
        data = sealed_bytes(conv)
        if data is None:
            return _pdf_error(UNSEALED_MESSAGE)
        name = documents.file_name(conv.kind, conv.pole_number, conv.pk, "scellee")
        return _pdf_response(data, name, etag=conv.sealed_pdf_sha256)
    try:
        data = documents.draft_pdf(conv)
    except PdfError as exc:
        return _pdf_error(str(exc))
    return _pdf_response(data, documents.file_name(conv.kind, conv.pole_number, conv.pk, "projet"))


@bp.route("/conventions/<convention_id>/ecoles.pdf")
@login_required
def school_list(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    try:
        data = documents.school_list_pdf(conv)
    except PdfError as exc:
        return _pdf_error(str(exc))
    name = documents.file_name(conv.kind, conv.pole_number, conv.pk, "ecoles")
    return _pdf_response(data, name)


@bp.route("/verifier", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def verify():
    result: Any = None
    error = None
    link = None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
        if not data:
            error = EMPTY_MESSAGE
        else:
            result = verify_bytes(data)
            if result.authentic and current_user.is_authenticated:
                conv = Convention.objects(id=result.convention_id).first()
                if conv is not None and permissions.can(current_user, Action.VIEW_CONVENTION, conv):
                    link = url_for("conventions.show", convention_id=str(conv.pk))
    status = 400 if error else 200
    return render_template("verify/verify.html", result=result, error=error, link=link), status
