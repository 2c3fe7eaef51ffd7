"""Pole financing on plain values: the envelope, the 80/20 rule, team scenarios.

The envelope's formula and the points per function are set by government decrees not
reproduced here: they are *parameters per school year* the Administration maintains (see
``app.models.financing``). This module only combines them, in ``Decimal`` arithmetic, each
computed amount rounded to the hundredth of a point (half up), totals summed from the rounded
amounts so that what a page shows adds up.

No Flask, no models: everything here takes and returns plain values.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from app.rules import points
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

LEVELS: dict[str, str] = {
    "maternel": "Maternel",
    "primaire": "Primaire",
    "secondaire": "Secondaire",
}
TYPES: tuple[int, ...] = tuple(range(1, 9))

# What a term of the envelope multiplies.
MEASURES: dict[str, str] = {
    "pole": "Forfait par pôle (1)",
    "ipt": "Élèves en IPT",
    "par": "Élèves sous PAR",
    "schools": "Écoles coopérantes",
}

GROUPS: dict[str, str] = {
    "pedagogique": "Pédagogique",
    "paramedical": "Paramédical",
    "psycho_social": "Psycho-social",
    "educatif": "Éducatif",
    "coordination": "Coordination",
}
COORDINATION = "coordination"

# Workloads a function may offer: the columns of the specific partnerships' retrocession
# table (one list: a catalogue line and a retrocession row speak of the same fractions).
WORKLOADS = points.WORKLOADS

MAX_HEAD_COUNT = 99
MAX_PUPILS = 9999
MAX_SCENARIO_LINES = 60


def is_school_year(label: str) -> bool:
    """A school-year label: "2026-2027" (two consecutive years)."""
    parts = label.split("-") if isinstance(label, str) else []
    return (
        len(parts) == 2
        and all(is_digits(p) and len(p) == 4 for p in parts)
        and int(parts[1]) == int(parts[0]) + 1
    )


def school_year_of(day: date) -> str:
    """The school year ``day`` belongs to ("2026-2027"). The year ends on the first Friday of
    July: from July on, the summer holidays belong to the coming year (planning, counts)."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{start + 1}"


def cents(value: Decimal) -> Decimal:
    """Round to the hundredth, half up (how every amount is shown and summed)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(value: Any, what: str, *, minimum: Decimal = Decimal(0)) -> Decimal:
    """A decimal typed by a user ("12,5" or "12.5"), at least ``minimum``; French error else."""
    if isinstance(value, bool) or value is None:
        raise RuleViolation(f"{what} : indiquez un nombre.")
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().replace(" ", "").replace("\u202f", "").replace(",", ".")
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise RuleViolation(f"{what} : « {value} » n'est pas un nombre.") from None
    if not number.is_finite():
        raise RuleViolation(f"{what} : « {value} » n'est pas un nombre.")
    if number < minimum:
        raise RuleViolation(f"{what} : la valeur doit être au moins {minimum}.")
    if number != number.quantize(Decimal("0.0001")):
        raise RuleViolation(f"{what} : quatre décimales au plus.")
    return number


def parse_count(value: Any, what: str, maximum: int) -> int:
    """A whole number between 0 and ``maximum`` (empty means 0)."""
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise RuleViolation(f"{what} : indiquez un nombre entier.")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not is_digits(text):
            raise RuleViolation(f"{what} : indiquez un nombre entier entre 0 et {maximum}.")
        number = int(text)
    if not 0 <= number <= maximum:
        raise RuleViolation(f"{what} : indiquez un nombre entier entre 0 et {maximum}.")
    return number


# --- the envelope --------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One term of the envelope: ``coefficient`` points × the count named by ``measure``
    (optionally only the pupils of one type and/or level)."""

    label: str
    measure: str
    coefficient: Decimal
    type: int | None = None
    level: str | None = None


@dataclass(frozen=True)
class Parameters:
    """A school year's parameters of the pole financing."""

    school_year: str
    terms: tuple[Term, ...]
    salary_floor: Decimal = Decimal(80)  # percent of the envelope, at least, to salaries
    running_ceiling: Decimal = Decimal(20)  # percent of the envelope, at most, running costs
    min_coordinator_fte: Decimal = Decimal(1)
    min_team_fte: Decimal = Decimal(16)
    demo: bool = False


@dataclass(frozen=True)
class CountLine:
    """Pupils of one school, one type and one level (counts only: never a pupil)."""

    school: Any
    type: int
    level: str
    ipt: int = 0
    par: int = 0


@dataclass(frozen=True)
class EnvelopeLine:
    term: Term
    count: int
    points: Decimal


