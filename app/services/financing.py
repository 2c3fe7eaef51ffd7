"""Pole financing: read the parameters, counts and commitments; write counts and scenarios.

Same discipline as the conventions: load, decide with ``app.rules.financing``, one atomic
conditional update (filtered on the expected state and version), then the audit event. A
closed count is written only here (``financing_write()``), and only to reopen it.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from mongoengine import NotUniqueError

from app.models.base import as_loaded, utcnow
from app.models.convention import Convention
from app.models.financing import (
    CLOSED,
    CLOSED_MESSAGE,
    COUNT_STATUS_LABELS,
    OPEN,
    CountClosed,
    FinancingParameters,
    PupilCountSheet,
    TeamFunction,
    TeamScenario,
    financing_write,
)
from app.models.financing import CountLine as CountLineDoc
from app.models.financing import ScenarioLine as ScenarioLineDoc
from app.models.pole import Pole
from app.models.school import School
from app.rules import amendments as amendment_rules
from app.rules import financing
from app.rules.errors import InvalidState, NotFound, RuleViolation
from app.rules.permissions import Action
from app.rules.refs import as_id, ref_id
from app.rules.states import STATUS_LABELS, Kind
from app.rules.text import required_text
from app.services import audit
from app.services.guards import require, username_of

CHANGED = "Les données ont été modifiées entre-temps ; rechargez la page et recommencez."
NO_PARAMETERS = (
    "L'Administration n'a pas encore fixé les paramètres de financement de l'année scolaire {year}."
)


def _filed_under(pole: Pole, school_year: str) -> dict[str, Any]:
    """The fields that file a count sheet or a team scenario under its pole and year."""
    return {"pole": pole.pk, "pole_number": pole.number, "school_year": school_year}


def _stamp(actor: Any, now: datetime) -> dict[str, Any]:
    """Who changed a financing document last, and when: written on creation and each update."""
    return {"updated_at": now, "updated_by": username_of(actor)}


def _as_set(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (what a creation writes) as the ``set__`` arguments of an update, so that
    both write the same fields."""
    return {f"set__{name}": value for name, value in values.items()}


# --- reading -------------------------------------------------------------------------------


def parameters(school_year: str) -> financing.Parameters | None:
    """The school year's parameters as plain values (None when not set)."""
    doc = FinancingParameters.objects(school_year=school_year).first()
    return to_parameters(doc) if doc else None


def to_parameters(doc: FinancingParameters) -> financing.Parameters:
    return financing.Parameters(
        school_year=doc.school_year,
        terms=tuple(
            financing.Term(
                label=t.label,
                measure=t.measure,
                coefficient=Decimal(str(t.coefficient)),
                type=t.type,
                level=t.level or None,
            )
            for t in doc.terms
        ),
        salary_floor=Decimal(str(doc.salary_floor)),
        running_ceiling=Decimal(str(doc.running_ceiling)),
        min_coordinator_fte=Decimal(str(doc.min_coordinator_fte)),
        min_team_fte=Decimal(str(doc.min_team_fte)),
        demo=bool(doc.demo),
    )


def reference_date(school_year: str) -> Any:
    """The date pupils are counted at for a school year (a parameter), or None."""
    doc = FinancingParameters.objects(school_year=school_year).only("reference_date").first()
    return doc.reference_date if doc else None


def school_years() -> list[str]:
    """The school years that have parameters, most recent first."""
    return sorted(FinancingParameters.objects.distinct("school_year"), reverse=True)


def functions() -> list[financing.Function]:
    return [
        financing.Function(
            code=f.code,
            label=f.label,
            group=f.group,
            points=Decimal(str(f.points)),
            workloads=tuple(f.workloads or ()),
            valid_from=f.valid_from or "",
            valid_to=f.valid_to or "",
        )
        for f in TeamFunction.objects.order_by("group", "sort_name")
    ]


def catalogue(school_year: str) -> dict[str, financing.Function]:
    """The functions valid in a school year, by code."""
    return financing.catalogue_for(functions(), school_year)


def catalogue_is_demo() -> bool:
    return TeamFunction.objects(demo=True).only("id").first() is not None


def retrocession_catalogue(
    school_year: str | None,
) -> tuple[dict[str, Decimal], dict[str, tuple[str, ...]]]:
    """What prices a retrocession table: label → full-time points, label → workloads."""
    valid = catalogue(school_year or "").values() if school_year else functions()
    return (
        {f.label: f.points for f in valid},
        {f.label: f.workloads for f in valid},
    )


