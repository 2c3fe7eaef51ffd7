"""Yearly amendments (avenants) of the points: which conventions, which years, what they hold.

Circular, chapter II: by unanimous agreement of the POs, the split of partnership article 8 /
ressort article 5, or the retrocession table of specific partnership article 8, may change
every year by an amendment, signed like the convention and communicated by the amendment
deadline (1 June) of the school year before the one it takes effect in. An amendment is a
convention document of its parent's kind with a ``parent``: its articles are the parties'
identification, its object, an optional motivation and the one points article.

Plain values only: the services load the conventions and school years and pass them in.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.formatting import date_text, decimal_text
from app.rules.calendar import next_label, start_year_of
from app.rules.errors import RuleViolation
from app.rules.points import retrocession_total
from app.rules.states import APPROVED_STATUSES, KIND_LABELS, Kind, Nature

AMENDABLE_KINDS: frozenset[str] = frozenset(
    {Kind.PARTNERSHIP, Kind.SPECIFIC_PARTNERSHIP, Kind.RESSORT}
)
POINTS_FORMS = ("points_split", "retrocession")
OBJECT_KEY = "objet"
MOTIVATION_KEY = "motivation"
SLOT_PREFIX = "amendment:"

NOT_AMENDABLE_KIND = (
    "Seules les conventions de partenariat, de partenariat spécifique et les ressorts ont un "
    "avenant annuel des points ; une convention de coopération n'en a pas."
)
NOT_APPROVED = (
    "Un avenant ne peut être rédigé qu'à partir d'une convention approuvée par l'Administration."
)
NOT_ON_AMENDMENT = (
    "Un avenant ne se modifie pas par un autre avenant : rédigez-le à partir de la convention."
)
AMENDMENT_LIST_MESSAGE = (
    "La liste des écoles d'un avenant est celle de la convention qu'il modifie : elle ne "
    "change pas dans l'avenant."
)


def already_exists(label: str) -> str:
    return (
        f"Un avenant existe déjà pour cette convention et l'année scolaire {label} : "
        "complétez-le plutôt que d'en créer un second."
    )


def slot_of(parent_id: Any, school_year: str) -> str:
    """The amendment's slot: unique with the pole, so one amendment per convention and year
    holds even when two are created at the same moment."""
    return f"{SLOT_PREFIX}{parent_id}:{school_year}"


def points_article(articles: Iterable[Any]) -> Any | None:
    """The article carrying the points (split key or retrocession table), if any."""
    for article in articles:
        if (getattr(article, "form", "") or "") in POINTS_FORMS:
            return article
    return None


@dataclass(frozen=True)
class TargetYear:
    """A school year an amendment could take effect in, with what decides whether it may."""

    label: str
    known: bool  # the year itself is encoded (its calendar exists)
    deadline: date | None  # the amendment deadline of the year before (None: not encoded)


def _after(label: str, parent_year: str | None) -> bool:
    if not parent_year:
        return True
    return start_year_of(label) > start_year_of(parent_year)


def open_targets(
    parent_year: str | None, targets: Iterable[TargetYear], today: date, taken: Iterable[str]
) -> list[TargetYear]:
    """The years an amendment of a convention of ``parent_year`` may be started for today:
    after the convention's year, encoded, deadline not passed, no amendment there yet."""
    used = set(taken)
    return sorted(
        (
            t
            for t in targets
            if _after(t.label, parent_year)
            and t.known
            and t.deadline is not None
            and today <= t.deadline
            and t.label not in used
        ),
        key=lambda t: t.label,
    )