@dataclass(frozen=True)
class Envelope:
    lines: tuple[EnvelopeLine, ...]
    total: Decimal
    salaries_min: Decimal
    running_max: Decimal


def check_term(
    label: Any, measure: Any, coefficient: Any, type_: Any = None, level: Any = None
) -> Term:
    """A term of the envelope as typed in the back office, checked."""
    label = str(label or "").strip()[:200]
    if not label:
        raise RuleViolation("Chaque terme de l'enveloppe doit avoir un libellé.")
    if measure not in MEASURES:
        raise RuleViolation(f"Terme « {label} » : choisissez ce que le coefficient multiplie.")
    number = parse_decimal(coefficient, f"Terme « {label} », coefficient")
    kind = None
    if type_ not in (None, "", 0, "0"):
        kind = parse_count(type_, f"Terme « {label} », type", 8)
        if kind not in TYPES:
            raise RuleViolation(f"Terme « {label} » : le type va de 1 à 8.")
    lvl = level or None
    if lvl is not None and lvl not in LEVELS:
        raise RuleViolation(f"Terme « {label} » : niveau inconnu.")
    if measure not in ("ipt", "par") and (kind or lvl):
        raise RuleViolation(
            f"Terme « {label} » : le type et le niveau ne s'appliquent qu'aux élèves."
        )
    return Term(label=label, measure=measure, coefficient=number, type=kind, level=lvl)


def check_shares(salary_floor: Any, running_ceiling: Any) -> tuple[Decimal, Decimal]:
    floor = parse_decimal(salary_floor, "Part minimale des traitements (%)")
    ceiling = parse_decimal(running_ceiling, "Part maximale du fonctionnement (%)")
    if floor > HUNDRED or ceiling > HUNDRED:
        raise RuleViolation("Les parts sont des pourcentages de 0 à 100.")
    if floor + ceiling != HUNDRED:
        raise RuleViolation(
            "La part minimale des traitements et la part maximale du fonctionnement doivent "
            f"totaliser 100 % (actuellement {floor} + {ceiling})."
        )
    return floor, ceiling


def term_count(term: Term, counts: Iterable[CountLine], cooperating_schools: int) -> int:
    """The count a term multiplies."""
    if term.measure == "pole":
        return 1
    if term.measure == "schools":
        return cooperating_schools
    total = 0
    for line in counts:
        if term.type is not None and line.type != term.type:
            continue
        if term.level is not None and line.level != term.level:
            continue
        total += line.ipt if term.measure == "ipt" else line.par
    return total


def envelope(params: Parameters, counts: Iterable[CountLine], cooperating_schools: int) -> Envelope:
    """The pole's envelope, term by term, and its 80/20 split."""
    counts = list(counts)
    lines = []
    for term in params.terms:
        n = term_count(term, counts, cooperating_schools)
        lines.append(EnvelopeLine(term=term, count=n, points=cents(term.coefficient * n)))
    total = sum((line.points for line in lines), Decimal(0))
    salaries_min = cents(total * params.salary_floor / HUNDRED)
    return Envelope(
        lines=tuple(lines),
        total=total,
        salaries_min=salaries_min,
        running_max=total - salaries_min,
    )


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, two decimals rounded *down* (79.999 % shows as
    79,99 %, never as a misleading 80 %); None when whole is 0."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_DOWN)


def meets_salary_floor(salaries: Decimal, total: Decimal, floor_percent: Decimal) -> bool:
    """At least ``floor_percent`` % of ``total`` to salaries, compared exactly (no rounding):
    exactly 80 % passes, 79.999 % fails."""
    return salaries * HUNDRED >= total * floor_percent


# --- committed points ----------------------------------------------------------------------


@dataclass(frozen=True)
class Commitment:
    """Points a convention (or an amendment) commits for a school year."""

    label: str
    kind: str  # "retrocession" | "split"
    points: Decimal
    status: str = ""
    ref: Any = None
    shares: tuple[tuple[str, Decimal], ...] = ()  # (school, percent) of a split key


def split_points(
    shares: Iterable[tuple[str, Decimal]], base: Decimal
) -> list[tuple[str, Decimal, Decimal]]:
    """A split key applied to ``base`` points: (school, percent, points). The last share takes
    what rounding leaves, so the parts add up to ``base`` exactly."""
    shares = list(shares)
    out: list[tuple[str, Decimal, Decimal]] = []
    given = Decimal(0)
    for index, (school, percent) in enumerate(shares):
        points = base - given if index == len(shares) - 1 else cents(base * percent / HUNDRED)
        given += points
        out.append((school, percent, points))
    return out