def cooperating_schools(pole: Pole) -> list[School]:
    # The stored ids (reading ``pole.cooperating_schools`` would resolve the whole list with
    # a query of its own before this one).
    ids = [as_id(s) for s in pole._data.get("cooperating_schools") or []]
    return list(School.objects(id__in=ids).only("fase", "name").order_by("sort_name"))


def count_sheet(pole: Pole, school_year: str) -> PupilCountSheet | None:
    return PupilCountSheet.objects(pole=pole.pk, school_year=school_year).first()


def count_lines(sheet: PupilCountSheet | None) -> list[financing.CountLine]:
    if sheet is None:
        return []
    sheet = next(as_loaded([sheet]))  # the lines' schools as ids, not resolved
    return [
        financing.CountLine(
            school=ref_id(line, "school"),
            type=line.type,
            level=line.level,
            ipt=line.ipt,
            par=line.par,
        )
        for line in sheet.lines
    ]


def _in_force(docs: list[Convention], school_year: str) -> list[Convention]:
    """Of one pole's conventions, those concluded for ``school_year`` or before, each replaced
    by its latest approved amendment taking effect by then (app.rules.amendments.in_force)."""
    by_parent: dict[Any, list[Convention]] = {}
    for doc in docs:
        if doc.is_amendment:
            by_parent.setdefault(ref_id(doc, "parent"), []).append(doc)
    by_id = {doc.pk: doc for doc in docs}
    out = []
    for doc in docs:
        if doc.is_amendment or (doc.school_year and doc.school_year > school_year):
            continue
        version = amendment_rules.in_force(
            _version(doc), [_version(a) for a in by_parent.get(doc.pk, [])], school_year
        )
        out.append(by_id.get(version.amendment_id, doc))
    return out


def _version(conv: Convention) -> amendment_rules.Version:
    return amendment_rules.Version(
        conv.school_year, conv.status, {}, conv.pk if conv.is_amendment else None
    )


def commitments(pole: Pole, school_year: str) -> list[financing.Commitment]:
    """Points committed by the pole's conventions in force for a school year: the split key
    of the partnership / ressort and each specific partnership's retrocession table (the
    points kept when the table was saved)."""
    return commitments_by_pole([pole.pk], school_year).get(pole.pk, [])


def commitments_by_pole(
    pole_ids: list[Any] | None, school_year: str
) -> dict[Any, list[financing.Commitment]]:
    """``commitments`` of several poles (every pole when None) in two queries whatever their
    number: their conventions, then the seat schools their split keys name."""
    filters: dict[str, Any] = {
        "kind__in": [Kind.PARTNERSHIP, Kind.RESSORT, Kind.SPECIFIC_PARTNERSHIP]
    }
    if pole_ids is not None:
        filters["pole__in"] = list(pole_ids)
    # As loaded: the school entries' references would cost two queries per convention, and
    # only their stored names are shown.
    docs = as_loaded(
        Convention.objects(**filters).only(
            "pole", "kind", "status", "schools", "articles", "school_year", "seat_school", "parent"
        )
    )
    by_pole: dict[Any, list[Convention]] = {}
    for doc in docs:
        by_pole.setdefault(ref_id(doc, "pole"), []).append(doc)
    in_force = {pole_id: _in_force(found, school_year) for pole_id, found in by_pole.items()}
    seat_ids = {
        ref_id(conv, "seat_school")
        for convs in in_force.values()
        for conv in convs
        if any(_is_split(art) for art in conv.articles)
    }
    seats = (
        {s.pk: s for s in School.objects(id__in=list(seat_ids)).only("fase", "name")}
        if seat_ids
        else {}
    )
    return {
        pole_id: [c for conv in convs for c in _commitments_of(conv, seats)]
        for pole_id, convs in in_force.items()
    }


def _is_split(article: Any) -> bool:
    return article.form == "points_split" and (article.data or {}).get("mode") == "split"


