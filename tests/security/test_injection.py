"""MongoDB operator injection: ``{"$ne": null}`` in forms or JSON, ``__raw__`` and ``$where``
in query strings are plain text to e-Pôles — no login, no extra rows, no error."""

import re

import pytest

from app.models import AccessRequest, AuditEvent
from tests.access.helpers import director_form
from tests.conftest import csrf_token, login

ROW_RE = re.compile(r'href="/support/demandes/(EP-\d{4}-\d{6})"')


@pytest.mark.parametrize(
    "data",
    [
        {"username[$ne]": "", "password[$ne]": ""},
        {"username": "coord1", "password[$ne]": "x"},
        {"username[$regex]": ".*", "password[$ne]": ""},
        {"username": '{"$ne": null}', "password": '{"$ne": null}'},
        {"username": "coord1'||'1'=='1", "password": "' || 1==1 //"},
        {"username": "admin", "password": "", "password[$gt]": ""},
    ],
)
def test_login_form_operators_do_not_log_in(demo, client, data):
    token = csrf_token(client, "/login")
    response = client.post("/login", data=dict(data, csrf_token=token))
    assert response.status_code in (200, 400)
    assert client.get("/").status_code == 302
    assert AuditEvent.objects(action="login").count() == 0


def test_login_json_body_does_not_log_in(demo, client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        json={"username": {"$ne": None}, "password": {"$ne": None}, "csrf_token": token},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code in (200, 400)
    assert client.get("/").status_code == 302


def test_access_form_operators_are_refused_field_by_field(demo, client):
    token = csrf_token(client, "/acces/demande")
    form = director_form()
    del form["person_username"], form["school_fase"]
    form.update({"person_username[$ne]": "", "school_fase[$gt]": "0", "csrf_token": token})
    response = client.post("/acces/demande", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'data-field-error="person_username"' in html
    assert 'data-field-error="school_fase"' in html
    json_response = client.post(
        "/acces/demande",
        json=dict(director_form(person_username={"$ne": None}), csrf_token=token),
        headers={"X-CSRFToken": token},
    )
    assert json_response.status_code == 400
    assert AccessRequest.objects.count() == 0


def test_query_string_operators_list_nothing_more(demo, client):
    from app.services import access

    access.submit_request(director_form())
    access.submit_request(director_form(person_username="autre-personne"))
    login(client, "support")

    def rows(query: str) -> set[str]:
        response = client.get("/support/demandes" + query)
        assert response.status_code == 200, query
        return set(ROW_RE.findall(response.get_data(as_text=True)))

    everything = rows("?statut=tous")
    assert len(everything) == 2
    one = rows("?q=autre-personne")
    assert len(one) == 1
    # ``q[$ne]`` is not ``q``: the plain list (the pending requests), nothing more.
    assert rows("?q[$ne]=x") == everything
    for query in [
        "?q=autre-personne&__raw__={}",
        '?__raw__={"status":{"$ne":null}}&q=autre-personne',
        "?q=autre-personne&$where=1",
        "?q=autre-personne&statut[$ne]=x",
        '?statut={"$ne":"pending"}&q=autre-personne',
        "?type[$ne]=x&q=autre-personne",
        "?page[$gt]=0&q=autre-personne",
    ]:
        assert rows(query) == one, query
    assert rows("?q=.*") == set()  # a regex typed as text matches nothing


@pytest.mark.parametrize(
    ("path", "absent"),
    [
        ('/admin/schools_admin/?search={"$where":"1==1"}', "Sainte-Walburge"),
        ('/admin/schools_admin/?search={"$ne":null}', "Sainte-Walburge"),
        ("/admin/schools_admin/?search=.*", "Sainte-Walburge"),
        ("/admin/users_admin/?search=.*", "dir-part1"),
        ('/admin/users_admin/?search={"$gt":""}', "dir-part1"),
        ("/admin/schools_admin/?__raw__={}", None),
        ('/admin/schools_admin/?flt0_0={"$ne":null}', None),
        ("/admin/users_admin/?search[$ne]=x", None),
    ],
)
def test_back_office_search_is_text(demo, client, path, absent):
    login(client, "admin")
    response = client.get(path)
    assert response.status_code == 200
    if absent:
        assert absent not in response.get_data(as_text=True)
