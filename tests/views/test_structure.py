"""« Structure du pôle »: the pole page, the menu entry and the school pickers."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from app.models import Convention, School
from app.rules.reference import ORDINARY
from tests.conftest import csrf_token
from tests.views.conftest import convention_with, po, pole, school

ALERT_RE = re.compile(r'class="alert alert-(\w+)"[^>]*>([^<]*)<')


def test_structure_entry_redirects_a_single_pole_user_to_the_pole(client_for, demo):
    client = client_for("dir-siege1")
    response = client.get("/structure")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/poles/1/structure")


@pytest.mark.parametrize("entry", ["/structure", "/financement"])
def test_a_menu_entry_asks_a_multi_pole_user_to_choose_then_comes_back(client_for, demo, entry):
    client = client_for("coord1")
    response = client.get(entry)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.path, parse_qs(location.query)) == ("/selection-du-pole", {"next": [entry]})


def test_structure_entry_follows_the_pole_chosen_in_session(client_for, demo):
    client = client_for("coord1")
    with client.session_transaction() as sess:
        sess["pole_id"] = str(pole(3).pk)
    assert client.get("/structure").headers["Location"].endswith("/poles/3/structure")
    # A pole outside the user's scope in the session is ignored.
    with client.session_transaction() as sess:
        sess["pole_id"] = str(pole(2).pk)
    response = client.get("/structure")
    assert "/poles/2/structure" not in response.headers.get("Location", "")
    assert "/poles/2/structure" not in response.get_data(as_text=True)


def test_pole_page_shows_seat_box_and_documents(client_for, demo, coop):
    client = client_for("coord1")
    response = client.get("/poles/1/structure")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "École d&#39;enseignement spécialisé de Sainte-Walburge" in html
    assert "Lejeune" in html  # coordinator
    assert "Ville de Liège" in html  # seat PO
    assert "<details" in html
    assert "Conventions de coopération" in html
    assert f"/conventions/{coop.pk}" in html
    assert 'data-testid="current-pole"' in html  # the header shows the pole
    assert "/poles/1/ajouter/cooperating" in html


def test_pole_page_counterpart_sees_only_its_documents(client_for, demo, coop):
    other = convention_with(1, 2115, "cooperating")
    client = client_for("dir-coop1")
    html = client.get("/poles/1/structure").get_data(as_text=True)
    assert f"/conventions/{coop.pk}" in html
    assert f"/conventions/{other.pk}" not in html
    assert "/ajouter/" not in html  # no picker for a counterpart


def test_pole_page_of_another_pole_is_404(client_for, demo):
    client = client_for("coord2")
    assert client.get("/poles/1/structure").status_code == 404
    assert client.get("/poles/99/structure").status_code == 404
    assert client.get("/poles/2/structure").status_code == 200


def test_picker_lists_candidates_filtered_and_paginated(client_for, demo):
    p1, liege = pole(1), po(1001)
    for i in range(30):
        School(
            fase=9000 + i,
            name=f"École de test {i:02d}",
            city="Testville",
            po=liege,
            zone=4,
            education=ORDINARY,
        ).save()
    convention_with(1, 2113, "cooperating")
    client = client_for("coord1")
    html = client.get("/poles/1/ajouter/cooperating").get_data(as_text=True)
    assert "École de test 00" in html
    assert "Page 1 / 2" in html
    assert "École communale de Herstal-Centre" not in html  # already in the pole
    assert "<td>2101</td>" not in html  # specialized: not a cooperating candidate
    assert "<td>2311</td>" not in html  # cooperates with pole 3 already
    assert 'aria-current="page">1</a>' in html and 'rel="next"' in html
    page2 = client.get("/poles/1/ajouter/cooperating?page=2").get_data(as_text=True)
    assert "Page 2 / 2" in page2 and 'rel="prev"' in page2 and 'rel="next"' not in page2
    past_end = client.get("/poles/1/ajouter/cooperating?page=99").get_data(as_text=True)
    assert "Page 2 / 2" in past_end  # a page past the end shows the last one
    searched = client.get("/poles/1/ajouter/cooperating?q=testville").get_data(as_text=True)
    assert "q=testville&amp;page=2" in searched or "page=2&amp;q=testville" in searched
    found = client.get("/poles/1/ajouter/cooperating?q=9005").get_data(as_text=True)
    assert "École de test 05" in found and "École de test 06" not in found
    by_city = client.get("/poles/1/ajouter/cooperating?q=testVILLE").get_data(as_text=True)
    assert "30 écoles proposées" in by_city
    assert "Sainte-Begge" not in by_city  # cooperates with pole 3 already
    regex = client.get("/poles/1/ajouter/cooperating?q=.*")
    assert regex.status_code == 200 and "Aucune école ne correspond" in regex.get_data(True)
    assert p1.number == 1


def test_picker_specific_partner_offers_types_4_to_7_only(client_for, demo):
    client = client_for("coord1")
    html = client.get("/poles/3/ajouter/specific_partner").get_data(as_text=True)
    assert "déficients visuels" in html  # 2201, types 6 and 7
    assert "Ixelles" not in html.split("<tbody>")[1]  # 2202: types 1, 3, 8


def test_picker_refused_to_counterparts_and_unknown_roles(client_for, demo):
    client = client_for("dir-coop1")
    assert client.get("/poles/1/ajouter/cooperating").status_code == 404
    client = client_for("coord1")
    assert client.get("/poles/1/ajouter/autre").status_code == 404
    assert client.get("/poles/2/ajouter/cooperating").status_code == 404


def _alerts(html: str) -> list[tuple[str, str]]:
    return [(kind, unescape(text).strip()) for kind, text in ALERT_RE.findall(html)]


# Pole 1: a school of PO 1004 joins that PO's draft cooperation, nothing more to say; pole 2:
# a school of the seat's PO 1006 goes to the ressort, which the page says after the success.
@pytest.mark.parametrize(
    ("username", "number", "po_fase", "zone", "kind", "label", "notices"),
    [
        ("coord1", 1, 1004, 4, "cooperation", "convention de coopération", []),
        ("coord2", 2, 1006, 1, "ressort", "ressort", ["même pouvoir organisateur que l'école"]),
    ],
)
def test_picker_post_adds_the_school_and_opens_its_convention(
    client_for, demo, username, number, po_fase, zone, kind, label, notices
):
    added = School(
        fase=9100,
        name="École de Salzinnes-Liège",
        city="Liège",
        po=po(po_fase),
        zone=zone,
        education=ORDINARY,
    ).save()
    client = client_for(username)
    token = csrf_token(client, f"/poles/{number}/ajouter/cooperating")
    response = client.post(
        f"/poles/{number}/ajouter/cooperating",
        data={"school_id": str(added.pk), "csrf_token": token},
    )
    assert response.status_code == 302
    conv = Convention.objects(pole=pole(number).pk, schools__school=added.pk).get()
    assert conv.kind == kind
    assert response.headers["Location"].endswith(f"/conventions/{conv.pk}?etape=1")
    alerts = _alerts(client.get(response.headers["Location"]).get_data(as_text=True))
    assert [category for category, _ in alerts] == ["success"] + ["info"] * len(notices)
    assert f"a été ajoutée comme école coopérante ({label})." in alerts[0][1]
    for (_, shown), expected in zip(alerts[1:], notices, strict=True):
        assert expected in shown


@pytest.mark.parametrize("raw", ["", "pas-un-id", "0123456789abcdef01234567"])
def test_picker_post_without_a_listed_school_is_refused(client_for, demo, raw):
    client = client_for("coord1")
    token = csrf_token(client, "/poles/1/ajouter/cooperating")
    before = [c.schools for c in Convention.objects(pole=pole(1).pk)]
    response = client.post(
        "/poles/1/ajouter/cooperating", data={"school_id": raw, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/poles/1/ajouter/cooperating")
    alerts = _alerts(client.get(response.headers["Location"]).get_data(as_text=True))
    assert alerts == [("danger", "Choisissez une école dans la liste.")]
    assert [c.schools for c in Convention.objects(pole=pole(1).pk)] == before


def test_picker_post_refused_shows_french_message_and_changes_nothing(client_for, demo):
    client = client_for("coord1")
    token = csrf_token(client, "/poles/1/ajouter/cooperating")
    specialized = school(2302)  # a specialized school is no cooperating school
    before = Convention.objects(pole=pole(1).pk).count()
    response = client.post(
        "/poles/1/ajouter/cooperating",
        data={"school_id": str(specialized.pk), "csrf_token": token},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in html
    assert Convention.objects(pole=pole(1).pk).count() == before
    assert not Convention.objects(schools__school=specialized.pk, pole=pole(1).pk).first()


def test_picker_post_without_csrf_is_400(client_for, demo):
    fresh = School(
        fase=9101, name="École du Thier", city="Liège", po=po(1004), zone=4, education=ORDINARY
    ).save()
    client = client_for("coord1")
    response = client.post("/poles/1/ajouter/cooperating", data={"school_id": str(fresh.pk)})
    assert response.status_code == 400
    assert not Convention.objects(schools__school=fresh.pk).first()
