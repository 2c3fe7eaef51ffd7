"""The articles of a convention: built from the templates, pre-filled, checked, required.

Natures (circular, chapter II): P pre-filled from the data (identification of the pole and
of the parties), F fixed text of the template, read-only; C to complete (required); O
optional ("Divers"). In a ressort, the articles about the partnership are required only if
it covers partner schools and the cooperation article only if it covers cooperating schools
(the template's ``covers``).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from app.formatting import date_text
from app.rules.errors import RuleViolation
from app.rules.parties import signatory_po_ids
from app.rules.points import normalise_retrocession, normalise_split
from app.rules.reference import zone_label
from app.rules.refs import ref_id
from app.rules.states import EDITABLE_NATURES, SCHOOL_ROLE_LABELS, Kind, Nature, SchoolRole
from app.rules.text import text_problem

MAX_BODY = 20_000
POLE_KEY = "identification"


def article_fields(templates: Iterable[Any]) -> list[dict[str, Any]]:
    """The fields of fresh articles for a new convention, from its kind's active templates
    (in order); refused when the Administration has not encoded any."""
    articles = [
        {
            "key": tpl.key,
            "number": tpl.number,
            "position": tpl.position,
            "title": tpl.title,
            "nature": tpl.nature,
            "body": tpl.text if tpl.nature == Nature.FIXED else "",
            "complete": tpl.nature not in EDITABLE_NATURES,
            "covers": tpl.covers or "",
            "form": tpl.form or "",
        }
        for tpl in templates
    ]
    if not articles:
        raise RuleViolation(
            "Aucun modèle d'article n'est défini pour ce type de convention : "
            "l'Administration doit d'abord les encoder."
        )
    return articles


def is_required(article: Any, convention: Any) -> bool:
    """Must this article be complete before the convention can be validated?"""
    if article.nature != Nature.REQUIRED:
        return False
    covers = getattr(article, "covers", "") or ""
    if not covers or convention.kind != Kind.RESSORT:
        return True
    if covers == "partnership":
        return convention.covers_partnership
    if covers == "cooperation":
        return convention.covers_cooperation
    return True


def missing_articles(convention: Any) -> list[Any]:
    """The required articles that are not complete yet, in order."""
    return [a for a in convention.articles if is_required(a, convention) and not a.complete]


def article_label(article: Any) -> str:
    return str(article.number) if article.number else article.title


def find_article(convention: Any, number: int | str) -> Any:
    key = str(number).strip()
    article = convention.article(key)
    if article is None:
        raise RuleViolation(f"L'article {key} n'existe pas dans cette convention.")
    return article


# --- saving an article ------------------------------------------------------------------


def split_parties(convention: Any, seat: Any) -> list[dict[str, Any]]:
    """The schools sharing the points (fase, name, role): the seat school (``seat``, loaded by
    the caller), then each partner."""
    parties = [{"fase": seat.fase, "name": seat.name, "role": "école siège"}] if seat else []
    parties += [
        {"fase": e.fase, "name": e.name, "role": e.role_label}
        for e in convention.schools
        if e.role == SchoolRole.PARTNER
    ]
    return parties


def share_rows(convention: Any, article: Any, seat: Any) -> list[dict[str, Any]]:
    """The points-split table as shown: each school sharing the points with its saved share
    (« » when none was saved for it)."""
    saved = {
        str(share.get("school_fase")): share.get("percent")
        for share in (article.data.get("shares") or [])
        if isinstance(share, dict)
    }
    rows = split_parties(convention, seat)
    for row in rows:
        row["percent"] = saved.get(str(row["fase"]), "")
    return rows


def split_fases(convention: Any, seat: Any) -> list[int]:
    """FASE numbers sharing the points: the seat school, then each partner school."""
    return [party["fase"] for party in split_parties(convention, seat)]


def check_input(
    article: Any,
    body: Any,
    data: dict[str, Any] | None,
    fases: list[int],
    catalogue: Mapping[str, Any] | None = None,
    offered: Mapping[str, Any] | None = None,
) -> tuple[str, dict[str, Any], bool]:
    """Validate what a user saves in an article (``fases``: who shares the points, from
    ``split_fases``); return (body, data, complete).

    ``catalogue``/``offered``: the functions catalogue of the convention's school year (label
    → full-time points, label → workloads offered), which prices a retrocession table."""
    if article.nature not in EDITABLE_NATURES:
        raise RuleViolation(
            f"Cet article n'est pas modifiable : « {article.title} » est "
            + (
                "pré-complété à partir des données."
                if article.nature == Nature.PREFILLED
                else "un texte fixe."
            )
        )
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise RuleViolation("Le texte de l'article est mal formé.")
    body = body.replace("\r\n", "\n").strip()
    problem = text_problem(body, MAX_BODY, "Le texte de l'article")
    if problem:
        raise RuleViolation(problem)
    form = getattr(article, "form", "") or ""
    if not form:
        if data:
            raise RuleViolation("Cet article ne contient pas de tableau à remplir.")
        return body, {}, bool(body)
    if data is None:
        data = dict(article.data or {})
        if not data:
            return body, {}, False
    if form == "points_split":
        clean = normalise_split(data, fases)
        return body, clean, True
    if form == "retrocession":
        clean = normalise_retrocession(data, catalogue or {}, offered)
        # No row means no retrocession: complete only if the text says so.
        return body, clean, bool(clean["rows"]) or bool(body)
    raise RuleViolation("Le format de cet article est inconnu.")


def structured_still_valid(article: Any, fases: list[int]) -> bool:
    """After a change of the school list (``fases``: who shares the points now), is a points
    split still consistent?"""
    if (getattr(article, "form", "") or "") != "points_split" or not article.data:
        return bool(article.complete)
    try:
        normalise_split(article.data, fases)
    except RuleViolation:
        return False
    return bool(article.complete)


# --- pre-filled articles ----------------------------------------------------------------


def prefilled_keys(convention: Any) -> list[str]:
    """The keys of the P articles, generated from the data."""
    return [a.key for a in convention.articles if a.nature == Nature.PREFILLED]


def prefilled(
    convention: Any, pole: Any, schools: dict[Any, Any], pos: dict[Any, Any]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Body and data of each P article of ``convention``, generated from its pole, its schools
    (the seat's included) and their POs, by id."""
    seat = schools.get(ref_id(convention, "seat_school"))
    seat_po = pos.get(ref_id(convention, "seat_po"))
    result = {}
    for key in prefilled_keys(convention):
        if key == POLE_KEY:
            result[key] = _pole_identification(pole, seat, seat_po)
        else:
            result[key] = _parties(convention, schools, pos, seat)
    return result


