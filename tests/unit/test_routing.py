"""Routing on plain values (no app): which document a school belongs in, who may play which
role, and the French refusals (circular, chapter II)."""

from types import SimpleNamespace

import pytest

from app.rules.errors import RuleViolation
from app.rules.routing import (
    POLE_LIST,
    Target,
    cooperation_slot,
    eligibility_error,
    parse_role,
    partners_need_partnership,
    role_label,
    route,
    specific_slot,
)
from app.rules.states import Kind, SchoolRole

P, C, S = SchoolRole.PARTNER, SchoolRole.COOPERATING, SchoolRole.SPECIFIC_PARTNER
SEAT_PO = 100

ROUTES = [
    # (role, school id, its PO, POs of the partners already listed, expected target)
    (C, 1, SEAT_PO, [], Target(Kind.RESSORT, "ressort")),
    (C, 1, SEAT_PO, [200], Target(Kind.RESSORT, "ressort")),  # partners do not move it
    (C, 1, 300, [], Target(Kind.COOPERATION, "cooperation:300", 300)),
    (P, 2, SEAT_PO, [], Target(Kind.RESSORT, "ressort")),
    (P, 2, SEAT_PO, [SEAT_PO], Target(Kind.RESSORT, "ressort")),
    (P, 2, SEAT_PO, [200], Target(Kind.PARTNERSHIP, "partnership")),  # all partners move
    (P, 2, 200, [], Target(Kind.PARTNERSHIP, "partnership")),
    (P, 2, 200, [SEAT_PO], Target(Kind.PARTNERSHIP, "partnership")),
    (S, 4, 400, [], Target(Kind.SPECIFIC_PARTNERSHIP, "specific:4", 400)),
    (S, 4, SEAT_PO, [], Target(Kind.SPECIFIC_PARTNERSHIP, "specific:4", SEAT_PO)),
]


@pytest.mark.parametrize(("role", "school", "po", "others", "target"), ROUTES)
def test_route(role, school, po, others, target):
    assert route(role, school, po, SEAT_PO, others) == target


def test_partners_need_a_partnership_when_one_has_another_po():
    assert not partners_need_partnership(SEAT_PO, [])
    assert not partners_need_partnership(SEAT_PO, [SEAT_PO, SEAT_PO])
    assert partners_need_partnership(SEAT_PO, [SEAT_PO, 200])
    assert cooperation_slot(7) == "cooperation:7" and specific_slot(8) == "specific:8"


def school(education: str, types=(), name="Les Tilleuls", fase=1234):
    return SimpleNamespace(
        name=name, fase=fase, education=education, types=None if types is None else list(types)
    )


ELIGIBILITY = [
    # (school, role, None or words of the refusal)
    (school("ordinary"), C, None),
    (
        school("specialized", [1]),
        C,
        "L'école Les Tilleuls (FASE 1234) relève de l'enseignement spécialisé",
    ),
    (school("specialized", [1]), P, None),
    (school("ordinary"), P, "seule une école d'enseignement spécialisé peut être partenaire"),
    (school("specialized", [4]), S, None),
    (school("specialized", [1, 7]), S, None),
    (school("specialized", [1, 2, 3, 8]), S, "n'organise pas l'enseignement de type 4, 5, 6 ou 7"),
    (school("specialized", []), S, "n'organise pas"),
    (school("specialized", None), S, "n'organise pas"),
    (school("ordinary", [4]), S, "une école partenaire spécifique est une école d'enseignement"),
]


@pytest.mark.parametrize(("sch", "role", "words"), ELIGIBILITY)
def test_eligibility(sch, role, words):
    error = eligibility_error(sch, role)
    if words is None:
        assert error is None
    else:
        assert error is not None and words in error


def test_roles_are_parsed_with_a_french_refusal():
    assert parse_role("partner") is P and parse_role(SchoolRole.COOPERATING) is C
    for bad in ("", "seat", None, 3):
        with pytest.raises(RuleViolation, match="« partenaire », « coopérante »"):
            parse_role(bad)
    assert role_label("cooperating") == "école coopérante"
    assert role_label("unknown") == "unknown"
    assert POLE_LIST[S] == "specific_partner_schools"
