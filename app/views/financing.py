"""The pole's financing: envelope and commitments, pupil counts, team simulator.

Thin views: parse the form, call ``app.services.financing``, flash, redirect, render. Every
page is scoped by the pole (another pole answers 404), and every action by ``can()``.
"""

from collections.abc import Callable
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from app import clock
from app.auth import actor
from app.models import Pole, TeamScenario
from app.pdf.render import PdfError, render_pdf
from app.rules import financing as rules
from app.rules import permissions
from app.rules.errors import NotFound, RuleViolation
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.services import financing
from app.views.actions import run_action
from app.views.context import parse_object_id, pole_or_404, to_current_pole
from app.views.downloads import download
from app.views.form_rows import numbered_rows
from app.views.gates import requires

bp = Blueprint("financing", __name__)

DEMO_LABEL = "valeurs de démonstration"
EMPTY_ROWS = 4
MAX_ROWS = rules.MAX_SCENARIO_LINES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _nav_check(user: Any) -> bool:
    return permissions.can(user, Action.VIEW_FINANCING) and permissions.pole_ids(user) is not None


NAV = [("financing.index", "Financement", _nav_check)]


# --- helpers -------------------------------------------------------------------------------


def default_year() -> str:
    return rules.school_year_of(clock.today())


def requested_year() -> str:
    """The school year of ``?annee=`` (or the form's), else the current one."""
    raw = (request.values.get("annee") or "").strip()
    if raw and rules.is_school_year(raw):
        return raw
    return default_year()


def _pole(number: int, action: Action) -> Pole:
    pole = pole_or_404(number, current_user)
    if not permissions.can(current_user, action, pole):
        abort(404)
    return pole


def offered_years(current: str) -> list[str]:
    """The years of the year picker: those with data, the shown one and the current one."""
    years = set(financing.school_years()) | {current, default_year()}
    return sorted(years, reverse=True)


def _year_page(template: str, pole: Pole, year: str, **context: Any) -> str:
    """A page of one pole's school year, with the year picker of ``financing/_nav.html``."""
    return render_template(template, pole=pole, year=year, years=offered_years(year), **context)


def _scenario(pole: Pole, scenario_id: str) -> TeamScenario:
    try:
        return financing.scenario_of(pole, parse_object_id(scenario_id))
    except NotFound:
        abort(404)


# --- the pole's financing page -------------------------------------------------------------


@bp.route("/financement")
@login_required
@requires(Action.VIEW_FINANCING)
def index():
    """The menu entry: the pole being worked on, else the pole selection."""
    return to_current_pole(current_user, "financing.pole")


@bp.route("/poles/<int:number>/financement")
@login_required
def pole(number: int):
    pole = _pole(number, Action.VIEW_FINANCING)
    year = requested_year()
    state = financing.pole_financing(pole, year)
    schools = {s.pk: s for s in financing.cooperating_schools(pole)}
    per_school: dict[Any, dict[str, int]] = {}
    for line in state.counts:
        row = per_school.setdefault(line.school, {"ipt": 0, "par": 0})
        row["ipt"] += line.ipt
        row["par"] += line.par
    return _year_page(
        "financing/pole.html",
        pole,
        year,
        state=state,
        schools=schools,
        per_school=per_school,
        measures=rules.MEASURES,
        levels=rules.LEVELS,
        demo_label=DEMO_LABEL,
        catalogue_demo=financing.catalogue_is_demo(),
        may_enter=permissions.can(current_user, Action.ENTER_COUNTS, pole),
        may_simulate=permissions.can(current_user, Action.SIMULATE_TEAM, pole),
    )


# --- pupil counts --------------------------------------------------------------------------


def _counts_from_form(schools: list[Any]) -> list[dict[str, Any]]:
    raw = []
    for school in schools:
        for kind in rules.TYPES:
            for level in rules.LEVELS:
                key = f"{school.pk}_{kind}_{level}"
                raw.append(
                    {
                        "school": school.pk,
                        "school_label": school.name,
                        "type": kind,
                        "level": level,
                        "ipt": (request.form.get(f"ipt_{key}") or "").strip()[:6],
                        "par": (request.form.get(f"par_{key}") or "").strip()[:6],
                    }
                )
    return raw