@dataclass(frozen=True)
class Balance:
    envelope: Decimal
    retroceded: Decimal
    remaining: Decimal
    over: bool


def balance(total: Decimal, commitments: Iterable[Commitment]) -> Balance:
    """What remains of the envelope once the retrocessions are taken off."""
    retro = sum((c.points for c in commitments if c.kind == "retrocession"), Decimal(0))
    remaining = total - retro
    return Balance(envelope=total, retroceded=retro, remaining=remaining, over=remaining < 0)


# --- the functions catalogue and team scenarios ----------------------------------------------


@dataclass(frozen=True)
class Function:
    code: str
    label: str
    group: str
    points: Decimal  # points of one full-time (5/5) job
    workloads: tuple[str, ...] = tuple(WORKLOADS)
    valid_from: str = ""  # school year label, "" = always
    valid_to: str = ""

    def valid_in(self, school_year: str) -> bool:
        """School-year labels ("2026-2027") compare as strings."""
        if self.valid_from and school_year < self.valid_from:
            return False
        return not (self.valid_to and school_year > self.valid_to)


def catalogue_for(functions: Iterable[Function], school_year: str) -> dict[str, Function]:
    """The functions valid in a school year, by code."""
    return {f.code: f for f in functions if f.valid_in(school_year)}


def job_points(full_time: Decimal, workload: str, head_count: int) -> Decimal:
    """Points of ``head_count`` people at ``workload`` of a function worth ``full_time``."""
    return cents(full_time * WORKLOADS[workload] * head_count)


@dataclass(frozen=True)
class ScenarioLine:
    code: str
    workload: str
    head_count: int


@dataclass(frozen=True)
class PricedLine:
    function: Function
    workload: str
    head_count: int
    fte: Decimal
    points: Decimal


@dataclass(frozen=True)
class GroupTotal:
    group: str
    label: str
    fte: Decimal
    points: Decimal


@dataclass
class Evaluation:
    lines: list[PricedLine]
    groups: list[GroupTotal]
    team_points: Decimal
    retroceded: Decimal
    salaries: Decimal
    envelope: Decimal
    running: Decimal
    salary_share: Decimal | None
    coordinator_fte: Decimal
    team_fte: Decimal
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def check_lines(
    raw: Iterable[Mapping[str, Any]], catalogue: Mapping[str, Function]
) -> list[ScenarioLine]:
    """Lines of a scenario as typed, checked against the catalogue; empty lines dropped."""
    lines: list[ScenarioLine] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(raw, start=1):
        code = str(item.get("code") or "").strip()
        workload = str(item.get("workload") or "").strip()
        count = parse_count(item.get("head_count"), f"Ligne {index}, nombre de personnes", 99)
        if not code and not count:
            continue
        function = catalogue.get(code)
        if function is None:
            raise RuleViolation(
                f"Ligne {index} : la fonction « {code or '—'} » n'est pas au catalogue de "
                "cette année scolaire."
            )
        if workload not in function.workloads:
            raise RuleViolation(
                f"Ligne {index} ({function.label}) : la charge « {workload or '—'} » n'est pas "
                f"proposée (charges possibles : {', '.join(function.workloads)})."
            )
        if not count:
            continue
        if (code, workload) in seen:
            raise RuleViolation(
                f"Ligne {index} : {function.label} à {workload} figure deux fois ; "
                "additionnez les personnes sur une seule ligne."
            )
        seen.add((code, workload))
        lines.append(ScenarioLine(code=code, workload=workload, head_count=count))
    if len(lines) > MAX_SCENARIO_LINES:
        raise RuleViolation(f"Un scénario compte au plus {MAX_SCENARIO_LINES} lignes.")
    return lines


def evaluate(
    lines: Iterable[ScenarioLine],
    catalogue: Mapping[str, Function],
    params: Parameters,
    envelope_total: Decimal,
    retroceded: Decimal = Decimal(0),
) -> Evaluation:
    """Price a team, total it per function group, and check it against the envelope, the
    80/20 rule and the minimum team; each failing check is explained in French.

    Salaries are the team's points plus the points retroceded to specific partners (those
    pay salaries too); what is left of the envelope goes to running costs.
    """
    priced: list[PricedLine] = []
    for line in lines:
        function = catalogue.get(line.code)
        if function is None:
            raise RuleViolation(
                f"La fonction « {line.code} » n'est plus au catalogue de cette année scolaire."
            )
        fte = WORKLOADS[line.workload] * line.head_count
        priced.append(
            PricedLine(
                function=function,
                workload=line.workload,
                head_count=line.head_count,
                fte=fte,
                points=job_points(function.points, line.workload, line.head_count),
            )
        )
    groups = []
    for code, label in GROUPS.items():
        members = [p for p in priced if p.function.group == code]
        groups.append(
            GroupTotal(
                group=code,
                label=label,
                fte=sum((p.fte for p in members), Decimal(0)),
                points=sum((p.points for p in members), Decimal(0)),
            )
        )
    team_points = sum((p.points for p in priced), Decimal(0))
    salaries = team_points + retroceded
    running = envelope_total - salaries
    coordinator = sum((g.fte for g in groups if g.group == COORDINATION), Decimal(0))
    team = sum((g.fte for g in groups if g.group != COORDINATION), Decimal(0))
    result = Evaluation(
        lines=priced,
        groups=groups,
        team_points=team_points,
        retroceded=retroceded,
        salaries=salaries,
        envelope=envelope_total,
        running=running,
        salary_share=share(salaries, envelope_total),
        coordinator_fte=coordinator,
        team_fte=team,
    )
    result.failures = failures(result, params)
    return result


