"""The read-only JSON API: auth, scopes, cursor pagination, filters, errors, OpenAPI, CLI."""

import hashlib
import json
from html import unescape

import pytest
from openapi_spec_validator import validate

from app.models import ApiClient, AuditEvent, Convention, OrganisingAuthority, Pole, School
from app.rules.api import token_digest
from app.rules.states import APPROVED_STATUSES
from app.services import api_clients
from tests.conftest import csrf_token, login


def _token(app, *scopes: str) -> str:
    _client, token = api_clients.create("SI du ministère", list(scopes), None)
    return token


def _get(client, path: str, token: str | None = None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(path, headers=headers)


def _walk(client, path: str, token: str, limit: int) -> list[dict]:
    """Every item of a collection, following « next » until null."""
    items, cursor, pages = [], None, 0
    while True:
        sep = "&" if "?" in path else "?"
        url = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = _get(client, url, token).get_json()
        assert set(body) == {"items", "next"}
        items += body["items"]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return items
        assert pages < 100


def test_no_token_bad_token_revoked_token_answer_401_in_json(demo) -> None:
    client = demo.test_client()
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/conventions", headers=headers)
        assert response.status_code == 401
        assert response.is_json and "jeton" in response.get_json()["error"]["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    created, token = api_clients.create("Revoked", [], None)
    assert _get(client, "/api/v1/conventions", token).status_code == 200
    admin = demo.test_client()
    login(admin, "admin")
    from app.models import User

    assert api_clients.revoke(created.pk, User.objects.get(username="admin"))
    assert _get(client, "/api/v1/conventions", token).status_code == 401
    refused = AuditEvent.objects(action="api_call", outcome="refused").count()
    assert refused >= 4


@pytest.mark.parametrize("username", ["support", "gestionnaire", "coord1"])
def test_only_the_administration_manages_api_clients(demo, username) -> None:
    from app.models import User
    from app.rules.errors import PermissionDenied

    actor = User.objects.get(username=username)
    created, _token = api_clients.create("Gardé", [], None)  # the shell may
    with pytest.raises(PermissionDenied, match="Seule l'Administration gère les clients"):
        api_clients.create("Refusé", [], actor)
    with pytest.raises(PermissionDenied, match="Seule l'Administration gère les clients"):
        api_clients.revoke(created.pk, actor)
    assert ApiClient.objects(name="Refusé").count() == 0
    assert ApiClient.objects.get(pk=created.pk).revoked_at is None


def test_the_token_is_stored_hashed_and_every_call_is_audited(demo) -> None:
    client = demo.test_client()
    token = _token(demo)
    stored = ApiClient.objects.get(name="SI du ministère")
    assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(stored.to_mongo().to_dict(), default=str)
    before = AuditEvent.objects(action="api_call").count()
    assert _get(client, "/api/v1/poles", token).status_code == 200
    event = AuditEvent.objects(action="api_call").order_by("-seq").first()
    assert AuditEvent.objects(action="api_call").count() == before + 1
    assert event.actor == "api:SI du ministère" and event.target == "/api/v1/poles"
    assert ApiClient.objects.get(pk=stored.pk).last_used_at is not None


def test_a_session_cookie_opens_nothing_and_no_cookie_is_set(demo) -> None:
    client = demo.test_client()
    login(client, "admin")
    response = client.get("/api/v1/conventions")
    assert response.status_code == 401  # logged in as admin, but no bearer token
    token = _token(demo)
    ok = _get(client, "/api/v1/conventions", token)
    assert ok.status_code == 200 and "Set-Cookie" not in ok.headers


def test_wrong_scope_answers_403(demo) -> None:
    client = demo.test_client()
    token = _token(demo, "reference")
    assert _get(client, "/api/v1/schools", token).status_code == 200
    refused = _get(client, "/api/v1/conventions", token)
    assert refused.status_code == 403 and refused.get_json()["error"]["status"] == 403
    conv = Convention.objects.first()
    assert _get(client, f"/api/v1/conventions/{conv.pk}", token).status_code == 403
    only_conventions = _token(demo, "conventions")
    assert _get(client, "/api/v1/poles", only_conventions).status_code == 403


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v1/conventions", Convention),
        ("/api/v1/poles", Pole),
        ("/api/v1/schools", School),
        ("/api/v1/pos", OrganisingAuthority),
    ],
)
def test_cursor_walk_covers_every_item_once(demo, path, model) -> None:
    client = demo.test_client()
    token = _token(demo)
    items = _walk(client, path, token, limit=2)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), "no duplicates across pages"
    assert set(ids) == {str(pk) for pk in model.objects.scalar("id")}, "no gaps"


