"""Which objects a grant covers: ``can`` on plain conventions, the list filter, the party a
user signs or acknowledges for (several grants), a convention with no schools.

Pole 1: seat school 10 of PO 100. Partner 20 (PO 200), cooperating 30 (PO 300), specific
partner 40 (PO 400); in the ressort, partner 21 and cooperating 31, both of the seat's PO.
"""

import pytest

from app.rules.permissions import (
    Action,
    acknowledging_school_id,
    can,
    convention_filter,
    party_role,
    pole_ids,
    signing_po_id,
)
from app.rules.roles import Role
from app.rules.states import Kind, SchoolRole
from tests.unit.plain import Convention, Entry, Pole, acknowledged, grant, signed, user

R = Role
P, C, S = SchoolRole.PARTNER, SchoolRole.COOPERATING, SchoolRole.SPECIFIC_PARTNER


def conventions() -> dict[str, Convention]:
    return {
        "ressort": Convention(Kind.RESSORT, schools=[Entry(21, 100, P), Entry(31, 100, C)]),
        "partnership": Convention(Kind.PARTNERSHIP, schools=[Entry(20, 200, P)]),
        "cooperation": Convention(Kind.COOPERATION, schools=[Entry(30, 300, C)]),
        "specific": Convention(Kind.SPECIFIC_PARTNERSHIP, schools=[Entry(40, 400, S)]),
        "other_pole": Convention(Kind.PARTNERSHIP, pole=2, schools=[Entry(20, 200, P)]),
        "empty_cooperation": Convention(Kind.COOPERATION),
        "empty_specific": Convention(Kind.SPECIFIC_PARTNERSHIP),
    }


SIGN = [
    # (role, po of the grant, convention, may sign)
    (R.SEAT_PO_DELEGATE, 100, "ressort", True),
    (R.SEAT_PO_DELEGATE, 100, "partnership", True),
    (R.SEAT_PO_DELEGATE, 100, "cooperation", True),
    (R.SEAT_PO_DELEGATE, 100, "specific", True),
    (R.SEAT_PO_DELEGATE, 100, "other_pole", False),
    (R.SEAT_PO_DELEGATE, 200, "partnership", False),  # a seat grant for another PO
    (R.PARTNER_PO_DELEGATE, 200, "partnership", True),
    (R.PARTNER_PO_DELEGATE, 200, "other_pole", False),
    (R.PARTNER_PO_DELEGATE, 100, "partnership", False),  # the seat's PO does not sign twice
    (R.PARTNER_PO_DELEGATE, 100, "ressort", True),  # a ressort is signed by the seat's PO
    (R.PARTNER_PO_DELEGATE, 300, "cooperation", False),
    (R.PARTNER_PO_DELEGATE, 999, "partnership", False),
    (R.COOPERATING_PO_DELEGATE, 300, "cooperation", True),
    (R.COOPERATING_PO_DELEGATE, 100, "ressort", True),
    (R.COOPERATING_PO_DELEGATE, 100, "cooperation", False),
    (R.COOPERATING_PO_DELEGATE, 200, "partnership", False),
    (R.COOPERATING_PO_DELEGATE, 400, "specific", False),
    (R.SPECIFIC_PO_DELEGATE, 400, "specific", True),
    (R.SPECIFIC_PO_DELEGATE, 100, "specific", False),
    (R.SPECIFIC_PO_DELEGATE, 100, "ressort", False),
    (R.SPECIFIC_PO_DELEGATE, 200, "partnership", False),
    (R.SEAT_DIRECTOR, 100, "ressort", False),
    (R.COORDINATOR, 100, "partnership", False),
    (R.ADMINISTRATION, 100, "partnership", False),
]


@pytest.mark.parametrize(("role", "po", "name", "allowed"), SIGN)
def test_sign(role, po, name, allowed):
    conv = conventions()[name]
    u = user(grant(role, pole=1, po=po))
    assert can(u, Action.SIGN, conv) is allowed
    assert (signing_po_id(u, conv) == po) is allowed
    if not allowed:
        assert signing_po_id(u, conv) is None


