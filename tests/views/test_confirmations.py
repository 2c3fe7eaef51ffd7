"""Irreversible steps are confirmed on a page of their own, without JavaScript.

For each step: the page's button is a link to the confirmation page, which says what will
follow; a GET and an unconfirmed POST change nothing (the POST is sent to the page); the
confirmed POST acts; a step not offered sends the user back with why.
"""

import re
from html import unescape

import pytest

from app.models import ApiClient, AuditEvent, User
from app.rules.states import Status
from app.services import api_clients, workflow
from app.views.conventions import confirmations
from tests.conftest import csrf_token, login
from tests.views.conftest import PDF_BYTES, at_stage, fill_articles, reload, school, url, user

CONFIRM = {"confirm": "oui"}
FORM_RE = re.compile(r'<form method="post" action="([^"]+)">')


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def confirmation_page(client, path: str) -> str:
    """The confirmation page at ``path``: its form posts back to it with confirm=oui."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    html = text(response)
    assert 'data-testid="confirmation"' in html
    assert FORM_RE.search(html).group(1) == path.split("?")[0]
    assert 'name="confirm" value="oui"' in html
    return html


def unconfirmed_post(client, path: str, data: dict | None = None):
    """A POST without the confirmation: sent (303) to the confirmation page."""
    token = csrf_token(client, "/")
    response = client.post(path, data={"csrf_token": token, **(data or {})})
    assert response.status_code == 303
    assert response.location.split("?")[0] == path
    return response


def carried_post(client, path: str, data: dict) -> str:
    """A POST without the confirmation, with the motive typed on the page it came from: the
    confirmation page, the motive in its text area."""
    token = csrf_token(client, "/")
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code == 200
    html = text(response)
    assert 'data-testid="confirmation"' in html and 'name="confirm" value="oui"' in html
    return html


def confirmed_post(client, path: str, data: dict | None = None, **kwargs):
    token = csrf_token(client, "/")
    return client.post(path, data={"csrf_token": token, **CONFIRM, **(data or {})}, **kwargs)


def events(conv, action: str) -> int:
    return AuditEvent.objects(convention=conv.pk, action=action).count()


# -- the convention's steps ------------------------------------------------------------------


STEPS = [v for v in vars(confirmations).values() if isinstance(v, confirmations.Step)]


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.endpoint)
def test_every_step_is_routed_at_its_path_and_asks_anonymous_users_to_log_in(app, client, step):
    """The table is the routes: each step answers GET and POST at its own path, signed in."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == f"conventions.{step.endpoint}")
    assert rule.rule == f"/conventions/<convention_id>/{step.path}"
    assert {"GET", "POST"} <= rule.methods
    response = client.get(f"/conventions/{'0' * 24}/{step.path}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_validating_the_list_is_confirmed_first(client_for, coop_draft):
    coop = coop_draft
    workflow.attach_derogation(coop, school(9301), "d.pdf", PDF_BYTES, user("coord1"))
    client = client_for("coord1")
    path = url(coop, "/valider-liste")
    step1 = text(client.get(url(coop, "?etape=1")))
    assert f'href="{path}" data-testid="validate-list"' in step1
    html = confirmation_page(client, path)
    assert "Valider la liste des écoles ?" in html
    assert "sera verrouillée : plus aucune école ne pourra y être ajoutée ni retirée" in html
    assert f"{len(coop.schools)} école" in html
    assert reload(coop).status == Status.DRAFT
    unconfirmed_post(client, path)
    assert reload(coop).status == Status.DRAFT
    assert events(coop, "convention.validate_list") == 0
    response = confirmed_post(client, path)
    assert response.location.endswith("etape=2")
    assert reload(coop).status == Status.LIST_VALIDATED


def test_validating_the_convention_says_it_locks_and_who_signs(client_for, coop):
    conv = at_stage(coop, Status.LIST_VALIDATED)
    conv = fill_articles(conv)
    client = client_for("coord1")
    path = url(conv, "/valider")
    html = confirmation_page(client, path)
    assert "La convention sera verrouillée : plus aucun article ne pourra être modifié." in html
    # The seat's PO (Ville de Liège) and the cooperating PO sign.
    assert "Ville de Liège" in html and "seront invités à signer" in html
    unconfirmed_post(client, path)
    assert reload(conv).status == Status.LIST_VALIDATED
    assert confirmed_post(client, path).location.endswith("etape=3")
    assert reload(conv).status == Status.VALIDATED


def test_validating_with_articles_missing_goes_back_to_what_is_missing(client_for, coop):
    conv = at_stage(coop, Status.LIST_VALIDATED)
    if not workflow.validation_blockers(conv):
        pytest.skip("the demo seed completed every article")
    client = client_for("coord1")
    response = client.get(url(conv, "/valider"))
    assert response.status_code == 302 and "etape=2" in response.location
    assert "ne peut pas encore être validée" in text(client.get(response.location))
    assert reload(conv).status == Status.LIST_VALIDATED


def test_approving_says_it_seals_and_only_the_confirmation_seals(client_for, coop):
    conv = at_stage(coop, Status.SIGNED)
    client = client_for("admin")
    path = url(conv, "/approuver")
    step3 = text(client.get(url(conv, "?etape=3")))
    assert f'href="{path}"' in step3
    html = confirmation_page(client, path)
    assert "Approuver et sceller la convention ?" in html
    assert "scellée" in html and "ne pourra plus être modifiée ni rouverte" in html
    assert "Cette action est définitive." in html
    unconfirmed_post(client, path)
    conv = reload(conv)
    assert conv.status == Status.SIGNED and not conv.sealed_pdf_sha256
    assert confirmed_post(client, path).status_code == 302
    conv = reload(conv)
    assert conv.status == Status.APPROVED and conv.sealed_pdf_sha256


def test_approving_is_not_offered_to_a_coordinator(client_for, coop):
    conv = at_stage(coop, Status.SIGNED)
    client = client_for("coord1")
    response = client.get(url(conv, "/approuver"))
    assert response.status_code == 302 and "etape=3" in response.location
    assert "ne vous est pas proposée" in text(client.get(response.location))
    response = confirmed_post(client, url(conv, "/approuver"), follow_redirects=True)
    assert "Seule l'Administration peut approuver" in text(response)
    assert reload(conv).status == Status.SIGNED


def test_reopening_names_the_signatures_it_cancels_and_keeps_the_motive(client_for, coop):
    conv = at_stage(coop, Status.VALIDATED)
    workflow.sign(conv, user("po-siege1"))
    client = client_for("admin")
    path = url(conv, "/rouvrir")
    html = confirmation_page(client, path)
    assert "Rouvrir la convention ?" in html
    assert "Les signatures déjà données seront annulées (Ville de Liège)" in html
    assert 'name="reason"' in html
    carried = carried_post(client, path, {"reason": "Erreur"})
    assert ">Erreur</textarea>" in carried
    assert reload(conv).status == Status.VALIDATED and reload(conv).signatures
    # An over-long motive: the page again, with what was typed and why, nothing changed.
    response = confirmed_post(client, path, {"reason": "x" * 1001})
    assert response.status_code == 400
    html = text(response)
    assert "Le motif est trop long" in html and "x" * 1001 in html
    assert reload(conv).status == Status.VALIDATED
    response = confirmed_post(client, path, {"reason": "Erreur à l'article 4"})
    assert response.location.endswith("etape=2")
    conv = reload(conv)
    assert conv.status == Status.LIST_VALIDATED and not conv.signatures
    event = AuditEvent.objects(convention=conv.pk, action="convention.reopen", outcome="ok")
    assert event.first().details["reason"] == "Erreur à l'article 4"


def done(conv, action: str) -> int:
    return AuditEvent.objects(convention=conv.pk, action=action, outcome="ok").count()


@pytest.mark.parametrize(
    "start, path, cancel, after",
    [
        ("?etape=3", "/signer", "?etape=3", "etape=3"),
        ("/a-signer", "/a-signer/{id}", "/a-signer#convention-{id}", "/a-signer#signees"),
    ],
    ids=["convention-page", "a-signer"],
)
def test_signing_is_confirmed_first_from_either_page(client_for, coop, start, path, cancel, after):
    conv = at_stage(coop, Status.VALIDATED)
    client = client_for("po-siege1")
    full = lambda p: url(conv, p) if p.startswith("?") or p == "/signer" else p  # noqa: E731
    path, cancel = full(path.format(id=conv.pk)), full(cancel.format(id=conv.pk))
    assert f'href="{path}" data-testid="sign"' in text(client.get(full(start)))
    html = confirmation_page(client, path)
    assert "Votre signature au nom de Ville de Liège sera enregistrée" in html
    assert "Signature encore attendue ensuite : Commune de Herstal." in html
    assert f'href="{cancel}" data-testid="confirm-cancel"' in html
    unconfirmed_post(client, path)
    assert not reload(conv).signatures and done(conv, "convention.sign") == 0
    response = confirmed_post(client, path)
    assert response.location.endswith(after)
    assert [s.username for s in reload(conv).signatures] == ["po-siege1"]


@pytest.mark.parametrize(
    "start, path, cancel",
    [
        ("?etape=3", "/refuser-de-signer", "?etape=3"),
        ("/a-signer", "/a-signer/{id}/refuser", "/a-signer#convention-{id}"),
    ],
    ids=["convention-page", "a-signer"],
)
def test_declining_carries_the_comment_onto_its_confirmation(client_for, coop, start, path, cancel):
    conv = at_stage(coop, Status.VALIDATED)
    client = client_for("po-coop1")
    full = lambda p: p if p.startswith("/a-signer") else url(conv, p)  # noqa: E731
    path, cancel = full(path.format(id=conv.pk)), full(cancel.format(id=conv.pk))
    assert f'action="{path}"' in text(client.get(full(start)))
    html = carried_post(client, path, {"comment": "La clé de répartition est fausse."})
    assert "Refuser de signer la convention ?" in html
    assert "La convention reste validée" in html
    assert ">La clé de répartition est fausse.</textarea>" in html
    assert f'href="{cancel}" data-testid="confirm-cancel"' in html
    assert done(conv, "convention.decline") == 0
    # Confirmed without a comment: the page again with why, nothing recorded.
    response = confirmed_post(client, path, {"comment": "  "})
    assert response.status_code == 400
    assert "Indiquez pourquoi vous refusez de signer" in text(response)
    assert done(conv, "convention.decline") == 0
    response = confirmed_post(client, path, {"comment": "La clé de répartition est fausse."})
    assert response.status_code == 302
    assert done(conv, "convention.decline") == 1
    assert reload(conv).status == Status.VALIDATED


@pytest.mark.parametrize(
    "start, path, after",
    [
        ("?etape=3", "/prendre-connaissance", "etape=3"),
        ("/a-prendre-connaissance", "/a-prendre-connaissance/{id}", "#faites"),
    ],
    ids=["convention-page", "a-prendre-connaissance"],
)
def test_acknowledging_is_confirmed_first_from_either_page(client_for, coop, start, path, after):
    conv = at_stage(coop, Status.APPROVED)
    client = client_for("dir-coop1")
    full = lambda p: p if p.startswith("/a-prendre") else url(conv, p)  # noqa: E731
    path = full(path.format(id=conv.pk))
    assert f'href="{path}" data-testid="acknowledge"' in text(client.get(full(start)))
    html = confirmation_page(client, path)
    assert "Prendre connaissance de la convention ?" in html
    assert "Prise de connaissance encore attendue ensuite" in html
    unconfirmed_post(client, path)
    assert not reload(conv).acknowledgments
    response = confirmed_post(client, path)
    assert response.location.endswith(after)
    assert [a.username for a in reload(conv).acknowledgments] == ["dir-coop1"]


def test_sending_back_says_it_returns_to_draft_and_carries_the_reason(client_for, coop):
    conv = at_stage(coop, Status.SIGNED)
    client = client_for("admin")
    path = url(conv, "/renvoyer")
    assert f'action="{path}"' in text(client.get(url(conv, "?etape=3")))
    html = confirmation_page(client, path)
    assert "La convention repartira en brouillon" in html
    assert "Les signatures déjà données seront annulées" in html
    html = carried_post(client, path, {"reason": "Article 4 incomplet"})
    assert ">Article 4 incomplet</textarea>" in html
    assert reload(conv).status == Status.SIGNED and done(conv, "convention.send_back") == 0
    unconfirmed_post(client, path)
    assert reload(conv).status == Status.SIGNED
    response = confirmed_post(client, path, {"reason": "Article 4 incomplet"})
    assert response.location.endswith("etape=1")
    conv = reload(conv)
    assert conv.status == Status.DRAFT and not conv.signatures
    assert done(conv, "convention.send_back") == 1


def test_the_queue_steps_are_refused_to_another_poles_user(client_for, coop):
    conv = at_stage(coop, Status.VALIDATED)
    client = client_for("po-ress1")  # pole 1's ressort PO, not a party to this convention
    for path in (f"/a-signer/{conv.pk}", f"/a-signer/{conv.pk}/refuser"):
        response = client.get(path)
        assert response.status_code in (302, 404), path
    client = client_for("coord2")
    for suffix in ("/signer", "/refuser-de-signer", "/prendre-connaissance", "/renvoyer"):
        assert client.get(url(coop, suffix)).status_code == 404, suffix


def test_reopening_the_list_from_the_convention_and_the_data_pages(client_for, coop):
    conv = at_stage(coop, Status.LIST_VALIDATED)
    client = client_for("admin")
    path = url(conv, "/rouvrir-liste")
    assert f'href="{path}"' in text(client.get(url(conv, "?etape=1")))
    html = confirmation_page(client, path)
    assert "des écoles pourront de nouveau être ajoutées ou retirées" in html
    unconfirmed_post(client, path)
    assert reload(conv).status == Status.LIST_VALIDATED
    confirmed_post(client, path, {"reason": "École oubliée"})
    assert reload(conv).status == Status.DRAFT

    conv = at_stage(conv, Status.LIST_VALIDATED)
    data_path = f"/gestion/poles/1/conventions/{conv.pk}/rouvrir-liste"
    assert f'href="{data_path}"' in text(client.get("/gestion/poles/1"))
    html = confirmation_page(client, data_path)
    assert 'href="/gestion/poles/1" data-testid="confirm-cancel"' in html
    unconfirmed_post(client, data_path)
    assert reload(conv).status == Status.LIST_VALIDATED
    response = confirmed_post(client, data_path, {"reason": "Zone corrigée"})
    assert response.location.endswith("/gestion/poles/1")
    assert reload(conv).status == Status.DRAFT


def test_a_stale_confirmation_page_sends_back_with_why(client_for, coop):
    conv = at_stage(coop, Status.LIST_VALIDATED)
    client = client_for("coord1")
    response = client.get(url(conv, "/valider-liste"))
    assert response.status_code == 302 and "etape=1" in response.location
    assert "ne vous est pas proposée" in text(client.get(response.location))


def test_another_poles_user_gets_404_on_the_confirmation_page(client_for, coop):
    client = client_for("coord2")
    for suffix in ("/valider-liste", "/valider", "/approuver", "/rouvrir", "/rouvrir-liste"):
        assert client.get(url(coop, suffix)).status_code == 404, suffix


# -- the back office ------------------------------------------------------------------------


def test_deleting_a_back_office_row_is_confirmed_first(demo, client):
    from app.models import OrganisingAuthority

    po = OrganisingAuthority(fase=9902, name="PO à supprimer", city="Liège").save()
    login(client, "admin")
    listing = text(client.get("/admin/pos_admin/?search=supprimer"))
    assert 'action="/admin/pos_admin/delete/"' in listing and "data-confirm" not in listing
    token = csrf_token(client, "/")
    back = "/admin/pos_admin/?search=supprimer"
    data = {"csrf_token": token, "id": str(po.pk), "url": back}
    response = client.post("/admin/pos_admin/delete/", data=data)  # the list's button
    assert response.status_code == 200
    html = text(response)
    assert (
        "Supprimer cet enregistrement ?" in html
        and "« PO à supprimer (FASE 9902) » sera supprimé" in html
    )
    assert FORM_RE.search(html).group(1) == "/admin/pos_admin/delete/"
    assert f'name="id" value="{po.pk}"' in html and 'name="confirm" value="oui"' in html
    assert f'href="{back}" data-testid="confirm-cancel"' in html
    assert OrganisingAuthority.objects(id=po.pk).count() == 1
    response = client.post("/admin/pos_admin/delete/", data={**data, **CONFIRM})
    assert response.status_code == 302 and response.location.endswith(back)
    assert OrganisingAuthority.objects(id=po.pk).count() == 0


def test_deleting_without_csrf_changes_nothing(demo, client):
    from app.models import OrganisingAuthority

    po = OrganisingAuthority(fase=9903, name="PO gardé", city="Liège").save()
    login(client, "admin")
    response = client.post("/admin/pos_admin/delete/", data={"id": str(po.pk), **CONFIRM})
    assert response.status_code == 400
    assert OrganisingAuthority.objects(id=po.pk).count() == 1


# -- access ---------------------------------------------------------------------------------


def test_revoking_a_profile_is_confirmed_first(demo, client):
    login(client, "support")
    account = text(client.get("/support/utilisateurs/coord1"))
    links = re.findall(r'href="(/support/utilisateurs/coord1/revoquer\?grant=[^"]+)"', account)
    assert len(links) == 2
    html = confirmation_page(client, links[0])
    assert "Révoquer ce profil ?" in html and "effet immédiat" in html
    assert "Les autres profils du compte restent attribués." in html
    key = re.search(r'name="grant" value="([^"]+)"', html).group(1)
    unconfirmed_post(client, "/support/utilisateurs/coord1/revoquer", {"grant": key})
    assert len(User.objects.get(username="coord1").grants) == 2
    response = confirmed_post(
        client, "/support/utilisateurs/coord1/revoquer", {"grant": key}, follow_redirects=True
    )
    assert "Profil révoqué avec effet immédiat" in text(response)
    assert len(User.objects.get(username="coord1").grants) == 1


def test_deactivating_an_account_is_confirmed_first(demo, client):
    login(client, "support")
    path = "/support/utilisateurs/dir-part1/desactiver"
    assert f'href="{path}"' in text(client.get("/support/utilisateurs/dir-part1"))
    html = confirmation_page(client, path)
    assert "Le compte n'aura plus aucun profil et sera désactivé." in html
    unconfirmed_post(client, path)
    assert User.objects.get(username="dir-part1").active
    confirmed_post(client, path)
    assert not User.objects.get(username="dir-part1").active


def test_accepting_a_revocation_request_is_confirmed_first(demo, client):
    from app.services import access
    from tests.access.helpers import revocation_form

    req = access.submit_request(revocation_form(), kind="revocation")
    login(client, "support")
    path = f"/support/demandes/{req.reference}/accepter"
    detail = text(client.get(f"/support/demandes/{req.reference}"))
    assert f'href="{path}" data-testid="accept-revocation"' in detail
    html = confirmation_page(client, path)
    assert "Accepter la révocation ?" in html and "Profil retiré" in html
    granted = len(User.objects.get(username="dir-part1").grants)
    # The account's only profile goes: the page says the account will be deactivated.
    assert len(access.grants_for_request(req)) == granted == 1
    assert "Le compte n'aura plus aucun profil et sera désactivé." in html
    assert "Les autres profils du compte restent attribués." not in html
    unconfirmed_post(client, path)
    assert len(User.objects.get(username="dir-part1").grants) == granted
    assert confirmed_post(client, path).status_code == 302
    assert len(User.objects.get(username="dir-part1").grants) < granted


def test_revoking_an_api_client_is_confirmed_first(demo, client):
    created, _token = api_clients.create("Statistiques", ["conventions"], user("admin"))
    login(client, "admin")
    path = f"/admin/api-clients/{created.pk}/revoquer"
    assert f'href="{path}"' in text(client.get("/admin/api-clients/"))
    html = confirmation_page(client, path)
    assert "Son jeton cessera immédiatement de fonctionner" in html
    unconfirmed_post(client, path)
    assert ApiClient.objects.get(pk=created.pk).revoked_at is None
    confirmed_post(client, path)
    assert ApiClient.objects.get(pk=created.pk).revoked_at is not None
    # Already revoked: no confirmation page, back to the list with why.
    response = client.get(path, follow_redirects=True)
    assert "déjà révoqué" in text(response)
