"""The financing pages: scoping, counts, scenarios, comparison, exports, back office."""

import html as html_lib
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.models import AuditEvent, School, TeamFunction, TeamScenario
from tests.conftest import csrf_token, login

YEAR = "2026-2027"


@pytest.fixture
def coord1(demo, login_as):
    return login_as("coord1")


def _scenario_form(name, lines):
    data = {"name": name, "annee": YEAR, "row_count": str(len(lines)), "action": "save"}
    for i, (code, workload, count) in enumerate(lines):
        data.update({f"code_{i}": code, f"workload_{i}": workload, f"count_{i}": str(count)})
    return data


FULL_TEAM = [("COORD", "5/5", 1), ("INST", "5/5", 10), ("LOGO", "5/5", 4), ("PSY", "5/5", 2)]
SMALL_TEAM = [("COORD", "5/5", 1), ("INST", "5/5", 12), ("EDUC", "2,5/5", 8)]


def as_user(app, username):
    """A second browser, logged in as ``username``."""
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def test_financing_page_shows_the_envelope_term_by_term(coord1):
    html = coord1.get("/poles/1/financement").get_data(as_text=True)
    assert "Valeurs de démonstration" in html
    assert "Forfait de base du pôle" in html
    assert re.search(r'data-testid="envelope-total">2\u202f335,00<', html)
    assert re.search(r'data-testid="retroceded">162,50<', html)
    assert re.search(r'data-testid="remaining"[^>]*>2\u202f172,50', html)
    assert "36 élève(s) en IPT, 60 élève(s) sous PAR" in html
    assert "(école siège)" in html  # the partnership's split key names the seat school