ACKNOWLEDGE = [
    # (role, school of the grant, convention, may acknowledge)
    (R.SEAT_DIRECTOR, 10, "ressort", True),
    (R.SEAT_DIRECTOR, 10, "partnership", True),
    (R.SEAT_DIRECTOR, 10, "specific", True),
    (R.SEAT_DIRECTOR, 10, "other_pole", False),
    (R.SEAT_DIRECTOR, 20, "partnership", False),  # a seat grant for a partner school
    (R.PARTNER_DIRECTOR, 20, "partnership", True),
    (R.PARTNER_DIRECTOR, 21, "ressort", True),
    (R.PARTNER_DIRECTOR, 31, "ressort", False),  # 31 is cooperating there
    (R.PARTNER_DIRECTOR, 10, "partnership", False),
    (R.PARTNER_DIRECTOR, 30, "cooperation", False),
    (R.COOPERATING_DIRECTOR, 30, "cooperation", True),
    (R.COOPERATING_DIRECTOR, 31, "ressort", True),
    (R.COOPERATING_DIRECTOR, 21, "ressort", False),  # 21 is a partner there
    (R.COOPERATING_DIRECTOR, 20, "partnership", False),
    (R.SPECIFIC_DIRECTOR, 40, "specific", True),
    (R.SPECIFIC_DIRECTOR, 21, "ressort", False),
    (R.SPECIFIC_DIRECTOR, 99, "specific", False),
    (R.SEAT_PO_DELEGATE, 10, "ressort", False),
    (R.ADMINISTRATION, 10, "ressort", False),
]


@pytest.mark.parametrize(("role", "school", "name", "allowed"), ACKNOWLEDGE)
def test_acknowledge(role, school, name, allowed):
    conv = conventions()[name]
    u = user(grant(role, pole=1, school=school))
    assert can(u, Action.ACKNOWLEDGE, conv) is allowed
    assert (acknowledging_school_id(u, conv) == school) is allowed
    if not allowed:
        assert acknowledging_school_id(u, conv) is None


VIEW = [
    # (role, school, po, convention, may view)
    (R.COORDINATOR, None, None, "ressort", True),
    (R.COORDINATOR, None, None, "empty_cooperation", True),
    (R.COORDINATOR, None, None, "other_pole", False),
    (R.SEAT_DIRECTOR, 10, None, "cooperation", True),
    (R.PARTNER_DIRECTOR, 20, None, "partnership", True),
    (R.PARTNER_DIRECTOR, 20, None, "specific", True),  # follow-up document
    (R.PARTNER_DIRECTOR, 20, None, "empty_specific", True),  # follow-up, even empty
    (R.PARTNER_DIRECTOR, 20, None, "cooperation", False),
    (R.PARTNER_DIRECTOR, 20, None, "ressort", False),
    (R.PARTNER_DIRECTOR, 21, None, "ressort", True),
    (R.PARTNER_DIRECTOR, 20, None, "other_pole", False),
    (R.PARTNER_PO_DELEGATE, None, 200, "partnership", True),
    (R.PARTNER_PO_DELEGATE, None, 100, "ressort", True),
    (R.PARTNER_PO_DELEGATE, None, 200, "empty_cooperation", False),
    (R.COOPERATING_DIRECTOR, 30, None, "cooperation", True),
    (R.COOPERATING_DIRECTOR, 30, None, "partnership", True),  # follow-up document
    (R.COOPERATING_DIRECTOR, 30, None, "empty_cooperation", False),
    (R.COOPERATING_DIRECTOR, 31, None, "ressort", True),
    (R.COOPERATING_PO_DELEGATE, None, 300, "cooperation", True),
    (R.COOPERATING_PO_DELEGATE, None, 300, "specific", True),  # follow-up document
    (R.COOPERATING_PO_DELEGATE, None, 300, "ressort", False),
    (R.COOPERATING_PO_DELEGATE, None, 100, "ressort", True),
    (R.SPECIFIC_DIRECTOR, 40, None, "specific", True),
    (R.SPECIFIC_DIRECTOR, 40, None, "partnership", False),  # no follow-up documents
    (R.SPECIFIC_DIRECTOR, 40, None, "empty_specific", False),
    (R.SPECIFIC_PO_DELEGATE, None, 400, "specific", True),
    (R.SPECIFIC_PO_DELEGATE, None, 400, "ressort", False),
    (R.PARTNER_DIRECTOR, None, None, "partnership", False),  # a grant without its school
    (R.ADMINISTRATION, None, None, "other_pole", True),
    (R.DATA_MANAGER, None, None, "empty_specific", True),
    (R.SUPPORT, None, None, "ressort", False),
]