def check_start(
    *,
    kind: str,
    status: str,
    is_amendment: bool,
    parent_year: str | None,
    target: str,
    targets: Sequence[TargetYear],
    today: date,
    taken: Iterable[str],
) -> TargetYear:
    """May an amendment of this convention be started for ``target`` today? Returns the
    target year; raises RuleViolation with a French message (offering the next open year
    when the deadline has passed)."""
    if is_amendment:
        raise RuleViolation(NOT_ON_AMENDMENT)
    if kind not in AMENDABLE_KINDS:
        raise RuleViolation(NOT_AMENDABLE_KIND)
    if status not in APPROVED_STATUSES:
        raise RuleViolation(NOT_APPROVED)
    label = (target or "").strip()
    start_year_of(label)  # a French refusal when the label is not like 2027-2028
    if not _after(label, parent_year):
        raise RuleViolation(
            f"Un avenant prend effet lors d'une année scolaire qui suit celle de la convention "
            f"({parent_year}) : choisissez {next_label(parent_year or label)} ou une année "
            "suivante."
        )
    if label in set(taken):
        raise RuleViolation(already_exists(label))
    by_label = {t.label: t for t in targets}
    wanted = by_label.get(label)
    if wanted is None or not wanted.known:
        raise RuleViolation(
            f"L'année scolaire {label} n'est pas encore encodée : l'Administration doit "
            "d'abord l'encoder (calendrier et dates limites)."
        )
    if wanted.deadline is None:
        raise RuleViolation(
            f"La date limite des avenants pour {label} n'est pas connue : l'Administration "
            "doit d'abord encoder l'année scolaire qui la précède."
        )
    if today > wanted.deadline:
        raise RuleViolation(_late_message(wanted, parent_year, targets, today, taken))
    return wanted


def _late_message(
    wanted: TargetYear,
    parent_year: str | None,
    targets: Sequence[TargetYear],
    today: date,
    taken: Iterable[str],
) -> str:
    head = (
        f"La date limite des avenants prenant effet en {wanted.label} était le "
        f"{date_text(wanted.deadline)} : il n'est plus possible d'en créer un pour cette année. "
    )
    later = [t for t in open_targets(parent_year, targets, today, taken) if t.label > wanted.label]
    if later:
        first = later[0]
        return head + (
            f"Vous pouvez préparer un avenant pour {first.label}, à communiquer au plus tard "
            f"le {date_text(first.deadline)}."
        )
    following = next_label(wanted.label)
    return head + (
        f"Vous pourrez préparer un avenant pour {following} dès que l'Administration aura "
        "encodé cette année scolaire."
    )


# --- what an amendment holds --------------------------------------------------------------


