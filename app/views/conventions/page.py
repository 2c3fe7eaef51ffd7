"""The convention's page: its header, the step shown and what that step offers the user."""

from typing import Any

from flask import g, render_template, request, url_for
from flask_login import current_user, login_required

from app.models import Convention, OrganisingAuthority, Pole, School
from app.models.base import as_loaded
from app.rules import amendments as amendment_rules
from app.rules import audit, derogations, parties, permissions, points
from app.rules.refs import ref_id
from app.rules.refusals import current_declines, last_sent_back
from app.rules.states import (
    LIST_LOCKED_STATUSES,
    LOCKED_STATUSES,
    SCHOOL_ROLE_LABELS,
    STEP_ONE_TITLES,
    Kind,
    SchoolRole,
    Status,
)
from app.services import audit as audit_trail
from app.services import school_years, workflow
from app.views.context import convention_or_404
from app.views.conventions import bp
from app.views.conventions._common import optional_url, still_awaited
from app.views.conventions.presenter import article_rows

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


def default_step(conv: Convention) -> int:
    """The step where the work is: the list, then the articles, then the signatures."""
    if conv.status == Status.DRAFT:
        return 2 if conv.is_amendment else 1
    if conv.status == Status.LIST_VALIDATED:
        return 2
    return 3


def _step() -> int | None:
    raw = request.args.get("etape", "")
    return int(raw) if raw in ("1", "2", "3") else None


@bp.route("/<convention_id>")
@login_required
def show(convention_id: str):
    conv = convention_or_404(convention_id, current_user)
    step = _step() or default_step(conv)
    pole = g.get("current_pole")  # loaded by convention_or_404 for the header
    seat = School.objects(id=ref_id(conv, "seat_school")).first()
    offers = workflow.offers(conv, current_user)
    cals = school_years.Calendars.load()  # the deadline's and the amendments' calendars
    context: dict[str, Any] = {
        "conv": conv,
        "pole": pole,
        "seat": seat,
        "step": step,
        "step_titles": {
            1: STEP_ONE_TITLES.get(conv.kind, "Écoles"),
            2: "Avenant"
            if conv.is_amendment
            else ("Ressort" if conv.kind == Kind.RESSORT else "Convention"),
            3: "Signatures et mise en œuvre",
        },
        "locked": conv.status in LOCKED_STATUSES,
        "list_locked": conv.status in LIST_LOCKED_STATUSES,
        "pdf_url": optional_url("pdf.convention", convention_id=str(conv.pk)),
        "history": _history(conv),
        "deadline": school_years.deadline_of(conv, cals),
        "can_plan": conv.kind == Kind.SPECIFIC_PARTNERSHIP
        and conv.status in (Status.DRAFT, Status.LIST_VALIDATED)
        and permissions.can(current_user, permissions.Action.EDIT_ARTICLES, conv),
        "sent_back": last_sent_back(conv.history) if conv.status == Status.DRAFT else None,
        "declines": current_declines(conv.history, conv.validated_at)
        if conv.status == Status.VALIDATED
        else [],
    }
    context.update(_amendments(conv, cals))
    if step == 1:
        context.update(_step_one(conv, pole, offers))
    elif step == 2:
        context.update(_step_two(conv, seat, offers))
    else:
        context.update(_step_three(conv, offers))
    return render_template("conventions/show.html", **context)


def _amendments(conv: Convention, cals: school_years.Calendars) -> dict[str, Any]:
    """The amendments part of the page: on an amendment, the convention it modifies; on an
    amendable convention, the points in force each year, its amendments and the years open."""
    if conv.is_amendment:
        parent = Convention.objects(id=ref_id(conv, "parent")).exclude("snapshot").first()
        visible = parent is not None and permissions.can(
            current_user, permissions.Action.VIEW_CONVENTION, parent
        )
        return {
            "AMENDMENT_LIST_MESSAGE": amendment_rules.AMENDMENT_LIST_MESSAGE,
            "amendment": {
                "parent": parent,
                "parent_url": url_for("conventions.show", convention_id=str(parent.pk))
                if visible
                else None,
                "what": "la nouvelle rétrocession de points"
                if conv.kind == Kind.SPECIFIC_PARTNERSHIP
                else "la nouvelle répartition des points",
            },
        }
    if conv.kind not in amendment_rules.AMENDABLE_KINDS or not conv.is_approved:
        return {"amendable": False}
    names = workflow.share_names(conv)
    rows = [
        {
            "school_year": row.school_year,
            "in_force": row.in_force,
            "pending": row.pending,
            "summary": amendment_rules.points_summary(row.in_force.data, names),
        }
        for row in workflow.points_by_year(conv)
    ]
    may_amend = permissions.can(current_user, permissions.Action.EDIT_ARTICLES, conv)
    return {
        "amendable": True,
        "points_years": rows,
        "amendments": [
            {"conv": a, "deadline": school_years.deadline_of(a, cals)}
            for a in workflow.amendments_of(conv)
        ],
        "may_amend": may_amend,
        "open_years": workflow.open_years(conv) if may_amend else [],
    }