@pytest.mark.parametrize(("role", "school", "po", "name", "allowed"), VIEW)
def test_view(role, school, po, name, allowed):
    conv = conventions()[name]
    u = user(grant(role, pole=1, school=school, po=po))
    assert can(u, Action.VIEW_CONVENTION, conv) is allowed


def _filter_matches(flt, conv) -> bool:
    """A MongoDB filter of the forms ``convention_filter`` builds, matched on a plain value."""
    if flt is None:
        return False
    if "$or" in flt:
        return any(_filter_matches(clause, conv) for clause in flt["$or"])
    values = {
        "pole": {conv.pole},
        "kind": {str(conv.kind)},
        "schools.school": {e.school for e in conv.schools},
        "schools.po": {e.po for e in conv.schools},
    }
    for key, wanted in flt.items():
        options = wanted["$in"] if isinstance(wanted, dict) else [wanted]
        if not values[key] & set(options):
            return False
    return True


@pytest.mark.parametrize(("role", "school", "po", "name", "allowed"), VIEW)
def test_list_filter_agrees_with_can(role, school, po, name, allowed):
    conv = conventions()[name]
    u = user(grant(role, pole=1, school=school, po=po))
    assert _filter_matches(convention_filter(u), conv) is allowed


def test_list_filters():
    assert convention_filter(user()) is None
    assert convention_filter(user(grant(R.SUPPORT))) is None
    assert convention_filter(user(grant(R.ADMINISTRATION))) == {}
    assert convention_filter(user(grant(R.COORDINATOR, pole=1), grant(R.DATA_MANAGER))) == {}
    assert convention_filter(user(grant(R.COORDINATOR, pole=1))) == {"pole": 1}
    assert convention_filter(user(grant(R.COORDINATOR))) is None  # no pole, nothing
    assert convention_filter(
        user(grant(R.COORDINATOR, pole=1), grant(R.SEAT_DIRECTOR, pole=3, school=10))
    ) == {"$or": [{"pole": 1}, {"pole": 3}]}
    assert convention_filter(user(grant(R.SPECIFIC_DIRECTOR, pole=1, school=40))) == {
        "pole": 1,
        "kind": {"$in": [Kind.SPECIFIC_PARTNERSHIP]},
        "schools.school": 40,
    }
    assert convention_filter(user(grant(R.PARTNER_PO_DELEGATE, pole=1, po=200))) == {
        "$or": [
            {"pole": 1, "kind": {"$in": [Kind.PARTNERSHIP, Kind.RESSORT]}, "schools.po": 200},
            {"pole": 1, "kind": {"$in": [Kind.PARTNERSHIP, Kind.SPECIFIC_PARTNERSHIP]}},
        ]
    }


