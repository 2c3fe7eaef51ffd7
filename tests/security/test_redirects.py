"""Open redirects: ``next`` after login and Flask-Admin's ``url`` (return address of the
create/edit/delete forms) never send a user to another site or to a script."""

from urllib.parse import urlsplit

import pytest

from app.models import OrganisingAuthority
from tests.conftest import DEMO_PASSWORD, csrf_token, login

EVIL = [
    "//evil.example",
    "//evil.example/login",
    "https://evil.example/",
    "http://evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    "///evil.example",
    " //evil.example",
    "https:evil.example",
    "/%2F%2Fevil.example",
]


def stays_on_host(location: str) -> bool:
    parts = urlsplit(location)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
        return False
    return "evil.example" not in parts.netloc and not location.lower().startswith("javascript")


@pytest.mark.parametrize("target", EVIL)
def test_login_next_stays_on_host(demo, client, target):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "coord1", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert stays_on_host(response.location), response.location
    # Once logged in, /login?next=… redirects too.
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302 and stays_on_host(again.location), again.location


def test_login_next_local_path_is_kept(demo, client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=/structure",
        data={"username": "coord1", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.location.endswith("/structure")


def test_login_form_does_not_echo_a_script_next(demo, client):
    html = client.get("/login", query_string={"next": "javascript:alert(1)"}).get_data(as_text=True)
    assert 'href="javascript:' not in html and 'action="javascript:' not in html


def _throwaway_po() -> OrganisingAuthority:
    return OrganisingAuthority(fase=9901, name="PO jetable", city="Liège").save()


@pytest.mark.parametrize("target", EVIL)
def test_admin_url_parameter_stays_on_host(demo, client, target):
    login(client, "admin")
    po = _throwaway_po()
    # The edit page's "Annuler" link and form do not carry a foreign address.
    page = client.get(
        "/admin/pos_admin/edit/", query_string={"id": str(po.pk), "url": target}
    ).get_data(as_text=True)
    assert "javascript:alert" not in page.lower()
    assert 'href="//evil.example' not in page and 'href="https://evil.example' not in page
    token = csrf_token(client, "/")
    edited = client.post(
        "/admin/pos_admin/edit/",
        query_string={"id": str(po.pk), "url": target},
        data={
            "csrf_token": token,
            "fase": "9901",
            "name": "PO jetable modifié",
            "street": "",
            "postal_code": "",
            "city": "Liège",
        },
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)[:300]
    assert stays_on_host(edited.location), edited.location
    deleted = client.post(
        "/admin/pos_admin/delete/",
        query_string={"url": target},
        data={"csrf_token": token, "confirm": "oui", "id": str(po.pk), "url": target},
    )
    assert deleted.status_code == 302
    assert stays_on_host(deleted.location), deleted.location
