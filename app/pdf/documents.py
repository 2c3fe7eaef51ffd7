"""The documents e-Pôles prints: a convention (draft or sealed) and a convention's school list.

Every convention PDF is rendered from a snapshot-shaped dict (``app.rules.snapshot``): the
sealed version from the snapshot frozen at approval and nothing else, a draft from a snapshot
built on the fly from the live convention. One template therefore serves both, and what the
sealed file says can only come from what was approved.
"""

from datetime import datetime
from typing import Any

from app import formatting
from app.models import Convention, OrganisingAuthority, School
from app.pdf.render import render_pdf
from app.rules import parties as party_rules
from app.rules.points import WORKLOADS
from app.rules.reference import zone_label
from app.rules.refs import ref_id
from app.rules.snapshot import build_snapshot
from app.rules.states import (
    APPROVED_STATUSES,
    KIND_LABELS,
    SCHOOL_ROLE_LABELS,
    STATUS_LABELS,
    STEP_ONE_TITLES,
    Kind,
    Nature,
    Status,
)
from app.services.workflow.amendments import parent_facts

WATERMARK = "PROJET"
SEALED_STATUSES = APPROVED_STATUSES
KEYWORD_CONVENTION = "e-poles-convention:"
KEYWORD_SNAPSHOT = "e-poles-snapshot:"
SEALED_SUBJECT = "Convention scellée e-Pôles"
DRAFT_SUBJECT = "Projet de convention e-Pôles (non approuvé)"


FILE_SLUGS = {
    Kind.PARTNERSHIP: "convention-partenariat",
    Kind.COOPERATION: "convention-cooperation",
    Kind.SPECIFIC_PARTNERSHIP: "convention-partenariat-specifique",
    Kind.RESSORT: "ressort",
}


def file_name(kind: str, pole_number: Any, convention_id: Any, suffix: str = "") -> str:
    """A download name in plain ASCII: ``convention-partenariat-pole-1-a1b2c3[-suffix].pdf``."""
    slug = FILE_SLUGS.get(kind, "convention")
    tail = f"-{suffix}" if suffix else ""
    return f"{slug}-pole-{pole_number}-{str(convention_id)[-6:]}{tail}.pdf"


def _article_form(article: dict[str, Any]) -> str:
    """Which structured table an article carries: "points_split", "retrocession" or ""."""
    data = article.get("data") or {}
    if article.get("key") == "identification" and data.get("pole"):
        return "identification"
    if data.get("parties") is not None and article.get("nature") == "P":
        return "parties"
    if data.get("mode") in ("seat", "split"):
        return "points_split"
    if isinstance(data.get("rows"), list):
        return "retrocession"
    return ""


def _school_names(snapshot: dict[str, Any]) -> dict[int, str]:
    """FASE → school name, from the parties and the listed schools of the snapshot."""
    names: dict[int, str] = {}
    for party in snapshot.get("parties") or []:
        for school in party.get("schools") or []:
            if school.get("fase") is not None:
                names[int(school["fase"])] = school.get("name") or ""
    for school in snapshot.get("schools") or []:
        if school.get("fase") is not None:
            names.setdefault(int(school["fase"]), school.get("name") or "")
    seat = (snapshot.get("pole") or {}).get("seat_school") or {}
    if seat.get("fase") is not None:
        names.setdefault(int(seat["fase"]), seat.get("name") or "")
    return names


