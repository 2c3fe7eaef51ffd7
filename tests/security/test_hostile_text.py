"""Hostile text, sent as the attacks of the report: a 1 MB article body, NUL and bidi
override characters (U+202E…) in an article, in the back office's forms, in the public
access form, and through the model layer. Each is refused in French (the limit named), never
truncated nor kept, and the database stays unchanged."""

from html import unescape

import pytest
from mongoengine import ValidationError

from app.models import AccessRequest, Convention, Pole, School
from tests.access.helpers import director_form
from tests.conftest import csrf_token, login
from tests.security.conftest import db_fingerprint

HOSTILE = ["\u202e", "\x00", "\x1b", "\u2066", "\u202a"]


def _changed(before: dict[str, str]) -> set[str]:
    return {k for k, v in db_fingerprint().items() if before.get(k) != v} - {"audit_events"}


def _draft_article(client):
    pole = Pole.objects.get(number=1)
    conv = Convention.objects.get(pole=pole, kind="cooperation", status="draft")
    art = next(a for a in conv.articles if a.nature == "C" and not (a.form or ""))
    return conv, art, f"/conventions/{conv.pk}/articles/{art.key}"


@pytest.fixture
def coordinator(demo, client):
    login(client, "coord1")
    token = csrf_token(client, "/selection-du-pole")
    pole = Pole.objects.get(number=1)
    client.post("/selection-du-pole", data={"csrf_token": token, "pole_id": str(pole.pk)})
    return client


def test_a_1mb_article_body_is_refused_naming_the_limit_not_truncated(coordinator):
    conv, art, url = _draft_article(coordinator)
    before = db_fingerprint()
    body = "Texte de l'article. " * 52_429  # about 1 MB
    response = coordinator.post(
        url, data={"body": body, "action": "save", "csrf_token": csrf_token(coordinator, url)}
    )
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "20 000 au plus" in html.replace("\u202f", " ").replace("\xa0", " ")
    assert "» a été enregistré" not in html  # the green « enregistré » of a save
    assert _changed(before) == set()
    assert Convention.objects.get(pk=conv.pk).articles[conv.articles.index(art)].body == art.body


@pytest.mark.parametrize("char", HOSTILE, ids=lambda c: f"U+{ord(c):04X}")
def test_control_and_bidi_characters_in_an_article_are_refused(coordinator, char):
    _conv, _art, url = _draft_article(coordinator)
    before = db_fingerprint()
    body = f"Les écoles s'engagent {char}à collaborer."
    response = coordinator.post(
        url, data={"body": body, "action": "save", "csrf_token": csrf_token(coordinator, url)}
    )
    assert response.status_code == 422
    assert f"U+{ord(char):04X}" in response.get_data(as_text=True)
    assert _changed(before) == set()


def test_tab_newline_and_carriage_return_are_kept(coordinator):
    conv, art, url = _draft_article(coordinator)
    body = "Premier alinéa.\r\n\tDeuxième alinéa."
    response = coordinator.post(
        url, data={"body": body, "action": "save", "csrf_token": csrf_token(coordinator, url)}
    )
    assert response.status_code == 302
    saved = next(a for a in Convention.objects.get(pk=conv.pk).articles if a.key == art.key)
    assert saved.body == "Premier alinéa.\n\tDeuxième alinéa."


def test_back_office_form_refuses_a_bidi_override_in_a_school_name(demo, client):
    login(client, "gestionnaire")
    school = School.objects.get(fase=2103)
    url = f"/admin/schools_admin/edit/?id={school.pk}"
    before = db_fingerprint()
    data = {
        "fase": str(school.fase),
        "name": "Athénée \u202eefil\u202c royal",
        "street": school.street or "",
        "postal_code": school.postal_code or "",
        "city": school.city or "",
        "po": str(school._data["po"].id),
        "zone": str(school.zone),
        "education": school.education,
        "types": [str(t) for t in school.types],
        "csrf_token": csrf_token(client, url),
    }
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "U+202C, U+202E" in response.get_data(as_text=True)
    assert _changed(before) == set()


def test_public_access_form_refuses_a_nul_character(demo, client):
    before = AccessRequest.objects.count()
    form = dict(director_form(), person_last_name="Dupont\x00<script>")
    form["csrf_token"] = csrf_token(client, "/acces/demande")
    response = client.post("/acces/demande", data=form)
    assert response.status_code == 422
    assert "U+0000" in response.get_data(as_text=True)
    assert AccessRequest.objects.count() == before


def test_the_model_layer_refuses_whatever_path_writes(demo):
    school = School.objects.get(fase=2103)
    before = db_fingerprint()
    school.name = "École \u202eévil"
    with pytest.raises(ValidationError, match="U\\+202E"):
        school.save()
    with pytest.raises(ValidationError, match="U\\+0000"):
        School.objects(pk=school.pk).update_one(set__city="Liège\x00")
    conv = Convention.objects(status="draft").first()
    with pytest.raises(ValidationError, match=r"20.000 au plus"):
        Convention.objects(pk=conv.pk, articles__key=conv.articles[0].key).update_one(
            set__articles__S__body="x" * 20_001
        )
    assert _changed(before) == set()


def test_an_over_long_motive_is_refused_not_cut(demo):
    from app.models import User
    from app.rules.errors import RuleViolation
    from app.services import workflow

    admin = User.objects.get(username="admin")
    conv = Convention.objects.get(pole=Pole.objects.get(number=1), kind="partnership")
    status = conv.status
    before = db_fingerprint()
    with pytest.raises(RuleViolation, match=r"1.001 caractères pour 1.000 au plus"):
        workflow.reopen(conv, admin, reason="x" * 1001)
    assert Convention.objects.get(pk=conv.pk).status == status
    assert _changed(before) == set()


def test_data_manager_page_refuses_an_over_long_school_name(demo, client):
    login(client, "gestionnaire")
    url = "/gestion/poles/1"
    before = db_fingerprint()
    response = client.post(
        "/gestion/poles/1/creer-ecole",
        data={
            "fase": "9999",
            "role": "cooperating",
            "name": "É" * 201,
            "po_fase": "1001",
            "zone": "4",
            "education": "ordinary",
            "csrf_token": csrf_token(client, url),
        },
    )
    assert response.status_code == 400
    assert "200 au plus" in unescape(response.get_data(as_text=True)).replace("\u202f", " ")
    assert _changed(before) == set()
    assert School.objects(fase=9999).count() == 0