def _commitments_of(conv: Convention, seats: dict[Any, School]) -> list[financing.Commitment]:
    out: list[financing.Commitment] = []
    for art in conv.articles:
        data = art.data or {}
        if art.form == "retrocession" and data.get("rows"):
            total = sum((Decimal(str(r.get("points") or 0)) for r in data["rows"]), Decimal(0))
            out.append(
                financing.Commitment(
                    label=conv.title,
                    kind="retrocession",
                    points=financing.cents(total),
                    status=STATUS_LABELS.get(conv.status, conv.status),
                    ref=conv.pk,
                )
            )
        elif _is_split(art):
            names = {e.fase: e.name for e in conv.schools}
            seat = seats.get(ref_id(conv, "seat_school"))
            if seat is not None:
                names[seat.fase] = f"{seat.name} (école siège)"
            shares = tuple(
                (
                    names.get(s.get("school_fase"), f"FASE {s.get('school_fase')}"),
                    Decimal(str(s.get("percent"))),
                )
                for s in data.get("shares") or []
            )
            out.append(
                financing.Commitment(
                    label=conv.title,
                    kind="split",
                    points=Decimal(0),
                    status=STATUS_LABELS.get(conv.status, conv.status),
                    ref=conv.pk,
                    shares=shares,
                )
            )
    return out


@dataclass
class PoleFinancing:
    """Everything the financing page of a pole shows for one school year."""

    pole: Pole
    school_year: str
    params: financing.Parameters | None
    envelope: financing.Envelope | None
    counts: list[financing.CountLine]
    sheet: PupilCountSheet | None
    commitments: list[financing.Commitment]
    balance: financing.Balance | None
    schools: int

    @property
    def totals(self) -> dict[str, int]:
        return financing.count_totals(self.counts)

    def splits(self) -> list[dict[str, Any]]:
        """Each split key applied to what remains of the envelope after retrocessions."""
        base = self.balance.remaining if self.balance else Decimal(0)
        return [
            {"commitment": c, "parts": financing.split_points(c.shares, max(base, Decimal(0)))}
            for c in self.commitments
            if c.kind == "split"
        ]


def pole_financing(pole: Pole, school_year: str) -> PoleFinancing:
    params = parameters(school_year)
    sheet = count_sheet(pole, school_year)
    lines = count_lines(sheet)
    n_schools = len(pole._data.get("cooperating_schools") or [])  # a count: ids suffice
    env = financing.envelope(params, lines, n_schools) if params else None
    commits = commitments(pole, school_year)
    return PoleFinancing(
        pole=pole,
        school_year=school_year,
        params=params,
        envelope=env,
        counts=lines,
        sheet=sheet,
        commitments=commits,
        balance=financing.balance(env.total, commits) if env else None,
        schools=n_schools,
    )


# --- pupil counts ----------------------------------------------------------------------------


def save_counts(
    pole: Pole, school_year: str, raw: list[dict[str, Any]], actor: Any, version: int | None
) -> PupilCountSheet:
    """Replace a pole's pupil counts for a school year (while not closed).

    ``raw``: dicts with ``school`` (an id), ``type``, ``level``, ``ipt``, ``par``; only the
    pole's cooperating schools count. ``version``: the version the form was read at (None on
    the first entry), so that two people typing at once cannot overwrite each other silently.
    """
    target = f"pole:{pole.number}:{school_year}"
    with audit.audited("financing.save_counts", actor, target=target):
        require(
            actor,
            Action.ENTER_COUNTS,
            pole,
            "Vous ne pouvez pas encoder les nombres d'élèves de ce pôle.",
        )
        allowed = {s.pk for s in cooperating_schools(pole)}
        for item in raw:
            if item.get("school") not in allowed:
                raise RuleViolation(
                    "Les nombres d'élèves ne s'encodent que pour les écoles coopérantes du pôle."
                )
        lines = financing.check_counts(raw)
        docs = [
            CountLineDoc(school=c.school, type=c.type, level=c.level, ipt=c.ipt, par=c.par)
            for c in lines
        ]
        values = {"lines": docs, **_stamp(actor, utcnow())}
        sheet = count_sheet(pole, school_year)
        if sheet is None:
            if version not in (None, 0):
                raise InvalidState(CHANGED)
            sheet = PupilCountSheet(**_filed_under(pole, school_year), status=OPEN, **values)
            try:
                with financing_write():
                    sheet.save(force_insert=True)
            except NotUniqueError:
                raise InvalidState(CHANGED) from None
        else:
            if sheet.status == CLOSED:
                raise CountClosed(CLOSED_MESSAGE)
            expected = sheet.version if version is None else version
            with financing_write():
                done = PupilCountSheet.objects(
                    id=sheet.pk, status=OPEN, version=expected
                ).update_one(inc__version=1, **_as_set(values))
            if not done:
                sheet.reload()
                if sheet.status == CLOSED:
                    raise CountClosed(CLOSED_MESSAGE)
                raise InvalidState(CHANGED)
            sheet.reload()
    audit.record(
        "financing.save_counts",
        actor,
        target=target,
        details={"lines": len(docs), **financing.count_totals(lines)},
    )
    return sheet


