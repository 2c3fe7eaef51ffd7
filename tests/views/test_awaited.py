"""After each signature the user reads who is still awaited; « À signer » offers the PDF."""

from html import unescape

from app.rules.states import Status
from app.services import workflow
from tests.conftest import csrf_token
from tests.views.conftest import at_stage, reload, url, user


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_signing_from_the_convention_page_says_who_is_still_awaited(client_for, coop):
    conv = at_stage(coop, Status.VALIDATED)
    client = client_for("po-siege1")
    assert "Signatures encore attendues : Ville de Liège et Commune de Herstal." in text(
        client.get(url(conv, "?etape=3"))
    )
    token = csrf_token(client, url(conv, "?etape=3"))
    response = client.post(
        url(conv, "/signer"), data={"csrf_token": token, "confirm": "oui"}, follow_redirects=True
    )
    html = text(response)
    assert (
        f"Votre signature au nom de Ville de Liège a été enregistrée : « {conv.title} ». "
        "Signature encore attendue : Commune de Herstal." in html
    )
    assert 'data-testid="awaited">Signature encore attendue : Commune de Herstal.' in html


def test_the_last_signature_says_the_administration_is_next(client_for, coop):
    conv = at_stage(coop, Status.VALIDATED)
    workflow.sign(conv, user("po-siege1"))
    client = client_for("po-coop1")
    token = csrf_token(client, "/a-signer")
    response = client.post(
        f"/a-signer/{conv.pk}", data={"csrf_token": token, "confirm": "oui"}, follow_redirects=True
    )
    assert reload(conv).status == Status.SIGNED
    assert "attend maintenant l'approbation de l'Administration" in text(response)


def test_to_sign_offers_the_pdf_of_each_convention(client_for, coop):
    conv = at_stage(coop, Status.VALIDATED)
    client = client_for("po-coop1")
    html = text(client.get("/a-signer"))
    pdf = f"/conventions/{conv.pk}/pdf"
    assert f'href="{pdf}" data-testid="sign-pdf"' in html
    response = client.get(pdf)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_acknowledging_says_which_directors_are_still_awaited(client_for, coop):
    conv = at_stage(coop, Status.APPROVED)
    client = client_for("dir-coop1")
    token = csrf_token(client, "/a-prendre-connaissance")
    response = client.post(
        f"/a-prendre-connaissance/{conv.pk}",
        data={"csrf_token": token, "confirm": "oui"},
        follow_redirects=True,
    )
    html = text(response)
    assert "Votre prise de connaissance a été enregistrée" in html
    # The seat school and the other cooperating school (2114) have not acknowledged yet.
    assert "Prises de connaissance encore attendues : " in html
