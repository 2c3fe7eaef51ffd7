"""Routing of schools into the documents of a pole (circular, chapter II)."""

import pytest

from app.models import Convention, Pole
from app.rules.errors import InvalidState, PermissionDenied, RuleViolation
from app.rules.routing import route
from app.rules.states import Kind, SchoolRole, Status
from app.services import workflow

ABC, XYZ, OTHER = "po-abc", "po-xyz", "po-other"


@pytest.mark.parametrize(
    ("role", "school_po", "other_partners", "kind", "slot"),
    [
        # the circular's examples
        (SchoolRole.PARTNER, ABC, [], Kind.RESSORT, "ressort"),
        (SchoolRole.PARTNER, ABC, [ABC], Kind.RESSORT, "ressort"),
        (SchoolRole.PARTNER, XYZ, [ABC], Kind.PARTNERSHIP, "partnership"),
        (SchoolRole.PARTNER, ABC, [XYZ], Kind.PARTNERSHIP, "partnership"),
        (SchoolRole.COOPERATING, ABC, [], Kind.RESSORT, "ressort"),
        (SchoolRole.COOPERATING, XYZ, [], Kind.COOPERATION, f"cooperation:{XYZ}"),
        (SchoolRole.COOPERATING, OTHER, [XYZ], Kind.COOPERATION, f"cooperation:{OTHER}"),
        # a specific partner always has its own convention, even of the seat's PO
        (SchoolRole.SPECIFIC_PARTNER, XYZ, [], Kind.SPECIFIC_PARTNERSHIP, "specific:s1"),
        (SchoolRole.SPECIFIC_PARTNER, ABC, [], Kind.SPECIFIC_PARTNERSHIP, "specific:s1"),
    ],
)
def test_routing_table(role, school_po, other_partners, kind, slot):
    target = route(role, "s1", school_po, ABC, other_partners)
    assert (target.kind, target.slot) == (kind, slot)


def test_circular_example_partner_moves_to_partnership(pole1, school, user):
    coord = user("coord1")
    ressort = workflow.add_school(pole1, school(2102), "partner", coord)  # PO abc + partner abc
    assert ressort.kind == Kind.RESSORT
    assert [e.fase for e in ressort.schools] == [2102]
    assert "ressort" in ressort.notices[0]

    partnership = workflow.add_school(pole1, school(2103), "partner", coord)  # + partner xyz
    assert partnership.kind == Kind.PARTNERSHIP
    assert sorted(e.fase for e in partnership.schools) == [2102, 2103]
    assert any(
        "déplacée du ressort vers la convention de partenariat" in n for n in partnership.notices
    )
    # the empty, untouched ressort is gone
    assert Convention.objects(pole=pole1.pk, slot="ressort").count() == 0

    # a later same-PO partner goes straight into the partnership
    assert Convention.objects(pole=pole1.pk, slot="partnership").count() == 1


def test_ressort_keeps_cooperation_when_partners_move(pole1, school, user):
    coord = user("coord1")
    workflow.add_school(pole1, school(2102), "partner", coord)
    workflow.add_school(pole1, school(2111), "cooperating", coord)
    workflow.add_school(pole1, school(2103), "partner", coord)
    ressort = Convention.objects.get(pole=pole1.pk, slot="ressort")
    assert [(e.fase, e.role) for e in ressort.schools] == [(2111, "cooperating")]
    # the identification of the parties follows the list
    assert "2102" not in ressort.article("1").body
    assert "2111" in ressort.article("1").body


def test_whole_pole_routing(route_pole1, po, school):
    convs = route_pole1()
    assert set(convs) == {
        "ressort",
        "partnership",
        f"cooperation:{po(1003).pk}",
        f"cooperation:{po(1004).pk}",
        f"specific:{school(2201).pk}",
    }
    fases = {slot: sorted(e.fase for e in c.schools) for slot, c in convs.items()}
    assert fases["ressort"] == [2111, 2112]
    assert fases["partnership"] == [2102, 2103]
    assert fases[f"cooperation:{po(1003).pk}"] == [2113, 2114]
    assert fases[f"cooperation:{po(1004).pk}"] == [2115]
    specific = next(c for s, c in convs.items() if s.startswith("specific"))
    assert specific.kind == Kind.SPECIFIC_PARTNERSHIP and specific.schools[0].fase == 2201
    # denormalised fields of the list
    entry = convs["partnership"].school_entry(convs["partnership"].schools[0].school.pk)
    assert entry.po_name and entry.po_fase and entry.zone and entry.name


def test_articles_built_from_templates(route_pole1):
    convs = route_pole1()
    partnership = convs["partnership"]
    natures = {a.key: a.nature for a in partnership.articles}
    assert natures["identification"] == "P" and natures["preambule"] == "F"
    assert natures["4"] == "C" and natures["13"] == "O"
    fixed = partnership.article("9")
    assert fixed.body and fixed.complete
    assert "Pôle territorial n° 1" in partnership.article("identification").body
    assert "FASE 1002" in partnership.article("1").body  # the partner PO is a party


