"""What a convention's page offers each user at each stage (workflow.offers and friends)."""

from app.rules.states import Kind, Status
from app.services import workflow
from app.services.articles import split_fases, split_parties
from tests.rules.conftest import drive


def test_draft_offers_the_list_to_the_seat_side_only(route_pole1, user):
    convs = route_pole1()
    coop = next(c for c in convs.values() if c.kind == Kind.COOPERATION)
    seat = workflow.offers(coop, user("coord1"))
    assert seat.edit_list and seat.edit_articles and seat.validate
    assert not (seat.reopen_list or seat.approve or seat.reopen)
    assert seat.sign_for is None and seat.acknowledge_for is None
    assert seat.copy_article
    other_pole = workflow.offers(coop, user("coord2"))
    assert not (other_pole.edit_list or other_pole.edit_articles or other_pole.validate)
    assert not workflow.offers(coop, user("admin")).reopen_list  # nothing to reopen yet


def test_validated_list_is_reopened_by_the_administration_only(partnership, user):
    coord = workflow.offers(partnership, user("coord1"))
    assert not coord.edit_list and not coord.reopen_list
    assert coord.edit_articles and coord.validate and not coord.copy_article
    assert workflow.offers(partnership, user("admin")).reopen_list


def test_each_delegate_is_offered_to_sign_once_for_their_po(partnership, user, po):
    conv = drive(partnership, Status.VALIDATED, user)
    assert workflow.offers(conv, user("po-siege1")).sign_for == po(1001).pk
    assert workflow.offers(conv, user("po-part1")).sign_for == po(1002).pk
    assert workflow.offers(conv, user("coord1")).sign_for is None
    assert not workflow.offers(conv, user("coord1")).edit_articles  # locked
    assert workflow.offers(conv, user("admin")).reopen
    workflow.sign(conv, user("po-siege1"))
    assert workflow.offers(conv, user("po-siege1")).sign_for is None
    assert not workflow.offers(conv, user("admin")).approve  # one signature missing


def test_approval_then_acknowledgments_are_offered_in_turn(partnership, user, school):
    conv = drive(partnership, Status.SIGNED, user)
    admin = workflow.offers(conv, user("admin"))
    assert admin.approve and not admin.reopen
    assert workflow.offers(conv, user("dir-siege1")).acknowledge_for is None  # not approved
    drive(conv, Status.APPROVED, user)
    assert workflow.offers(conv, user("dir-siege1")).acknowledge_for == school(2101).pk
    workflow.acknowledge(conv, user("dir-siege1"))
    assert workflow.offers(conv, user("dir-siege1")).acknowledge_for is None
    assert not workflow.offers(conv, user("admin")).approve


def test_validation_blockers_name_the_list_then_the_missing_articles(route_pole1, user):
    coop = next(c for c in route_pole1().values() if c.kind == Kind.COOPERATION)
    blockers = workflow.validation_blockers(coop)
    assert blockers[0] == "La liste des écoles n'est pas encore validée (étape 1)."
    missing = workflow.missing_articles(coop)
    assert missing and blockers[1:] == [f"{a.heading} : à compléter" for a in missing]


def test_nothing_blocks_a_complete_convention_whose_list_is_validated(partnership):
    assert workflow.validation_blockers(partnership) == []


def test_follow_up_documents_of_cooperation_and_ressort_only():
    expected = (Kind.PARTNERSHIP, Kind.SPECIFIC_PARTNERSHIP)
    assert workflow.follow_up_kinds(Kind.COOPERATION) == expected
    assert workflow.follow_up_kinds(Kind.RESSORT) == expected
    assert workflow.follow_up_kinds(Kind.PARTNERSHIP) == ()
    assert workflow.follow_up_kinds(Kind.SPECIFIC_PARTNERSHIP) == ()


def test_points_are_shared_by_the_seat_then_each_partner(partnership):
    parties = split_parties(partnership)
    assert [p["fase"] for p in parties] == [2101, 2102, 2103]
    assert parties[0]["role"] == "école siège"
    assert {p["role"] for p in parties[1:]} == {"école partenaire"}
    assert split_fases(partnership) == [2101, 2102, 2103]


def test_awaited_signature_and_acknowledgment_follow_the_stage(partnership, user, po, school):
    conv = drive(partnership, Status.LIST_VALIDATED, user)
    assert workflow.awaited_signature(conv, user("po-part1")) is None  # not validated yet
    drive(conv, Status.VALIDATED, user)
    assert workflow.awaited_signature(conv, user("po-part1")) == po(1002).pk
    assert workflow.awaited_signature(conv, user("dir-part1")) is None  # directors don't sign
    workflow.sign(conv, user("po-part1"))
    assert workflow.awaited_signature(conv, user("po-part1")) is None  # signed already
    assert workflow.awaited_signature(conv, user("po-siege1")) == po(1001).pk
    workflow.sign(conv, user("po-siege1"))
    drive(conv, Status.APPROVED, user)
    assert workflow.awaited_acknowledgment(conv, user("dir-part1")) == school(2103).pk
    workflow.acknowledge(conv, user("dir-part1"))
    assert workflow.awaited_acknowledgment(conv, user("dir-part1")) is None