@bp.route("/poles/<int:number>/eleves", methods=["GET", "POST"])
@login_required
def counts(number: int):
    pole = _pole(number, Action.VIEW_FINANCING)
    year = requested_year()
    schools = financing.cooperating_schools(pole)
    sheet = financing.count_sheet(pole, year)
    may_enter = permissions.can(current_user, Action.ENTER_COUNTS, pole) and not (
        sheet and sheet.is_closed
    )
    values: dict[str, Any] = {}
    for line in financing.count_lines(sheet):
        key = f"{line.school}_{line.type}_{line.level}"
        values[f"ipt_{key}"] = line.ipt or ""
        values[f"par_{key}"] = line.par or ""
    status = 200
    if request.method == "POST":
        if not permissions.can(current_user, Action.ENTER_COUNTS, pole):
            abort(404)
        version = request.form.get("version", "")
        try:
            financing.save_counts(
                pole,
                year,
                _counts_from_form(schools),
                actor(),
                int(version) if is_digits(version) else None,
            )
        except RuleViolation as exc:
            flash(str(exc), "danger")
            values = {k: v for k, v in request.form.items() if k.startswith(("ipt_", "par_"))}
            status = 422
        else:
            flash(f"Les nombres d'élèves de {year} sont enregistrés.", "success")
            return redirect(url_for("financing.counts", number=pole.number, annee=year))
    return _year_page(
        "financing/counts.html",
        pole,
        year,
        schools=schools,
        sheet=sheet,
        values=values,
        types=rules.TYPES,
        levels=rules.LEVELS,
        may_enter=may_enter,
        may_close=permissions.can(current_user, Action.CLOSE_COUNTS, pole),
        reference_date=financing.reference_date(year),  # None without parameters
    ), status


@bp.route("/poles/<int:number>/eleves/cloture", methods=["POST"])
@login_required
def close(number: int):
    pole = _pole(number, Action.CLOSE_COUNTS)
    year = requested_year()
    reopening = request.form.get("action") == "reopen"
    return run_action(
        url_for("financing.counts", number=pole.number, annee=year),
        financing.reopen_counts if reopening else financing.close_counts,
        pole,
        year,
        actor(),
        success=f"Le comptage {year} du pôle {pole.number} est "
        f"{'rouvert' if reopening else 'clôturé'}.",
    )


# --- team simulator ------------------------------------------------------------------------


LINE_FIELDS = {"code": ("code", 40), "workload": ("workload", 10), "head_count": ("count", 4)}


def _evaluate(pole: Pole, scenario: TeamScenario) -> tuple[Any, str | None]:
    return financing.evaluate_scenarios(pole, [scenario])[0]


def _editor(
    pole: Pole,
    year: str,
    scenario: TeamScenario | None,
    rows: list[dict[str, Any]],
    name: str,
    status: int = 200,
):
    catalogue = financing.catalogue(year)
    evaluation, problem = (None, None)
    if scenario is not None:
        evaluation, problem = _evaluate(pole, scenario)
    return render_template(
        "financing/scenario.html",
        pole=pole,
        year=year,
        scenario=scenario,
        rows=rows,
        name=name,
        catalogue=sorted(catalogue.values(), key=lambda f: (f.group, f.label)),
        groups=rules.GROUPS,
        workloads=list(rules.WORKLOADS),
        evaluation=evaluation,
        problem=problem,
        params=financing.parameters(year),
        demo_label=DEMO_LABEL,
        catalogue_demo=financing.catalogue_is_demo(),
        may_simulate=permissions.can(current_user, Action.SIMULATE_TEAM, pole),
    ), status


def _rows_of(scenario: TeamScenario | None) -> list[dict[str, Any]]:
    rows = [
        {"code": ln.code, "workload": ln.workload, "head_count": ln.head_count}
        for ln in (scenario.lines if scenario else [])
    ]
    return rows + [{"code": "", "workload": "5/5", "head_count": ""}] * EMPTY_ROWS


def _save(pole: Pole, year: str, scenario: TeamScenario | None):
    if not permissions.can(current_user, Action.SIMULATE_TEAM, pole):
        abort(404)
    rows = numbered_rows("row_count", MAX_ROWS, LINE_FIELDS)
    name = (request.form.get("name") or "").strip()  # the verb refuses an over-long one
    if request.form.get("action") == "add_rows":
        rows += [{"code": "", "workload": "5/5", "head_count": ""}] * EMPTY_ROWS
        return _editor(pole, year, scenario, rows[:MAX_ROWS], name)
    try:
        saved = financing.save_scenario(pole, year, name, rows, actor(), scenario)
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return _editor(pole, year, scenario, rows, name, 422)
    flash(f"Le scénario « {saved.name} » est enregistré.", "success")
    return redirect(url_for("financing.scenario", number=pole.number, scenario_id=saved.pk))


@bp.route("/poles/<int:number>/simulations", methods=["GET", "POST"])
@login_required
def simulations(number: int):
    pole = _pole(number, Action.VIEW_FINANCING)
    year = requested_year()
    if request.method == "POST":
        return _save(pole, year, None)
    listed = _listed(pole, financing.scenarios(pole, year))
    if request.args.get("nouveau"):
        return _editor(pole, year, None, _rows_of(None), "")
    return _year_page(
        "financing/simulations.html",
        pole,
        year,
        listed=listed,
        params=financing.parameters(year),
        demo_label=DEMO_LABEL,
        may_simulate=permissions.can(current_user, Action.SIMULATE_TEAM, pole),
    )


@bp.route("/poles/<int:number>/simulations/<scenario_id>", methods=["GET", "POST"])
@login_required
def scenario(number: int, scenario_id: str):
    pole = _pole(number, Action.VIEW_FINANCING)
    found = _scenario(pole, scenario_id)
    if request.method == "POST":
        return _save(pole, found.school_year, found)
    return _editor(pole, found.school_year, found, _rows_of(found), found.name)


