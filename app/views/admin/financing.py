"""Back office of the financing: the overview per pole, the parameters per school year, the
functions catalogue. The Administration only (``Action.MANAGE_FINANCING``)."""

from datetime import date
from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from wtforms import SelectMultipleField

from app.auth import actor
from app.models import FinancingParameters, TeamFunction
from app.rules import financing as rules
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.services import financing
from app.services.exports import record_export
from app.views.admin.base import ActionGated, SecureModelView
from app.views.exports import FORMATS as EXPORT_FORMATS
from app.views.exports import table_response
from app.views.financing import offered_years, requested_year
from app.views.financing_export import OVERVIEW_COLUMNS
from app.views.form_rows import numbered_rows

MAX_TERMS = 30
# The parameters form's terms: {key: (field prefix, length)}; measure and level are codes.
TERM_FIELDS = {
    "label": ("label", 200),
    "measure": ("measure", None),
    "type": ("type", 2),
    "level": ("level", None),
    "coefficient": ("coefficient", 20),
}


class FinancingView(ActionGated, BaseView):
    """« Financement des pôles »: envelope, commitments and counts per pole; parameters."""

    action = Action.MANAGE_FINANCING

    @expose("/")
    def index(self) -> Any:
        year = requested_year()
        sort = request.args.get("tri", "pole")
        if sort not in financing.OVERVIEW_SORTS:
            sort = "pole"
        descending = request.args.get("ordre") == "desc"
        rows = financing.overview(year, sort, descending)
        params = financing.parameters(year)
        demo = bool(params and params.demo) or financing.catalogue_is_demo()
        fmt = request.args.get("format")
        if fmt in EXPORT_FORMATS:
            labels = [label for _, label in OVERVIEW_COLUMNS]
            if demo:
                labels[1] += " (valeurs de démonstration)"
            record_export(actor(), self.endpoint, fmt, len(rows), {"annee": year, "tri": sort})
            return table_response(
                fmt,
                f"financement-{year}",
                labels,
                ([row[key] for key, _ in OVERVIEW_COLUMNS] for row in rows),
            )
        return self.render(
            "admin/financing/index.html",
            rows=rows,
            year=year,
            years=offered_years(year),
            sort=sort,
            descending=descending,
            params=params,
            demo=demo,
        )

    @expose("/parametres", methods=("GET", "POST"))
    def parameters(self) -> Any:
        year = requested_year()
        doc = FinancingParameters.objects(school_year=year).first()
        status = 200
        if request.method == "POST":
            terms = numbered_rows("term_count", MAX_TERMS, TERM_FIELDS)
            if request.form.get("action") == "add_term":
                return self._form(year, doc, [*terms, {}], dict(request.form))
            raw_date = (request.form.get("reference_date") or "").strip()
            try:
                reference = date.fromisoformat(raw_date) if raw_date else None
            except ValueError:
                reference = None
                flash("La date de référence doit être une date (AAAA-MM-JJ).", "error")
                return self._form(year, doc, terms, dict(request.form)), 422
            version = request.form.get("version", "")
            try:
                financing.save_parameters(
                    year,
                    [t for t in terms if any(str(v).strip() for v in t.values())],
                    request.form.get("salary_floor"),
                    request.form.get("running_ceiling"),
                    request.form.get("min_coordinator_fte"),
                    request.form.get("min_team_fte"),
                    reference,
                    bool(request.form.get("demo")),
                    actor(),
                    int(version) if is_digits(version) else None,
                )
            except RuleViolation as exc:
                flash(str(exc), "error")
                return self._form(year, doc, terms, dict(request.form)), 422
            flash(f"Les paramètres de financement {year} sont enregistrés.", "success")
            return redirect(url_for(".parameters", annee=year))
        source = doc
        if source is None:
            previous = [y for y in financing.school_years() if y < year]
            if previous:
                source = FinancingParameters.objects(school_year=previous[0]).first()
        terms = [
            {
                "label": t.label,
                "measure": t.measure,
                "type": t.type or "",
                "level": t.level or "",
                "coefficient": t.coefficient,
            }
            for t in (source.terms if source else [])
        ]
        values = {
            "salary_floor": source.salary_floor if source else "80",
            "running_ceiling": source.running_ceiling if source else "20",
            "min_coordinator_fte": source.min_coordinator_fte if source else "1",
            "min_team_fte": source.min_team_fte if source else "16",
            "reference_date": (
                source.reference_date.isoformat() if source and source.reference_date else ""
            ),
            "demo": "1" if source and source.demo else "",
        }
        return self._form(year, doc, [*terms, {}], values, copied=doc is None and source), status

    def _form(self, year: str, doc: Any, terms: list, values: dict, copied: Any = None) -> Any:
        return self.render(
            "admin/financing/parameters.html",
            year=year,
            years=offered_years(year),
            doc=doc,
            terms=terms[:MAX_TERMS],
            values=values,
            copied=copied,
            measures=rules.MEASURES,
            levels=rules.LEVELS,
            types=rules.TYPES,
        )


class TeamFunctionView(SecureModelView):
    """« Catalogue des fonctions »: points of a full-time job per function, per period."""

    action = Action.MANAGE_FINANCING
    column_list = ["code", "label", "group", "points", "workloads", "valid_from", "valid_to"]
    column_details_list = [*column_list, "demo", "updated_at"]
    column_export_list = column_list
    column_labels = {
        "code": "Code",
        "label": "Fonction",
        "group": "Groupement",
        "points": "Points (temps plein 5/5)",
        "workloads": "Charges proposées",
        "valid_from": "Valable à partir de (année scolaire)",
        "valid_to": "Valable jusqu'à (année scolaire)",
        "demo": "Valeur de démonstration",
        "updated_at": "Modifiée le",
    }
    column_formatters = {
        "group": lambda v, c, m, n: rules.GROUPS.get(m.group, m.group),
        "workloads": lambda v, c, m, n: ", ".join(m.workloads or []),
    }
    column_searchable_list = ["code", "label"]
    column_filters = ["group"]
    column_default_sort = "sort_name"  # the label in French order: app.rules.collation
    column_sortable_list = [
        "code",
        ("label", "sort_name"),
        "group",
        "points",
        "valid_from",
        "valid_to",
    ]
    form_columns = [
        "code",
        "label",
        "group",
        "points",
        "workloads",
        "valid_from",
        "valid_to",
        "demo",
    ]
    form_overrides = {"workloads": SelectMultipleField}
    form_args = {
        "code": {"label": "Code", "description": "Lettres, chiffres, « _ », « - » ou « . »."},
        "label": {"label": "Fonction"},
        "group": {"label": "Groupement de fonctions"},
        "points": {"label": "Points d'un temps plein (5/5)"},
        "workloads": {
            "label": "Charges proposées",
            "choices": [(w, w) for w in rules.WORKLOADS],
        },
        "valid_from": {
            "label": "Valable à partir de (année scolaire)",
            "description": "Par exemple 2026-2027 ; vide : sans limite.",
        },
        "valid_to": {
            "label": "Valable jusqu'à (année scolaire)",
            "description": "Vide : sans limite.",
        },
        "demo": {"label": "Valeur de démonstration"},
    }
    can_export = True
    # A function may be referenced by saved scenarios: its validity is closed instead.
    can_delete = False

    def on_model_change(self, form: Any, model: TeamFunction, is_created: bool) -> None:
        model.workloads = [w for w in rules.WORKLOADS if w in set(model.workloads or [])]

    def after_model_change(self, form: Any, model: TeamFunction, is_created: bool) -> None:
        financing.record_function_change(model, current_user._get_current_object(), is_created)
