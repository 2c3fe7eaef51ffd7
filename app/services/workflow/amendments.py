"""Yearly amendments (avenants): start one from an approved convention, save its points, and
read the points in force year by year.

An amendment is a ``Convention`` of its parent's kind with ``parent`` set and the school year
it takes effect in: the lock, the scoping, the signatures, the approval and its sealed PDF,
the acknowledgments and the PDF verification are those of every convention. It starts as a
draft with the parent's schools (its list is not edited: ``AMENDMENT_LIST_MESSAGE``) and is
validated straight from the draft. At most one per convention and school year: the slot is
unique with the pole.
"""

from typing import Any

from mongoengine import NotUniqueError

from app import clock
from app.models.convention import Article, Convention, ConventionSchool
from app.models.school import School
from app.models.school_year import SchoolYear, as_date
from app.rules import amendments as rules
from app.rules.calendar import previous_label
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.states import Status
from app.services import school_years
from app.services.workflow._common import audited, refresh_prefilled, require, settle
from app.services.workflow._writer import workflow_write
from app.services.workflow.documents import creation_events
from app.services.workflow.text import write_article

SEAT_SIDE_ONLY = (
    "Seuls le coordonnateur, la direction de l'école siège et le délégué du pouvoir "
    "organisateur de l'école siège peuvent rédiger un avenant."
)


def target_years() -> list[rules.TargetYear]:
    """Every encoded school year, with the amendment deadline of the year before it."""
    docs = list(SchoolYear.objects.only("label", "amendment_deadline").order_by("first_day"))
    deadlines = {d.label: as_date(d.amendment_deadline) for d in docs}
    out = []
    for doc in docs:
        try:
            before = previous_label(doc.label)
        except RuleViolation:
            continue
        out.append(rules.TargetYear(doc.label, True, deadlines.get(before)))
    return out


def amendments_of(convention: Convention) -> list[Convention]:
    """The amendments of ``convention``, by school year (without the heavy fields)."""
    return list(
        Convention.objects(parent=convention.pk)
        .exclude("snapshot", "signatures", "acknowledgments")
        .order_by("school_year")
    )


def _taken(convention: Convention) -> list[str]:
    return [str(y) for y in Convention.objects(parent=convention.pk).distinct("school_year")]


def open_years(convention: Convention) -> list[rules.TargetYear]:
    """The years an amendment of ``convention`` may be started for today (the settable
    clock): what the page offers."""
    if convention.is_amendment or convention.kind not in rules.AMENDABLE_KINDS:
        return []
    return rules.open_targets(
        convention.school_year, target_years(), clock.today(), _taken(convention)
    )


def _version(conv: Convention) -> rules.Version:
    article = rules.points_article(conv.articles)
    return rules.Version(
        school_year=conv.school_year,
        status=conv.status,
        data=dict(article.data or {}) if article is not None else {},
        amendment_id=conv.pk if conv.is_amendment else None,
        title=conv.title,
    )


def points_by_year(convention: Convention) -> list[rules.YearPoints]:
    """The points in force each school year, from the convention's to its last amendment's."""
    return rules.points_by_year(
        _version(convention), [_version(a) for a in amendments_of(convention)]
    )


def share_names(convention: Convention) -> dict[int, str]:
    """FASE → school name of the schools sharing the points (for the summaries)."""
    names = {e.fase: e.name for e in convention.schools}
    seat = School.objects(id=ref_id(convention, "seat_school")).only("fase", "name").first()
    if seat is not None:
        names[seat.fase] = f"{seat.name} (école siège)"
    return names


