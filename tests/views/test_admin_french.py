"""The back office speaks French: form labels, Flask-Admin's own words, coded filters."""

import json
import re
from html import unescape

import pytest
from flask import current_app

from app.models import Convention
from app.views.admin.base import ChoiceEqualFilter, SecureModelView
from tests.conftest import csrf_token, login


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


def _sorted_by(client, endpoint: str, column: str, cell: str) -> list[str]:
    """The ``cell`` column of ``endpoint``'s list sorted by ``column`` (ascending)."""
    view = next(v for v in _views() if v.endpoint == endpoint)
    index = next(i for i, (name, _label) in enumerate(view._list_columns) if name == column)
    html = unescape(
        client.get(f"/admin/{endpoint}/?sort={index}&page_size=100").get_data(as_text=True)
    )
    return [n.strip() for n in re.findall(rf'<td class="col-{cell}">(.*?)</td>', html, re.S)]


def test_poles_users_and_functions_sort_in_french_order(demo, client):
    """Sorting by name puts « É… » with E on the other lists named after people or places."""
    from app.models import Pole, School, User
    from app.models.financing import TeamFunction
    from app.rules.financing import GROUPS
    from app.rules.reference import SPECIALIZED

    seat = School.objects(education=SPECIALIZED).first()
    for number, name in ((91, "Pôle Institut"), (92, "Pôle École Zénith"), (93, "Pôle Ecole A")):
        Pole(number=number, name=name, seat_school=seat, zone=6).save()
    login(client, "admin")
    names = _sorted_by(client, "poles_admin", "name", "name")
    wanted = ["Pôle Ecole A", "Pôle École Zénith", "Pôle Institut"]
    assert [n for n in names if n in wanted] == wanted
    for username, last in (("u-ivens", "Ivens"), ("u-eloy", "Éloy"), ("u-ebert", "Ebert")):
        User(username=username, last_name=last, first_name="Test").save()
    names = _sorted_by(client, "users_admin", "last_name", "last_name")
    assert [n for n in names if n in ("Ivens", "Éloy", "Ebert")] == ["Ebert", "Éloy", "Ivens"]
    assert User.objects.get(username="u-eloy").sort_name == "eloy test"
    for code, label in (("ZZ1", "Infirmier test"), ("ZZ2", "Éducateur test")):
        TeamFunction(code=code, label=label, group=next(iter(GROUPS)), points=1).save()
    view = client.get("/admin/fonctions/?page_size=100").get_data(as_text=True)
    assert unescape(view).index("Éducateur test") < unescape(view).index("Infirmier test")


def test_sort_keys_are_filled_for_documents_stored_before_them(demo):
    from app.models import OrganisingAuthority, Pole, School, User
    from app.services.reference import fill_sort_keys

    for model in (School, OrganisingAuthority, Pole, User):
        model._get_collection().update_many({}, {"$unset": {"sort_name": ""}})
    filled = fill_sort_keys()
    assert filled == sum(m.objects.count() for m in (School, OrganisingAuthority, Pole, User))
    assert all(s.sort_name for s in School.objects) and all(p.sort_name for p in Pole.objects)
    assert all(u.sort_name for u in User.objects)
    assert fill_sort_keys() == 0


def test_message_times_are_typed_and_shown_in_brussels_time(demo, client):
    """« Publié à partir du » is Brussels time (winter: UTC+1, summer: UTC+2), stored as UTC."""
    from datetime import datetime

    from app.models.message import Message

    login(client, "admin")
    form = unescape(client.get("/admin/messages_admin/new/").get_data(as_text=True))
    assert "heure de Bruxelles" in form and "UTC" not in form
    token = csrf_token(client, "/admin/messages_admin/new/")
    response = client.post(
        "/admin/messages_admin/new/",
        data={
            "csrf_token": token,
            "title": "Heure locale",
            "body": "Test.",
            "audience": "coordinator",
            "published_from": "2026-12-01T08:05",
            "published_until": "2027-07-01T08:05",
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(title="Heure locale")
    assert message.published_from == datetime(2026, 12, 1, 7, 5)
    assert message.published_until == datetime(2027, 7, 1, 6, 5)
    edit = client.get(f"/admin/messages_admin/edit/?id={message.pk}").get_data(as_text=True)
    assert 'value="2026-12-01T08:05"' in edit and 'value="2027-07-01T08:05"' in edit
    listing = unescape(client.get("/admin/messages_admin/").get_data(as_text=True))
    assert "1 décembre 2026 à 08:05" in listing
