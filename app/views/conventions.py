"""A convention's page in three steps (user guide §7) and its small POST actions.

Step 1: the school list (add, remove, derogations, validate the list).
Step 2: the articles (edit one at a time, then VALIDER).
Step 3: signatures, approval by the Administration, acknowledgments, follow-up documents.
Every action parses its input, calls ``app.rules.workflow`` and redirects back (PRG); the
rules decide and explain in French when they refuse.
"""

from io import BytesIO
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from app.auth import actor
from app.models import ArticleTemplate, Convention, OrganisingAuthority, Pole, School
from app.rules import audit, derogations, parties, permissions, points, workflow
from app.rules.errors import NotFound, RuleViolation
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.states import (
    LIST_LOCKED_STATUSES,
    LOCKED_STATUSES,
    SCHOOL_ROLE_LABELS,
    Kind,
    SchoolRole,
    Status,
)
from app.views.context import convention_or_404, parse_object_id

bp = Blueprint("conventions", __name__, url_prefix="/conventions")

STEP_ONE_TITLES = {
    Kind.PARTNERSHIP: "Écoles partenaires",
    Kind.COOPERATION: "Écoles coopérantes",
    Kind.SPECIFIC_PARTNERSHIP: "Écoles partenaires spécifiques",
    Kind.RESSORT: "Écoles partenaires / coopérantes",
}
ADD_ROLES = {
    Kind.PARTNERSHIP: [SchoolRole.PARTNER],
    Kind.COOPERATION: [SchoolRole.COOPERATING],
    Kind.SPECIFIC_PARTNERSHIP: [SchoolRole.SPECIFIC_PARTNER],
    Kind.RESSORT: [SchoolRole.PARTNER, SchoolRole.COOPERATING],
}
ADD_LABELS = {
    SchoolRole.PARTNER: "Ajouter une école partenaire",
    SchoolRole.COOPERATING: "Ajouter une école coopérante",
    SchoolRole.SPECIFIC_PARTNER: "Ajouter une école partenaire spécifique",
}


