"""Row-level scoping: another pole's objects answer 404 on every path, forged scope fields
are refused, and the back-office lookups and exports hold only what the role may see."""

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest

from app.models import Pole, User
from tests.conftest import csrf_token, login
from tests.permissions.conftest import pole1_conventions, school_id
from tests.security.conftest import build_path, collect_rules, db_fingerprint, is_static

RULES = [r for r in collect_rules(Path(tempfile.mkdtemp())) if not is_static(r)]
# Every rule that names a pole or one of its objects in its path.
# (The bearer API answers by token, not by session: tests/exchange/test_api.py.)
OBJECT_RULES = [
    r
    for r in RULES
    if {"convention_id", "number"} & set(r.arguments)
    and "admin" not in r.rule
    and not r.rule.startswith("/api/")
]


@pytest.fixture
def pole1_values(demo):
    convs = pole1_conventions()
    coop = convs["coop1004"]
    return {
        "convention_id": str(coop.pk),
        "school_id": str(school_id(2115)),
        "key": "4",
        "number": "1",
        "role": "cooperating",
        "fmt": "csv",
    }


def test_object_rules_are_found():
    assert len(OBJECT_RULES) >= 15


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_coord2_gets_404_on_every_pole1_object(demo, pole1_values, method):
    client = demo.test_client()
    login(client, "coord2")
    token = csrf_token(client, "/")
    before = db_fingerprint()
    wrong = []
    for rule in OBJECT_RULES:
        if method not in rule.methods:
            continue
        path = build_path(rule, pole1_values)
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token, "confirm": "oui"})
        if response.status_code != 404:
            wrong.append(f"{rule.endpoint} {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    after = db_fingerprint()
    after.pop("audit_events", None)
    before.pop("audit_events", None)
    assert after == before


@pytest.mark.parametrize("bad_id", ["zzz", "0" * 23, "6" * 25, "%24ne", "0123456789abcdef01234567"])
def test_malformed_or_unknown_ids_answer_404(demo, bad_id):
    client = demo.test_client()
    login(client, "coord1")
    for path in (
        f"/conventions/{bad_id}",
        f"/conventions/{bad_id}/pdf",
        f"/conventions/{bad_id}/ecoles.pdf",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, "/")
    for path in (f"/a-signer/{bad_id}", "/selection-du-pole"):
        data = {"csrf_token": token, "confirm": "oui", "pole_id": bad_id}
        assert client.post(path, data=data).status_code == 404, path


def test_forged_pole_in_the_selection_is_refused(demo):
    """coord2 posts pole 1's id to the pole selection: 404, and the session keeps nothing."""
    client = demo.test_client()
    login(client, "coord2")
    pole1 = Pole.objects.get(number=1)
    token = csrf_token(client, "/")
    response = client.post(
        "/selection-du-pole", data={"csrf_token": token, "pole_id": str(pole1.pk)}
    )
    assert response.status_code == 404
    with client.session_transaction() as session:
        assert session.get("pole_id") != str(pole1.pk)
    assert "Pôle 1 –" not in client.get("/").get_data(as_text=True)


def test_a_revoked_pole_leaves_the_header(demo):
    client = demo.test_client()
    login(client, "coord1")
    pole3 = Pole.objects.get(number=3)
    token = csrf_token(client, "/selection-du-pole")
    client.post("/selection-du-pole", data={"csrf_token": token, "pole_id": str(pole3.pk)})
    assert 'data-testid="current-pole">Pôle 3' in client.get("/").get_data(as_text=True)
    User.objects(username="coord1").update_one(pull__grants__pole=pole3.pk)
    html = client.get("/").get_data(as_text=True)
    assert "Pôle 3 –" not in html
    with client.session_transaction() as session:
        assert "pole_id" not in session


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    # The exports are French CSV: UTF-8 with BOM, « ; » between cells.
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_users_export_and_list_leave_out_backoffice_accounts_for_support(demo):
    client = demo.test_client()
    login(client, "support")
    rows = _csv(client.get("/admin/users_admin/export/csv/"))
    names = {r["Compte CERBERE"] for r in rows}
    assert "dir-part1" in names and "coord2" in names
    assert not names & {"admin", "gestionnaire", "support"}
    html = client.get("/admin/users_admin/?search=admin").get_data(as_text=True)
    assert "helene.declercq" not in html
    admin_id = User.objects.get(username="admin").pk
    assert client.get(f"/admin/users_admin/details/?id={admin_id}").status_code in (302, 404)

    admin = demo.test_client()
    login(admin, "admin")
    names = {r["Compte CERBERE"] for r in _csv(admin.get("/admin/users_admin/export/csv/"))}
    assert {"admin", "gestionnaire", "support", "dir-part1"} <= names


def test_support_has_no_reference_data(demo):
    client = demo.test_client()
    login(client, "support")
    for view in ("schools_admin", "pos_admin", "poles_admin", "conventions_admin"):
        assert client.get(f"/admin/{view}/export/csv/").status_code == 403
        assert client.get(f"/admin/{view}/ajax/lookup/?name=po&query=a").status_code == 403


def test_data_manager_lookup_and_export(demo):
    client = demo.test_client()
    login(client, "gestionnaire")
    found = json.loads(
        client.get("/admin/schools_admin/ajax/lookup/?name=po&query=Meuse").get_data(as_text=True)
    )
    assert [label for _, label in found] == ["ASBL Enseignement spécialisé de la Meuse (FASE 1002)"]
    fases = {r["FASE"] for r in _csv(client.get("/admin/schools_admin/export/csv/"))}
    assert {"2101", "2103", "2201"} <= fases
    assert client.get("/admin/users_admin/export/csv/").status_code == 403
    assert client.get("/admin/messages_admin/export/csv/").status_code == 403


@pytest.mark.parametrize("username", ["coord1", "po-part1", "dir-coop1", "coord2"])
def test_pole_users_have_no_backoffice_lookup_or_export(demo, username):
    client = demo.test_client()
    login(client, username)
    assert client.get("/admin/schools_admin/ajax/lookup/?name=po&query=a").status_code == 403
    assert client.get("/admin/conventions_admin/export/csv/").status_code == 403
