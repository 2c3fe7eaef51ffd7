"""The simplified pages of PO delegates (« À signer ») and directors (« À prendre
connaissance »): what awaits them, readable in full, one button with a confirmation, and
below what they already did.

No back-office chrome. The list is one query on the conventions (scoped by
``permissions.convention_filter``, the snapshot left out) plus one batched query per kind
of name shown (poles, seat schools, POs), whatever the number of conventions.
"""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from app.models import Convention, OrganisingAuthority, Pole, School
from app.models.base import as_loaded
from app.rules import parties, permissions, points
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.refusals import declined_by
from app.rules.states import Status
from app.services import workflow
from app.views.conventions import confirmations
from app.views.conventions.confirmations import Queue
from app.views.conventions.presenter import article_rows
from app.views.gates import requires

bp = Blueprint("signing", __name__)


def is_po_delegate(user: Any) -> bool:
    return permissions.can(user, Action.SIGN)


def is_director(user: Any) -> bool:
    return permissions.can(user, Action.ACKNOWLEDGE)


NAV = [
    ("signing.to_sign", "À signer", is_po_delegate),
    ("signing.to_acknowledge", "À prendre connaissance", is_director),
]


def _scoped(user: Any, wanted: dict[str, Any]) -> list[Convention]:
    """Conventions matching ``wanted`` within the user's scope, in one query."""
    raw = _raw(user, wanted)
    if raw is None:
        return []
    # as loaded: reading ``schools`` would otherwise fetch their schools and POs per row.
    convs = Convention.objects(__raw__=raw).exclude("snapshot").order_by("pole_number", "kind")
    return list(as_loaded(convs))


def _raw(user: Any, wanted: dict[str, Any]) -> dict[str, Any] | None:
    """``wanted`` restricted to the user's scope (built by the rules); None: nothing visible."""
    scope = permissions.convention_filter(user)
    if scope is None:
        return None
    if not wanted:
        return scope
    return {"$and": [scope, wanted]} if scope else wanted


def _names(convs: list[Convention]) -> dict[str, dict[Any, Any]]:
    """Poles, seat schools and POs of a page of conventions: one query each."""
    pole_ids = {ref_id(c, "pole") for c in convs}
    school_ids = {ref_id(c, "seat_school") for c in convs}
    po_ids = {ref_id(c, "seat_po") for c in convs}
    for conv in convs:
        po_ids.update(parties.signatory_po_ids(conv))
        po_ids.update(ref_id(e, "po") for e in conv.schools)
    po_ids.discard(None)
    if not convs:
        return {"poles": {}, "schools": {}, "pos": {}}
    return {
        "poles": {p.pk: p for p in Pole.objects(id__in=list(pole_ids)).only("number", "name")},
        "schools": {
            s.pk: s
            for s in School.objects(id__in=list(school_ids)).only(
                "name", "fase", "street", "postal_code", "city", "director_name"
            )
        },
        "pos": {
            p.pk: p
            for p in OrganisingAuthority.objects(id__in=list(po_ids)).only(
                "name", "fase", "street", "postal_code", "city"
            )
        },
    }


def _document(conv: Convention, names: dict[str, dict[Any, Any]]) -> dict[str, Any]:
    """Everything the read-only reading of a convention shows, without a query."""
    seat = names["schools"].get(ref_id(conv, "seat_school"))
    pos = names["pos"]
    signed = {ref_id(s, "po"): s for s in conv.signatures}
    signatories = [
        {"po": pos.get(po_id), "signature": signed.get(po_id)}
        for po_id in parties.signatory_po_ids(conv)
    ]
    return {
        "conv": conv,
        "pole": names["poles"].get(ref_id(conv, "pole")),
        "seat": seat,
        "seat_po": pos.get(ref_id(conv, "seat_po")),
        "schools": list(conv.schools),
        "articles": article_rows(conv, seat),
        "signatories": signatories,
        "acknowledgments": list(conv.acknowledgments),
    }


def _count_awaiting(
    user: Any, action: Action, status: Status, skip: str, awaits: Callable[..., Any]
) -> int:
    """How many conventions at ``status`` await ``user`` (``awaits``), in one query."""
    raw = _raw(user, {"status": status.value}) if permissions.can(user, action) else None
    if raw is None:
        return 0
    convs = Convention.objects(__raw__=raw).exclude("snapshot", "articles", skip)
    return sum(1 for conv in as_loaded(convs) if awaits(conv, user) is not None)


def count_to_sign(user: Any) -> int:
    """How many conventions await ``user``'s signature (one query)."""
    return _count_awaiting(
        user, Action.SIGN, Status.VALIDATED, "acknowledgments", workflow.awaited_signature
    )