def _party_schools(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The schools whose directors acknowledge: every school of the parties, in order."""
    seen: set[Any] = set()
    schools = []
    for party in snapshot.get("parties") or []:
        for school in party.get("schools") or []:
            if school.get("fase") not in seen:
                seen.add(school.get("fase"))
                schools.append(school)
    return schools


def convention_context(
    snapshot: dict[str, Any],
    *,
    status: str,
    watermark: str | None,
    pending_signatories: list[str] | None = None,
    acknowledgments: list[dict[str, Any]] | None = None,
    pending_acknowledgments: list[str] | None = None,
    certificate: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the convention template needs, from a snapshot and a few live extras."""
    articles = []
    for article in snapshot.get("articles") or []:
        number = article.get("number")
        title = article.get("title") or ""
        articles.append(
            {
                **article,
                "heading": f"Article {number} – {title}" if number else title,
                "form": _article_form(article),
                "optional": article.get("nature") == Nature.OPTIONAL,
            }
        )
    pole = snapshot.get("pole") or {}
    return {
        "doc": snapshot,
        "kind_label": KIND_LABELS.get(snapshot.get("kind"), snapshot.get("kind") or ""),
        "status_label": STATUS_LABELS.get(status, status),
        "sealed": status in SEALED_STATUSES and certificate is not None,
        "watermark": watermark,
        "pole_info": pole.get("pole") or {"number": pole.get("number")},
        "seat_school": pole.get("seat_school"),
        "seat_po": pole.get("seat_po"),
        "coordinators": pole.get("coordinators") or [],
        "articles": articles,
        "school_names": _school_names(snapshot),
        "workloads": list(WORKLOADS),
        "pending_signatories": pending_signatories or [],
        "acknowledgments": acknowledgments or [],
        "pending_acknowledgments": pending_acknowledgments or [],
        "party_schools": _party_schools(snapshot),
        "certificate": certificate,
        # An amendment's snapshot cites the convention it modifies (app.rules.snapshot).
        "amendment_of": snapshot.get("amendment_of"),
    }


def live_extras(convention: Convention) -> dict[str, Any]:
    """Who has yet to sign and acknowledge, and the acknowledgments made (two batch queries)."""
    missing_po = party_rules.missing_signatures(convention)
    po_names = {p.pk: p.name for p in OrganisingAuthority.objects(id__in=missing_po).only("name")}
    missing_school = party_rules.missing_acknowledgments(convention)
    school_names = {s.pk: s.name for s in School.objects(id__in=missing_school).only("name")}
    return {
        "pending_signatories": [po_names.get(p, "—") for p in missing_po],
        "acknowledgments": [
            {
                "school_name": a.school_name,
                "name": a.name or a.username,
                "capacity": a.capacity,
                "at": a.acknowledged_at,
            }
            for a in convention.acknowledgments
        ],
        "pending_acknowledgments": [school_names.get(s, "—") for s in missing_school],
    }


def draft_pdf(convention: Convention) -> bytes:
    """A convention as it stands now, watermarked "PROJET" (never the sealed version)."""
    snapshot = build_snapshot(convention, parent=parent_facts(convention))
    context = convention_context(
        snapshot,
        status=convention.status,
        watermark=WATERMARK,
        **live_extras(convention),
    )
    return render_pdf(
        "convention.html",
        context,
        title=f"{convention.title} – pôle {convention.pole_number} (projet)",
        subject=DRAFT_SUBJECT,
    )


def _as_datetime(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


def sealed_pdf(
    snapshot: dict[str, Any],
    certificate: dict[str, Any],
    signature: dict[str, Any] | None = None,
) -> bytes:
    """The approved convention from its frozen snapshot, with the certificate page."""
    context = convention_context(
        snapshot,
        status=Status.APPROVED.value,
        watermark=None,
        certificate=certificate,
    )
    pole_number = (snapshot.get("pole") or {}).get("number")
    return render_pdf(
        "convention.html",
        context,
        title=f"{snapshot.get('title', '')} – pôle {pole_number}",
        subject=SEALED_SUBJECT,
        keywords=(
            f"{KEYWORD_CONVENTION}{snapshot.get('convention_id', '')}",
            f"{KEYWORD_SNAPSHOT}{certificate.get('snapshot_sha256', '')}",
        ),
        signature=signature,
        created=_as_datetime(formatting.parse_moment(snapshot.get("approved_at"))),
    )


def school_list_pdf(convention: Convention) -> bytes:
    """The step-1 page of a convention: the seat school, the listed schools and their POs."""
    seat_id = ref_id(convention, "seat_school")
    address_fields = ("street", "postal_code", "city")
    seat = School.objects(id=seat_id).only("fase", "name", "zone", *address_fields).first()
    seat_po = (
        OrganisingAuthority.objects(id=ref_id(convention, "seat_po"))
        .only("fase", "name", *address_fields)
        .first()
    )
    school_ids = [ref_id(e, "school") for e in convention.schools]
    addresses = {s.pk: s.address for s in School.objects(id__in=school_ids).only(*address_fields)}
    rows = [
        {
            "fase": e.fase,
            "name": e.name,
            "address": addresses.get(ref_id(e, "school"), ""),
            "role": SCHOOL_ROLE_LABELS.get(e.role, e.role),
            "po_fase": e.po_fase,
            "po_name": e.po_name,
            "zone": e.zone,
            "derogation": e.derogation.filename if e.derogation else "",
        }
        for e in convention.schools
    ]
    context = {
        "title": convention.title,
        "kind_label": convention.kind_label,
        "step_title": STEP_ONE_TITLES.get(convention.kind, "Écoles"),
        "pole_number": convention.pole_number,
        "school_year": convention.school_year or "",
        "status_label": convention.status_label,
        "list_validated": convention.status != Status.DRAFT.value,
        "list_validated_at": convention.list_validated_at,
        "seat": seat,
        "seat_po": seat_po,
        "seat_zone": zone_label(seat.zone) if seat and seat.zone else "—",
        "rows": rows,
        "watermark": None,
    }
    return render_pdf(
        "school_list.html",
        context,
        title=f"{STEP_ONE_TITLES.get(convention.kind, 'Écoles')} – {convention.title}",
        subject="Liste des écoles d'une convention e-Pôles",
    )