@pytest.mark.parametrize(
    "path", ["/api/v1/conventions", "/api/v1/poles", "/api/v1/schools", "/api/v1/pos"]
)
def test_a_page_reads_as_loaded_and_a_constant_number_of_times(demo, monkeypatch, path) -> None:
    """The API reads its documents as loaded (``models.base.as_loaded``), not through
    ``QuerySet.no_dereference()`` (which deep-copies the model's field table for every
    document), and a page of 2 makes as many reads as a page of 50 (references batched)."""
    import mongomock
    from mongoengine.queryset import QuerySet

    reads = []
    original = mongomock.collection.Collection.find
    monkeypatch.setattr(
        mongomock.collection.Collection,
        "find",
        lambda self, *a, **k: reads.append(self.name) or original(self, *a, **k),
    )
    monkeypatch.setattr(
        QuerySet, "no_dereference", lambda self: pytest.fail("no_dereference() on an API page")
    )
    client = demo.test_client()
    token = _token(demo)
    counts = []
    for limit in (2, 50):
        reads.clear()
        body = _get(client, f"{path}?limit={limit}", token).get_json()
        assert 0 < len(body["items"]) <= limit
        counts.append(len([r for r in reads if r != "api_clients"]))
    assert counts[0] == counts[1], counts
    conv = Convention.objects(pole_number=1).first()
    if path.endswith("conventions"):
        item = _get(client, f"{path}/{conv.pk}", token).get_json()
        assert item["id"] == str(conv.pk) and item["schools"]


def test_convention_items_say_status_parties_and_sealed_pdf(demo) -> None:
    client = demo.test_client()
    token = _token(demo)
    items = _walk(client, "/api/v1/conventions?pole=1", token, limit=50)
    assert items and {i["pole"] for i in items} == {1}
    assert len(items) == Convention.objects(pole_number=1).count()
    ressort = next(i for i in items if i["kind"] == "ressort" and i["parent"] is None)
    assert ressort["status"] in APPROVED_STATUSES
    assert ressort["status_label"] == "Approuvée par l'Administration"
    stored = Convention.objects.get(id=ressort["id"])
    assert ressort["sealed_pdf"]["sha256"] == stored.sealed_pdf_sha256
    assert ressort["seat_school"]["fase"] and ressort["schools"]
    assert ressort["signatories"] and set(ressort["signatories"][0]) == {
        "po_name",
        "name",
        "capacity",
        "signed_at",
    }
    assert ressort["dates"]["approved_at"].endswith("Z")
    pdf = _get(client, ressort["sealed_pdf"]["url"].replace("http://localhost", ""), token)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == stored.sealed_pdf_sha256
    text = json.dumps(items)
    for school in School.objects:
        for private in (school.email, school.phone):
            assert not private or private not in text
    assert "@" not in text  # no e-mail address at all
    drafts = [i for i in items if i["sealed_pdf"] is None]
    assert drafts
    assert _get(client, f"/api/v1/conventions/{drafts[0]['id']}/pdf", token).status_code == 404