@pytest.mark.parametrize(
    ("fase", "role", "message"),
    [
        (2111, "partner", "enseignement ordinaire"),
        (2102, "cooperating", "enseignement spécialisé"),
        (2102, "specific_partner", "type 4, 5, 6 ou 7"),
        (2111, "specific_partner", "enseignement ordinaire"),
        (2101, "partner", "école siège"),
        (2102, "director", "rôle de l'école"),
    ],
)
def test_refused_schools(pole1, school, user, fase, role, message):
    with pytest.raises(RuleViolation, match=message):
        workflow.add_school(pole1, school(fase), role, user("coord1"))
    assert Convention.objects.count() == 0


def test_school_cooperating_with_another_pole_is_refused(pole1, pole2, school, user):
    # 2211 cooperates with pole 2 (its structure)
    with pytest.raises(RuleViolation, match="coopère déjà avec le pôle n° 2"):
        workflow.add_school(pole1, school(2211), "cooperating", user("coord1"))


def test_partner_of_another_pole_is_refused_but_may_be_specific_partner(pole1, school, user):
    coord = user("coord1")
    with pytest.raises(RuleViolation, match="déjà partenaire du pôle n° 2"):
        workflow.add_school(pole1, school(2201), "partner", coord)
    conv = workflow.add_school(pole1, school(2201), "specific_partner", coord)
    assert conv.kind == Kind.SPECIFIC_PARTNERSHIP


def test_school_added_twice_is_refused(pole1, school, user):
    coord = user("coord1")
    workflow.add_school(pole1, school(2113), "cooperating", coord)
    with pytest.raises(RuleViolation, match="figure déjà dans ce pôle"):
        workflow.add_school(pole1, school(2113), "cooperating", coord)
    conv = Convention.objects.get(pole=pole1.pk, kind=Kind.COOPERATION)
    assert [e.fase for e in conv.schools] == [2113]


def test_adding_to_a_validated_list_is_refused(pole1, school, user):
    coord = user("coord1")
    conv = workflow.add_school(pole1, school(2113), "cooperating", coord)
    workflow.validate_school_list(conv, coord)
    with pytest.raises(InvalidState, match="déjà validée"):
        workflow.add_school(pole1, school(2114), "cooperating", coord)
    conv.reload()
    assert [e.fase for e in conv.schools] == [2113]


def test_move_refused_when_ressort_list_validated(pole1, school, user):
    coord = user("coord1")
    ressort = workflow.add_school(pole1, school(2102), "partner", coord)
    workflow.validate_school_list(ressort, coord)
    with pytest.raises(InvalidState, match="liste du ressort"):
        workflow.add_school(pole1, school(2103), "partner", coord)
    assert Convention.objects(pole=pole1.pk, slot="partnership").count() == 0


def test_only_the_seat_side_and_back_office_edit_lists(pole1, school, user):
    for username in ("po-part1", "dir-coop1", "support", "coord2"):
        with pytest.raises(PermissionDenied):
            workflow.add_school(pole1, school(2113), "cooperating", user(username))
    for username in ("dir-siege1", "gestionnaire"):
        conv = workflow.add_school(pole1, school(2113), "cooperating", user(username))
        workflow.remove_school(conv, school(2113), user(username))


def test_pole_structure_lists_follow(pole1, school, user):
    coord = user("coord1")
    Pole.objects(id=pole1.pk).update_one(pull__cooperating_schools=school(2113).pk)
    conv = workflow.add_school(pole1, school(2113), "cooperating", coord)
    assert school(2113) in Pole.objects.get(id=pole1.pk).cooperating_schools
    workflow.remove_school(conv, school(2113), coord)
    assert school(2113) not in Pole.objects.get(id=pole1.pk).cooperating_schools


def test_empty_cooperation_convention_is_deleted(pole1, school, user):
    coord = user("coord1")
    conv = workflow.add_school(pole1, school(2115), "cooperating", coord)
    workflow.remove_school(conv, school(2115), coord)
    assert Convention.objects(id=conv.pk).count() == 0


def test_removing_the_other_po_partner_brings_partners_back(pole1, school, user):
    coord = user("coord1")
    workflow.add_school(pole1, school(2102), "partner", coord)
    partnership = workflow.add_school(pole1, school(2103), "partner", coord)
    workflow.save_article(partnership, 4, "Texte rédigé.", coord)
    workflow.remove_school(partnership, school(2103), coord)
    assert any("revenue dans le ressort" in n for n in partnership.notices)
    ressort = Convention.objects.get(pole=pole1.pk, slot="ressort")
    assert [e.fase for e in ressort.schools] == [2102]
    # the partnership keeps its written article: kept, empty, still a draft
    kept = Convention.objects.get(id=partnership.pk)
    assert kept.schools == [] and kept.status == Status.DRAFT


def test_removing_from_a_validated_list_is_refused(pole1, school, user):
    coord = user("coord1")
    conv = workflow.add_school(pole1, school(2113), "cooperating", coord)
    workflow.validate_school_list(conv, coord)
    with pytest.raises(InvalidState, match="validée"):
        workflow.remove_school(conv, school(2113), coord)
    # the Administration reopens the list (audited), then removal works
    workflow.reopen_school_list(conv, user("admin"), "erreur d'encodage")
    assert conv.status == Status.DRAFT
    workflow.add_school(pole1, school(2114), "cooperating", coord)
    conv.reload()
    assert sorted(e.fase for e in conv.schools) == [2113, 2114]