def test_pole2_never_sees_pole1(demo, login_as):
    client = login_as("coord2")
    scenario = TeamScenario.objects(pole_number=1).first()
    for path in [
        "/poles/1/financement",
        "/poles/1/eleves",
        "/poles/1/simulations",
        f"/poles/1/simulations/{scenario.pk}",
        f"/poles/1/simulations/{scenario.pk}/pdf",
        f"/poles/1/simulations/{scenario.pk}/xlsx",
        f"/poles/2/simulations/{scenario.pk}",  # pole 1's scenario through pole 2's URL
        f"/poles/2/simulations/{scenario.pk}/xlsx",
    ]:
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, "/poles/2/financement")
    assert client.post("/poles/1/eleves", data={"csrf_token": token}).status_code == 404
    response = client.post(
        f"/poles/2/simulations/{scenario.pk}/supprimer", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert TeamScenario.objects(id=scenario.pk).count() == 1
    assert client.get("/poles/2/financement").status_code == 200


def test_deleting_a_scenario_says_so_and_goes_back_to_the_years_list(coord1):
    scenario = TeamScenario.objects(pole_number=1).first()
    token = csrf_token(coord1, "/poles/1/simulations")
    response = coord1.post(
        f"/poles/1/simulations/{scenario.pk}/supprimer", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/poles/1/simulations?annee={scenario.school_year}")
    assert TeamScenario.objects(id=scenario.pk).count() == 0
    page = coord1.get(response.location).get_data(as_text=True)
    assert f"Le scénario « {scenario.name} » est supprimé." in html_lib.unescape(page)


def test_other_profiles_do_not_see_the_financing(demo, login_as):
    client = login_as("dir-coop1")
    assert client.get("/poles/1/financement").status_code == 404
    assert client.get("/poles/1/simulations").status_code == 404


def test_coordinator_enters_counts_and_the_envelope_follows(coord1):
    school = School.objects.get(fase=2111)
    page = coord1.get(f"/poles/1/eleves?annee={YEAR}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    token = csrf_token(coord1, "/poles/1/eleves")
    key = f"{school.pk}_1_primaire"
    response = coord1.post(
        f"/poles/1/eleves?annee={YEAR}",
        data={"csrf_token": token, "version": version, f"ipt_{key}": "10", f"par_{key}": "2"},
    )
    assert response.status_code == 302
    html = coord1.get(f"/poles/1/financement?annee={YEAR}").get_data(as_text=True)
    # 1200 + 75 + 10 × 25 (primary) + 2 × 3 (PAR) = 1531
    assert re.search(r'data-testid="envelope-total">1\u202f531,00<', html)
    bad = coord1.post(
        f"/poles/1/eleves?annee={YEAR}",
        data={"csrf_token": token, "version": str(int(version) + 1), f"ipt_{key}": "-3"},
    )
    assert bad.status_code == 422
    assert "nombre entier" in bad.get_data(as_text=True)


def test_build_two_scenarios_one_breaking_the_80_20_rule(coord1):
    token = csrf_token(coord1, "/poles/1/simulations")
    ok = coord1.post(
        "/poles/1/simulations", data={"csrf_token": token, **_scenario_form("Complète", FULL_TEAM)}
    )
    assert ok.status_code == 302
    html = coord1.get(ok.headers["Location"]).get_data(as_text=True)
    # 150 + 1000 + 500 + 280 = 1930 team points; + 162.5 retroceded = 2092.5 of 2335 (89.61 %)
    assert 'data-testid="checks-ok"' in html
    assert re.search(r'data-testid="salaries">2\u202f092,50<', html)
    small = coord1.post(
        "/poles/1/simulations", data={"csrf_token": token, **_scenario_form("Réduite", SMALL_TEAM)}
    )
    html = coord1.get(small.headers["Location"]).get_data(as_text=True)
    # 150 + 1200 + 8 × 42.5 = 1690; + 162.5 = 1852.5 / 2335 = 79.336… %: under 80 %
    assert 'data-testid="checks-failed"' in html
    assert "Règle des 80 % / 20 % non respectée" in html
    assert "79,33 %" in html and "1868" in html  # 80 % of 2335 = 1868
    ids = [str(s.pk) for s in TeamScenario.objects(name__in=["Complète", "Réduite"])]
    page = coord1.get(f"/poles/1/simulations/comparer?s={ids[0]}&s={ids[1]}")
    assert page.status_code == 200
    assert "Complète" in page.get_data(as_text=True) and "Réduite" in page.get_data(as_text=True)
    pdf = coord1.get(f"/poles/1/simulations/comparer/pdf?s={ids[0]}&s={ids[1]}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = coord1.get(f"/poles/1/simulations/comparer/xlsx?s={ids[0]}&s={ids[1]}")
    book = load_workbook(io.BytesIO(xlsx.data))
    rows = list(book["Comparaison"].iter_rows(values_only=True))
    assert any(r[0] == "Traitements" and set(r[1:]) == {2092.5, 1852.5} for r in rows)


def test_bad_scenario_input_is_explained_and_saves_nothing(coord1):
    token = csrf_token(coord1, "/poles/1/simulations")
    before = TeamScenario.objects.count()
    for form, message in [
        (_scenario_form("", FULL_TEAM), "Donnez un nom"),
        (_scenario_form("X", [("LOGO", "5/5", "deux")]), "nombre entier"),
        (_scenario_form("X", [("ASTRO", "5/5", 1)]), "pas au catalogue"),
        (_scenario_form("Équipe de base 2026-2027", FULL_TEAM), "existe déjà"),
    ]:
        response = coord1.post("/poles/1/simulations", data={"csrf_token": token, **form})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert TeamScenario.objects.count() == before


def test_admin_edits_a_functions_points_and_the_next_scenario_uses_it(demo, client, login_as):
    admin = login_as("admin")
    function = TeamFunction.objects.get(code="INST")
    page = admin.get(f"/admin/fonctions/edit/?id={function.pk}")
    assert page.status_code == 200
    token = csrf_token(admin, f"/admin/fonctions/edit/?id={function.pk}")
    response = admin.post(
        f"/admin/fonctions/edit/?id={function.pk}",
        data={
            "csrf_token": token,
            "code": "INST",
            "label": "Instituteur/Institutrice",
            "group": "pedagogique",
            "points": "104.50",
            "workloads": ["2,5/5", "5/5"],
            "valid_from": "",
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert TeamFunction.objects.get(code="INST").points == Decimal("104.50")
    assert AuditEvent.objects(action="financing.save_function").count() == 1
    coord = as_user(demo, "coord1")
    token = csrf_token(coord, "/poles/1/simulations")
    saved = coord.post(
        "/poles/1/simulations",
        data={"csrf_token": token, **_scenario_form("Après", [("INST", "5/5", 2)])},
    )
    html = coord.get(saved.headers["Location"]).get_data(as_text=True)
    assert "209,00" in html  # 2 × 104.50


def test_admin_overview_sorts_flags_and_exports(demo, login_as):
    admin = login_as("admin")
    html = admin.get(f"/admin/financement/?annee={YEAR}&tri=envelope&ordre=desc").get_data(
        as_text=True
    )
    assert "Valeurs de démonstration" in html
    first = re.search(r"<tbody>\s*<tr[^>]*>\s*<td><a[^>]*>(\d+) –", html).group(1)
    assert first == "1"  # pole 1 has the largest envelope (counts encoded)
    xlsx = admin.get(f"/admin/financement/?annee={YEAR}&format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Pôle" and rows[0][1] == "Nom (valeurs de démonstration)"
    assert any(r[0] == 1 and r[2] == 2335.0 for r in rows)
    csv = admin.get(f"/admin/financement/?annee={YEAR}&format=csv").data.decode("utf-8-sig")
    assert "Enveloppe" in csv.splitlines()[0]
    assert admin.get("/admin/financement/").status_code == 200
    coord = as_user(demo, "coord1")
    assert coord.get("/admin/financement/").status_code == 403


def test_admin_sets_parameters_for_a_new_year_without_touching_the_current(demo, login_as):
    admin = login_as("admin")
    page = admin.get("/admin/financement/parametres?annee=2027-2028").get_data(as_text=True)
    assert "reprend ceux de 2026-2027" in page
    token = csrf_token(admin, "/admin/financement/parametres")
    data = {
        "csrf_token": token,
        "annee": "2027-2028",
        "term_count": "1",
        "label_0": "Forfait",
        "measure_0": "pole",
        "coefficient_0": "3000,5",
        "salary_floor": "80",
        "running_ceiling": "20",
        "min_coordinator_fte": "1",
        "min_team_fte": "16",
        "action": "save",
    }
    assert admin.post("/admin/financement/parametres", data=data).status_code == 302
    bad = admin.post("/admin/financement/parametres", data={**data, "running_ceiling": "30"})
    assert bad.status_code == 422 and "totaliser 100" in bad.get_data(as_text=True)
    html = admin.get("/poles/1/financement?annee=2027-2028").get_data(as_text=True)
    assert re.search(r'data-testid="envelope-total">3\u202f000,50<', html)
    html = admin.get(f"/poles/1/financement?annee={YEAR}").get_data(as_text=True)
    assert re.search(r'data-testid="envelope-total">2\u202f335,00<', html)


def test_admin_closes_the_count_then_nobody_changes_it(demo, login_as):
    admin = login_as("admin")
    token = csrf_token(admin, "/poles/1/eleves")
    assert (
        admin.post(
            f"/poles/1/eleves/cloture?annee={YEAR}", data={"csrf_token": token, "action": "close"}
        ).status_code
        == 302
    )
    coord = as_user(demo, "coord1")
    html = coord.get(f"/poles/1/eleves?annee={YEAR}").get_data(as_text=True)
    assert 'data-testid="counts-closed"' in html and "Enregistrer les nombres" not in html
    token = csrf_token(coord, "/poles/1/eleves")
    response = coord.post(f"/poles/1/eleves?annee={YEAR}", data={"csrf_token": token})
    assert response.status_code == 422
    assert "clôturé" in response.get_data(as_text=True)
    assert (
        coord.post(
            f"/poles/1/eleves/cloture?annee={YEAR}", data={"csrf_token": token, "action": "reopen"}
        ).status_code
        == 404
    )
