"""Data manager corrections of a school's PO or zone, and what they do to conventions."""

import pytest

from app.models import AuditEvent, Convention, School
from app.rules.errors import InvalidState, PermissionDenied, RuleViolation
from app.rules.states import Kind
from app.services import workflow


def test_po_change_reroutes_the_school(pole1, school, po, user):
    coord, manager = user("coord1"), user("gestionnaire")
    ressort = workflow.add_school(pole1, school(2111), "cooperating", coord)
    workflow.add_school(pole1, school(2112), "cooperating", coord)
    notices = workflow.change_school_po(school(2111), po(1003), manager)
    assert School.objects.get(fase=2111).po.pk == po(1003).pk
    ressort.reload()
    assert [e.fase for e in ressort.schools] == [2112]
    coop = Convention.objects.get(pole=pole1.pk, slot=f"cooperation:{po(1003).pk}")
    assert coop.kind == Kind.COOPERATION and coop.schools[0].po_name == "Commune de Herstal"
    assert any("Convention de coopération" in n for n in notices)
    assert AuditEvent.objects(action="school.change_po", outcome="ok").count() == 1


def test_po_change_refused_on_a_validated_list(pole1, school, po, user):
    conv = workflow.add_school(pole1, school(2113), "cooperating", user("coord1"))
    workflow.validate_school_list(conv, user("coord1"))
    with pytest.raises(InvalidState, match="Seule l'Administration peut rouvrir"):
        workflow.change_school_po(school(2113), po(1004), user("gestionnaire"))
    assert School.objects.get(fase=2113).po.pk == po(1003).pk


def test_zone_change_updates_lists_and_asks_for_a_derogation(pole1, school, user):
    conv = workflow.add_school(pole1, school(2113), "cooperating", user("coord1"))
    with pytest.raises(PermissionDenied):
        workflow.change_school_zone(school(2113), 3, user("coord1"))
    with pytest.raises(RuleViolation, match="entre 1 et 10"):
        workflow.change_school_zone(school(2113), 11, user("gestionnaire"))
    notices = workflow.change_school_zone(school(2113), 3, user("gestionnaire"))
    assert "dérogation" in notices[0]
    conv.reload()
    assert conv.schools[0].zone == 3
    with pytest.raises(RuleViolation, match="dérogation"):
        workflow.validate_school_list(conv, user("coord1"))


def test_zone_change_refused_in_a_locked_convention(partnership, school, user):
    from tests.rules.conftest import drive

    drive(partnership, "validated", user)
    with pytest.raises(InvalidState, match="Seule l'Administration peut rouvrir"):
        workflow.change_school_zone(school(2103), 5, user("gestionnaire"))
    assert School.objects.get(fase=2103).zone == 4