def optional_url(endpoint: str, **values: Any) -> str | None:
    """The URL of a page another part of the application provides, if it is there."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def default_step(conv: Convention) -> int:
    """The step where the work is: the list, then the articles, then the signatures."""
    if conv.status == Status.DRAFT:
        return 1
    if conv.status == Status.LIST_VALIDATED:
        return 2
    return 3


def _step() -> int | None:
    raw = request.args.get("etape", "")
    return int(raw) if raw in ("1", "2", "3") else None


def _back(conv: Convention, step: int, anchor: str | None = None):
    return redirect(
        url_for("conventions.show", convention_id=str(conv.pk), etape=step, _anchor=anchor)
    )


def _run(conv: Convention, step: int, success: str, call, *args: Any, **kwargs: Any):
    """Call one rule, flash its outcome, redirect back to ``step`` (PRG)."""
    try:
        call(*args, **kwargs)
    except RuleViolation as exc:
        flash(str(exc), "danger")
    else:
        flash(success, "success")
    return _back(conv, step)


# -- the page -------------------------------------------------------------------------------


@bp.route("/<convention_id>")
@login_required
def show(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    step = _step() or default_step(conv)
    pole = g.get("current_pole")  # loaded by convention_or_404 for the header
    seat = School.objects(id=ref_id(conv, "seat_school")).first()
    context: dict[str, Any] = {
        "conv": conv,
        "pole": pole,
        "seat": seat,
        "step": step,
        "step_titles": {
            1: STEP_ONE_TITLES.get(conv.kind, "Écoles"),
            2: "Ressort" if conv.kind == Kind.RESSORT else "Convention",
            3: "Signatures et mise en œuvre",
        },
        "locked": conv.status in LOCKED_STATUSES,
        "list_locked": conv.status in LIST_LOCKED_STATUSES,
        "pdf_url": optional_url("pdf.convention", convention_id=str(conv.pk)),
        "history": _history(conv),
    }
    if step == 1:
        context.update(_step_one(conv, pole))
    elif step == 2:
        context.update(_step_two(conv))
    else:
        context.update(_step_three(conv))
    return render_template("conventions/show.html", **context)


def _step_one(conv: Convention, pole: Pole | None) -> dict[str, Any]:
    seat_zone = pole.zone if pole else None
    rows = []
    for entry in conv.schools:
        needed = derogations.needs_derogation(entry, seat_zone)
        rows.append(
            {
                "entry": entry,
                "school_id": str(ref_id(entry, "school")),
                "derogation_needed": needed,
                "derogation_missing": needed and not entry.derogation,
            }
        )
    school_ids = [ref_id(e, "school") for e in conv.schools]
    details = {
        s.pk: s
        for s in School.objects(id__in=school_ids).only(
            "street", "postal_code", "city", "director_name", "email", "phone", "types"
        )
    }
    po_ids = {ref_id(e, "po") for e in conv.schools}
    pos = {p.pk: p for p in OrganisingAuthority.objects(id__in=list(po_ids))}
    for row in rows:
        row["school"] = details.get(ref_id(row["entry"], "school"))
        row["po"] = pos.get(ref_id(row["entry"], "po"))
    may_edit = permissions.can(current_user, Action.EDIT_SCHOOL_LIST, conv)
    return {
        "rows": rows,
        "may_edit_list": may_edit and conv.status not in LIST_LOCKED_STATUSES,
        "may_reopen_list": permissions.can(current_user, Action.REOPEN, conv)
        and conv.status == Status.LIST_VALIDATED,
        "add_links": [
            (
                ADD_LABELS[role],
                url_for(
                    "structure.add_school",
                    number=conv.pole_number,
                    role=role.value,
                    convention=str(conv.pk),
                ),
            )
            for role in ADD_ROLES.get(conv.kind, [])
        ],
        "school_list_pdf_url": optional_url("pdf.school_list", convention_id=str(conv.pk)),
        "role_labels": SCHOOL_ROLE_LABELS,
    }


def article_state(article: Any, conv: Convention) -> str:
    """The CSS class of an article: red when required and missing, green when done."""
    if article.nature in ("P", "F"):
        return "article-readonly"
    if article.complete:
        return "article-complete"
    if workflow.is_required(article, conv):
        return "article-missing"
    return "article-readonly"


def _missing_headings(conv: Convention) -> list[str]:
    out = []
    for item in workflow.missing_articles(conv):
        if isinstance(item, str):
            art = conv.article(item)
            out.append(art.heading if art else item)
        else:
            out.append(getattr(item, "heading", str(item)))
    return out


def _step_two(conv: Convention) -> dict[str, Any]:
    may_edit = (
        permissions.can(current_user, Action.EDIT_ARTICLES, conv)
        and conv.status not in LOCKED_STATUSES
    )
    articles = [
        {
            "article": art,
            "state": article_state(art, conv),
            "editable": may_edit and art.nature in ("C", "O"),
            "form": art.form or "",
            "total": _retrocession_total(art),
            "shares": _share_rows(conv, art) if art.form == "points_split" else [],
        }
        for art in sorted(conv.articles, key=lambda a: a.position)
    ]
    missing = _missing_headings(conv)
    blockers = [f"{heading} : à compléter" for heading in missing]
    if conv.status == Status.DRAFT:
        blockers.insert(0, "La liste des écoles n'est pas encore validée (étape 1).")
    return {
        "articles": articles,
        "workloads": list(points.WORKLOADS),
        "missing": missing,
        "blockers": blockers,
        "may_validate": permissions.can(current_user, Action.VALIDATE, conv)
        and conv.status in (Status.DRAFT, Status.LIST_VALIDATED),
    }


def _step_three(conv: Convention) -> dict[str, Any]:
    po_ids = parties.signatory_po_ids(conv)
    pos = {p.pk: p for p in OrganisingAuthority.objects(id__in=po_ids).only("name", "fase")}
    signatures = {ref_id(s, "po"): s for s in conv.signatures}
    seat_po = ref_id(conv, "seat_po")
    signatories = [
        {
            "po": pos.get(po_id),
            "seat": po_id == seat_po,
            "signature": signatures.get(po_id),
        }
        for po_id in po_ids
    ]
    school_ids = parties.acknowledging_school_ids(conv)
    schools = {
        s.pk: s for s in School.objects(id__in=school_ids).only("name", "fase", "director_name")
    }
    acks = {ref_id(a, "school"): a for a in conv.acknowledgments}
    seat_school = ref_id(conv, "seat_school")
    roles = {ref_id(e, "school"): e.role_label for e in conv.schools}
    directors = [
        {
            "school": schools.get(sid),
            "role": "école siège" if sid == seat_school else roles.get(sid, ""),
            "ack": acks.get(sid),
        }
        for sid in school_ids
    ]
    sign_po = permissions.signing_po_id(current_user, conv)
    ack_school = permissions.acknowledging_school_id(current_user, conv)
    sign_po_doc = pos.get(sign_po) if sign_po is not None else None
    ack_school_doc = schools.get(ack_school) if ack_school is not None else None
    return {
        "signatories": signatories,
        "directors": directors,
        "sign_for": sign_po_doc
        if conv.status == Status.VALIDATED and sign_po is not None and sign_po not in signatures
        else None,
        "ack_for": ack_school_doc
        if conv.status == Status.APPROVED and ack_school is not None and ack_school not in acks
        else None,
        "may_approve": permissions.can(current_user, Action.APPROVE, conv)
        and conv.status == Status.SIGNED,
        "may_reopen": permissions.can(current_user, Action.REOPEN, conv)
        and conv.status == Status.VALIDATED,
        "follow_up": _follow_up(conv),
    }


def _follow_up(conv: Convention) -> list[Convention] | None:
    """« Documents de suivi »: the pole's partnership and specific partnership conventions
    the user may view (cooperation conventions and the ressort only)."""
    if conv.kind not in (Kind.COOPERATION, Kind.RESSORT):
        return None
    scope = permissions.convention_filter(current_user)
    if scope is None:
        return []
    wanted = {
        "pole": ref_id(conv, "pole"),
        "kind": {"$in": [Kind.PARTNERSHIP.value, Kind.SPECIFIC_PARTNERSHIP.value]},
    }
    docs = Convention.objects(__raw__={"$and": [wanted, scope]}).exclude(
        "articles", "snapshot", "signatures", "acknowledgments"
    )
    return sorted(docs, key=lambda c: (c.kind != Kind.PARTNERSHIP, c.title))


def _history(conv: Convention) -> list[dict[str, Any]]:
    return [
        {
            "at": event.at,
            "actor": event.actor,
            "action": audit.action_label(event.action),
            "before": event.status_before,
            "after": event.status_after,
            "outcome": event.outcome,
            "outcome_label": audit.OUTCOME_LABELS.get(event.outcome, event.outcome),
            "details": _detail_text(event.details or {}),
        }
        for event in audit.history(conv.pk)
    ]


def _detail_text(details: dict[str, Any]) -> str:
    """A short line out of an event's details: school, article, file, reason."""
    parts = []
    if details.get("school_name"):
        parts.append(str(details["school_name"]))
    elif details.get("school_fase"):
        parts.append(f"FASE {details['school_fase']}")
    if details.get("article"):
        parts.append(f"article {details['article']}")
    if details.get("filename"):
        parts.append(str(details["filename"]))
    for key in ("reason", "reason_given"):
        if details.get(key):
            parts.append(str(details[key]))
            break
    return " · ".join(parts)