def test_pole_ids():
    assert pole_ids(user()) == set()
    assert pole_ids(user(grant(R.ADMINISTRATION))) is None
    assert pole_ids(user(grant(R.DATA_MANAGER), grant(R.COORDINATOR, pole=2))) is None
    assert pole_ids(user(grant(R.SUPPORT), grant(R.COORDINATOR, pole=2))) == {2}
    # A back-office grant that names a pole does not make its holder a member of it.
    assert pole_ids(user(grant(R.SUPPORT, pole=3), grant(R.COORDINATOR, pole=2))) == {2}
    assert pole_ids(
        user(grant(R.COORDINATOR, pole=1), grant(R.PARTNER_DIRECTOR, pole=3, school=20))
    ) == {1, 3}


def test_pole_scope():
    coord = user(grant(R.COORDINATOR, pole=1))
    assert can(coord, Action.VIEW_POLE, Pole(1))
    assert not can(coord, Action.VIEW_POLE, Pole(2))
    assert not can(coord, Action.MANAGE_STRUCTURE, Pole(1))
    assert can(user(grant(R.DATA_MANAGER)), Action.MANAGE_STRUCTURE, Pole(2))
    # An object of an unknown kind is covered by no pole grant.
    assert not can(coord, Action.VIEW_POLE, object())
    assert can(user(grant(R.ADMINISTRATION)), Action.VIEW_POLE, object())


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(R.COORDINATOR, True), (R.SEAT_DIRECTOR, True), (R.SEAT_PO_DELEGATE, True)],
)
def test_seat_side_edits_its_pole_only(role, allowed):
    u = user(grant(role, pole=1, school=10, po=100))
    for action in (Action.EDIT_SCHOOL_LIST, Action.EDIT_ARTICLES, Action.VALIDATE):
        assert can(u, action, conventions()["empty_cooperation"]) is allowed
        assert can(u, action, conventions()["other_pole"]) is False


def test_a_counterpart_edits_nothing_even_with_a_permission_row_granting_it():
    # The scope code itself refuses: a counterpart is not on the seat side.
    from app.rules import permissions

    conv = conventions()["partnership"]
    g = grant(R.PARTNER_PO_DELEGATE, pole=1, po=200)
    assert not permissions._covers_convention(g, R.PARTNER_PO_DELEGATE, Action.EDIT_ARTICLES, conv)
    assert permissions._covers_convention(
        grant(R.COORDINATOR, pole=1), R.COORDINATOR, Action.EDIT_ARTICLES, conv
    )


def test_support_views_no_convention_even_with_a_permission_row_granting_it():
    # Support's grants have no view clause of their own: the table's refusal is not the only
    # thing between support and the pole's conventions.
    from app.rules import permissions

    for pole in (None, 1):
        assert permissions._view_clauses(grant(R.SUPPORT, pole=pole), R.SUPPORT) == []


# --- users holding several grants --------------------------------------------------------


def test_a_delegate_of_two_pos_signs_for_each_in_turn():
    conv = Convention(Kind.COOPERATION, schools=[Entry(30, 300, C), Entry(32, 320, C)])
    u = user(
        grant(R.COOPERATING_PO_DELEGATE, pole=1, po=300),
        grant(R.COOPERATING_PO_DELEGATE, pole=1, po=320),
    )
    assert signing_po_id(u, conv) == 300
    conv.signatures.append(signed(300))
    assert signing_po_id(u, conv) == 320
    conv.signatures.append(signed(320))
    assert signing_po_id(u, conv) == 300  # all done: the first, to say « already signed »


def test_a_grant_of_another_pole_is_skipped():
    conv = conventions()["partnership"]
    u = user(
        grant(R.PARTNER_PO_DELEGATE, pole=2, po=200),
        grant(R.PARTNER_DIRECTOR, pole=1, school=20),
        grant(R.PARTNER_PO_DELEGATE, pole=1, po=200),
    )
    assert signing_po_id(u, conv) == 200
    assert signing_po_id(user(grant(R.PARTNER_PO_DELEGATE, pole=2, po=200)), conv) is None


