"""Reference data under a lock, sent as the attacks of the report: the data manager edits,
in the back office, the PO and the zone of school 2103 (listed in pole 1's validated
partnership), then deletes it; moves cooperating school 2113 (list validated) to the seat's
PO; posts a zone and a PO together to ``/gestion/poles/1/corriger``. Every one is refused in
French, names the convention, and the database stays unchanged. Name corrections stay
possible and never alter what the convention shows."""

from html import unescape

import pytest

from app.models import Convention, OrganisingAuthority, Pole, School, User
from app.services.reference import ReferenceLocked, school_conflicts
from tests.conftest import csrf_token, login
from tests.security.conftest import db_fingerprint

PARTNERSHIP = "Convention de partenariat du pôle n° 1"


def _changed(before: dict[str, str]) -> set[str]:
    return {k for k, v in db_fingerprint().items() if before.get(k) != v} - {"audit_events"}


def _school_form(school: School, **overrides) -> dict:
    data = {
        "fase": str(school.fase),
        "name": school.name,
        "street": school.street or "",
        "postal_code": school.postal_code or "",
        "city": school.city or "",
        "po": str(school._data["po"].id),
        "zone": str(school.zone),
        "education": school.education,
        "types": [str(t) for t in school.types],
        "director_name": school.director_name or "",
        "email": school.email or "",
        "phone": school.phone or "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def manager(demo, client):
    login(client, "gestionnaire")
    return client


def _edit(client, school: School, **overrides):
    url = f"/admin/schools_admin/edit/?id={school.pk}"
    data = dict(_school_form(school, **overrides), csrf_token=csrf_token(client, url))
    return client.post(url, data=data, follow_redirects=True)


@pytest.mark.parametrize(
    "overrides",
    [{"zone": "7"}, {"po": "seat"}, {"education": "ordinary", "types": []}, {"types": ["2"]}],
    ids=["zone", "po", "education", "types"],
)
def test_back_office_form_cannot_change_a_locked_school(manager, overrides):
    school = School.objects.get(fase=2103)
    if overrides.get("po") == "seat":
        overrides = {"po": str(Pole.objects.get(number=1).seat_school.po.pk)}
    before = db_fingerprint()
    html = unescape(_edit(manager, school, **overrides).get_data(as_text=True))
    assert "Impossible de changer" in html and PARTNERSHIP in html
    assert "Seule l'Administration peut rouvrir" in html
    assert "enregistré" not in html
    assert not _changed(before)


def test_back_office_form_may_correct_the_name_and_the_convention_keeps_its_own(manager):
    school = School.objects.get(fase=2103)
    old_name = school.name
    conv = Convention.objects.get(pole_number=1, kind="partnership")
    _edit(manager, school, name="Institut Les Tilleuls (nouveau nom)", city="Ans")
    assert School.objects.get(fase=2103).name == "Institut Les Tilleuls (nouveau nom)"
    stored = Convention.objects.get(pk=conv.pk)
    assert stored.school_entry(school.pk).name == old_name
    assert stored.status == conv.status and stored.articles == conv.articles


def test_bulk_and_single_delete_of_a_locked_school_are_refused(manager):
    school = School.objects.get(fase=2103)
    token = csrf_token(manager, "/admin/schools_admin/")
    before = db_fingerprint()
    bulk = manager.post(
        "/admin/schools_admin/action/",
        data={"csrf_token": token, "action": "delete", "rowid": str(school.pk)},
        follow_redirects=True,
    )
    html = unescape(bulk.get_data(as_text=True))
    assert "Impossible de supprimer" in html and PARTNERSHIP in html
    assert "Aucun enregistrement n'a été supprimé." in html
    single = manager.post(
        "/admin/schools_admin/delete/",
        data={"csrf_token": token, "confirm": "oui", "id": str(school.pk)},
        follow_redirects=True,
    )
    assert "Impossible de supprimer" in unescape(single.get_data(as_text=True))
    assert not _changed(before)


def test_a_po_named_by_a_locked_convention_keeps_its_fase_and_is_not_deleted(manager):
    po = OrganisingAuthority.objects.get(fase=1002)
    token = csrf_token(manager, "/admin/pos_admin/")
    before = db_fingerprint()
    response = manager.post(
        "/admin/pos_admin/action/",
        data={"csrf_token": token, "action": "delete", "rowid": str(po.pk)},
        follow_redirects=True,
    )
    assert "Impossible de supprimer le pouvoir organisateur" in unescape(
        response.get_data(as_text=True)
    )
    with pytest.raises(ReferenceLocked):
        OrganisingAuthority.objects(pk=po.pk).update(set__fase=9999)
    assert not _changed(before)


def test_the_seat_school_is_locked(manager):
    seat = Pole.objects.get(number=1).seat_school
    message = school_conflicts(seat.pk, {"zone"})
    assert "école siège du pôle n° 1" in message


def test_data_manager_page_cannot_move_a_cooperating_school_to_the_seat_po(manager):
    seat_po = Pole.objects.get(number=1).seat_school.po
    token = csrf_token(manager, "/gestion/poles/1")
    before = db_fingerprint()
    response = manager.post(
        "/gestion/poles/1/corriger",
        data={"csrf_token": token, "fase": "2113", "po_fase": str(seat_po.fase)},
        follow_redirects=True,
    )
    html = unescape(response.get_data(as_text=True))
    assert "Impossible de changer le pouvoir organisateur" in html
    assert "Convention de coopération" in html
    assert not _changed(before)


def test_zone_and_po_together_are_all_or_nothing(manager):
    token = csrf_token(manager, "/gestion/poles/1")
    before = db_fingerprint()
    response = manager.post(
        "/gestion/poles/1/corriger",
        data={"csrf_token": token, "fase": "2113", "zone": "5", "po_fase": "1004"},
        follow_redirects=True,
    )
    html = unescape(response.get_data(as_text=True))
    assert "Impossible de changer" in html and "est corrigée" not in html
    assert not _changed(before)
    assert School.objects.get(fase=2113).zone != 5


def test_querysets_and_save_are_a_net_under_every_path(demo):
    school = School.objects.get(fase=2103)
    with pytest.raises(ReferenceLocked):
        School.objects(pk=school.pk).update(set__zone=9)
    with pytest.raises(ReferenceLocked):
        School.objects(pk=school.pk).delete()
    with pytest.raises(ReferenceLocked):
        school.delete()
    school.zone = 9
    with pytest.raises(ReferenceLocked):
        school.save()
    assert School.objects.get(pk=school.pk).zone != 9


def test_support_page_of_a_director_whose_school_was_deleted_shows_supprime(demo, app):
    director = User.objects.get(username="dir-part1")
    school_id = director.grants[0]._data["school"].id
    School._get_collection().delete_one({"_id": school_id})  # a dangling reference
    support = app.test_client()
    login(support, "support")
    response = support.get("/support/utilisateurs/dir-part1")
    assert response.status_code == 200
    assert "(supprimé)" in unescape(response.get_data(as_text=True))
    admin = app.test_client()
    login(admin, "admin")
    listing = admin.get("/admin/users_admin/?search=dir-part1")
    assert listing.status_code == 200 and "(supprimé)" in unescape(listing.get_data(as_text=True))
