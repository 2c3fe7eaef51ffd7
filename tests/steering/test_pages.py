"""The pages of steering: « À approuver », send back and decline buttons, « Mes notifications »,
the support's count; CSRF, confirmation, French messages, scoping."""

from html import unescape

import pytest

from app.models import AccessRequest, Convention, Pole, User
from app.rules.states import Kind, Status
from tests.conftest import csrf_token


@pytest.fixture
def signed_specific(staged) -> Convention:
    pole = Pole.objects.get(number=1)
    return Convention.objects.get(pole=pole, kind=Kind.SPECIFIC_PARTNERSHIP, status=Status.SIGNED)


@pytest.fixture
def validated_partnership(staged) -> Convention:
    pole = Pole.objects.get(number=1)
    return Convention.objects.get(pole=pole, kind=Kind.PARTNERSHIP)


def test_the_queue_lists_the_signed_convention_with_its_draft_pdf(signed_specific, login_as):
    client = login_as("admin")
    html = client.get("/admin/a-approuver/").get_data(as_text=True)
    assert f'data-convention="{signed_specific.pk}"' in html
    assert f"/conventions/{signed_specific.pk}/pdf" in html
    assert 'data-testid="approvals-count">1<' in html


@pytest.mark.parametrize("who", ["coord1", "po-siege1", "gestionnaire", "support"])
def test_only_the_administration_reaches_the_queue(staged, login_as, who):
    assert login_as(who).get("/admin/a-approuver/").status_code == 403


def test_approve_from_the_queue_comes_back_to_it(signed_specific, login_as):
    client = login_as("admin")
    token = csrf_token(client, "/admin/a-approuver/")
    response = client.post(
        f"/conventions/{signed_specific.pk}/approuver",
        data={"csrf_token": token, "retour": "a-approuver", "confirm": "oui"},
    )
    assert response.status_code == 302 and response.location.endswith("/admin/a-approuver/")
    assert Convention.objects.get(id=signed_specific.pk).status == Status.APPROVED
    page = client.get("/admin/a-approuver/").get_data(as_text=True)
    assert "est approuvée" in page and "Aucune convention n'attend votre approbation" in page


def test_approving_from_the_queue_is_confirmed_first(signed_specific, login_as):
    client = login_as("admin")
    queue = client.get("/admin/a-approuver/").get_data(as_text=True)
    link = f"/conventions/{signed_specific.pk}/approuver?retour=a-approuver"
    assert f'href="{link}"' in queue.replace("&amp;", "&")
    page = client.get(link).get_data(as_text=True)
    assert "Approuver et sceller la convention ?" in page
    assert 'name="retour" value="a-approuver"' in page  # carried to the POST
    assert 'href="/admin/a-approuver/"' in page  # « Annuler » goes back to the queue
    token = csrf_token(client, link)
    unconfirmed = client.post(
        f"/conventions/{signed_specific.pk}/approuver",
        data={"csrf_token": token, "retour": "a-approuver"},
    )
    assert unconfirmed.status_code == 303 and "retour=a-approuver" in unconfirmed.location
    assert Convention.objects.get(id=signed_specific.pk).status == Status.SIGNED


def test_send_back_from_the_queue_is_confirmed_with_its_reason(signed_specific, login_as):
    client = login_as("admin")
    token = csrf_token(client, "/admin/a-approuver/")
    url = f"/conventions/{signed_specific.pk}/renvoyer"
    base = {"csrf_token": token, "retour": "a-approuver"}
    # The queue's form: the reason is carried onto the confirmation page, nothing changes.
    page = client.post(url, data={**base, "reason": "Article 3 incomplet"})
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and "la convention repartira en brouillon" in html.lower()
    assert ">Article 3 incomplet</textarea>" in html
    assert 'name="retour" value="a-approuver"' in html
    assert 'href="/admin/a-approuver/" data-testid="confirm-cancel"' in html
    assert Convention.objects.get(id=signed_specific.pk).status == Status.SIGNED
    page = client.post(url, data={**base, "reason": "  ", "confirm": "oui"})  # no reason
    assert page.status_code == 400
    assert "Indiquez le motif du renvoi" in unescape(page.get_data(as_text=True))
    assert Convention.objects.get(id=signed_specific.pk).status == Status.SIGNED
    done = client.post(url, data={**base, "reason": "Article 3 incomplet", "confirm": "oui"})
    assert done.location.endswith("/admin/a-approuver/")
    assert Convention.objects.get(id=signed_specific.pk).status == Status.DRAFT


