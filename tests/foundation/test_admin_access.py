"""Who reaches which back-office view: each demo account × each admin view."""

import pytest

from tests.conftest import login
from tests.demo_accounts import POLE_ACCOUNTS

VIEWS = {
    "/admin/": "index",
    "/admin/poles_admin/": "reference",
    "/admin/schools_admin/": "reference",
    "/admin/pos_admin/": "reference",
    "/admin/templates_admin/": "templates",
    "/admin/users_admin/": "users",
    "/admin/conventions_admin/": "conventions",
}
# What each back-office profile may open; every pole profile gets 403 everywhere.
ALLOWED = {
    "admin": {"index", "reference", "templates", "users", "conventions"},
    "gestionnaire": {"index", "reference", "conventions"},
    "support": {"index", "users"},
}
CASES = [
    (account, url, 200 if group in ALLOWED.get(account, set()) else 403)
    for account in [*ALLOWED, *POLE_ACCOUNTS]
    for url, group in VIEWS.items()
]


@pytest.mark.parametrize(("account", "url", "expected"), CASES)
def test_admin_view_access(demo, client, account, url, expected):
    login(client, account)
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", list(VIEWS))
def test_anonymous_admin_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.location


@pytest.mark.parametrize(
    ("url", "query", "expected", "absent"),
    [
        ("/admin/schools_admin/", "Tilleuls", "Institut d'enseignement spécialisé Les Tilleuls",
         "Sainte-Walburge"),
        ("/admin/schools_admin/", "2113", "École communale de Herstal-Centre", "Tilleuls"),
        ("/admin/pos_admin/", "1003", "Commune de Herstal", "Ville de Liège"),
        ("/admin/poles_admin/", "2", "Pôle territorial d'Ixelles", "Les Tanneries"),
    ],
)  # fmt: skip
def test_admin_search(demo, client, url, query, expected, absent):
    login(client, "admin")
    html = client.get(url, query_string={"search": query}).get_data(as_text=True)
    assert expected.replace("'", "&#39;") in html or expected in html
    assert absent not in html


def test_admin_list_shows_po_name_in_french(demo, client):
    login(client, "admin")
    html = client.get("/admin/schools_admin/").get_data(as_text=True)
    assert "Pouvoir organisateur" in html
    assert "Ville de Liège" in html
    assert 'placeholder="Rechercher : FASE, dénomination, localité"' in html


def test_support_does_not_see_back_office_accounts(demo, client):
    login(client, "support")
    html = client.get("/admin/users_admin/").get_data(as_text=True)
    assert "coord1" in html
    assert "gestionnaire" not in html


def test_admin_create_school_french_validation(demo, client):
    from tests.conftest import csrf_token

    login(client, "admin")
    token = csrf_token(client, "/admin/schools_admin/new/")
    from app.models import OrganisingAuthority, School

    po = OrganisingAuthority.objects.get(fase=1001)
    before = School.objects.count()
    response = client.post(
        "/admin/schools_admin/new/",
        data={
            "csrf_token": token,
            "fase": "2101",
            "name": "Doublon",
            "po": str(po.pk),
            "zone": "4",
            "education": "ordinary",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Le numéro FASE 2101 est déjà celui d&#39;une autre école." in html or (
        "Le numéro FASE 2101 est déjà celui d'une autre école." in html
    )
    assert School.objects.count() == before


def test_flask_admin_file_api_is_closed(demo, client):
    login(client, "admin")
    for view in ("schools_admin", "users_admin", "conventions_admin"):
        response = client.get(f"/admin/{view}/api/file/?id=1&coll=files&db=default")
        assert response.status_code == 404