# -- step 1: the school list ----------------------------------------------------------------


def _school_of(conv: Convention, school_id: str) -> School:
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
    try:
        workflow.remove_school(conv, school, actor())
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return _back(conv, 1)
    flash(f"L'école « {school.name} » a été retirée de la liste.", "success")
    for notice in getattr(conv, "notices", None) or []:
        flash(notice, "info")
    if Convention.objects(id=conv.pk).only("id").first() is None:
        # The document had no school left and was deleted: back to the pole.
        return redirect(url_for("structure.pole", number=conv.pole_number))
    return _back(conv, 1)


@bp.route("/<convention_id>/ecoles/<school_id>/derogation", methods=["POST"])
@login_required
def upload_derogation(convention_id: str, school_id: str):
    conv = convention_or_404(convention_id, current_user)
    school = _school_of(conv, school_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choisissez le fichier de la dérogation (PDF, JPEG ou PNG).", "danger")
        return _back(conv, 1)
    data = upload.read()
    return _run(
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
        return _back(conv, 1)
    response = send_file(
        BytesIO(stored.data),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/<convention_id>/valider-liste", methods=["POST"])
@login_required
def validate_list(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    try:
        workflow.validate_school_list(conv, actor())
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return _back(conv, 1)
    flash("La liste des écoles est validée. Complétez maintenant les articles.", "success")
    return _back(conv, 2)


@bp.route("/<convention_id>/rouvrir-liste", methods=["POST"])
@login_required
def reopen_list(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    reason = (request.form.get("reason") or "").strip()[:1000]
    return _run(
        conv,
        1,
        "La liste des écoles est rouverte : elle peut de nouveau être modifiée.",
        workflow.reopen_school_list,
        conv,
        actor(),
        reason=reason,
    )


# -- step 2: the articles -------------------------------------------------------------------


def _editable_article(conv: Convention, key: str) -> Any:
    art = conv.article(key[:20])
    if art is None:
        abort(404)
    return art


def _retrocession_total(art: Any) -> Any:
    if art.data.get("rows") is None:
        return None
    try:
        return points.retrocession_total(art.data.get("rows") or [])
    except RuleViolation:
        return None


def _share_rows(conv: Convention, art: Any) -> list[dict[str, Any]]:
    """The points-split rows: the seat school, then each partner school."""
    saved = {
        str(s.get("school_fase")): s.get("percent")
        for s in (art.data.get("shares") or [])
        if isinstance(s, dict)
    }
    seat = School.objects(id=ref_id(conv, "seat_school")).only("name", "fase").first()
    rows = []
    if seat is not None:
        rows.append({"fase": seat.fase, "name": seat.name, "role": "école siège"})
    for entry in conv.schools:
        if entry.role == SchoolRole.PARTNER:
            rows.append({"fase": entry.fase, "name": entry.name, "role": entry.role_label})
    for row in rows:
        row["percent"] = saved.get(str(row["fase"]), "")
    return rows


def _parse_percent(raw: str) -> float | int | None:
    text = (raw or "").strip().replace(",", ".").rstrip("%").strip()
    if not text:
        return None
    value = float(text)  # ValueError handled by the caller
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return int(value) if value.is_integer() else value


def _points_split_from_form(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    mode = request.form.get("mode", "")
    errors: list[str] = []
    if mode not in ("seat", "split"):
        errors.append("Choisissez la répartition des points : tout à l'école siège ou une clé.")
    shares = []
    for i, row in enumerate(rows):
        raw = request.form.get(f"percent_{i}", "")
        try:
            percent = _parse_percent(raw)
        except ValueError:
            errors.append(f"Le pourcentage de « {row['name']} » doit être un nombre.")
            percent = None
        row["percent"] = raw
        if mode == "split":
            shares.append({"school_fase": row["fase"], "percent": percent or 0})
    data: dict[str, Any] = {"mode": mode}
    if mode == "split":
        data["shares"] = shares
    return data, errors


def _retrocession_from_form() -> tuple[list[dict[str, Any]], list[str]]:
    errors: list[str] = []
    rows = []
    try:
        count = min(int(request.form.get("row_count", "0")), 50)
    except ValueError:
        count = 0
    for i in range(max(count, 0)):
        function = (request.form.get(f"function_{i}") or "").strip()[:100]
        counts: dict[str, int] = {}
        for j, workload in enumerate(points.WORKLOADS):
            raw = (request.form.get(f"count_{i}_{j}") or "").strip()
            if not raw:
                continue
            if not raw.isdigit() or int(raw) > 999:
                errors.append(
                    f"Ligne {i + 1}, colonne {workload} : indiquez un nombre entier de "
                    "membres du personnel (0 à 999)."
                )
                continue
            if int(raw):
                counts[workload] = int(raw)
        rows.append({"function": function, "counts": counts})
    return rows, errors


def _share_sum(rows: list[dict[str, Any]] | None) -> str:
    """The sum of the percentages typed so far, French-formatted ("" when unreadable)."""
    total = 0.0
    for row in rows or []:
        try:
            total += _parse_percent(str(row.get("percent") or "")) or 0
        except ValueError:
            return ""
    return f"{total:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _article_hint(conv: Convention, art: Any) -> str:
    """The template's indication of what to write in an article to complete."""
    tpl = ArticleTemplate.objects(kind=conv.kind, key=art.key).only("text").first()
    return (tpl.text or "") if tpl else ""


def _render_article(conv: Convention, art: Any, body: str, data: dict[str, Any], **extra: Any):
    extra["share_sum"] = _share_sum(extra.get("shares"))
    extra["hint"] = _article_hint(conv, art)
    return render_template(
        "conventions/article.html",
        conv=conv,
        art=art,
        body=body,
        data=data,
        shares=extra.pop("shares", None),
        functions=list(points.FUNCTIONS),
        workloads=list(points.WORKLOADS),
        total=_retrocession_total(art),
        may_copy=conv.kind == Kind.COOPERATION,
        **extra,
    )


@bp.route("/<convention_id>/articles/<key>", methods=["GET", "POST"])
@login_required
def article(convention_id: str, key: str):
    conv = convention_or_404(convention_id, current_user)
    art = _editable_article(conv, key)
    if art.nature not in ("C", "O"):
        return _back(conv, 2, f"article-{art.key}")
    if not permissions.can(current_user, Action.EDIT_ARTICLES, conv) or conv.is_locked:
        flash(
            "Cet article ne peut pas être modifié : "
            + (
                "la convention est validée et verrouillée."
                if conv.is_locked
                else "votre profil ne le permet pas."
            ),
            "danger",
        )
        return _back(conv, 2, f"article-{art.key}")
    form = art.form or ""
    data = dict(art.data or {})
    shares = _share_rows(conv, art) if form == "points_split" else None
    if request.method == "GET":
        return _render_article(conv, art, art.body or "", data, form=form, shares=shares)

    body = (request.form.get("body") or "")[:20_000]
    action = request.form.get("action", "save")
    errors: list[str] = []
    if form == "points_split":
        data, errors = _points_split_from_form(shares or [])
    elif form == "retrocession":
        rows, errors = _retrocession_from_form()
        data = {"rows": rows}
        if action == "add_row":
            data["rows"].append({"function": "", "counts": {}})
            return _render_article(conv, art, body, data, form=form, shares=shares)
        if action.startswith("remove_row:"):
            index = action.split(":", 1)[1]
            if index.isdigit() and int(index) < len(data["rows"]):
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
        workflow.save_article(conv, art.key, body, actor(), data=data if form in _FORMS else None)
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return _render_article(conv, art, body, data, form=form, shares=shares), 422
    flash(f"L'article « {art.heading} » a été enregistré.", "success")
    return _back(conv, 2, f"article-{art.key}")


_FORMS = ("points_split", "retrocession")


@bp.route("/<convention_id>/valider", methods=["POST"])
@login_required
def validate(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    try:
        workflow.validate(conv, actor())
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return _back(conv, 2)
    flash(
        "La convention est validée et verrouillée. Les délégués des pouvoirs organisateurs "
        "peuvent maintenant la signer.",
        "success",
    )
    return _back(conv, 3)


# -- step 3: signatures and implementation --------------------------------------------------


def _confirmed() -> bool:
    return request.form.get("confirm") == "1"


@bp.route("/<convention_id>/signer", methods=["POST"])
@login_required
def sign(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    if not _confirmed():
        flash(
            "Cochez la case « J'ai lu la convention et je la signe » pour confirmer la signature.",
            "danger",
        )
        return _back(conv, 3)
    return _run(conv, 3, "Votre signature a été enregistrée.", workflow.sign, conv, actor())


@bp.route("/<convention_id>/approuver", methods=["POST"])
@login_required
def approve(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    return _run(
        conv,
        3,
        "La convention est approuvée : sa version PDF protégée est disponible.",
        workflow.approve,
        conv,
        actor(),
    )


@bp.route("/<convention_id>/prendre-connaissance", methods=["POST"])
@login_required
def acknowledge(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    if not _confirmed():
        flash(
            "Cochez la case « J'ai pris connaissance de la convention » pour confirmer.",
            "danger",
        )
        return _back(conv, 3)
    return _run(
        conv,
        3,
        "Votre prise de connaissance a été enregistrée.",
        workflow.acknowledge,
        conv,
        actor(),
    )


@bp.route("/<convention_id>/rouvrir", methods=["POST"])
@login_required
def reopen(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    reason = (request.form.get("reason") or "").strip()[:1000]
    try:
        workflow.reopen(conv, actor(), reason=reason)
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return _back(conv, 3)
    flash(
        "La convention est rouverte : le siège peut de nouveau modifier les articles.",
        "success",
    )
    return _back(conv, 2)