def test_filters_etag_and_errors(demo) -> None:
    client = demo.test_client()
    token = _token(demo)
    approved = _get(client, "/api/v1/conventions?status=approved", token).get_json()["items"]
    assert approved and {i["status"] for i in approved} == {"approved"}
    kind = _get(client, "/api/v1/conventions?kind=partnership", token).get_json()["items"]
    assert {i["kind"] for i in kind} == {"partnership"}
    year = Convention.objects.first().school_year
    by_year = _get(client, f"/api/v1/conventions?school_year={year}", token).get_json()["items"]
    assert by_year and {i["school_year"] for i in by_year} == {year}
    future = _get(client, "/api/v1/conventions?updated_since=2999-01-01", token).get_json()
    assert future == {"items": [], "next": None}
    past = _get(client, "/api/v1/conventions?updated_since=2000-01-01T00:00:00Z&limit=200", token)
    assert len(past.get_json()["items"]) == Convention.objects.count()
    etag = past.headers["ETag"]
    again = _get(
        client,
        "/api/v1/conventions?updated_since=2000-01-01T00:00:00Z&limit=200",
        token,
        **{"If-None-Match": etag},
    )
    assert again.status_code == 304
    for bad in (
        "/api/v1/conventions?status=nope",
        "/api/v1/conventions?kind=x",
        "/api/v1/conventions?pole=un",
        "/api/v1/conventions?school_year=2026",
        "/api/v1/conventions?updated_since=hier",
        "/api/v1/conventions?cursor=%%%",
        "/api/v1/conventions?cursor=AAAA",
        "/api/v1/conventions?limit=0",
        "/api/v1/schools?zone=99",
    ):
        response = _get(client, bad, token)
        assert response.status_code == 400, bad
        assert response.is_json and response.get_json()["error"]["message"]
    for missing in (
        "/api/v1/conventions/000000000000000000000000",
        "/api/v1/conventions/not-an-id",
        "/api/v1/conventions/not-an-id/pdf",
        "/api/v1/nothing-here",
    ):
        response = _get(client, missing, token)
        assert response.status_code == 404 and response.is_json, missing
    refused = client.post("/api/v1/conventions", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 405 and refused.is_json


def test_openapi_document_is_valid_and_names_every_route(demo) -> None:
    client = demo.test_client()
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.data)
    validate(document)
    documented = set(document["paths"])
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<convention_id>", "{convention_id}")
        for rule in demo.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown_route"
    }
    assert routes == documented
    assert {"/conventions", "/poles", "/schools"} <= documented
    # Every documented route answers for a client with all scopes.
    token = _token(demo)
    conv = Convention.objects(status__in=list(APPROVED_STATUSES)).first()
    for path in documented:
        url = "/api/v1" + path.replace("{convention_id}", str(conv.pk))
        assert _get(client, url, token).status_code == 200, url


def test_cli_prints_the_token_alone_on_its_last_line(demo) -> None:
    runner = demo.test_cli_runner()
    result = runner.invoke(args=["api-client", "create", "Tableau de bord FWB"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("epa_") and " " not in token
    client = ApiClient.objects.get(name="Tableau de bord FWB")
    assert client.token_digest == token_digest(token)
    assert _get(demo.test_client(), "/api/v1/poles", token).status_code == 200
    scoped = runner.invoke(args=["api-client", "create", "X", "--scope", "reference"])
    assert ApiClient.objects.get(name="X").scopes == ["reference"]
    assert scoped.exit_code == 0
    assert runner.invoke(args=["api-client", "create", "  "]).exit_code != 0


def test_backoffice_creates_shows_token_once_and_revokes(demo) -> None:
    admin = demo.test_client()
    login(admin, "admin")
    page = admin.get("/admin/api-clients/nouveau/")
    assert page.status_code == 200
    token_field = csrf_token(admin, "/admin/api-clients/nouveau/")
    created = admin.post(
        "/admin/api-clients/nouveau/",
        data={"name": "Statistiques", "scopes": ["conventions"], "csrf_token": token_field},
    )
    html = created.get_data(as_text=True)
    assert created.status_code == 200
    token = html.split('data-testid="api-token"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert token.startswith("epa_")
    api = demo.test_client()
    assert _get(api, "/api/v1/conventions?pole=1", token).status_code == 200
    listing = admin.get("/admin/api-clients/").get_data(as_text=True)
    assert "Statistiques" in listing and token not in listing
    stored = ApiClient.objects.get(name="Statistiques")
    assert f"/admin/api-clients/{stored.pk}/revoquer" in listing
    revoke = admin.post(
        f"/admin/api-clients/{stored.pk}/revoquer",
        data={"csrf_token": csrf_token(admin, "/admin/api-clients/"), "confirm": "oui"},
    )
    assert revoke.status_code == 302
    again = admin.post(
        "/admin/api-clients/not-an-id/revoquer",
        data={"csrf_token": csrf_token(admin, "/admin/api-clients/"), "confirm": "oui"},
        follow_redirects=True,
    )
    assert "n'existe pas" in unescape(again.get_data(as_text=True))
    assert ApiClient.objects.get(pk=stored.pk).revoked_at is not None
    assert _get(api, "/api/v1/conventions", token).status_code == 401
    assert AuditEvent.objects(action="api_client_revoked").count() == 1
    empty = admin.post("/admin/api-clients/nouveau/", data={"name": "", "csrf_token": token_field})
    assert empty.status_code == 422 and "Donnez un nom" in empty.get_data(as_text=True)
    manager = demo.test_client()
    login(manager, "gestionnaire")
    assert manager.get("/admin/api-clients/").status_code == 403
    assert manager.get("/admin/api-clients/nouveau/").status_code == 403
    refused = manager.post(
        f"/admin/api-clients/{stored.pk}/revoquer",
        data={"csrf_token": csrf_token(manager, "/")},
    )
    assert refused.status_code == 403