def start_amendment(convention: Convention, school_year: str, actor: Any) -> Convention:
    """Draft the amendment of an approved partnership, specific partnership or ressort for
    ``school_year`` (like "2027-2028"), pre-filled with the points in force the year before.

    Refused in French when the convention cannot be amended, the year is not after the
    convention's or not encoded, its deadline has passed (the next open year is offered), or
    an amendment for that year exists already.
    """
    label = str(school_year or "").strip()[:20]
    with audited("convention.start_amendment", actor, convention, details={"school_year": label}):
        require(actor, Action.EDIT_ARTICLES, convention, SEAT_SIDE_ONLY)
        rules.check_start(
            kind=convention.kind,
            status=convention.status,
            is_amendment=convention.is_amendment,
            parent_year=convention.school_year,
            target=label,
            targets=target_years(),
            today=clock.today(),
            taken=_taken(convention),
        )
        before = rules.in_force(
            _version(convention),
            [_version(a) for a in amendments_of(convention)],
            previous_label(label),
        )
        fields = rules.amendment_articles(
            convention.articles,
            parent_kind=convention.kind,
            parent_year=convention.school_year,
            approved_on=convention.approved_at,
            target=label,
            points_in_force=before.data,
        )
        amendment = Convention(
            kind=convention.kind,
            status=Status.DRAFT,
            pole=ref_id(convention, "pole"),
            pole_number=convention.pole_number,
            slot=rules.slot_of(convention.pk, label),
            seat_school=ref_id(convention, "seat_school"),
            seat_po=ref_id(convention, "seat_po"),
            counterpart_po=ref_id(convention, "counterpart_po"),
            school_year=label,
            parent=convention.pk,
            schools=[ConventionSchool._from_son(e.to_mongo()) for e in convention.schools],
            articles=[Article(**f) for f in fields],
        )
        amendment.due_on = school_years.due_date_of(amendment)
        # Chained once the P articles are written (``settle`` below).
        amendment.pending_events = creation_events(
            "convention.start_amendment",
            actor,
            {
                "parent": str(convention.pk),
                "parent_title": convention.title,
                "school_year": label,
                "due_on": amendment.due_on,
            },
        )
        try:
            with workflow_write():
                amendment.save(force_insert=True)
        except NotUniqueError:  # the same amendment created at the same moment
            raise RuleViolation(rules.already_exists(label)) from None
    refresh_prefilled(amendment.pk)  # the parties as they are today
    return settle(amendment)


def save_points(convention: Convention, data: dict[str, Any], actor: Any) -> Convention:
    """Save the points article of an amendment or a convention: ``data`` as the article pages
    post it (``{"mode": "seat"|"split", "shares": [...]}`` or ``{"rows": [...]}``), with an
    optional ``"body"`` (the article's text; kept when absent)."""
    with audited("convention.save_points", actor, convention):
        if not isinstance(data, dict):
            raise RuleViolation("Les points envoyés sont mal formés.")
        article = rules.points_article(convention.articles)
        if article is None:
            raise RuleViolation("Ce document n'a pas d'article des points.")
    payload = {k: v for k, v in data.items() if k != "body"}
    body = data.get("body", article.body or "")
    return write_article(
        convention, article.key, body, actor, data=payload, action="convention.save_points"
    )


def parent_facts(convention: Convention) -> dict[str, Any] | None:
    """What an amendment's snapshot and sealed PDF cite of the convention it modifies: its
    title, year, approval and the SHA-256 of its sealed PDF and approved content."""
    if not convention.is_amendment:
        return None
    parent = (
        Convention.objects(id=ref_id(convention, "parent"))
        .only(
            "kind",
            "schools",
            "school_year",
            "approved_at",
            "sealed_pdf_sha256",
            "snapshot_sha256",
            "pole_number",
        )
        .first()
    )
    if parent is None:
        return {"id": str(ref_id(convention, "parent")), "title": "(supprimée)"}
    return {
        "id": str(parent.pk),
        "title": parent.title,
        "school_year": parent.school_year,
        "approved_at": parent.approved_at,
        "sealed_pdf_sha256": parent.sealed_pdf_sha256 or "",
        "snapshot_sha256": parent.snapshot_sha256 or "",
    }
