"""The two flows of the issue, through the web pages only: a new director asks for access,
support approves, the director sets a password, logs in and sees the school's conventions;
then the PO asks for revocation and the director's open session ends at the next click."""

import io
import re
from html import unescape
from urllib.parse import unquote

from flask.testing import FlaskClient

from app.models import AccessRequest, AuditEvent, Convention, OutboxMessage, Pole, User
from tests.access.helpers import PDF, director_form, revocation_form
from tests.conftest import csrf_token, login

REFERENCE_RE = re.compile(r'data-testid="reference">(EP-\d{4}-\d{6})<')


def submit(client: FlaskClient, path: str, data: dict[str, str], pdf: bytes | None = PDF):
    form: dict = dict(data, csrf_token=csrf_token(client, path))
    if pdf is not None:
        form["attachment"] = (io.BytesIO(pdf), "formulaire-signe.pdf", "application/pdf")
    return client.post(path, data=form, content_type="multipart/form-data")


def approve(app, reference: str) -> None:
    support = app.test_client()
    login(support, "support")
    page = support.get(f"/support/demandes/{reference}").get_data(as_text=True)
    assert reference in page
    token = csrf_token(support, f"/support/demandes/{reference}")
    # A revocation is confirmed on its own page: its form sends confirm=oui.
    data = {"csrf_token": token, "confirm": "oui"}
    response = support.post(f"/support/demandes/{reference}/accepter", data=data)
    assert response.status_code == 302


def test_new_director_from_request_to_conventions(demo, app):
    visitor = app.test_client()
    login_page = visitor.get("/login").get_data(as_text=True)
    assert "Demande d'accès (annexes 1 à 3)" in login_page
    assert "Demande de révocation (annexe 5)" in login_page

    response = submit(visitor, "/acces/demande", director_form())
    assert response.status_code == 200
    reference = REFERENCE_RE.search(response.get_data(as_text=True)).group(1)
    assert AccessRequest.objects.get(reference=reference).attachment is not None

    support = app.test_client()
    login(support, "support")
    queue = support.get("/support/demandes").get_data(as_text=True)
    assert reference in queue and "Demandes en attente (1)" in queue
    detail = support.get(f"/support/demandes/{reference}").get_data(as_text=True)
    assert "Direction école partenaire – pôle 1, école FASE 2103" in detail
    attachment = support.get(f"/support/demandes/{reference}/formulaire.pdf")
    assert attachment.data == PDF and "attachment" in attachment.headers["Content-Disposition"]
    approve(app, reference)
    assert AccessRequest.objects.get(reference=reference).status == "approved"

    mail = OutboxMessage.objects.get(to="camille.lambotte@meuse.example")
    link = re.search(r"https?://[^\s]+(/mot-de-passe/[\w-]+)", mail.body).group(1)
    newcomer = app.test_client()
    assert login(newcomer, "clambotte", "Tilleuls-2026").status_code == 200  # no password yet
    page = newcomer.get(link).get_data(as_text=True)
    assert "Choisir votre mot de passe" in page and "clambotte" in page
    token = csrf_token(newcomer, link)
    weak = newcomer.post(
        link, data={"csrf_token": token, "password": "court", "confirmation": "court"}
    )
    assert weak.status_code == 400
    assert "au moins 10 caractères" in weak.get_data(as_text=True)
    done = newcomer.post(
        link,
        data={"csrf_token": token, "password": "Tilleuls-2026", "confirmation": "Tilleuls-2026"},
    )
    assert done.status_code == 302 and done.location.endswith("/login")
    assert newcomer.get(link).status_code == 404  # one use only

    assert login(newcomer, "clambotte", "Tilleuls-2026").status_code == 302
    pole = Pole.objects.get(number=1)
    partnership = Convention.objects.get(pole=pole, kind="partnership")
    structure = newcomer.get("/poles/1/structure").get_data(as_text=True)
    assert f"/conventions/{partnership.pk}" in structure
    assert newcomer.get(f"/conventions/{partnership.pk}").status_code == 200
    other = Convention.objects(pole=pole, kind="cooperation").first()
    assert newcomer.get(f"/conventions/{other.pk}").status_code == 404
    assert AuditEvent.objects(action="access_granted", target="user:clambotte").count() == 1
    assert AuditEvent.objects(action="password_set", actor="clambotte").count() == 1


