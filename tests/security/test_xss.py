"""Stored and reflected XSS: HTML and script typed into every free-text field we can reach
come back escaped on every page that shows them."""

import io
import re

import pytest

from app.models import (
    AccessRequest,
    Convention,
    OrganisingAuthority,
    Pole,
    School,
    User,
)
from tests.access.helpers import director_form
from tests.conftest import csrf_token, login
from tests.raw import raw_conventions

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = [SCRIPT, "<img src=x onerror=alert(1)>", "onerror=alert(1)>"]


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{raw!r} unescaped on {where}"


@pytest.fixture
def poisoned(demo):
    """Payloads in the school, PO, pole, user, article and convention fields of pole 1."""
    School.objects(fase=2115).update_one(set__name=f"École {SCRIPT}", set__city=IMG)
    OrganisingAuthority.objects(fase=1004).update_one(set__name=f"PO {IMG}", set__street=SCRIPT)
    Pole.objects(number=1).update_one(set__name=f"Pôle {SCRIPT}")
    User.objects(username="coord1").update_one(set__first_name=SCRIPT, set__last_name=IMG)
    conv = Convention.objects.get(
        pole=Pole.objects.get(number=1).pk, kind="cooperation", status="draft"
    )
    n = len(conv.articles)
    # Straight to the collection: the test needs data the forms would also accept as text.
    raw_conventions().update_one(
        {"_id": conv.pk},
        {
            "$set": {
                "schools.0.name": f"École {SCRIPT}",
                "schools.0.po_name": f"PO {IMG}",
                **{f"articles.{i}.body": f"Texte {SCRIPT} {IMG}" for i in range(n)},
            }
        },
    )
    return conv


def test_pole_pages_escape_stored_payloads(poisoned, client):
    conv = poisoned
    login(client, "coord1")
    pages = ["/", "/structure", "/poles/1/structure", f"/conventions/{conv.pk}"]
    pages += [f"/conventions/{conv.pk}/articles/{a.key}" for a in conv.articles]
    pages += ["/poles/1/ajouter/cooperating", "/poles/1/ajouter/partner"]
    seen = 0
    for page in pages:
        response = client.get(page, follow_redirects=True)
        assert response.status_code in (200, 404), page
        html = response.get_data(as_text=True)
        assert_escaped(html, page)
        seen += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert seen >= 3  # the payloads are shown (escaped), not dropped


def test_back_office_pages_escape_stored_payloads(poisoned, client):
    login(client, "admin")
    school = School.objects.get(fase=2115)
    po = OrganisingAuthority.objects.get(fase=1004)
    user = User.objects.get(username="coord1")
    pole = Pole.objects.get(number=1)
    pages = [
        "/admin/",
        "/admin/schools_admin/",
        f"/admin/schools_admin/details/?id={school.pk}",
        f"/admin/schools_admin/edit/?id={school.pk}",
        "/admin/pos_admin/",
        f"/admin/pos_admin/details/?id={po.pk}",
        "/admin/poles_admin/",
        f"/admin/poles_admin/details/?id={pole.pk}",
        "/admin/users_admin/",
        f"/admin/users_admin/details/?id={user.pk}",
        "/admin/conventions_admin/",
        f"/admin/conventions_admin/details/?id={poisoned.pk}",
        "/support/utilisateurs/coord1",
        "/support/utilisateurs?q=coord",
        "/admin/schools_admin/?search=" + SCRIPT,
    ]
    shown = 0
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert_escaped(html, page)
        shown += "&lt;script&gt;" in html
    assert shown >= 5


def test_access_request_fields_are_escaped_everywhere(demo, app):
    visitor = app.test_client()
    text_fields = [
        "po_name",
        "po_address",
        "school_name",
        "school_address",
        "signatory_last_name",
        "signatory_first_name",
        "signatory_capacity_other",
        "person_last_name",
        "person_first_name",
        "person_function",
    ]
    form = director_form(signatory_capacity="other", **{f: f"{SCRIPT}{IMG}" for f in text_fields})
    token = csrf_token(visitor, "/acces/demande")
    # First with an invalid e-mail: the form comes back with what was typed.
    reflected = visitor.post(
        "/acces/demande", data=dict(form, person_email=IMG, csrf_token=token)
    ).get_data(as_text=True)
    assert_escaped(reflected, "formulaire renvoyé")
    assert "&lt;script&gt;" in reflected
    done = visitor.post(
        "/acces/demande",
        data=dict(
            form,
            csrf_token=token,
            attachment=(io.BytesIO(b"x"), f"{SCRIPT}.pdf", "application/pdf"),
        ),
        content_type="multipart/form-data",
    )
    assert_escaped(done.get_data(as_text=True), "formulaire (pièce jointe refusée)")
    done = visitor.post("/acces/demande", data=dict(form, csrf_token=token))
    assert_escaped(done.get_data(as_text=True), "confirmation")
    reference = AccessRequest.objects.get().reference

    support = app.test_client()
    login(support, "support")
    for page in [
        "/support/demandes",
        f"/support/demandes?q={SCRIPT}",
        f"/support/demandes/{reference}",
        "/support/utilisateurs?q=" + SCRIPT,
    ]:
        html = support.get(page).get_data(as_text=True)
        assert_escaped(html, page)
    detail = support.get(f"/support/demandes/{reference}").get_data(as_text=True)
    assert len(re.findall("&lt;script&gt;", detail)) >= len(text_fields)


def test_reflected_query_strings_are_escaped(demo, client):
    for page in [f"/login?next={SCRIPT}", f"/acces/demande?profil={SCRIPT}"]:
        assert_escaped(client.get(page).get_data(as_text=True), page)
    login(client, "support")
    for page in [f"/support/demandes?q={IMG}&statut={SCRIPT}", f"/support/demandes/{SCRIPT}"]:
        assert_escaped(client.get(page).get_data(as_text=True), page)
