"""Amendment rules on plain values: which conventions, which years, what an amendment holds,
which points are in force each year (no app, no database)."""

from datetime import date
from types import SimpleNamespace

import pytest

from app.rules import amendments as rules
from app.rules.amendments import TargetYear, Version
from app.rules.errors import RuleViolation

TARGETS = [
    TargetYear("2025-2026", True, date(2025, 6, 1)),
    TargetYear("2026-2027", True, date(2026, 6, 1)),
    TargetYear("2027-2028", True, date(2027, 6, 1)),
]


def start(**overrides):
    values = {
        "kind": "ressort",
        "status": "approved",
        "is_amendment": False,
        "parent_year": "2026-2027",
        "target": "2027-2028",
        "targets": TARGETS,
        "today": date(2026, 12, 1),
        "taken": [],
    }
    values.update(overrides)
    return rules.check_start(**values)


def test_an_approved_ressort_is_amended_for_the_next_year_until_its_deadline():
    assert start().label == "2027-2028"
    assert start(today=date(2027, 6, 1), status="acknowledged").deadline == date(2027, 6, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "cooperation"}, "convention de coopération n'en a pas"),
        ({"status": "signed"}, "approuvée par l'Administration"),
        ({"status": "draft"}, "approuvée par l'Administration"),
        ({"is_amendment": True}, "pas par un autre avenant"),
        ({"target": "2027"}, "Année scolaire invalide"),
        ({"target": "2026-2027"}, "choisissez 2027-2028 ou une année suivante"),
        ({"target": "2028-2029"}, "2028-2029 n'est pas encore encodée"),
        ({"taken": ["2027-2028"]}, "Un avenant existe déjà"),
    ],
)
def test_refusals_say_why_in_french(overrides, message):
    with pytest.raises(RuleViolation) as exc:
        start(**overrides)
    assert message in str(exc.value)


def test_after_the_deadline_the_next_open_year_is_offered():
    targets = [*TARGETS, TargetYear("2028-2029", True, date(2028, 6, 1))]
    with pytest.raises(RuleViolation) as exc:
        start(today=date(2027, 6, 2), targets=targets)
    message = str(exc.value)
    assert "était le 1 juin 2027" in message
    assert "avenant pour 2028-2029, à communiquer au plus tard le 1 juin 2028" in message


def test_after_the_deadline_without_next_year_encoded_the_message_says_so():
    with pytest.raises(RuleViolation) as exc:
        start(today=date(2027, 6, 2))
    assert "pour 2028-2029 dès que l'Administration aura encodé" in str(exc.value)


def test_open_targets_skip_passed_taken_unknown_and_earlier_years():
    targets = [
        *TARGETS,
        TargetYear("2028-2029", True, date(2028, 6, 1)),
        TargetYear("2029-2030", True, None),
    ]
    today = date(2026, 12, 1)
    assert [t.label for t in rules.open_targets("2025-2026", targets, today, [])] == [
        "2027-2028",
        "2028-2029",
    ]
    assert [t.label for t in rules.open_targets("2025-2026", targets, today, ["2027-2028"])] == [
        "2028-2029"
    ]


def _article(key, nature, position, number=None, form="", data=None, body="", covers=""):
    return SimpleNamespace(
        key=key,
        nature=nature,
        position=position,
        number=number,
        title=f"Titre {key}",
        form=form,
        data=data or {},
        body=body,
        covers=covers,
    )


RESSORT_ARTICLES = [
    _article("identification", "P", 0, data={"pole": {"number": 1}}),
    _article("preambule", "F", 1, body="Préambule"),
    _article("1", "P", 2, number=1, data={"parties": []}),
    _article("4", "C", 5, number=4, body="texte", covers="partnership"),
    _article(
        "5",
        "C",
        6,
        number=5,
        form="points_split",
        data={"mode": "seat", "shares": []},
        body="Tout au siège",
        covers="partnership",
    ),
    _article("14", "O", 17, number=14, body="Divers"),
]


def test_an_amendment_holds_identification_object_motivation_and_the_points_only():
    fields = rules.amendment_articles(
        RESSORT_ARTICLES,
        parent_kind="ressort",
        parent_year="2026-2027",
        approved_on=date(2026, 11, 20),
        target="2027-2028",
        points_in_force={"mode": "seat", "shares": []},
    )
    assert [f["key"] for f in fields] == ["identification", "1", "objet", "motivation", "5"]
    assert [f["position"] for f in fields] == [0, 1, 2, 3, 4]
    objet = fields[2]
    assert objet["nature"] == "F" and objet["complete"]
    assert "modifie l'article 5 (« Titre 5 ») du ressort" in objet["body"]
    assert (
        "conclu pour l'année scolaire 2026-2027 et approuvé par l'Administration le "
        in (objet["body"])
    )
    assert "le 20 novembre 2026" in objet["body"]
    assert "premier jour de l'année scolaire 2027-2028" in objet["body"]
    assert fields[3]["nature"] == "O" and not fields[3]["complete"]
    points = fields[4]
    # Required whatever the ressort covers; pre-filled with the points in force; no text.
    assert points["nature"] == "C" and points["covers"] == "" and not points["complete"]
    assert points["data"] == {"mode": "seat", "shares": []} and points["body"] == ""
    assert points["form"] == "points_split"


def test_a_convention_without_points_article_has_nothing_to_amend():
    with pytest.raises(RuleViolation):
        rules.amendment_articles(
            RESSORT_ARTICLES[:4],
            parent_kind="ressort",
            parent_year="2026-2027",
            approved_on=None,
            target="2027-2028",
            points_in_force=None,
        )


PARENT = Version("2026-2027", "approved", {"mode": "seat"})


def test_points_in_force_follow_approved_amendments_only():
    approved = Version("2028-2029", "approved", {"mode": "split"}, amendment_id="a28")
    draft = Version("2027-2028", "draft", {"mode": "split"}, amendment_id="a27")
    rows = rules.points_by_year(PARENT, [draft, approved])
    assert [(r.school_year, r.in_force.amendment_id) for r in rows] == [
        ("2026-2027", None),
        ("2027-2028", None),  # its amendment is a draft: the convention's points still apply
        ("2028-2029", "a28"),
    ]
    assert rows[1].pending is draft and rows[2].pending is None
    later = Version("2030-2031", "acknowledged", {"mode": "seat"}, amendment_id="a30")
    assert rules.in_force(PARENT, [approved, later], "2029-2030").amendment_id == "a28"
    assert rules.in_force(PARENT, [approved, later], "2031-2032").amendment_id == "a30"


def test_points_summary_in_french():
    names = {2101: "Siège", 2102: "Antenne"}
    split = {
        "mode": "split",
        "shares": [{"school_fase": 2101, "percent": 62.5}, {"school_fase": 2102, "percent": 37.5}],
    }
    assert rules.points_summary(split, names) == (
        "Clé de répartition : Siège 62,5\u00a0%, Antenne 37,5\u00a0%"
    )
    assert rules.points_summary({"mode": "seat"}, names) == "Tous les points à l'école siège"
    table = {"rows": [{"function": "Logopède", "points": 12.5}]}
    assert rules.points_summary(table, names) == "12,5 points rétrocédés (Logopède)"
    assert rules.points_summary({}, names) == "Non renseignés"


def test_slot_is_one_per_convention_and_year():
    assert rules.slot_of("abc", "2027-2028") == "amendment:abc:2027-2028"
    assert rules.slot_of("abc", "2027-2028") != rules.slot_of("abc", "2028-2029")