def _set_status(pole: Pole, school_year: str, actor: Any, closing: bool) -> PupilCountSheet:
    action = "financing.close_counts" if closing else "financing.reopen_counts"
    target = f"pole:{pole.number}:{school_year}"
    with audit.audited(action, actor, target=target):
        require(
            actor,
            Action.CLOSE_COUNTS,
            pole,
            "Seule l'Administration clôture ou rouvre le comptage des élèves.",
        )
        sheet = count_sheet(pole, school_year)
        if sheet is None and closing:
            with financing_write(), contextlib.suppress(NotUniqueError):
                PupilCountSheet(**_filed_under(pole, school_year)).save(force_insert=True)
            sheet = count_sheet(pole, school_year)
        if sheet is None:
            raise NotFound("Aucun comptage n'existe pour ce pôle et cette année scolaire.")
        before, after = (OPEN, CLOSED) if closing else (CLOSED, OPEN)
        with financing_write():
            done = PupilCountSheet.objects(id=sheet.pk, status=before).update_one(
                set__status=after,
                set__closed_at=utcnow() if closing else None,
                set__closed_by=username_of(actor) if closing else None,
                inc__version=1,
            )
        if not done:
            raise InvalidState(
                "Le comptage est déjà clôturé." if closing else "Le comptage n'est pas clôturé."
            )
    sheet.reload()
    audit.record(action, actor, target=target, status_before=before, status_after=after)
    return sheet


def close_counts(pole: Pole, school_year: str, actor: Any) -> PupilCountSheet:
    """The Administration closes a pole's count for a school year: it is then locked."""
    return _set_status(pole, school_year, actor, closing=True)


def reopen_counts(pole: Pole, school_year: str, actor: Any) -> PupilCountSheet:
    """The Administration reopens a closed count (to correct it), audited."""
    return _set_status(pole, school_year, actor, closing=False)


# --- parameters ----------------------------------------------------------------------------


def save_parameters(
    school_year: str,
    terms: list[dict[str, Any]],
    salary_floor: Any,
    running_ceiling: Any,
    min_coordinator_fte: Any,
    min_team_fte: Any,
    reference_date: Any,
    demo: bool,
    actor: Any,
    version: int | None = None,
) -> FinancingParameters:
    """Create or replace the parameters of one school year (the Administration)."""
    from app.models.financing import EnvelopeTerm

    target = f"financing:{school_year}"
    with audit.audited("financing.save_parameters", actor, target=target):
        require(
            actor,
            Action.MANAGE_FINANCING,
            None,
            "Seule l'Administration fixe les paramètres de financement.",
        )
        if not financing.is_school_year(school_year):
            raise RuleViolation("L'année scolaire s'écrit comme « 2026-2027 ».")
        checked = [
            financing.check_term(
                t.get("label"),
                t.get("measure"),
                t.get("coefficient"),
                t.get("type"),
                t.get("level"),
            )
            for t in terms
        ]
        if not checked:
            raise RuleViolation("L'enveloppe doit compter au moins un terme.")
        floor, ceiling = financing.check_shares(salary_floor, running_ceiling)
        coord = financing.parse_decimal(min_coordinator_fte, "ETP de coordination minimum")
        team = financing.parse_decimal(min_team_fte, "ETP de l'équipe minimum")
        values = {
            "terms": [
                EnvelopeTerm(
                    label=t.label,
                    measure=t.measure,
                    type=t.type,
                    level=t.level,
                    coefficient=t.coefficient,
                )
                for t in checked
            ],
            "salary_floor": floor,
            "running_ceiling": ceiling,
            "min_coordinator_fte": coord,
            "min_team_fte": team,
            "reference_date": reference_date,
            "demo": bool(demo),
            **_stamp(actor, utcnow()),
        }
        doc = FinancingParameters.objects(school_year=school_year).first()
        if doc is None:
            doc = FinancingParameters(school_year=school_year, **values)
            try:
                doc.save(force_insert=True)
            except NotUniqueError:
                raise InvalidState(CHANGED) from None
        else:
            expected = doc.version if version is None else version
            doc_values = FinancingParameters(school_year=school_year, **values)
            doc_values.validate()
            update = {f"set__{k}": getattr(doc_values, k) for k in values}
            done = FinancingParameters.objects(id=doc.pk, version=expected).update_one(
                inc__version=1, **update
            )
            if not done:
                raise InvalidState(CHANGED)
            doc.reload()
    audit.record(
        "financing.save_parameters",
        actor,
        target=target,
        details={"terms": len(checked), "salary_floor": str(floor), "demo": bool(demo)},
    )
    return doc