@bp.route("/poles/<int:number>/simulations/<scenario_id>/supprimer", methods=["POST"])
@login_required
def delete(number: int, scenario_id: str):
    pole = _pole(number, Action.SIMULATE_TEAM)
    found = _scenario(pole, scenario_id)
    return run_action(
        url_for("financing.simulations", number=pole.number, annee=found.school_year),
        financing.delete_scenario,
        pole,
        found,
        actor(),
        success=f"Le scénario « {found.name} » est supprimé.",
    )


def _listed(pole: Pole, scenarios: list[TeamScenario]) -> list[dict[str, Any]]:
    """Scenarios with their evaluations, priced together (the pole's state read once)."""
    return [
        {"scenario": found, "evaluation": evaluation, "problem": problem}
        for found, (evaluation, problem) in zip(
            scenarios, financing.evaluate_scenarios(pole, scenarios), strict=True
        )
    ]


def _one(pole: Pole, scenario_id: str) -> dict[str, Any]:
    return _listed(pole, [_scenario(pole, scenario_id)])[0]


def _compared(pole: Pole) -> list[dict[str, Any]]:
    """The scenarios named in ``?s=…`` (up to four), each of this pole, else 404."""
    return _listed(pole, [_scenario(pole, raw) for raw in request.args.getlist("s")[:4]])


@bp.route("/poles/<int:number>/simulations/comparer")
@login_required
def compare(number: int):
    pole = _pole(number, Action.VIEW_FINANCING)
    compared = _compared(pole)
    if len(compared) < 2:
        flash("Cochez au moins deux scénarios à comparer.", "warning")
        return redirect(
            url_for("financing.simulations", number=pole.number, annee=requested_year())
        )
    return render_template(
        "financing/compare.html",
        pole=pole,
        compared=compared,
        groups=rules.GROUPS,
        query="?" + urlencode([("s", str(c["scenario"].pk)) for c in compared]),
    )


# --- exports -------------------------------------------------------------------------------


def _export_context(pole: Pole, compared: list[dict[str, Any]]) -> dict[str, Any]:
    year = compared[0]["scenario"].school_year
    params = financing.parameters(year)
    return {
        "pole": pole,
        "compared": compared,
        "groups": rules.GROUPS,
        "year": year,
        "params": params,
        "demo": financing.catalogue_is_demo() or bool(params and params.demo),
        "demo_label": DEMO_LABEL,
        "today": clock.today(),
        "watermark": "",
    }


def _export_targets(pole: Pole, scenario_id: str | None) -> list[dict[str, Any]] | None:
    """One scenario, or the ones of ``?s=…`` (None: nothing chosen)."""
    if scenario_id:
        return [_one(pole, scenario_id)]
    return _compared(pole) or None


def _nothing_chosen(pole: Pole) -> Any:
    flash("Cochez au moins un scénario à exporter.", "warning")
    return redirect(url_for("financing.simulations", number=pole.number, annee=requested_year()))


def _exported(number: int, scenario_id: str | None, answer: Callable[..., Any]) -> Any:
    """The chosen scenarios written by ``answer(pole, context)``, or back to the list with
    why when none is chosen."""
    pole = _pole(number, Action.VIEW_FINANCING)
    compared = _export_targets(pole, scenario_id)
    if compared is None:
        return _nothing_chosen(pole)
    return answer(pole, _export_context(pole, compared))


def _pdf_answer(pole: Pole, context: dict[str, Any]) -> Any:
    try:
        data = render_pdf(
            "scenarios.html",
            context,
            title=f"Pôle {pole.number} – simulation de l'équipe",
            subject="Simulation de l'équipe pluridisciplinaire",
        )
    except PdfError as exc:
        return render_template(
            "errors/error.html", code=503, title="Document PDF indisponible", text=str(exc)
        ), 503
    return download(data, "application/pdf", f"pole-{pole.number}-simulation.pdf")


def _xlsx_answer(pole: Pole, context: dict[str, Any]) -> Any:
    from app.views.financing_export import scenarios_workbook

    out = BytesIO()
    scenarios_workbook(context).save(out)
    return download(out.getvalue(), XLSX, f"pole-{pole.number}-simulation.xlsx")


# One scenario's export, or (``comparer``) the comparison of the ones of ``?s=…``: one view
# each, under two endpoints.
ONE = "/poles/<int:number>/simulations/<scenario_id>"
COMPARED = "/poles/<int:number>/simulations/comparer"
NO_SCENARIO = {"scenario_id": None}


@bp.route(f"{ONE}/pdf")
@bp.route(f"{COMPARED}/pdf", endpoint="compare_pdf", defaults=NO_SCENARIO)
@login_required
def pdf(number: int, scenario_id: str | None) -> Any:
    return _exported(number, scenario_id, _pdf_answer)


@bp.route(f"{ONE}/xlsx")
@bp.route(f"{COMPARED}/xlsx", endpoint="compare_xlsx", defaults=NO_SCENARIO)
@login_required
def xlsx(number: int, scenario_id: str | None) -> Any:
    return _exported(number, scenario_id, _xlsx_answer)