def test_revocation_ends_the_open_session_at_the_next_click(demo, app):
    director = app.test_client()
    response = login(director, "dir-part1")
    assert response.status_code == 302
    remembered = app.test_client()
    login(remembered, "dir-part1", remember=True)
    remember_cookie = remembered.get_cookie("remember_token")
    assert remember_cookie is not None
    assert director.get("/").status_code == 200

    visitor = app.test_client()
    response = submit(visitor, "/acces/revocation", revocation_form(), pdf=None)
    assert response.status_code == 200
    reference = REFERENCE_RE.search(response.get_data(as_text=True)).group(1)
    assert director.get("/").status_code == 200  # nothing happens before the decision

    approve(app, reference)
    follow = director.get("/")
    assert follow.status_code == 302 and "/login" in follow.location

    # The remember-me cookie alone, without the session, is refused too.
    returning = app.test_client()
    returning.set_cookie("remember_token", remember_cookie.value)
    assert returning.get("/").status_code == 302
    user = User.objects.get(username="dir-part1")
    assert not user.active and user.grants == []
    assert login(app.test_client(), "dir-part1").status_code == 200  # cannot log in again
    assert AuditEvent.objects(action="access_revoked", target="user:dir-part1").count() == 1


def test_support_revokes_one_profile_from_the_account_page(demo, app):
    coordinator = app.test_client()
    login(coordinator, "coord1")
    assert coordinator.get("/").status_code == 200
    support = app.test_client()
    login(support, "support")
    page = support.get("/support/utilisateurs/coord1").get_data(as_text=True)
    keys = [unquote(unescape(k)) for k in re.findall(r'/revoquer\?grant=([^"]+)"', page)]
    assert len(keys) == 2
    token = csrf_token(support, "/support/utilisateurs/coord1")
    pole3 = str(Pole.objects.get(number=3).pk)
    key = next(k for k in keys if pole3 in k)
    response = support.post(
        "/support/utilisateurs/coord1/revoquer",
        data={"csrf_token": token, "grant": key, "confirm": "oui"},
        follow_redirects=True,
    )
    assert "Profil révoqué avec effet immédiat" in response.get_data(as_text=True)
    assert coordinator.get("/").status_code == 302
    assert [g.pole.number for g in User.objects.get(username="coord1").grants] == [1]


def test_form_errors_are_shown_field_by_field(demo, client):
    response = submit(
        client,
        "/acces/demande",
        director_form(school_fase="2101", person_email="x@"),
        pdf=b"<html>not a pdf</html>",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'data-field-error="school_fase"' in html
    assert "n&#39;appartient pas au pouvoir organisateur" in html
    assert 'data-field-error="person_email"' in html
    assert 'data-field-error="attachment"' in html
    assert 'id="f-school_fase"' in html and "is-invalid" in html
    assert 'value="Lambotte"' in html  # what was typed stays
    assert AccessRequest.objects.count() == 0


def test_support_rejects_with_a_reason(demo, app):
    visitor = app.test_client()
    html = submit(visitor, "/acces/demande", director_form()).get_data(as_text=True)
    reference = REFERENCE_RE.search(html).group(1)
    support = app.test_client()
    login(support, "support")
    token = csrf_token(support, f"/support/demandes/{reference}")
    empty = support.post(
        f"/support/demandes/{reference}/refuser",
        data={"csrf_token": token, "reason": ""},
        follow_redirects=True,
    )
    assert "Indiquez le motif du refus." in empty.get_data(as_text=True)
    done = support.post(
        f"/support/demandes/{reference}/refuser",
        data={"csrf_token": token, "reason": "Formulaire non signé par le PO."},
        follow_redirects=True,
    )
    assert "Formulaire non signé par le PO." in done.get_data(as_text=True)
    assert AccessRequest.objects.get(reference=reference).status == "rejected"


def test_queue_filters_and_access(demo, app):
    visitor = app.test_client()
    submit(visitor, "/acces/demande", director_form())
    submit(visitor, "/acces/revocation", revocation_form(), pdf=None)
    support = app.test_client()
    login(support, "support")
    revocations = support.get("/support/demandes?type=revocation").get_data(as_text=True)
    assert "dir-part1" in revocations and "clambotte" not in revocations
    by_name = support.get("/support/demandes?q=Lambotte").get_data(as_text=True)
    assert "clambotte" in by_name and "dir-part1" not in by_name
    by_fase = support.get("/support/demandes?q=2103&statut=tous").get_data(as_text=True)
    assert "clambotte" in by_fase and "dir-part1" in by_fase
    director = app.test_client()
    login(director, "dir-siege1")
    assert director.get("/support/demandes").status_code == 403
    assert "Demandes en attente" not in director.get("/").get_data(as_text=True)