def _step_one(conv: Convention, pole: Pole | None, offers: workflow.Offers) -> dict[str, Any]:
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
    return {
        "rows": rows,
        "may_edit_list": offers.edit_list,
        "may_validate_list": offers.validate_list,
        "may_reopen_list": offers.reopen_list,
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
    if not article.editable:
        return "article-readonly"
    if article.complete:
        return "article-complete"
    if workflow.is_required(article, conv):
        return "article-missing"
    return "article-readonly"


def _step_two(conv: Convention, seat: School | None, offers: workflow.Offers) -> dict[str, Any]:
    articles = [
        {
            **row,
            "state": article_state(row["article"], conv),
            "editable": offers.edit_articles and row["article"].editable,
        }
        for row in article_rows(conv, seat)
    ]
    return {
        "articles": articles,
        "workloads": list(points.WORKLOADS),
        "blockers": workflow.validation_blockers(conv),
        "may_validate": offers.validate,
    }


def _step_three(conv: Convention, offers: workflow.Offers) -> dict[str, Any]:
    po_ids = parties.signatory_po_ids(conv)
    pos = {p.pk: p for p in OrganisingAuthority.objects(id__in=po_ids).only("name", "fase")}
    signatures = {ref_id(s, "po"): s for s in conv.signatures}
    seat_po = ref_id(conv, "seat_po")
    signatories = [
        {"po": pos.get(po_id), "seat": po_id == seat_po, "signature": signatures.get(po_id)}
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
    return {
        "signatories": signatories,
        "directors": directors,
        "sign_for": pos.get(offers.sign_for) if offers.sign_for is not None else None,
        "ack_for": schools.get(offers.acknowledge_for)
        if offers.acknowledge_for is not None
        else None,
        "awaited": still_awaited(conv),
        "may_approve": offers.approve,
        "may_send_back": offers.send_back,
        "decline_for": pos.get(offers.decline_for) if offers.decline_for is not None else None,
        "may_reopen": offers.reopen,
        "follow_up": _follow_up(conv),
    }


def _follow_up(conv: Convention) -> list[Convention] | None:
    """« Documents de suivi »: the pole's conventions of the kinds the rules name, that the
    user may view (None when the convention's kind has none)."""
    kinds = workflow.follow_up_kinds(conv.kind)
    if not kinds or conv.is_amendment:  # an amendment holds the points only
        return None
    scope = permissions.convention_filter(current_user)
    if scope is None:
        return []
    wanted = {"pole": ref_id(conv, "pole"), "kind": {"$in": [k.value for k in kinds]}}
    docs = Convention.objects(__raw__={"$and": [wanted, scope]}).exclude(
        "articles", "snapshot", "signatures", "acknowledgments"
    )
    # As loaded: a title reads its first school's stored name, not the school.
    return sorted(as_loaded(docs), key=lambda c: (c.kind != Kind.PARTNERSHIP, c.title))


def _history(conv: Convention) -> list[dict[str, Any]]:
    return [
        {
            "at": event.at,
            "actor": event.actor,
            "action": audit.action_label(event.action),
            "before": event.status_before,
            "after": event.status_after,
            "is_refusal": event.outcome == audit.Outcome.REFUSED,
            "outcome_label": audit.Outcome.label_of(event.outcome),
            "details": _detail_text(event.details or {}),
        }
        for event in audit_trail.history(conv.pk)
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
    if details.get("po_name") and details.get("comment"):
        parts.append(str(details["po_name"]))
    for key in ("reason", "reason_given", "comment"):
        if details.get(key):
            parts.append(str(details[key]))
            break
    removed = details.get("removed_signatures") or []
    if removed:
        names = ", ".join(
            f"{s.get('po_name') or ''} ({s.get('name') or s.get('username') or ''})"
            for s in removed
            if isinstance(s, dict)
        )
        parts.append(f"signatures retirées du document : {names}")
    return " · ".join(parts)