def _school_data(school: Any, role: str) -> dict[str, Any]:
    return {
        "fase": school.fase,
        "name": school.name,
        "address": school.address,
        "zone": school.zone,
        "role": role,
        "role_label": SCHOOL_ROLE_LABELS.get(role, "école siège"),
    }


def _po_data(po: Any) -> dict[str, Any]:
    if po is None:
        return {"fase": None, "name": "—", "address": ""}
    return {"fase": po.fase, "name": po.name, "address": po.address}


def _pole_identification(pole: Any, seat: Any, seat_po: Any) -> tuple[str, dict[str, Any]]:
    coordinators = [
        {
            "name": str(c),
            "email": c.email or "",
            "phone": c.phone or "",
        }
        for c in (pole.coordinators if pole else [])
    ]
    data = {
        "pole": {
            "number": pole.number if pole else None,
            "name": pole.name if pole else "",
            "zone": pole.zone if pole else None,
            "zone_label": zone_label(pole.zone) if pole else "—",
            "period_start": pole.period_start.isoformat() if pole and pole.period_start else None,
            "period_end": pole.period_end.isoformat() if pole and pole.period_end else None,
        },
        "seat_school": _school_data(seat, "seat") if seat else None,
        "seat_po": _po_data(seat_po),
        "coordinators": coordinators,
    }
    lines = [
        f"Pôle territorial n° {data['pole']['number']} – {data['pole']['name']}",
        f"Zone d'enseignement : {data['pole']['zone_label']}",
    ]
    if seat:
        lines.append(f"École siège : {seat.name} (FASE {seat.fase}), {seat.address}")
    po = data["seat_po"]
    lines.append(
        f"Pouvoir organisateur de l'école siège : {po['name']} (FASE {po['fase']}), {po['address']}"
    )
    if coordinators:
        names = ", ".join(
            c["name"] + (f" ({c['email']})" if c["email"] else "") for c in coordinators
        )
        lines.append(f"Coordonnateur(s) : {names}")
    else:
        lines.append("Coordonnateur(s) : —")
    if pole:
        start, end = date_text(pole.period_start), date_text(pole.period_end)
        lines.append(f"Période de constitution : du {start} au {end}")
    return "\n".join(lines), data


def _parties(
    convention: Any, schools: dict[Any, Any], pos: dict[Any, Any], seat: Any
) -> tuple[str, dict[str, Any]]:
    parties: list[dict[str, Any]] = []
    for po_id in signatory_po_ids(convention):
        party = {"po": _po_data(pos.get(po_id)), "schools": []}
        if po_id == ref_id(convention, "seat_po") and seat is not None:
            party["schools"].append(_school_data(seat, "seat"))
        for entry in convention.schools:
            school = schools.get(ref_id(entry, "school"))
            if school is None:
                continue
            if ref_id(entry, "po") == po_id or (
                convention.kind == Kind.RESSORT and po_id == ref_id(convention, "seat_po")
            ):
                party["schools"].append(_school_data(school, entry.role))
        parties.append(party)
    lines: list[str] = []
    for index, party in enumerate(parties):
        intro = "D'une part" if index == 0 else "D'autre part"
        po = party["po"]
        lines.append(
            f"{intro}, le pouvoir organisateur {po['name']} (FASE {po['fase']}), {po['address']},"
        )
        lines.append("pour :")
        for school in party["schools"]:
            lines.append(
                f"– {school['name']} (FASE {school['fase']}), {school['address']} "
                f"– {school['role_label']}"
            )
    if not convention.schools:
        lines.append("Aucune école n'est encore inscrite dans cette convention.")
    return "\n".join(lines), {"parties": parties}
