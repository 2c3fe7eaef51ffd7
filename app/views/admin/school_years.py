"""« Années scolaires » (Administration): calendars, deadlines and the current campaign."""

from typing import Any

from flask_login import current_user
from wtforms import TextAreaField

from app.models.base import utcnow
from app.models.school_year import SchoolYear, YearClosure
from app.rules import calendar
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.services import school_years
from app.views.admin.base import SecureModelView

CLOSURES_HELP = (
    "Un congé par ligne : date de début, date de fin (AAAA-MM-JJ), puis le libellé ; "
    "une seule date pour un jour de congé (par exemple « 2026-11-11 Armistice »)."
)


class SchoolYearView(SecureModelView):
    action = Action.MANAGE_CALENDAR
    column_list = [
        "label",
        "first_day",
        "last_day",
        "campaign_deadline",
        "amendment_deadline",
        "current",
        "confirmed",
    ]
    column_details_list = [*column_list, "soon_days", "closures", "updated_at"]
    column_export_list = column_list
    column_labels = {
        "label": "Année scolaire",
        "first_day": "Premier jour de classe",
        "last_day": "Dernier jour de classe",
        "campaign_deadline": "Date limite de la campagne",
        "amendment_deadline": "Date limite des avenants (pour l'année suivante)",
        "current": "Campagne en cours",
        "confirmed": "Calendrier confirmé",
        "soon_days": "« Bientôt » : jours avant l'échéance",
        "closures": "Congés et jours fériés",
        "updated_at": "Modifiée le",
    }
    column_formatters = {
        "confirmed": lambda v, c, m, n: "confirmé" if m.confirmed else "à confirmer",
        "closures": lambda v, c, m, n: calendar.format_closures(m.calendar().closures),
    }
    column_default_sort = "first_day"
    can_delete = False  # conventions belong to their year
    can_export = True
    form_columns = [
        "label",
        "first_day",
        "last_day",
        "campaign_deadline",
        "amendment_deadline",
        "soon_days",
        "current",
        "confirmed",
        "closures_text",
    ]
    form_excluded_columns = ["closures", "updated_at"]
    form_extra_fields = {
        "closures_text": TextAreaField(
            "Congés et jours fériés", description=CLOSURES_HELP, render_kw={"rows": 14}
        )
    }
    form_args = {
        "label": {"label": "Année scolaire", "description": "Par exemple 2027-2028."},
        "first_day": {"label": "Premier jour de classe"},
        "last_day": {"label": "Dernier jour de classe"},
        "campaign_deadline": {
            "label": "Date limite de la campagne",
            "description": "Partenariat, coopération et ressort (15 octobre par défaut).",
        },
        "amendment_deadline": {
            "label": "Date limite des avenants",
            "description": "Pour les avenants qui prennent effet l'année suivante "
            "(1er juin par défaut).",
        },
        "soon_days": {"label": "« Bientôt » : nombre de jours avant l'échéance"},
        "current": {"label": "Campagne en cours"},
        "confirmed": {"label": "Calendrier confirmé par le Gouvernement"},
    }

    def on_form_prefill(self, form: Any, id: Any) -> None:
        model = self.get_one(id)
        if model is not None:
            form.closures_text.data = calendar.format_closures(model.calendar().closures)

    def on_model_change(self, form: Any, model: SchoolYear, is_created: bool) -> None:
        calendar.start_year_of(model.label)  # a French refusal for a bad label
        if model.last_day <= model.first_day:
            raise RuleViolation("Le dernier jour de classe doit suivre le premier.")
        model.closures = [
            YearClosure(start=c.start, end=c.end, label=c.label)
            for c in calendar.parse_closures(form.closures_text.data or "")
        ]
        model.updated_at = utcnow()

    def after_model_change(self, form: Any, model: SchoolYear, is_created: bool) -> None:
        school_years.record_year_change(model, current_user._get_current_object(), is_created)