def test_a_director_with_grants_in_two_poles():
    here = conventions()["partnership"]
    there = Convention(Kind.PARTNERSHIP, pole=2, seat_school=11, schools=[Entry(22, 200, P)])
    u = user(
        grant(R.PARTNER_DIRECTOR, pole=2, school=22), grant(R.PARTNER_DIRECTOR, pole=1, school=20)
    )
    assert acknowledging_school_id(u, here) == 20
    assert acknowledging_school_id(u, there) == 22
    assert can(u, Action.ACKNOWLEDGE, here) and can(u, Action.ACKNOWLEDGE, there)


def test_a_director_of_two_schools_acknowledges_for_each_in_turn():
    conv = Convention(Kind.COOPERATION, schools=[Entry(30, 300, C), Entry(33, 300, C)])
    u = user(
        grant(R.COOPERATING_DIRECTOR, pole=1, school=30),
        grant(R.SEAT_PO_DELEGATE, pole=1, po=100),  # cannot acknowledge: skipped
        grant(R.COOPERATING_DIRECTOR, pole=1, school=33),
    )
    assert acknowledging_school_id(u, conv) == 30
    conv.acknowledgments.append(acknowledged(30))
    assert acknowledging_school_id(u, conv) == 33
    conv.acknowledgments.append(acknowledged(33))
    assert acknowledging_school_id(u, conv) == 30


def test_the_grant_role_must_match_the_school_role_in_the_convention():
    # School 31 is cooperating in the ressort: a partner-director grant for it does not count,
    # a cooperating-director grant does, whatever order the grants come in.
    ressort = conventions()["ressort"]
    partner_grant = grant(R.PARTNER_DIRECTOR, pole=1, school=31)
    coop_grant = grant(R.COOPERATING_DIRECTOR, pole=1, school=31)
    assert acknowledging_school_id(user(partner_grant), ressort) is None
    assert acknowledging_school_id(user(partner_grant, coop_grant), ressort) == 31


def test_the_capacity_comes_from_the_grant_that_allows_the_step():
    # PO 100 is the seat's: a partner-delegate grant for it does not sign a partnership, the
    # seat-delegate grant does, and its role is the capacity, whatever order the grants have.
    partnership, ressort = conventions()["partnership"], conventions()["ressort"]
    u = user(
        grant(R.PARTNER_PO_DELEGATE, pole=1, po=100), grant(R.SEAT_PO_DELEGATE, pole=1, po=100)
    )
    assert party_role(u, Action.SIGN, partnership, 100) == R.SEAT_PO_DELEGATE
    assert party_role(u, Action.SIGN, ressort, 100) == R.PARTNER_PO_DELEGATE  # first that may
    assert party_role(u, Action.SIGN, partnership, 200) is None
    assert party_role(u, Action.SIGN, partnership, None) is None
    # School 31 is cooperating in the ressort: the cooperating-director grant names it.
    d = user(
        grant(R.PARTNER_DIRECTOR, pole=1, school=31),
        grant(R.COOPERATING_DIRECTOR, pole=2, school=31),  # another pole
        grant(R.COOPERATING_PO_DELEGATE, pole=1, po=100),  # may not acknowledge
        grant(R.COOPERATING_DIRECTOR, pole=1, school=31),
    )
    assert party_role(d, Action.ACKNOWLEDGE, ressort, 31) == R.COOPERATING_DIRECTOR
    assert party_role(d, Action.ACKNOWLEDGE, ressort, 21) is None
    assert party_role(d, Action.SIGN, ressort, 100) == R.COOPERATING_PO_DELEGATE


def test_an_inactive_user_has_no_grant():
    u = user(grant(R.SEAT_PO_DELEGATE, pole=1, po=100), active=False)
    assert signing_po_id(u, conventions()["ressort"]) is None
    assert not can(u, Action.VIEW_CONVENTION, conventions()["ressort"])


