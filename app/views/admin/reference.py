"""Back-office views of the reference data: POs, schools, poles, article templates."""

from typing import Any

from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField

from app.models import OrganisingAuthority, School
from app.models.article_template import COVERS_LABELS, FORM_LABELS, NATURE_LABELS
from app.rules.numbers import is_digits
from app.rules.permissions import Action
from app.rules.reference import EDUCATION_LABELS, SPECIAL_TYPES, ZONE_CHOICES, zone_label
from app.rules.states import KIND_LABELS
from app.views.admin.base import SecureModelView

ADDRESS_LABELS = {"street": "Rue et numéro", "postal_code": "Code postal", "city": "Localité"}


class IntChoiceFilter(BaseMongoEngineFilter):
    """Equality filter on an integer field, offered as a list of choices."""

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(**{self.column: int(value)})

    def clean(self, value: str) -> Any:
        return int(value) if is_digits(str(value)) else -1

    def operation(self) -> str:
        return "égal à"


class PoFaseFilter(BaseMongoEngineFilter):
    """Schools of the PO with this FASE number (one lookup, then an indexed filter)."""

    def apply(self, query: Any, value: Any) -> Any:
        po = OrganisingAuthority.objects(fase=value).only("id").first()
        return query.filter(po=po.pk if po else None)

    def clean(self, value: str) -> Any:
        value = str(value).strip()
        return int(value) if is_digits(value) and len(value) <= 9 else -1

    def operation(self) -> str:
        return "FASE du PO ="


def _zone(view: Any, context: Any, model: Any, name: str) -> str:
    return zone_label(model.zone)


def _ref_label(field: str) -> Any:
    def formatter(view: Any, context: Any, model: Any, name: str) -> Any:
        ref = model._data.get(field)
        return str(ref) if hasattr(ref, "pk") else "—"

    return formatter


class OrganisingAuthorityView(SecureModelView):
    column_list = ["fase", "name", "postal_code", "city"]
    column_details_list = ["fase", "name", "street", "postal_code", "city"]
    column_export_list = column_details_list
    column_labels = {"fase": "FASE", "name": "Dénomination", **ADDRESS_LABELS}
    column_searchable_list = ["name", "city"]
    numeric_search_fields = ("fase",)
    column_filters = ["name", "city"]
    # French order (« École » with E): the stored key of app.rules.collation.
    column_sortable_list = ["fase", ("name", "sort_name"), "postal_code", "city"]
    column_default_sort = "sort_name"
    page_by_ids = True  # 700 POs: the count comes with the sort keys (SecureModelView)
    form_columns = column_details_list
    can_export = True


class SchoolView(SecureModelView):
    column_list = ["fase", "name", "city", "po", "zone", "education", "types"]
    column_details_list = [
        "fase",
        "name",
        "street",
        "postal_code",
        "city",
        "po",
        "zone",
        "education",
        "types",
        "director_name",
        "email",
        "phone",
    ]
    column_export_list = column_details_list
    column_labels = {
        "fase": "FASE",
        "name": "Dénomination",
        "po": "Pouvoir organisateur",
        "zone": "Zone",
        "education": "Enseignement",
        "types": "Types",
        "director_name": "Direction",
        "email": "Courriel",
        "phone": "Téléphone",
        **ADDRESS_LABELS,
    }
    column_searchable_list = ["name", "city"]
    numeric_search_fields = ("fase",)
    column_default_sort = "sort_name"  # French order: app.rules.collation
    page_by_ids = True  # 2,900 schools: the count comes with the sort keys (SecureModelView)
    column_sortable_list = ["fase", ("name", "sort_name"), "city", "zone", "education"]
    prefetch_refs = {"po": OrganisingAuthority}
    column_formatters = {
        "zone": _zone,
        "po": _ref_label("po"),
        "education": lambda v, c, m, n: EDUCATION_LABELS.get(m.education, m.education),
        "types": lambda v, c, m, n: ", ".join(str(t) for t in m.types) or "—",
    }
    column_formatters_export = {"po": _ref_label("po"), "zone": _zone}
    can_export = True
    form_columns = column_details_list
    form_overrides = {"zone": SelectField, "types": SelectMultipleField}
    form_args = {
        "zone": {"choices": ZONE_CHOICES, "coerce": int},
        "types": {
            "choices": list(SPECIAL_TYPES.items()),
            "coerce": int,
            "label": "Types (enseignement spécialisé)",
        },
    }
    form_ajax_refs = {"po": {"fields": ["name"], "page_size": 20}}

    column_filters = [
        IntChoiceFilter("zone", "Zone", options=ZONE_CHOICES),
        IntChoiceFilter("types", "Type", options=list(SPECIAL_TYPES.items())),
        "education",
        PoFaseFilter("po", "Pouvoir organisateur"),
        "city",
    ]


