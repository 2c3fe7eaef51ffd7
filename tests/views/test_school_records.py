"""A data manager creates a school (and its PO) or corrects one: one service, French refusals,
nothing half-written."""

import pytest

from app.models import AuditEvent, OrganisingAuthority, School, User
from app.rules.errors import PermissionDenied, RuleViolation
from app.services import school_records
from app.services.school_records import NewPo, NewSchool
from tests.conftest import csrf_token

FORM = {
    "fase": "3996",
    "role": "cooperating",
    "name": "École nouvelle",
    "zone": "2",
    "education": "ordinary",
    "po_fase": "98765",
}


@pytest.fixture
def manager(demo, login_as):
    return login_as("gestionnaire")


def _post(client, **changes):
    data = {"csrf_token": csrf_token(client, "/gestion/poles/2"), **FORM, **changes}
    return client.post("/gestion/poles/2/creer-ecole", data=data)


def test_an_unknown_po_asks_for_its_name_and_writes_nothing(manager):
    response = _post(manager)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Aucun pouvoir organisateur ne porte le numéro FASE 98765" in html
    assert 'data-testid="create-po"' in html  # the PO's fields are now offered
    assert 'value="École nouvelle"' in html  # what was typed is kept
    assert School.objects(fase=3996).count() == 0
    assert OrganisingAuthority.objects(fase=98765).count() == 0


def test_school_and_po_created_together_and_audited(manager):
    response = _post(manager, po_name="ASBL Nouvelle", po_city="Namur")
    assert response.status_code == 302
    school = School.objects.get(fase=3996)
    po = OrganisingAuthority.objects.get(fase=98765)
    assert school.po.pk == po.pk and po.city == "Namur"
    actions = {e.action for e in AuditEvent.objects(target__in=["school:3996", "po:98765"])}
    assert actions == {"school.created", "po.created"}


def test_a_refused_school_leaves_no_orphan_po(manager):
    response = _post(manager, po_name="ASBL Nouvelle", education="specialized")  # no type
    assert response.status_code == 400
    assert "au moins un type" in response.get_data(as_text=True)
    assert OrganisingAuthority.objects(fase=98765).count() == 0
    assert School.objects(fase=3996).count() == 0


def test_a_taken_fase_is_refused(manager):
    taken = School.objects.first()
    response = _post(manager, fase=str(taken.fase))
    assert response.status_code == 400
    assert f"Une école porte déjà le numéro FASE {taken.fase}" in response.get_data(as_text=True)


def test_letters_in_a_fase_are_refused_in_french(manager):
    response = _post(manager, po_fase="98a", po_name="ASBL Nouvelle")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Un numéro FASE s&#39;écrit en chiffres." in html
    assert 'value="ASBL Nouvelle"' in html  # the new PO's fields stay, as typed
    assert School.objects(fase=3996).count() == 0


def test_the_service_refuses_whoever_may_not_manage_the_structure(demo):
    coordinator = User.objects.get(username="coord1")
    entry = NewSchool(
        fase=3996, po_fase=98765, name="X", zone=2, education="ordinary", po=NewPo("P")
    )
    refused = "Vous ne pouvez pas modifier l'annuaire des écoles."
    with pytest.raises(PermissionDenied, match=refused):
        school_records.create_school(entry, coordinator)
    school = School.objects.first()
    with pytest.raises(PermissionDenied, match=refused):
        school_records.correct_school(school, 3, None, coordinator)
    assert OrganisingAuthority.objects(fase=98765).count() == 0


def test_a_correction_that_changes_nothing_is_said(demo):
    manager = User.objects.get(username="gestionnaire")
    school = School.objects.get(fase=2113)
    with pytest.raises(RuleViolation, match="rien n'a été modifié"):
        school_records.correct_school(school, school.zone, None, manager)