def amendment_articles(
    parent_articles: Iterable[Any],
    *,
    parent_kind: str,
    parent_year: str | None,
    approved_on: Any,
    target: str,
    points_in_force: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """The articles of a new amendment (field dicts for ``Article``), from its parent's:
    the identification of the pole and of the parties (pre-filled, regenerated from the data
    like any convention's), the object of the amendment (fixed text), an optional
    motivation, and the points article — to complete, pre-filled with the points in force,
    required whatever the ressort covers (it is all the amendment is about)."""
    parent_articles = sorted(parent_articles, key=lambda a: a.position)
    points = points_article(parent_articles)
    if points is None:
        raise RuleViolation("Cette convention n'a pas d'article des points : rien à modifier.")
    out: list[dict[str, Any]] = []
    for article in parent_articles:
        if article.nature == Nature.PREFILLED:
            out.append(_fields(article, len(out), body=article.body or "", data=article.data))
    # « du ressort … conclu », « de la convention … conclue »: French agreement.
    masculine = parent_kind == Kind.RESSORT
    kind_label = KIND_LABELS.get(parent_kind, parent_kind).lower()
    ending = "" if masculine else "e"
    object_text = (
        f"Le présent avenant modifie l'article {points.number} (« {points.title} ») "
        + ("du ressort" if masculine else f"de la {kind_label}")
        + " du pôle territorial"
        + (f", conclu{ending} pour l'année scolaire {parent_year}" if parent_year else "")
        + (
            f" et approuvé{ending} par l'Administration le {date_text(approved_on)}"
            if approved_on
            else ""
        )
        + f". Il prend effet le premier jour de l'année scolaire {target}. Il a été adopté de "
        "commun accord par les pouvoirs organisateurs parties à la convention ; les autres "
        "articles de la convention restent inchangés."
    )
    out.append(
        {
            "key": OBJECT_KEY,
            "number": None,
            "position": len(out),
            "title": "Objet de l'avenant",
            "nature": Nature.FIXED.value,
            "body": object_text,
            "complete": True,
            "covers": "",
            "form": "",
        }
    )
    out.append(
        {
            "key": MOTIVATION_KEY,
            "number": None,
            "position": len(out),
            "title": "Motivation de l'avenant",
            "nature": Nature.OPTIONAL.value,
            "body": "",
            "complete": False,
            "covers": "",
            "form": "",
        }
    )
    out.append(
        _fields(
            points,
            len(out),
            body="",
            data=dict(points_in_force or {}),
            nature=Nature.REQUIRED.value,
            complete=False,
        )
    )
    return out


def _fields(article: Any, position: int, **override: Any) -> dict[str, Any]:
    fields = {
        "key": article.key,
        "number": article.number,
        "position": position,
        "title": article.title,
        "nature": article.nature,
        "body": article.body or "",
        "data": dict(article.data or {}),
        "complete": True,
        "covers": "",
        "form": article.form or "",
    }
    fields.update(override)
    fields["data"] = dict(fields.get("data") or {})
    return fields


# --- the points in force, year by year -----------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One document's points: the convention's (``amendment_id`` None) or an amendment's."""

    school_year: str | None
    status: str
    data: dict[str, Any]
    amendment_id: Any = None
    title: str = ""


@dataclass(frozen=True)
class YearPoints:
    """The points in force one school year, and the amendment being prepared for it."""

    school_year: str
    in_force: Version
    pending: Version | None


def in_force(parent: Version, amendments: Iterable[Version], year: str) -> Version:
    """The version in force in ``year``: the latest approved amendment taking effect in or
    before it, else the convention itself."""
    best = parent
    for amendment in amendments:
        if amendment.status not in APPROVED_STATUSES or not amendment.school_year:
            continue
        if amendment.school_year > year:
            continue
        if best is parent or (amendment.school_year > (best.school_year or "")):
            best = amendment
    return best


def points_by_year(parent: Version, amendments: Sequence[Version]) -> list[YearPoints]:
    """Each school year from the convention's to the last amendment's, with what is in force
    and what is being prepared (an amendment not approved yet)."""
    if not parent.school_year:
        return []
    last = max([parent.school_year] + [a.school_year for a in amendments if a.school_year])
    years, label = [], parent.school_year
    while label <= last:
        years.append(label)
        label = next_label(label)
    pending = {a.school_year: a for a in amendments if a.status not in APPROVED_STATUSES}
    return [YearPoints(y, in_force(parent, amendments, y), pending.get(y)) for y in years]


def points_summary(data: dict[str, Any] | None, names: dict[int, str]) -> str:
    """A one-line French summary of a points article's data (split key or retrocession)."""
    data = data or {}
    if data.get("mode") == "seat":
        return "Tous les points à l'école siège"
    if data.get("mode") == "split":
        parts = [
            f"{names.get(_int(s.get('school_fase')), 'FASE ' + str(s.get('school_fase')))} "
            f"{decimal_text(s.get('percent') or 0)}\u00a0%"
            for s in data.get("shares") or []
            if isinstance(s, dict)
        ]
        return "Clé de répartition : " + ", ".join(parts) if parts else "Clé de répartition"
    if isinstance(data.get("rows"), list):
        if not data["rows"]:
            return "Aucune rétrocession"
        try:
            total = retrocession_total(data["rows"])
        except RuleViolation:
            return "Tableau de rétrocession"
        functions = ", ".join(str(r.get("function") or "") for r in data["rows"])
        return f"{decimal_text(total)} points rétrocédés ({functions})"
    return "Non renseignés"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