def record_function_change(function: TeamFunction, actor: Any, created: bool) -> None:
    """Audit a change of the functions catalogue (made through the back office)."""
    audit.record(
        "financing.save_function",
        actor,
        target=f"function:{function.code}",
        details={
            "created": created,
            "label": function.label,
            "points": str(function.points),
            "group": function.group,
        },
    )


# --- team scenarios ------------------------------------------------------------------------


def scenarios(pole: Pole, school_year: str | None = None) -> list[TeamScenario]:
    query = TeamScenario.objects(pole=pole.pk)
    if school_year:
        query = query.filter(school_year=school_year)
    return list(query.order_by("-updated_at"))


def scenario_of(pole: Pole, scenario_id: Any) -> TeamScenario:
    """A scenario of this pole, else NotFound (another pole's scenario does not exist here)."""
    found = TeamScenario.objects(id=scenario_id, pole=pole.pk).first()
    if found is None:
        raise NotFound("Ce scénario n'existe pas.")
    return found


def evaluate(pole: Pole, school_year: str, lines: list[financing.ScenarioLine]) -> Any:
    """Price a team for a pole and school year against its envelope and commitments."""
    return _pricer(pole, school_year)(lines)


def evaluate_scenarios(pole: Pole, scenarios: list[TeamScenario]) -> list[tuple[Any, str | None]]:
    """Each scenario priced (its evaluation, else the French reason it cannot be), the pole's
    state and catalogue read once per school year, not once per scenario."""
    pricers: dict[str, Any] = {}
    out: list[tuple[Any, str | None]] = []
    for scenario in scenarios:
        year = scenario.school_year
        if year not in pricers:
            try:
                pricers[year] = _pricer(pole, year)
            except RuleViolation as exc:  # no parameters that year: every scenario says so
                pricers[year] = str(exc)
        try:
            if isinstance(pricers[year], str):
                out.append((None, pricers[year]))
            else:
                out.append((pricers[year](scenario_lines(scenario)), None))
        except RuleViolation as exc:
            out.append((None, str(exc)))
    return out


def _pricer(pole: Pole, school_year: str) -> Any:
    """A function pricing scenario lines for the pole and year (NO_PARAMETERS refused)."""
    state = pole_financing(pole, school_year)
    params, envelope = state.params, state.envelope
    if params is None or envelope is None:
        raise RuleViolation(NO_PARAMETERS.format(year=school_year))
    cat = catalogue(school_year)
    retroceded = state.balance.retroceded if state.balance else Decimal(0)
    return lambda lines: financing.evaluate(lines, cat, params, envelope.total, retroceded)


def scenario_lines(scenario: TeamScenario) -> list[financing.ScenarioLine]:
    return [
        financing.ScenarioLine(code=line.code, workload=line.workload, head_count=line.head_count)
        for line in scenario.lines
    ]