def _seat(view: Any, context: Any, model: Any, name: str) -> str:
    seat = model._data.get("seat_school")
    return str(seat) if hasattr(seat, "pk") else "—"


def _count(field: str) -> Any:
    return lambda v, c, m, n: len(m._data.get(field) or [])


def _coordinators(view: Any, context: Any, model: Any, name: str) -> Any:
    return Markup("<br>").join(escape(str(c)) for c in model.coordinators) or "—"


class PoleView(SecureModelView):
    column_list = [
        "number",
        "name",
        "zone",
        "seat_school",
        "partner_schools",
        "cooperating_schools",
        "specific_partner_schools",
    ]
    column_details_list = [
        "number",
        "name",
        "zone",
        "seat_school",
        "coordinators",
        "period_start",
        "period_end",
    ]
    column_export_list = ["number", "name", "zone", "seat_school", "period_start", "period_end"]
    column_labels = {
        "number": "N°",
        "name": "Nom",
        "zone": "Zone",
        "seat_school": "École siège",
        "partner_schools": "Partenaires",
        "cooperating_schools": "Coopérantes",
        "specific_partner_schools": "Part. spécifiques",
        "coordinators": "Coordonnateurs",
        "period_start": "Début de constitution",
        "period_end": "Fin de constitution",
    }
    column_sortable_list = ["number", ("name", "sort_name"), "zone"]  # app.rules.collation
    column_searchable_list = ["name"]
    numeric_search_fields = ("number",)
    column_default_sort = "number"
    page_by_ids = True  # the count comes with the sort keys (SecureModelView)
    column_filters = [IntChoiceFilter("zone", "Zone", options=ZONE_CHOICES)]
    prefetch_refs = {"seat_school": School}
    column_formatters = {
        "zone": _zone,
        "seat_school": _seat,
        "partner_schools": _count("partner_schools"),
        "cooperating_schools": _count("cooperating_schools"),
        "specific_partner_schools": _count("specific_partner_schools"),
        "coordinators": _coordinators,
    }
    column_formatters_export = {"seat_school": _seat, "zone": _zone}
    can_export = True
    # The school lists change through the rules (routing into conventions): see the pole's
    # structure page, not this generic form.
    form_columns = ["number", "name", "seat_school", "zone", "period_start", "period_end"]
    form_overrides = {"zone": SelectField}
    form_args = {
        "zone": {"choices": ZONE_CHOICES, "coerce": int},
        "seat_school": {"label": "École siège (enseignement spécialisé)"},
    }
    form_ajax_refs = {"seat_school": {"fields": ["name"], "page_size": 20}}


class ArticleTemplateView(SecureModelView):
    action = Action.MANAGE_TEMPLATES
    column_list = ["kind", "position", "number", "title", "nature", "covers", "form", "active"]
    column_details_list = [
        "kind",
        "key",
        "position",
        "number",
        "title",
        "nature",
        "covers",
        "form",
        "active",
        "text",
    ]
    column_export_list = column_details_list
    column_labels = {
        "kind": "Type de convention",
        "key": "Clé",
        "position": "Ordre",
        "number": "Article n°",
        "title": "Titre",
        "nature": "Nature",
        "covers": "Requis",
        "form": "Saisie",
        "active": "Actif",
        "text": "Texte",
    }
    column_default_sort = [("kind", False), ("position", False)]
    column_filters = ["kind", "nature"]
    column_searchable_list = ["title", "text"]
    column_formatters = {
        "kind": lambda v, c, m, n: KIND_LABELS.get(m.kind, m.kind),
        "nature": lambda v, c, m, n: f"{m.nature} – {NATURE_LABELS.get(m.nature, '')}",
        "covers": lambda v, c, m, n: COVERS_LABELS.get(m.covers or "", m.covers),
        "form": lambda v, c, m, n: FORM_LABELS.get(m.form or "", m.form),
    }
    form_columns = column_details_list
    form_widget_args = {"text": {"rows": 14}}
    can_export = True