def _num(value: Decimal) -> str:
    """A plain French rendering for messages (decimal comma, no trailing zeros)."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def failures(result: Evaluation, params: Parameters) -> list[str]:
    """Why a scenario breaks the rules, in French (empty when it respects them all)."""
    out: list[str] = []
    total = result.envelope
    if total <= 0:
        out.append(
            "L'enveloppe du pôle est nulle pour cette année scolaire : encodez les nombres "
            "d'élèves ou demandez à l'Administration de fixer les paramètres."
        )
        return out + _team_failures(result, params)
    if result.salaries > total:
        out.append(
            f"Le scénario dépasse l'enveloppe : {_num(result.salaries)} points de traitements "
            f"pour une enveloppe de {_num(total)} points "
            f"({_num(result.salaries - total)} points de trop)."
        )
    elif not meets_salary_floor(result.salaries, total, params.salary_floor):
        floor_points = cents(total * params.salary_floor / HUNDRED)
        shown = share(result.salaries, total) or Decimal(0)
        out.append(
            f"Règle des {_num(params.salary_floor)} % / {_num(params.running_ceiling)} % non "
            f"respectée : les traitements ne représentent que {_num(shown)} % de l'enveloppe "
            f"({_num(result.salaries)} points sur {_num(total)}) ; il en faut au moins "
            f"{_num(params.salary_floor)} %, soit {_num(floor_points)} points, et les frais "
            f"de fonctionnement ({_num(result.running)} points) dépassent "
            f"{_num(params.running_ceiling)} %."
        )
    return out + _team_failures(result, params)


def _team_failures(result: Evaluation, params: Parameters) -> list[str]:
    out = []
    if result.coordinator_fte < params.min_coordinator_fte:
        out.append(
            f"Équipe minimale : il faut au moins {_num(params.min_coordinator_fte)} ETP de "
            f"coordination (le scénario en prévoit {_num(result.coordinator_fte)})."
        )
    if result.team_fte < params.min_team_fte:
        out.append(
            f"Équipe minimale : il faut au moins {_num(params.min_team_fte)} ETP dans l'équipe "
            f"pluridisciplinaire, hors coordination (le scénario en prévoit "
            f"{_num(result.team_fte)})."
        )
    return out


# --- pupil counts ----------------------------------------------------------------------------


def check_counts(raw: Iterable[Mapping[str, Any]]) -> list[CountLine]:
    """Pupil counts as typed (school, type, level, IPT, PAR), checked; zero lines dropped."""
    out: list[CountLine] = []
    seen: set[tuple[Any, int, str]] = set()
    for item in raw:
        school = item.get("school")
        kind = item.get("type")
        level = item.get("level")
        if kind not in TYPES or level not in LEVELS:
            raise RuleViolation("Le type (1 à 8) ou le niveau d'une ligne est inconnu.")
        where = f"Type {kind}, {LEVELS[level].lower()}"
        label = item.get("school_label")
        if label:
            where = f"{label}, {where.lower()}"
        ipt = parse_count(item.get("ipt"), f"{where}, élèves en IPT", MAX_PUPILS)
        par = parse_count(item.get("par"), f"{where}, élèves sous PAR", MAX_PUPILS)
        key = (school, kind, level)
        if key in seen:
            raise RuleViolation(f"{where} : la ligne figure deux fois.")
        seen.add(key)
        if ipt or par:
            out.append(CountLine(school=school, type=kind, level=level, ipt=ipt, par=par))
    return out


def count_totals(counts: Iterable[CountLine]) -> dict[str, int]:
    counts = list(counts)
    return {"ipt": sum(c.ipt for c in counts), "par": sum(c.par for c in counts)}