def count_to_acknowledge(user: Any) -> int:
    """How many conventions await ``user``'s acknowledgment (one query)."""
    return _count_awaiting(
        user, Action.ACKNOWLEDGE, Status.APPROVED, "signatures", workflow.awaited_acknowledgment
    )


def _pdf_url(conv: Convention) -> str | None:
    try:
        return url_for("pdf.convention", convention_id=str(conv.pk))
    except BuildError:
        return None


def _queue_page(
    template: str,
    status: Status,
    marks: str,
    stamp: str,
    awaits: Callable[..., Any],
    detail: Callable[[list[tuple[dict[str, Any], Any]], dict[str, Any]], list[dict[str, Any]]],
) -> str:
    """A queue page: the user's conventions at ``status`` that await them (``awaits`` says
    for which party; ``detail`` adds what the page says of it), then those the user already
    marked (``marks``: ``signatures`` or ``acknowledgments``, as ``mine``), latest ``stamp``
    first."""
    user_id = current_user.pk
    convs = _scoped(current_user, {"$or": [{"status": status.value}, {f"{marks}.user": user_id}]})
    names = _names(convs)
    awaiting, done = [], []
    for conv in convs:
        mine = [m for m in getattr(conv, marks) if m.user == user_id]
        if mine:
            done.append({"doc": _document(conv, names), "mine": mine, "pdf": _pdf_url(conv)})
        party_id = awaits(conv, current_user)
        if party_id is not None:
            awaiting.append(({**_document(conv, names), "pdf": _pdf_url(conv)}, party_id))
    done.sort(key=lambda d: max(getattr(m, stamp) for m in d["mine"]), reverse=True)
    return render_template(
        template,
        pending=detail(awaiting, names),
        done=done,
        workloads=list(points.WORKLOADS),
    )


def _with_po(awaiting: list[tuple[dict[str, Any], Any]], names: dict[str, Any]) -> list[Any]:
    """Each convention to sign with the PO signed for, and whether the user declined it."""
    return [
        {
            **item,
            "po": names["pos"].get(po_id),
            "declined": declined_by(item["conv"].history, item["conv"].validated_at, po_id),
        }
        for item, po_id in awaiting
    ]


def _with_school(awaiting: list[tuple[dict[str, Any], Any]], names: dict[str, Any]) -> list[Any]:
    """Each convention to acknowledge with the school acknowledged for (one query)."""
    school_ids = {school_id for _, school_id in awaiting}
    schools = (
        {s.pk: s for s in School.objects(id__in=list(school_ids)).only("name", "fase")}
        if school_ids
        else {}
    )
    return [{**item, "school": schools.get(school_id)} for item, school_id in awaiting]


@bp.route("/a-signer")
@login_required
@requires(Action.SIGN)
def to_sign():
    return _queue_page(
        "signing/to_sign.html",
        Status.VALIDATED,
        "signatures",
        "signed_at",
        workflow.awaited_signature,
        _with_po,
    )


@bp.route("/a-prendre-connaissance")
@login_required
@requires(Action.ACKNOWLEDGE)
def to_acknowledge():
    return _queue_page(
        "signing/to_acknowledge.html",
        Status.APPROVED,
        "acknowledgments",
        "acknowledged_at",
        workflow.awaited_acknowledgment,
        _with_school,
    )


def _queue(endpoint: str, done: str | None = None) -> Callable[[str], Queue]:
    """Back to the convention's card in the queue ``endpoint``; on success to ``done`` there
    (default: the card again, the convention staying in the list)."""

    def queue(convention_id: str) -> Queue:
        card = url_for(endpoint) + f"#convention-{convention_id}"
        return Queue(card, done=url_for(endpoint) + done if done else card)

    return queue


def _route(step: confirmations.Step, rule: str, gate: Action, queue: str, done: str | None) -> None:
    """``step`` taken from the queue page ``queue`` under ``rule``, open to the profiles
    ``gate`` allows (``requires``), led back to the queue (to ``done`` there once taken)."""
    confirmations.route(bp, step, rule=rule, queue=_queue(queue, done), gate=requires(gate))


# Signing and declining from « À signer », acknowledging from « À prendre connaissance »: the
# convention page's steps, led back to the queue (declining leaves the convention at its card).
_route(confirmations.SIGN, "/a-signer/<convention_id>", Action.SIGN, "signing.to_sign", "#signees")
_route(
    confirmations.DECLINE,
    "/a-signer/<convention_id>/refuser",
    Action.DECLINE,
    "signing.to_sign",
    None,
)
_route(
    confirmations.ACKNOWLEDGE,
    "/a-prendre-connaissance/<convention_id>",
    Action.ACKNOWLEDGE,
    "signing.to_acknowledge",
    "#faites",
)
