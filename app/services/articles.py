"""Loading what the article rules decide on: templates, the seat school, the parties' data.

``app.rules.articles`` decides on plain values; these helpers read the database for it.
"""

from typing import Any

from app.models.article_template import ArticleTemplate
from app.models.convention import Article
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.rules import articles as rules
from app.rules.refs import ref_id


def build_articles(kind: str) -> list[Article]:
    """Fresh articles for a new convention of ``kind``, from the active templates."""
    templates = ArticleTemplate.objects(kind=kind, active=True).order_by("position")
    return [Article(**fields) for fields in rules.article_fields(templates)]


def seat_of(convention: Any) -> School | None:
    """The convention's seat school, its name and FASE (what the points tables show)."""
    return School.objects(id=ref_id(convention, "seat_school")).only("name", "fase").first()


def split_parties(convention: Any) -> list[dict[str, Any]]:
    """The schools sharing the points: the seat school, then each partner."""
    return rules.split_parties(convention, seat_of(convention))


def split_fases(convention: Any) -> list[int]:
    """FASE numbers sharing the points: the seat school, then each partner school."""
    return rules.split_fases(convention, seat_of(convention))


def prefilled(convention: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """Body and data of each P article of ``convention``, generated from the stored data."""
    if not rules.prefilled_keys(convention):
        return {}
    pole = Pole.objects(id=ref_id(convention, "pole")).first()
    school_ids = [ref_id(convention, "seat_school")] + [
        ref_id(e, "school") for e in convention.schools
    ]
    schools = {s.pk: s for s in School.objects(id__in=school_ids)}
    po_ids = {ref_id(s, "po") for s in schools.values()} | {ref_id(convention, "seat_po")}
    pos = {p.pk: p for p in OrganisingAuthority.objects(id__in=list(po_ids))}
    return rules.prefilled(convention, pole, schools, pos)