def save_scenario(
    pole: Pole,
    school_year: str,
    name: str,
    raw: list[dict[str, Any]],
    actor: Any,
    scenario: TeamScenario | None = None,
) -> TeamScenario:
    """Save a named team scenario (new, or a change of ``scenario`` at the version loaded).
    A scenario is a simulation: it never changes a convention."""
    target = f"pole:{pole.number}:scenario"
    with audit.audited("financing.save_scenario", actor, target=target):
        require(
            actor, Action.SIMULATE_TEAM, pole, "Vous ne pouvez pas simuler l'équipe de ce pôle."
        )
        name = required_text(name, TeamScenario.name.max_length, "Le nom du scénario")
        if not name:
            raise RuleViolation("Donnez un nom au scénario.")
        lines = financing.check_lines(raw, catalogue(school_year))
        if not lines:
            raise RuleViolation("Le scénario doit compter au moins une fonction.")
        if parameters(school_year) is None:
            raise RuleViolation(NO_PARAMETERS.format(year=school_year))
        docs = [
            ScenarioLineDoc(code=ln.code, workload=ln.workload, head_count=ln.head_count)
            for ln in lines
        ]
        now = utcnow()
        values = {"name": name, "lines": docs, **_stamp(actor, now)}
        clash = TeamScenario.objects(pole=pole.pk, school_year=school_year, name=name).first()
        if clash is not None and (scenario is None or clash.pk != scenario.pk):
            raise RuleViolation(f"Un scénario « {name} » existe déjà pour {school_year}.")
        if scenario is None:
            scenario = TeamScenario(
                **_filed_under(pole, school_year),
                created_at=now,
                created_by=username_of(actor),
                **values,
            )
            try:
                scenario.save(force_insert=True)
            except NotUniqueError:
                raise RuleViolation(
                    f"Un scénario « {name} » existe déjà pour {school_year}."
                ) from None
        else:
            try:
                done = TeamScenario.objects(
                    id=scenario.pk, pole=pole.pk, version=scenario.version
                ).update_one(inc__version=1, **_as_set(values))
            except NotUniqueError:
                raise RuleViolation(
                    f"Un scénario « {name} » existe déjà pour {school_year}."
                ) from None
            if not done:
                raise InvalidState(CHANGED)
            scenario.reload()
    audit.record(
        "financing.save_scenario",
        actor,
        target=f"scenario:{scenario.pk}",
        details={"pole": pole.number, "name": name, "lines": len(docs)},
    )
    return scenario


def delete_scenario(pole: Pole, scenario: TeamScenario, actor: Any) -> None:
    require(actor, Action.SIMULATE_TEAM, pole, "Vous ne pouvez pas supprimer ce scénario.")
    TeamScenario.objects(id=scenario.pk, pole=pole.pk).delete()
    audit.record(
        "financing.delete_scenario",
        actor,
        target=f"scenario:{scenario.pk}",
        details={"pole": pole.number, "name": scenario.name},
    )


# --- the Administration's overview ------------------------------------------------------


OVERVIEW_SORTS = {
    "pole": lambda r: r["number"],
    "envelope": lambda r: r["envelope"],
    "committed": lambda r: r["committed"],
    "remaining": lambda r: r["remaining"],
    "ipt": lambda r: r["ipt"],
    "par": lambda r: r["par"],
}


def overview(school_year: str, sort: str = "pole", descending: bool = False) -> list[dict]:
    """One row per pole: envelope, committed, remaining, counts, flags (over the envelope,
    under the minimum team in every scenario)."""
    params = parameters(school_year)
    sheets = {ref_id(s, "pole"): s for s in PupilCountSheet.objects(school_year=school_year)}
    scen_by_pole: dict[Any, list[TeamScenario]] = {}
    for sc in TeamScenario.objects(school_year=school_year):
        scen_by_pole.setdefault(ref_id(sc, "pole"), []).append(sc)
    cat = catalogue(school_year)
    by_pole = commitments_by_pole(None, school_year)
    rows = []
    poles = Pole.objects.only("number", "name", "cooperating_schools").order_by("number")
    for pole in as_loaded(poles):  # the schools are counted, not read
        lines = count_lines(sheets.get(pole.pk))
        totals = financing.count_totals(lines)
        env = (
            financing.envelope(params, lines, len(pole.cooperating_schools or []))
            if params
            else None
        )
        commits = by_pole.get(pole.pk, [])
        bal = financing.balance(env.total, commits) if env else None
        under_minimum = None
        for sc in scen_by_pole.get(pole.pk, []):
            try:
                ev = (
                    financing.evaluate(scenario_lines(sc), cat, params, env.total, bal.retroceded)
                    if params and env and bal
                    else None
                )
            except RuleViolation:
                ev = None
            if ev is None:
                continue
            short = (
                ev.coordinator_fte < params.min_coordinator_fte or ev.team_fte < params.min_team_fte
            )
            under_minimum = short if under_minimum is None else (under_minimum and short)
        sheet = sheets.get(pole.pk)
        rows.append(
            {
                "number": pole.number,
                "name": pole.name,
                "envelope": env.total if env else Decimal(0),
                "committed": bal.retroceded if bal else Decimal(0),
                "remaining": bal.remaining if bal else Decimal(0),
                "over": bool(bal and bal.over),
                "under_minimum": bool(under_minimum),
                "scenarios": len(scen_by_pole.get(pole.pk, [])),
                "ipt": totals["ipt"],
                "par": totals["par"],
                "count_label": COUNT_STATUS_LABELS[sheet.status if sheet else ""],
            }
        )
    key = OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["pole"])
    rows.sort(key=key, reverse=descending)
    return rows