def test_send_back_without_csrf_changes_nothing(signed_specific, login_as):
    client = login_as("admin")
    response = client.post(
        f"/conventions/{signed_specific.pk}/renvoyer",
        data={"reason": "motif", "confirm": "oui"},
    )
    assert response.status_code == 400
    assert Convention.objects.get(id=signed_specific.pk).status == Status.SIGNED


def test_the_pole_reads_the_reason_on_the_convention(signed_specific, login_as, client):
    admin = login_as("admin")
    token = csrf_token(admin, f"/conventions/{signed_specific.pk}?etape=3")
    admin.post(
        f"/conventions/{signed_specific.pk}/renvoyer",
        data={"csrf_token": token, "reason": "Le texte de l article 3 manque.", "confirm": "oui"},
    )
    admin.post("/logout", data={"csrf_token": csrf_token(admin, "/")})
    coord = login_as("coord1")
    html = coord.get(f"/conventions/{signed_specific.pk}").get_data(as_text=True)
    assert 'data-testid="sent-back"' in html and "Le texte de l article 3 manque." in html


def test_the_po_delegate_declines_from_to_sign(validated_partnership, login_as):
    client = login_as("po-part1")
    page = client.get("/a-signer").get_data(as_text=True)
    assert 'data-testid="decline-box"' in page
    token = csrf_token(client, "/a-signer")
    url = f"/a-signer/{validated_partnership.pk}/refuser"
    client.post(url, data={"csrf_token": token, "comment": "Non."})  # box not ticked
    assert Convention.objects.get(id=validated_partnership.pk).history == []
    client.post(
        url, data={"csrf_token": token, "comment": "La clé de répartition.", "confirm": "oui"}
    )
    stored = Convention.objects.get(id=validated_partnership.pk)
    assert [e.text for e in stored.history] == ["La clé de répartition."]
    page = client.get("/a-signer").get_data(as_text=True)
    assert 'data-testid="declined"' in page  # still listed: the delegate may still sign


def test_the_pole_sees_the_decline_on_step_3(validated_partnership, login_as):
    client = login_as("po-part1")
    token = csrf_token(client, f"/conventions/{validated_partnership.pk}?etape=3")
    client.post(
        f"/conventions/{validated_partnership.pk}/refuser-de-signer",
        data={"csrf_token": token, "comment": "À revoir.", "confirm": "oui"},
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    coord = login_as("coord1")
    html = coord.get(f"/conventions/{validated_partnership.pk}?etape=3").get_data(as_text=True)
    assert 'data-testid="declines"' in html and "À revoir." in html


def test_another_poles_user_cannot_decline(validated_partnership, login_as):
    client = login_as("coord2")
    token = csrf_token(client, "/")
    response = client.post(
        f"/conventions/{validated_partnership.pk}/refuser-de-signer",
        data={"csrf_token": token, "comment": "Non.", "confirm": "oui"},
    )
    assert response.status_code == 404
    assert Convention.objects.get(id=validated_partnership.pk).history == []


def test_my_notifications_page(staged, login_as):
    client = login_as("po-part1")
    page = client.get("/mes-notifications").get_data(as_text=True)
    assert "Un résumé quotidien" in page and "toujours envoyés" in page
    token = csrf_token(client, "/mes-notifications")
    client.post("/mes-notifications", data={"csrf_token": token, "preference": "digest"})
    assert User.objects.get(username="po-part1").notifications == "digest"
    response = client.post("/mes-notifications", data={"csrf_token": token, "preference": "always"})
    assert "Choisissez une des trois" in response.get_data(as_text=True)
    assert User.objects.get(username="po-part1").notifications == "digest"


def test_support_sees_the_count_of_pending_requests(staged, login_as):
    pending = AccessRequest.objects(status="pending").count()
    html = login_as("support").get("/").get_data(as_text=True)
    assert f"Demandes en attente ({pending})" in html


def test_the_pole_home_lists_what_awaits_each_profile(staged, login_as, client):
    coord = login_as("coord1").get("/").get_data(as_text=True)
    assert 'data-testid="tasks-complete"' in coord and "à compléter" in coord
    assert "Liste des écoles à valider" in coord and "échéance" in coord
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    signer = login_as("po-part1").get("/").get_data(as_text=True)
    partnership = Convention.objects.get(kind=Kind.PARTNERSHIP, status=Status.VALIDATED)
    assert 'data-testid="tasks-sign"' in signer
    assert f"/a-signer#convention-{partnership.pk}" in signer
    assert 'data-testid="tasks-complete"' not in signer
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    director = login_as("dir-siege1").get("/").get_data(as_text=True)
    assert 'data-testid="tasks-acknowledge"' in director
