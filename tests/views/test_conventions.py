"""A convention's page: the three steps, their buttons and each POST action."""

import pytest

from app.models import AuditEvent, Convention
from app.rules.states import Kind, Status
from app.services import workflow
from tests.conftest import csrf_token, login
from tests.views.conftest import (
    EXE_BYTES,
    PDF_BYTES,
    at_stage,
    convention_with,
    fill_articles,
    reload,
    school,
    url,
    user,
)

CONFIRMED = {"confirm": "oui"}  # what a confirmation page's form sends (app.views.confirm)


def post(client, conv, suffix, data=None, step=1, **kwargs):
    token = csrf_token(client, url(conv, f"?etape={step}"))
    return client.post(url(conv, suffix), data={"csrf_token": token, **(data or {})}, **kwargs)


# -- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["coord1", "dir-siege1", "po-siege1", "po-coop1", "admin"])
def test_page_opens_for_the_parties(client_for, coop, username):
    client = client_for(username)
    for step in (1, 2, 3):
        response = client.get(url(coop, f"?etape={step}"))
        assert response.status_code == 200, (username, step)
        assert "Signatures et mise en œuvre" in response.get_data(as_text=True)


def test_page_is_404_outside_scope_and_for_bad_ids(client_for, coop):
    client = client_for("coord2")
    assert client.get(url(coop)).status_code == 404
    assert client.get(url(coop, "/articles/4")).status_code == 404
    assert client.get(url(coop, f"/derogations/{school(2113).pk}")).status_code == 404
    client = client_for("coord1")
    assert client.get("/conventions/abc").status_code == 404
    assert client.get("/conventions/" + "0" * 24).status_code == 404
    assert client.get("/conventions/" + "z" * 24).status_code == 404
    # A partner's PO delegate has nothing to do with a cooperation convention.
    client = client_for("po-part1")
    assert client.get(url(coop)).status_code == 404


def test_page_for_other_pole_user_posting_is_404(client_for, coop):
    client = client_for("coord2")
    token = csrf_token(client, "/poles/2/structure")
    response = client.post(url(coop, "/valider-liste"), data={"csrf_token": token})
    assert response.status_code == 404


def test_default_step_follows_the_status(client_for, coop_draft):
    client = client_for("coord1")
    html = client.get(url(coop_draft)).get_data(as_text=True)
    assert "Étape 1 –" in html
    conv = at_stage(coop_draft, Status.LIST_VALIDATED)
    assert "Étape 2 –" in client.get(url(conv)).get_data(as_text=True)
    conv = at_stage(conv, Status.VALIDATED)
    assert "Étape 3 –" in client.get(url(conv)).get_data(as_text=True)


# -- step 1 ---------------------------------------------------------------------------------


def test_step_one_buttons_only_for_the_seat_side(client_for, coop_draft):
    html = client_for("coord1").get(url(coop_draft, "?etape=1")).get_data(as_text=True)
    assert "Valider la liste" in html and "Retirer" in html and "Joindre" in html
    assert "Dérogation requise" in html
    html = client_for("po-siege1").get(url(coop_draft, "?etape=1")).get_data(as_text=True)
    assert "Valider la liste" in html
    client = client_for("admin")
    html = client.get(url(coop_draft, "?etape=1")).get_data(as_text=True)
    assert "Rouvrir la liste" not in html  # nothing to reopen yet


def test_step_one_counterpart_sees_no_buttons(demo, client_for, coop_draft):
    # The cooperating director of 2113 is not party to PO 1004's convention: 404.
    assert client_for("dir-coop1").get(url(coop_draft)).status_code == 404


