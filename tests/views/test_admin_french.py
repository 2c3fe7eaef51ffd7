"""The back office speaks French: form labels, Flask-Admin's own words, coded filters."""

import json
import re
from html import unescape

import pytest
from flask import current_app

from app.models import Convention
from app.views.admin.base import ChoiceEqualFilter, SecureModelView
from tests.conftest import login


def _views():
    return [
        v for v in current_app.extensions["epoles_admin"]._views if isinstance(v, SecureModelView)
    ]


def _fields(form, prefix=""):
    for field in form:
        if field.type == "FormField":
            yield from _fields(field.form, prefix + field.name + ".")
        elif field.type != "CSRFTokenField":
            yield prefix + field.name, field


def test_every_form_field_has_a_french_label(demo):
    """Flask-Admin's default label is the field's name title-cased (« Postal Code »): each
    form field says what it is in French, from the view's column labels or form_args."""
    english = []
    with current_app.test_request_context("/admin/"):
        for view in _views():
            if not (view.can_create or view.can_edit):
                continue
            form = view.create_form() if view.can_create else view.edit_form()
            for name, field in _fields(form):
                short = name.rsplit(".", 1)[-1]
                default = short.replace("_", " ").title()
                explicit = short in (view.column_labels or {}) or "label" in (
                    (view.form_args or {}).get(short) or {}
                )
                if field.label.text == default and not explicit:
                    english.append(f"{view.endpoint}.{name}: {field.label.text}")
    assert not english, english


@pytest.mark.parametrize(
    "path", ["/admin/schools_admin/", "/admin/conventions_admin/", "/admin/pos_admin/"]
)
def test_list_pages_say_flask_admins_words_in_french(demo, client, path):
    login(client, "admin")
    html = unescape(client.get(path).get_data(as_text=True))
    assert "lignes par page" in html and "items" not in html
    assert "Exporter" in html and ">Export<" not in html
    for wrong in ("Editer", "Filtres réinitialisés", "Chercher"):
        assert wrong not in html, wrong


def test_new_school_form_is_french(demo, client):
    login(client, "admin")
    html = unescape(client.get("/admin/schools_admin/new/").get_data(as_text=True))
    for label in ("Rue et numéro", "Code postal", "Direction", "Courriel"):
        assert f">{label}" in html, label
    for english in ("Postal Code", "Street", "Director Name", ">Fase<"):
        assert english not in html, english


def test_details_page_offers_modifier_not_editer(demo, client):
    login(client, "admin")
    conv = Convention.objects.first()
    html = unescape(
        client.get(f"/admin/conventions_admin/details/?id={conv.pk}").get_data(as_text=True)
    )
    assert "Modifier" in html and "Editer" not in html


def _filter_options(html: str) -> dict[str, list[str]]:
    """The filters' labels as Flask-Admin's script reads them: {filter: [option labels]}."""
    data = html.split('id="filter-groups-data" class="d-none">', 1)[1].split("</div>", 1)[0]
    return {
        name: [label for entry in entries for _code, label in entry.get("options") or []]
        for name, entries in json.loads(data).items()
    }


def _choice_filter(endpoint: str, column: str) -> int:
    view = next(v for v in _views() if v.endpoint == endpoint)
    return next(
        arg
        for arg, (_index, flt) in view._filter_args.items()
        if flt.column == column and type(flt) is ChoiceEqualFilter
    )


def test_status_filter_offers_french_labels_and_finds_drafts(demo, client):
    login(client, "admin")
    arg = _choice_filter("conventions_admin", "status")
    page = unescape(client.get("/admin/conventions_admin/").get_data(as_text=True))
    assert "Brouillon" in _filter_options(page)["Statut"]
    drafts = Convention.objects(status="draft")
    others = Convention.objects(status__ne="draft")
    assert drafts.count() and others.count()
    listed = client.get(f"/admin/conventions_admin/?flt0_{arg}=draft").get_data(as_text=True)
    assert all(str(c.pk) in listed for c in drafts)
    assert not any(str(c.pk) in listed for c in others)


def test_access_request_filters_are_french(demo, client):
    login(client, "support")
    arg = _choice_filter("access_requests_admin", "status")
    page = unescape(client.get("/admin/access_requests_admin/").get_data(as_text=True))
    options = _filter_options(page)
    assert "En attente" in options["Statut"] and "Demande de révocation" in options["Type"]
    assert client.get(f"/admin/access_requests_admin/?flt0_{arg}=pending").status_code == 200


def _new_school(fase: int, name: str) -> None:
    from app.models import OrganisingAuthority, School
    from app.rules.reference import ORDINARY

    po = OrganisingAuthority.objects.first()
    School(fase=fase, name=name, city="Namur", po=po, zone=6, education=ORDINARY).save()


def _names(html: str) -> list[str]:
    """The « Dénomination » cells of a list page, in order."""
    return [n.strip() for n in re.findall(r'<td class="col-name">(.*?)</td>', html, re.S)]


def test_schools_sort_in_french_order_in_the_back_office(demo, client):
    """« École… » sorts with E, not after « Institut… » as code points would have it."""
    from app.models import School

    _new_school(99100001, "Institut Albert")
    _new_school(99100002, "École Zénith")
    _new_school(99100003, "Ecole Alpha")
    login(client, "admin")
    html = unescape(client.get("/admin/schools_admin/?page_size=100").get_data(as_text=True))
    names = _names(html)
    positions = [names.index(n) for n in ("Ecole Alpha", "École Zénith", "Institut Albert")]
    assert positions == sorted(positions)
    view = next(v for v in _views() if v.endpoint == "schools_admin")
    index = next(i for i, (name, _label) in enumerate(view._list_columns) if name == "name")
    desc = unescape(
        client.get(f"/admin/schools_admin/?sort={index}&desc=1&page_size=100").get_data(True)
    )
    names = _names(desc)
    positions = [names.index(n) for n in ("Institut Albert", "École Zénith", "Ecole Alpha")]
    assert positions == sorted(positions)
    assert School.objects.get(fase=99100002).sort_name == "ecole zenith"


def test_sort_keys_are_filled_for_documents_stored_before_them(demo):
    from app.models import OrganisingAuthority, School
    from app.services.reference import fill_sort_keys

    School._get_collection().update_many({}, {"$unset": {"sort_name": ""}})
    OrganisingAuthority._get_collection().update_many({}, {"$unset": {"sort_name": ""}})
    filled = fill_sort_keys()
    assert filled == School.objects.count() + OrganisingAuthority.objects.count()
    assert all(s.sort_name for s in School.objects)
    assert fill_sort_keys() == 0