@pytest.mark.parametrize("role", list(R))
def test_a_grant_naming_both_a_school_and_a_po_acts_only_as_its_role(role):
    # The table decides what a grant does, whatever the grant carries: a director's grant
    # naming the partner's PO does not sign, a delegate's naming the school does not
    # acknowledge (only the partner's own two profiles act, each in its own step).
    conv = conventions()["partnership"]
    u = user(grant(role, pole=1, school=20, po=200))
    signs, acknowledges = role == R.PARTNER_PO_DELEGATE, role == R.PARTNER_DIRECTOR
    assert can(u, Action.SIGN, conv) is signs
    assert signing_po_id(u, conv) == (200 if signs else None)
    assert party_role(u, Action.SIGN, conv, 200) == (role if signs else None)
    assert can(u, Action.ACKNOWLEDGE, conv) is acknowledges
    assert acknowledging_school_id(u, conv) == (20 if acknowledges else None)
    assert party_role(u, Action.ACKNOWLEDGE, conv, 20) == (role if acknowledges else None)


def test_a_grant_of_another_pole_never_acts_here():
    # School 20 and PO 200 are partners in pole 1; grants naming them in pole 2 count for
    # nothing in pole 1's convention: no step, no capacity, no view.
    conv = conventions()["partnership"]
    u = user(
        grant(R.PARTNER_DIRECTOR, pole=2, school=20), grant(R.PARTNER_PO_DELEGATE, pole=2, po=200)
    )
    assert signing_po_id(u, conv) is None and acknowledging_school_id(u, conv) is None
    assert party_role(u, Action.SIGN, conv, 200) is None
    assert party_role(u, Action.ACKNOWLEDGE, conv, 20) is None
    for action in (Action.SIGN, Action.DECLINE, Action.ACKNOWLEDGE, Action.VIEW_CONVENTION):
        assert not can(u, action, conv)


def test_lists_stored_as_null_read_as_empty():
    # A document whose lists are null (a raw write, an old record) is read as having none.
    conv = Convention(
        Kind.PARTNERSHIP, schools=[Entry(20, 200, P)], signatures=None, acknowledgments=None
    )
    assert signing_po_id(user(grant(R.PARTNER_PO_DELEGATE, pole=1, po=200)), conv) == 200
    assert acknowledging_school_id(user(grant(R.PARTNER_DIRECTOR, pole=1, school=20)), conv) == 20
    bare = Convention(Kind.COOPERATION, schools=None)
    assert can(user(grant(R.COORDINATOR, pole=1)), Action.VIEW_CONVENTION, bare)
    assert not can(user(grant(R.COOPERATING_DIRECTOR, pole=1, school=30)), Action.ACKNOWLEDGE, bare)
    assert not can(
        user(grant(R.COOPERATING_DIRECTOR, pole=1, school=30)), Action.VIEW_CONVENTION, bare
    )
    assert can(user(grant(R.SEAT_DIRECTOR, pole=1, school=10)), Action.ACKNOWLEDGE, bare)
    # The seat school named by a counterpart's grant: not listed as a counterpart.
    assert not can(user(grant(R.COOPERATING_DIRECTOR, pole=1, school=10)), Action.ACKNOWLEDGE, bare)


def test_a_grant_that_signs_for_nobody_here_gives_way_to_the_next():
    conv = conventions()["partnership"]
    u = user(
        grant(R.COOPERATING_PO_DELEGATE, pole=1, po=300),  # may sign, but not a partnership
        grant(R.PARTNER_PO_DELEGATE, pole=1, po=200),
    )
    assert signing_po_id(u, conv) == 200


def test_a_school_listed_under_another_kind_is_not_acknowledged_by_this_profile():
    # A partner entry in a cooperation (a list mended by hand): the partner director's grant
    # still does not acknowledge a kind its profile has no part in.
    odd = Convention(Kind.COOPERATION, schools=[Entry(20, 200, P)])
    assert acknowledging_school_id(user(grant(R.PARTNER_DIRECTOR, pole=1, school=20)), odd) is None
    assert not can(user(grant(R.PARTNER_DIRECTOR, pole=1, school=20)), Action.ACKNOWLEDGE, odd)
