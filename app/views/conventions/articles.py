"""Step 2: editing one article (free text, points split, retrocession table), then VALIDER."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth import actor
from app.forms import articles as article_forms
from app.models import ArticleTemplate, Convention
from app.rules import points
from app.rules.articles import is_required, share_rows
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits
from app.rules.points import table_total
from app.services import financing, workflow
from app.services.articles import seat_of
from app.views.context import convention_or_404
from app.views.conventions import bp, confirmations
from app.views.conventions._common import back

# The articles whose content is structured data read from a form, not only a text.
_FORMS = ("points_split", "retrocession")


def _editable_article(conv: Convention, key: str) -> Any:
    """The article ``key`` of the convention, or 404."""
    art = conv.article(key[:20])
    if art is None:
        abort(404)
    return art


def _article_hint(conv: Convention, art: Any) -> str:
    """The template's indication of what to write in an article to complete."""
    tpl = ArticleTemplate.objects(kind=conv.kind, key=art.key).only("text").first()
    return (tpl.text or "") if tpl else ""


def _render_article(conv: Convention, art: Any, body: str, data: dict[str, Any], **extra: Any):
    extra["share_sum"] = article_forms.share_sum(extra.get("shares"))
    extra["hint"] = _article_hint(conv, art)
    return render_template(
        "conventions/article.html",
        conv=conv,
        art=art,
        body=body,
        data=data,
        shares=extra.pop("shares", None),
        functions=list(financing.retrocession_catalogue(conv.school_year)[0]),
        workloads=list(points.WORKLOADS),
        total=table_total(art.data),
        may_copy=workflow.offers(conv, current_user).copy_article,
        **extra,
    )


@bp.route("/<convention_id>/articles/<key>", methods=["GET", "POST"])
@login_required
def article(convention_id: str, key: str):
    conv = convention_or_404(convention_id, current_user)
    art = _editable_article(conv, key)
    if not art.editable:
        return back(conv, 2, f"article-{art.key}")
    if not workflow.offers(conv, current_user).edit_articles:
        flash(
            "Cet article ne peut pas être modifié : "
            + (
                "la convention est validée et verrouillée."
                if conv.is_locked
                else "votre profil ne le permet pas."
            ),
            "danger",
        )
        return back(conv, 2, f"article-{art.key}")
    form = art.form or ""
    data = dict(art.data or {})
    shares = share_rows(conv, art, seat_of(conv)) if form == "points_split" else None
    if request.method == "GET":
        return _render_article(conv, art, art.body or "", data, form=form, shares=shares)

    # Never cut: an over-long body is refused by the rule, naming the limit.
    body = request.form.get("body") or ""
    action = request.form.get("action", "save")
    errors: list[str] = []
    if form == "points_split":
        data, errors = article_forms.points_split(request.form, shares or [])
    elif form == "retrocession":
        rows, errors = article_forms.retrocession(request.form)
        data = {"rows": rows}
        if action == "add_row":
            data["rows"].append({"function": "", "counts": {}})
            return _render_article(conv, art, body, data, form=form, shares=shares)
        if action.startswith("remove_row:"):
            index = action.split(":", 1)[1]
            if is_digits(index) and int(index) < len(data["rows"]):
                del data["rows"][int(index)]
            return _render_article(conv, art, body, data, form=form, shares=shares)
        # A row left empty says nothing: it is not saved.
        data = {"rows": [r for r in rows if r["function"] or r["counts"]]}
    if action == "copy":
        try:
            workflow.copy_last_cooperation_article(conv, art.key, actor())
        except RuleViolation as exc:
            flash(str(exc), "danger")
            return _render_article(conv, art, body, data, form=form, shares=shares), 422
        flash(
            "Le texte de l'article de la dernière convention de coopération a été repris et "
            "enregistré. Vous pouvez encore l'adapter.",
            "success",
        )
        return redirect(url_for("conventions.article", convention_id=str(conv.pk), key=art.key))
    if errors:
        for message in errors:
            flash(message, "danger")
        return _render_article(conv, art, body, data, form=form, shares=shares), 422
    try:
        saved = workflow.save_article(
            conv, art.key, body, actor(), data=data if form in _FORMS else None
        )
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return _render_article(conv, art, body, data, form=form, shares=shares), 422
    stored = saved.article(art.key)
    if stored is not None and not stored.complete and is_required(stored, saved):
        # Saved, but not done: say so instead of a green « enregistré ».
        flash(
            f"L'article « {art.heading} » est enregistré mais reste à compléter : la "
            "convention ne pourra pas être validée tant qu'il est vide.",
            "warning",
        )
    else:
        flash(f"L'article « {art.heading} » a été enregistré.", "success")
    return back(conv, 2, f"article-{art.key}")


@bp.route(
    f"/<convention_id>/{confirmations.VALIDATE.path}",
    endpoint=confirmations.VALIDATE.endpoint,
    methods=["GET", "POST"],
)
@login_required
def validate(convention_id: str):
    """GET: what validating locks (or back to what is missing); POST confirmed: validate."""
    conv = convention_or_404(convention_id, current_user)
    offered = confirmations.offers(conv).validate
    if request.method == "GET" and offered and workflow.validation_blockers(conv):
        flash("La convention ne peut pas encore être validée : voyez ce qui manque.", "warning")
        return back(conv, 2, "validate-box")
    return confirmations.take_step(conv, confirmations.VALIDATE)