def test_remove_one_school_then_the_last_deletes_the_draft(client_for, coop_draft):
    client = client_for("coord1")
    response = post(client, coop_draft, f"/ecoles/{school(9302).pk}/retirer")
    assert response.headers["Location"].endswith("etape=1")
    assert [e.fase for e in reload(coop_draft).schools] == [9301]
    response = post(client, coop_draft, f"/ecoles/{school(9301).pk}/retirer")
    # Its last school gone, the draft cooperation convention is deleted: back to the pole.
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/poles/1/structure")
    assert Convention.objects(id=coop_draft.pk).first() is None
    html = client.get("/poles/1/structure").get_data(as_text=True)
    assert "a été retirée de la liste" in html


def test_remove_school_of_another_convention_is_404(client_for, coop, coop_draft):
    client = client_for("coord1")
    response = post(client, coop_draft, f"/ecoles/{school(2113).pk}/retirer")
    assert response.status_code == 404
    assert len(reload(coop).schools) == 2


def test_remove_school_refused_after_list_validation(client_for, coop_draft):
    conv = at_stage(coop_draft, Status.LIST_VALIDATED)
    client = client_for("coord1")
    response = post(client, conv, f"/ecoles/{school(9301).pk}/retirer", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert 'class="alert alert-danger"' in html
    assert len(reload(conv).schools) == 2
    # The page says the stage in its tone, and its history marks the refused attempt.
    assert 'badge-info" data-status="list_validated">Liste des écoles validée<' in html
    history = html.split('data-testid="history"')[1].split("</table>")[0]
    refused = [row for row in history.split("<tr")[2:] if "Refusée" in row]
    assert refused and all(row.startswith(' class="table-warning">') for row in refused)
    assert all("table-warning" not in row for row in history.split("<tr")[2:] if "Effectuée" in row)


def test_derogation_upload_accepts_a_pdf_and_download_serves_it(client_for, coop_draft):
    client = client_for("coord1")
    sid = school(9301).pk
    response = post(
        client,
        coop_draft,
        f"/ecoles/{sid}/derogation",
        data={"file": (__import__("io").BytesIO(PDF_BYTES), "dérogation zone.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "alert-success" in html
    assert "Dérogation jointe" in html and "Dérogation requise" not in html
    download = client.get(url(coop_draft, f"/derogations/{sid}"))
    assert download.status_code == 200
    assert download.data == PDF_BYTES
    assert download.mimetype == "application/pdf"
    # Saved under its own name, accents kept (RFC 6266), and never kept in a cache: the
    # computer may be a school's shared one.
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''d%C3%A9rogation%20zone.pdf" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
    # A party that may view the convention may download; coord2 may not.
    assert client_for("coord2").get(url(coop_draft, f"/derogations/{sid}")).status_code == 404


def test_derogation_upload_refuses_an_exe_renamed_pdf(client_for, coop_draft):
    client = client_for("coord1")
    sid = school(9301).pk
    response = post(
        client,
        coop_draft,
        f"/ecoles/{sid}/derogation",
        data={"file": (__import__("io").BytesIO(EXE_BYTES), "dérogation.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "alert-danger" in html and "PDF, JPEG ou PNG" in html
    assert reload(coop_draft).schools[0].derogation is None
    assert client.get(url(coop_draft, f"/derogations/{sid}")).status_code == 404


def test_derogation_upload_without_file_is_refused(client_for, coop_draft):
    client = client_for("coord1")
    response = post(
        client,
        coop_draft,
        f"/ecoles/{school(9301).pk}/derogation",
        data={},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Choisissez le fichier de la dérogation" in response.get_data(as_text=True)


def test_validate_list_refused_without_derogation_then_accepted(client_for, coop_draft):
    client = client_for("coord1")
    response = post(client, coop_draft, "/valider-liste", CONFIRMED, follow_redirects=True)
    assert "alert-danger" in response.get_data(as_text=True)
    assert reload(coop_draft).status == Status.DRAFT
    workflow.attach_derogation(coop_draft, school(9301), "d.pdf", PDF_BYTES, user("coord1"))
    response = post(client, coop_draft, "/valider-liste", CONFIRMED)
    assert response.headers["Location"].endswith("etape=2")
    assert reload(coop_draft).status == Status.LIST_VALIDATED


def test_reopen_list_by_the_administration_only(client_for, coop_draft):
    conv = at_stage(coop_draft, Status.LIST_VALIDATED)
    client = client_for("coord1")
    assert "Rouvrir la liste" not in client.get(url(conv, "?etape=1")).get_data(as_text=True)
    response = post(
        client, conv, "/rouvrir-liste", {"reason": "x", **CONFIRMED}, follow_redirects=True
    )
    assert "alert-danger" in response.get_data(as_text=True)
    assert reload(conv).status == Status.LIST_VALIDATED
    client = client_for("admin")
    assert "Rouvrir la liste" in client.get(url(conv, "?etape=1")).get_data(as_text=True)
    response = post(client, conv, "/rouvrir-liste", {"reason": "Erreur d'encodage", **CONFIRMED})
    assert response.status_code == 302
    assert reload(conv).status == Status.DRAFT


# -- step 2 ---------------------------------------------------------------------------------


def test_articles_show_states_and_validate_is_disabled_with_reasons(client_for, coop_draft):
    client = client_for("coord1")
    html = client.get(url(coop_draft, "?etape=2")).get_data(as_text=True)
    assert "article-missing" in html and "article-readonly" in html
    assert "disabled" in html and "La liste des écoles n&#39;est pas encore validée" in html
    assert "à compléter" in html


def test_article_edit_and_save_turns_green(client_for, coop):
    conv = reload(coop)
    art = next(a for a in conv.articles if a.nature == "C" and not a.form)
    client = client_for("coord1")
    page = client.get(url(conv, f"/articles/{art.key}"))
    assert page.status_code == 200 and "Enregistrer" in page.get_data(as_text=True)
    token = csrf_token(client, url(conv, f"/articles/{art.key}"))
    body = "Réunions mensuelles <script>alert(1)</script>"
    response = client.post(
        url(conv, f"/articles/{art.key}"),
        data={"csrf_token": token, "body": body, "action": "save"},
    )
    assert response.status_code == 302
    saved = reload(conv).article(art.key)
    assert saved.body == body and saved.complete
    html = client.get(url(conv, "?etape=2")).get_data(as_text=True)
    assert f'id="article-{art.key}" data-key="{art.key}" data-state="article-complete"' in html
    assert "<script>alert(1)</script>" not in html  # autoescaped


def test_an_empty_required_article_saves_as_still_to_complete(client_for, coop):
    conv = reload(coop)
    art = next(a for a in conv.articles if a.nature == "C" and not a.form)
    client = client_for("coord1")
    token = csrf_token(client, url(conv, f"/articles/{art.key}"))
    response = client.post(
        url(conv, f"/articles/{art.key}"),
        data={"csrf_token": token, "body": "   ", "action": "save"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "reste à compléter" in html and "alert-warning" in html
    assert "a été enregistré" not in html
    assert not reload(conv).article(art.key).complete


def test_article_readonly_ones_cannot_be_edited(client_for, coop):
    conv = reload(coop)
    fixed = next(a for a in conv.articles if a.nature == "F")
    client = client_for("coord1")
    response = client.get(url(conv, f"/articles/{fixed.key}"))
    assert response.status_code == 302
    assert client_for("coord1").get(url(conv, "/articles/nope")).status_code == 404


def test_article_save_refused_for_a_counterpart(client_for, coop):
    conv = reload(coop)
    art = next(a for a in conv.articles if a.nature == "C" and not a.form)
    client = client_for("po-coop1")
    html = client.get(url(conv, "?etape=2")).get_data(as_text=True)
    assert "Compléter / modifier" not in html
    token = csrf_token(client, url(conv))
    response = client.post(
        url(conv, f"/articles/{art.key}"),
        data={"csrf_token": token, "body": "Intrus", "action": "save"},
        follow_redirects=True,
    )
    assert "alert-danger" in response.get_data(as_text=True)
    assert reload(conv).article(art.key).body != "Intrus"


def test_copy_last_cooperation_article(client_for, coop, coop_draft):
    conv = reload(coop)
    art = next(a for a in conv.articles if a.nature == "C" and not a.form)
    workflow.save_article(conv, art.number, "Texte à reprendre.", user("coord1"))
    target = reload(coop_draft)
    client = client_for("coord1")
    assert "Reprendre l'article" in client.get(url(target, f"/articles/{art.key}")).get_data(
        as_text=True
    )
    token = csrf_token(client, url(target, f"/articles/{art.key}"))
    response = client.post(
        url(target, f"/articles/{art.key}"),
        data={"csrf_token": token, "body": "", "action": "copy"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Texte à reprendre." in html and "a été repris et enregistré" in html
    assert reload(target).article(art.key).body == "Texte à reprendre."


def test_points_split_editor(client_for, demo):
    # Pole 3's ressort (seat 2301 and partner 2302, same PO) is a draft in the demo data.
    conv = reload(convention_with(3, 2302, "partner"))
    assert conv.kind == Kind.RESSORT and conv.status == Status.DRAFT
    art = next(a for a in conv.articles if a.form == "points_split")
    client = client_for("coord1")
    page = client.get(url(conv, f"/articles/{art.key}")).get_data(as_text=True)
    assert 'name="mode"' in page and "percent_0" in page and "percent_1" in page
    token = csrf_token(client, url(conv, f"/articles/{art.key}"))
    fields = {"csrf_token": token, "body": "Clé convenue.", "mode": "split", "action": "save"}
    n = 2  # the seat school and the partner school
    bad = {**fields, **{f"percent_{i}": "10" for i in range(n)}}
    response = client.post(url(conv, f"/articles/{art.key}"), data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "100" in html and "alert-danger" in html
    assert not reload(conv).article(art.key).data
    for typed in ("1e308", "33,333", "abc", "NaN", "-5"):  # refused in French, no 500
        huge = {**fields, "percent_0": typed, "percent_1": "0"}
        response = client.post(url(conv, f"/articles/{art.key}"), data=huge)
        assert response.status_code == 422, typed
        assert "alert-danger" in response.get_data(as_text=True), typed
    assert not reload(conv).article(art.key).data
    shares = {f"percent_{i}": "0" for i in range(n)}
    shares["percent_0"] = "60,5"
    shares["percent_1"] = "39,5"
    response = client.post(url(conv, f"/articles/{art.key}"), data={**fields, **shares})
    assert response.status_code == 302
    saved = reload(conv).article(art.key)
    assert saved.complete and saved.data["mode"] == "split"
    assert saved.data["shares"][0]["percent"] == 60.5
    html = client.get(url(conv, "?etape=2")).get_data(as_text=True)
    assert "60.5 %" in html or "60,5 %" in html


def test_retrocession_editor_rows_without_javascript(client_for, demo):
    conv = reload(convention_with(1, 2201, "specific_partner"))
    assert conv.kind == Kind.SPECIFIC_PARTNERSHIP
    if conv.is_locked:
        conv = reload(convention_with(3, 2201, "specific_partner"))
    art = next(a for a in conv.articles if a.form == "retrocession")
    client = client_for("coord1")
    path = url(conv, f"/articles/{art.key}")
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "row_count": "0", "action": "add_row"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="function_0"' in html
    assert "Logopède" in html
    two_rows = {
        "csrf_token": token,
        "row_count": "2",
        "function_0": "Logopède",
        "count_0_2": "1",  # 2,5/5
        "function_1": "",
        "action": "remove_row:1",
    }
    html = client.post(path, data=two_rows).get_data(as_text=True)
    assert 'name="function_0"' in html and 'name="function_1"' not in html
    saved = client.post(path, data={**two_rows, "row_count": "1", "action": "save"})
    assert saved.status_code == 302
    art = reload(conv).article(art.key)
    assert art.complete and art.data["total"] == 62.5
    html = client.get(url(conv, "?etape=2")).get_data(as_text=True)
    assert "Nombre total de points rétrocédés : 62,50" in html
    # What users type by mistake is a French refusal, never a server error; nothing is saved.
    for typed in ("-3", "²", "١٢", "1,5", "1e3", "abc"):
        bad = {**two_rows, "row_count": "1", "count_0_2": typed, "action": "save"}
        response = client.post(path, data=bad)
        assert response.status_code == 422, typed
        assert "nombre entier" in response.get_data(as_text=True), typed
    assert reload(conv).article(art.key).data["total"] == 62.5


def test_validate_happy_path_and_lock(client_for, coop):
    conv = at_stage(coop, Status.LIST_VALIDATED)
    conv = fill_articles(conv)
    client = client_for("coord1")
    html = client.get(url(conv, "?etape=2")).get_data(as_text=True)
    assert 'data-testid="validate"' in html
    response = post(client, conv, "/valider", CONFIRMED, step=2)
    assert response.headers["Location"].endswith("etape=3")
    assert reload(conv).status == Status.VALIDATED
    html = client.get(url(conv, "?etape=2")).get_data(as_text=True)
    assert "verrouillée" in html and "Compléter / modifier" not in html


def test_validate_refused_when_articles_missing(client_for, coop):
    conv = at_stage(coop, Status.LIST_VALIDATED)
    if not workflow.missing_articles(conv):
        pytest.skip("the demo seed completed every article")
    client = client_for("coord1")
    response = post(client, conv, "/valider", CONFIRMED, step=2, follow_redirects=True)
    assert "alert-danger" in response.get_data(as_text=True)
    assert reload(conv).status == Status.LIST_VALIDATED


# -- step 3 ---------------------------------------------------------------------------------


def test_sign_requires_confirmation_then_records(client_for, coop):
    conv = at_stage(coop, Status.VALIDATED)
    client = client_for("po-siege1")
    html = client.get(url(conv, "?etape=3")).get_data(as_text=True)
    assert "Vous signez au nom de Ville de Liège" in html
    response = post(client, conv, "/signer", step=3, follow_redirects=True)
    assert "Signer la convention ?" in response.get_data(as_text=True)
    assert not reload(conv).signatures
    response = post(client, conv, "/signer", {"confirm": "oui"}, step=3, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Votre signature au nom de Ville de Liège a été enregistrée" in html
    assert len(reload(conv).signatures) == 1
    assert 'data-testid="sign-form"' not in html  # already signed


def test_sign_refused_for_the_coordinator(client_for, coop):
    conv = at_stage(coop, Status.VALIDATED)
    client = client_for("coord1")
    assert 'data-testid="sign-form"' not in client.get(url(conv, "?etape=3")).get_data(True)
    response = post(client, conv, "/signer", {"confirm": "oui"}, step=3, follow_redirects=True)
    assert "alert-danger" in response.get_data(as_text=True)
    assert not reload(conv).signatures


def test_approve_and_acknowledge(client_for, coop):
    conv = at_stage(coop, Status.SIGNED)
    client = client_for("coord1")
    assert 'data-testid="approve-form"' not in client.get(url(conv, "?etape=3")).get_data(True)
    response = post(client, conv, "/approuver", CONFIRMED, step=3, follow_redirects=True)
    assert "alert-danger" in response.get_data(as_text=True)
    assert reload(conv).status == Status.SIGNED
    client = client_for("admin")
    assert 'data-testid="approve-form"' in client.get(url(conv, "?etape=3")).get_data(True)
    post(client, conv, "/approuver", CONFIRMED, step=3)
    assert reload(conv).status == Status.APPROVED
    client = client_for("dir-coop1")
    html = client.get(url(conv, "?etape=3")).get_data(as_text=True)
    assert 'data-testid="ack-form"' in html
    response = post(client, conv, "/prendre-connaissance", {"confirm": "oui"}, step=3)
    assert response.status_code == 302
    acks = reload(conv).acknowledgments
    assert [a.school.fase for a in acks] == [2113]


def test_reopen_by_the_administration(client_for, coop):
    conv = at_stage(coop, Status.VALIDATED)
    client = client_for("coord1")
    response = post(
        client, conv, "/rouvrir", {"reason": "x", **CONFIRMED}, step=3, follow_redirects=True
    )
    assert "alert-danger" in response.get_data(as_text=True)
    assert reload(conv).status == Status.VALIDATED
    client = client_for("admin")
    assert 'data-testid="reopen-form"' in client.get(url(conv, "?etape=3")).get_data(True)
    response = post(
        client, conv, "/rouvrir", {"reason": "Erreur à l'article 4", **CONFIRMED}, step=3
    )
    assert response.headers["Location"].endswith("etape=2")
    assert reload(conv).status == Status.LIST_VALIDATED
    assert AuditEvent.objects(convention=conv.pk, outcome="ok").count() > 0
    html = client.get(url(conv, "?etape=3")).get_data(as_text=True)
    assert "Historique" in html and "Réouverture" in html


def test_follow_up_documents_on_cooperation(client_for, coop):
    partnership = convention_with(1, 2103, "partner")
    client = client_for("po-coop1")
    html = client.get(url(coop, "?etape=3")).get_data(as_text=True)
    assert "Documents de suivi" in html
    assert f"/conventions/{partnership.pk}" in html
    assert client.get(url(partnership)).status_code == 200


def test_post_without_csrf_is_400(client_for, coop):
    client = client_for("coord1")
    before = reload(coop).status
    for suffix in ("/valider-liste", "/valider", "/signer", "/approuver", "/rouvrir"):
        assert client.post(url(coop, suffix)).status_code == 400
    assert reload(coop).status == before


def test_pdf_links_when_the_pdf_pages_exist(client_for, coop, app):
    client = client_for("po-coop1")
    step1 = client.get(url(coop, "?etape=1")).get_data(as_text=True)
    step3 = client.get(url(coop, "?etape=3")).get_data(as_text=True)
    if "pdf.convention" in app.view_functions:
        assert f'href="/conventions/{coop.pk}/pdf"' in step3
        assert "Télécharger le projet de convention (PDF)" in step3
    else:
        assert "La version PDF n'est pas disponible" in step3
    if "pdf.school_list" in app.view_functions:
        assert f"/conventions/{coop.pk}/ecoles.pdf" in step1


def test_history_lists_the_events_in_french(client_for, coop_draft):
    client = client_for("coord1")
    post(client, coop_draft, "/valider-liste", CONFIRMED)  # refused: derogation missing
    html = client.get(url(coop_draft, "?etape=1")).get_data(as_text=True)
    history = html[html.index('data-testid="history"') :]
    assert "Ajout d&#39;une école" in history
    assert "Validation de la liste des écoles" in history and "Refusée" in history
    assert "coord1" in history


def test_data_manager_fixes_a_list_but_does_not_validate_it(demo, client):
    from app.models import Convention

    draft = Convention.objects(pole_number=1, status="draft").first()
    login(client, "gestionnaire")
    html = client.get(f"/conventions/{draft.pk}?etape=1").get_data(as_text=True)
    assert 'data-testid="validate-list"' not in html
    assert 'data-testid="list-validated-by-pole"' in html
    token = csrf_token(client, f"/conventions/{draft.pk}?etape=1")
    client.post(f"/conventions/{draft.pk}/valider-liste", data={"csrf_token": token})
    assert Convention.objects.get(id=draft.pk).status == "draft"
