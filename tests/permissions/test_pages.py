"""The pages of issue 4: signing and acknowledging, home messages, help switch, pole
selection, and the data manager's structure page."""

import html as html_lib
import re
from datetime import timedelta

import pytest
from mongoengine import ValidationError

from app.models import AuditEvent, Convention, Message, OrganisingAuthority, School, User
from app.models.base import utcnow
from app.rules.states import Status
from app.services import directory
from tests.conftest import csrf_token, login
from tests.exchange.helpers import current_rows, directory_csv
from tests.permissions.conftest import pole1_conventions

ALERT_RE = re.compile(r'class="alert alert-(\w+)"[^>]*>([^<]*)<')


def _client(demo, username):
    client = demo.test_client()
    assert login(client, username).status_code == 302
    return client


def _alerts(html: str) -> list[tuple[str, str]]:
    return [(kind, html_lib.unescape(text).strip()) for kind, text in ALERT_RE.findall(html)]


def test_signing_needs_the_confirmation(demo):
    client = _client(demo, "po-part1")
    conv = pole1_conventions()["partnership"]
    token = csrf_token(client, "/a-signer")
    response = client.post(
        f"/a-signer/{conv.pk}", data={"csrf_token": token}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert 'data-testid="confirmation"' in html  # the confirmation page, nothing recorded
    assert 'href="/a-signer#convention-' in html  # its cancel link: back to the queue
    assert len(Convention.objects.get(id=conv.pk).signatures) == 0
    response = client.post(
        f"/a-signer/{conv.pk}", data={"csrf_token": token, "confirm": "oui"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert 'data-testid="nothing-to-sign"' in html
    assert html.count('data-testid="signed-convention"') == 1
    signatures = Convention.objects.get(id=conv.pk).signatures
    assert [s.username for s in signatures] == ["po-part1"]
    # Signing twice is refused by the rules, in French, without a second signature.
    response = client.post(
        f"/a-signer/{conv.pk}", data={"csrf_token": token, "confirm": "oui"}, follow_redirects=True
    )
    assert any(kind == "danger" for kind, _ in _alerts(response.get_data(as_text=True)))
    assert len(Convention.objects.get(id=conv.pk).signatures) == 1


def test_the_seat_delegate_sees_what_awaits_the_seat_po(demo):
    client = _client(demo, "po-siege1")
    html = client.get("/a-signer").get_data(as_text=True)
    partnership = pole1_conventions()["partnership"]
    assert re.findall(r'data-testid="pending-convention" data-convention="(\w+)"', html) == [
        str(partnership.pk)
    ]
    assert "Vous signez au nom de <strong>Ville de Liège</strong>" in html
    # The specific partnership he signed already is listed under « Conventions signées ».
    assert str(pole1_conventions()["specific_partnership"].pk) in html.split('id="signees"')[1]


@pytest.mark.parametrize("username", ["coord1", "dir-part1", "admin", "support"])
def test_only_po_delegates_have_the_signing_page(demo, username):
    client = _client(demo, username)
    assert client.get("/a-signer").status_code == 404
    assert "À signer" not in client.get("/").get_data(as_text=True).split("</nav>")[0]


def test_director_acknowledges_the_approved_ressort(demo):
    client = _client(demo, "dir-siege1")
    ressort = pole1_conventions()["ressort"]
    html = client.get("/a-prendre-connaissance").get_data(as_text=True)
    assert f'data-convention="{ressort.pk}"' in html
    assert f"/conventions/{ressort.pk}/pdf" in html
    token = csrf_token(client, "/a-prendre-connaissance")
    client.post(
        f"/a-prendre-connaissance/{ressort.pk}", data={"csrf_token": token, "confirm": "oui"}
    )
    conv = Convention.objects.get(id=ressort.pk)
    assert [a.username for a in conv.acknowledgments] == ["dir-siege1"]
    html = client.get("/a-prendre-connaissance").get_data(as_text=True)
    assert 'data-testid="nothing-to-acknowledge"' in html
    assert html.count('data-testid="acknowledged-convention"') == 1


def test_home_message_boxes(demo):
    Message(
        title="Ancien",
        body="Expiré",
        published_from=utcnow() - timedelta(days=9),
        published_until=utcnow() - timedelta(days=1),
    ).save()
    Message(title="Futur", body="Pas encore", published_from=utcnow() + timedelta(days=1)).save()
    html = _client(demo, "po-part1").get("/").get_data(as_text=True)
    general, personal = html.split('id="msg-mine-title"')
    assert "Ouverture de la campagne" in general
    assert "Signature des conventions" in general  # for partner PO delegates
    assert "Délégué du pouvoir organisateur" in personal  # addressed to PO 1002
    assert "Dérogation de zone reçue" not in html  # addressed to school 2103
    assert "Ancien" not in html and "Futur" not in html
    assert 'data-testid="to-sign-count">1<' in html

    html = _client(demo, "dir-part1").get("/").get_data(as_text=True)
    assert "Dérogation de zone reçue" in html.split('id="msg-mine-title"')[1]
    assert "Signature des conventions" not in html

    html = _client(demo, "coord2").get("/").get_data(as_text=True)
    assert "Dérogation de zone reçue" not in html and "Délégué du pouvoir organisateur" not in html


def test_message_audience_needs_its_target(demo):
    with pytest.raises(ValidationError, match="doit préciser l'école"):
        Message(title="À une école", body="Texte", audience="school").save()
    school = School.objects.get(fase=2101)
    message = Message(title="Pour tous", body="Texte", audience="all", school=school)
    message.save()
    assert message.reload().school is None


def test_admin_writes_a_message(demo):
    client = _client(demo, "admin")
    token = csrf_token(client, "/admin/messages_admin/new/")
    response = client.post(
        "/admin/messages_admin/new/",
        data={
            "csrf_token": token,
            "title": "Maintenance",
            "body": "Le 3 décembre.",
            "audience": "coordinator",
            "published_from": "2020-01-01T08:00",
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(title="Maintenance")
    assert message.created_by == "admin"
    created = AuditEvent.objects.get(action="message_created")
    assert created.target == f"message:{message.pk}"
    assert created.details == {"audience": "coordinator"}
    assert "Maintenance" in _client(demo, "coord2").get("/").get_data(as_text=True)
    assert "Maintenance" not in _client(demo, "dir-part1").get("/").get_data(as_text=True)
    data = {"csrf_token": token, "id": str(message.pk), "confirm": "oui"}
    assert client.post("/admin/messages_admin/delete/", data=data).status_code == 302
    assert Message.objects(pk=message.pk).count() == 0
    deleted = AuditEvent.objects.get(action="message_deleted")
    assert deleted.target == f"message:{message.pk}" and not deleted.details


def test_admin_edits_an_account_with_its_audit_event(demo):
    client = _client(demo, "admin")
    account = User.objects.get(username="po-coop1")
    edit = f"/admin/users_admin/edit/?id={account.pk}"
    token = csrf_token(client, edit)
    fields = ("username", "last_name", "first_name", "email", "phone")
    data = {"csrf_token": token, **{f: getattr(account, f) or "" for f in fields}}
    assert client.post(edit, data=data).status_code == 302  # "active" unticked
    assert User.objects.get(pk=account.pk).active is False
    event = AuditEvent.objects.get(action="user_updated")
    assert event.target == "user:po-coop1" and event.details == {"active": False}


def test_help_switch(demo):
    client = _client(demo, "dir-part1")
    token = csrf_token(client, "/")
    response = client.post(
        "/aide-contextuelle", data={"csrf_token": token, "enabled": "0", "next": "//evil.example/"}
    )
    assert response.status_code == 302 and response.location == "/"
    assert User.objects.get(username="dir-part1").help_enabled is False
    assert 'class=" help-off"' in client.get("/guide").get_data(as_text=True)
    client.post("/aide-contextuelle", data={"csrf_token": token, "enabled": "1", "next": "/guide"})
    assert User.objects.get(username="dir-part1").help_enabled is True


def test_help_pages_include_the_content(demo):
    client = _client(demo, "po-coop1")
    assert "Les pôles territoriaux" in client.get("/informations-generales").get_data(as_text=True)
    assert client.get("/guide").status_code == 200


def test_one_pole_goes_straight_in(demo):
    client = _client(demo, "dir-part1")
    response = client.get("/selection-du-pole")
    assert response.status_code == 302 and response.location.endswith("/poles/1/structure")
    assert "Pôle 1 –" in client.get("/").get_data(as_text=True).split("</header>")[0]


def test_backoffice_searches_the_48_poles(demo):
    client = _client(demo, "admin")
    html = client.get("/selection-du-pole?q=Namur").get_data(as_text=True)
    assert "Pôle 3 – " in html and "Pôle 1 – " not in html


# --- data managers -----------------------------------------------------------------------


def test_data_manager_adds_a_missing_cooperating_school(demo):
    client = _client(demo, "gestionnaire")
    token = csrf_token(client, "/gestion/poles/2")
    school = School(
        fase=3999,
        name="École coopérante oubliée",
        zone=1,
        education="ordinary",
        po=OrganisingAuthority.objects.get(fase=1006),
    ).save()
    response = client.post(
        "/gestion/poles/2/ajouter",
        data={"csrf_token": token, "fase": "3999", "role": "cooperating"},
        follow_redirects=True,
    )
    # PO 1006 is the seat's: the school went to the ressort, which the page says after.
    alerts = _alerts(response.get_data(as_text=True))
    assert [kind for kind, _ in alerts] == ["success", "info"]
    assert "a été ajoutée comme école coopérante : « Ressort" in alerts[0][1]
    assert "elle a été inscrite dans le ressort" in alerts[1][1]
    assert Convention.objects(schools__school=school.pk).count() == 1


def test_a_validated_list_must_be_reopened_by_the_administration(demo):
    coop = pole1_conventions()["coop1003"]
    assert coop.status == Status.LIST_VALIDATED
    po = OrganisingAuthority.objects.get(fase=1003)
    School(fase=3998, name="École de Herstal-Nord", zone=4, education="ordinary", po=po).save()
    manager = _client(demo, "gestionnaire")
    token = csrf_token(manager, "/gestion/poles/1")
    html = manager.get("/gestion/poles/1").get_data(as_text=True)
    assert "Seul un administrateur peut rouvrir une liste" in html
    assert "Rouvrir la liste" not in html
    response = manager.post(
        "/gestion/poles/1/ajouter",
        data={"csrf_token": token, "fase": "3998", "role": "cooperating"},
        follow_redirects=True,
    )
    assert any(kind == "danger" for kind, _ in _alerts(response.get_data(as_text=True)))
    assert len(Convention.objects.get(id=coop.pk).schools) == len(coop.schools)
    # The data manager may not reopen it, even by forging the request.
    response = manager.post(
        f"/gestion/poles/1/conventions/{coop.pk}/rouvrir-liste",
        data={"csrf_token": token, "confirm": "oui"},
        follow_redirects=True,
    )
    assert Convention.objects.get(id=coop.pk).status == Status.LIST_VALIDATED

    admin = _client(demo, "admin")
    token = csrf_token(admin, "/gestion/poles/1")
    assert "Rouvrir la liste" in admin.get("/gestion/poles/1").get_data(as_text=True)
    response = admin.post(
        f"/gestion/poles/1/conventions/{coop.pk}/rouvrir-liste",
        data={"csrf_token": token, "reason": "École oubliée", "confirm": "oui"},
        follow_redirects=True,
    )
    assert ("success", f"La liste des écoles de « {coop.title} » est rouverte.") in _alerts(
        response.get_data(as_text=True)
    )
    assert Convention.objects.get(id=coop.pk).status == Status.DRAFT
    assert AuditEvent.objects(action="convention.reopen_list").count() >= 1
    response = manager.post(
        "/gestion/poles/1/ajouter",
        data={
            "csrf_token": csrf_token(manager, "/gestion/poles/1"),
            "fase": "3998",
            "role": "cooperating",
        },
        follow_redirects=True,
    )
    assert len(Convention.objects.get(id=coop.pk).schools) == len(coop.schools) + 1


def test_creating_a_school_reports_model_errors(demo):
    client = _client(demo, "gestionnaire")
    token = csrf_token(client, "/gestion/poles/2")
    data = {
        "csrf_token": token,
        "fase": "3997",
        "role": "specific_partner",
        "name": "IRSA bis",
        "zone": "1",
        "education": "specialized",
        "po_fase": "1005",
    }
    response = client.post("/gestion/poles/2/creer-ecole", data=data)
    assert response.status_code == 400
    assert School.objects(fase=3997).count() == 0
    assert any(kind == "danger" for kind, _ in _alerts(response.get_data(as_text=True)))
    data["types"] = ["6"]
    response = client.post("/gestion/poles/2/creer-ecole", data=data, follow_redirects=True)
    assert School.objects(fase=3997).count() == 1
    assert "a été ajoutée comme école partenaire spécifique" in response.get_data(as_text=True)


def test_pole_users_have_no_structure_management(demo):
    client = _client(demo, "coord1")
    assert client.get("/gestion/poles/1").status_code == 404
    token = csrf_token(client, "/")
    response = client.post(
        "/gestion/poles/1/corriger", data={"csrf_token": token, "fase": "2113", "zone": "5"}
    )
    assert response.status_code == 404
    assert School.objects.get(fase=2113).zone == 4


def _gated_posts() -> list[tuple[str, dict, int]]:
    """The POST pages of the structure management and the directory import, with the answer
    of the view itself (reached once the gate lets the user through): empty forms are
    refused (400), the list reopening asks for its confirmation (303), a kept import is
    confirmed (302). Their GET pages are in the URL matrix."""
    coop = pole1_conventions()["coop1003"]
    upload = directory.preview(
        "annuaire.csv", directory_csv(current_rows()), User.objects.get(username="gestionnaire")
    )
    return [
        ("/gestion/poles/1/ajouter", {}, 400),
        ("/gestion/poles/1/creer-ecole", {}, 400),
        ("/gestion/poles/1/corriger", {}, 400),
        (f"/gestion/poles/1/conventions/{coop.pk}/rouvrir-liste", {}, 303),
        ("/gestion/annuaire/apercu", {}, 400),
        (f"/gestion/annuaire/{upload.import_id}/confirmer", {}, 302),
    ]


# MANAGE_STRUCTURE and IMPORT_DIRECTORY: the Administration and the data managers.
@pytest.mark.parametrize(
    ("username", "permitted"),
    [
        ("admin", True),
        ("gestionnaire", True),
        ("support", False),
        ("coord1", False),
        ("dir-part1", False),
        ("po-coop1", False),
    ],
)
def test_structure_and_directory_posts_are_gated(demo, username, permitted):
    client = _client(demo, username)
    token = csrf_token(client, "/")
    wrong = []
    for path, data, answer in _gated_posts():
        got = client.post(path, data={"csrf_token": token, **data}).status_code
        if got != (answer if permitted else 404):
            wrong.append(f"{path}: {got}")
    assert not wrong, wrong
