"""Articles: natures, required ones, structured contents, copy from the last cooperation."""

import pytest

from app.models import Convention
from app.rules.articles import is_required
from app.rules.errors import ConventionLocked, PermissionDenied, RuleViolation
from app.rules.points import retrocession_total
from app.services import workflow
from tests.rules.conftest import fill_required


def test_save_marks_complete_and_strips(route_pole1, user):
    conv = route_pole1()["partnership"]
    coord = user("coord1")
    assert not conv.article("4").complete
    workflow.save_article(conv, 4, "  Les antennes accueillent les demandes.  \r\n", coord)
    art = Convention.objects.get(id=conv.pk).article("4")
    assert art.body == "Les antennes accueillent les demandes."
    assert art.complete and art.updated_by == "coord1"
    workflow.save_article(conv, "4", "   ", coord)
    assert not conv.article("4").complete


@pytest.mark.parametrize("key", ["identification", "preambule", "1", "9"])
def test_prefilled_and_fixed_articles_are_read_only(route_pole1, user, key):
    conv = route_pole1()["partnership"]
    before = conv.article(key).body
    with pytest.raises(RuleViolation, match="n'est pas modifiable"):
        workflow.save_article(conv, key, "autre texte", user("coord1"))
    assert Convention.objects.get(id=conv.pk).article(key).body == before


def test_too_long_and_unknown_article(route_pole1, user):
    conv = route_pole1()["partnership"]
    with pytest.raises(RuleViolation, match="trop long"):
        workflow.save_article(conv, 4, "x" * 20_001, user("coord1"))
    workflow.save_article(conv, 4, "x" * 20_000, user("coord1"))
    with pytest.raises(RuleViolation, match="n'existe pas"):
        workflow.save_article(conv, 99, "texte", user("coord1"))


def test_counterparts_cannot_edit(route_pole1, user):
    conv = route_pole1()["partnership"]
    for username in ("po-part1", "dir-part1", "admin", "gestionnaire"):
        with pytest.raises(PermissionDenied):
            workflow.save_article(conv, 4, "texte", user(username))


def test_divers_is_optional(route_pole1, user):
    conv = route_pole1()["partnership"]
    fill_required(conv, user("coord1"))
    assert workflow.missing_articles(conv) == []
    assert not conv.article("13").complete


def test_ressort_requirements_follow_what_it_covers(pole1, school, user):
    coord = user("coord1")
    ressort = workflow.add_school(pole1, school(2111), "cooperating", coord)
    required = {a.key for a in ressort.articles if is_required(a, ressort)}
    assert {"7", "9", "10"} <= required
    assert "4" not in required and "5" not in required
    ressort = workflow.add_school(pole1, school(2102), "partner", coord)
    required = {a.key for a in ressort.articles if is_required(a, ressort)}
    assert {"4", "5", "7"} <= required
    missing = [a.key for a in workflow.missing_articles(ressort)]
    assert missing == ["4", "5", "7", "9", "10"]


def test_validate_lists_missing_articles(route_pole1, user):
    conv = route_pole1()["partnership"]
    coord = user("coord1")
    workflow.validate_school_list(conv, coord)
    workflow.save_article(conv, 4, "Texte.", coord)
    with pytest.raises(RuleViolation, match=r"Articles à compléter : 5, 6, 7, 8\."):
        workflow.validate(conv, coord)


def test_points_split(route_pole1, user, school):
    conv = route_pole1()["partnership"]
    coord = user("coord1")
    shares = [
        {"school_fase": 2101, "percent": 50},
        {"school_fase": 2102, "percent": 30},
        {"school_fase": 2103, "percent": "20"},
    ]
    workflow.save_article(
        conv, 8, "Clé votée à l'unanimité.", coord, {"mode": "split", "shares": shares}
    )
    art = conv.article("8")
    assert art.complete and [s["percent"] for s in art.data["shares"]] == [50.0, 30.0, 20.0]
    bad = [
        ({"mode": "split", "shares": shares[:2]}, "manque : FASE 2103"),
        (
            {"mode": "split", "shares": [*shares[:2], {"school_fase": 2103, "percent": 25}]},
            "exactement 100",
        ),
        (
            {"mode": "split", "shares": [*shares[:2], {"school_fase": 2113, "percent": 20}]},
            "pas partie",
        ),
        (
            {"mode": "split", "shares": [{"school_fase": 2101, "percent": 110}, *shares[1:]]},
            "entre 0 et 100",
        ),
        (
            {"mode": "split", "shares": [{"school_fase": 2101, "percent": -10}, *shares[1:]]},
            "entre 0 et 100",
        ),
        ({"mode": "autre"}, "Choisissez la répartition"),
    ]
    for data, message in bad:
        with pytest.raises(RuleViolation, match=message):
            workflow.save_article(conv, 8, "", coord, data)
    assert conv.article("8").data["mode"] == "split"  # unchanged
    workflow.save_article(conv, 8, "", coord, {"mode": "seat"})
    assert conv.article("8").complete and conv.article("8").data == {"mode": "seat", "shares": []}


def test_split_becomes_incomplete_when_a_partner_joins(pole1, school, user):
    coord = user("coord1")
    ressort = workflow.add_school(pole1, school(2102), "partner", coord)
    split = {
        "mode": "split",
        "shares": [{"school_fase": 2101, "percent": 60}, {"school_fase": 2102, "percent": 40}],
    }
    workflow.save_article(ressort, 5, "", coord, split)
    assert ressort.article("5").complete
    workflow.add_school(pole1, school(2111), "cooperating", coord)  # no new partner
    assert Convention.objects.get(id=ressort.pk).article("5").complete


def test_retrocession_points_are_computed(route_pole1, user):
    conv = next(c for s, c in route_pole1().items() if s.startswith("specific"))
    coord = user("coord1")
    rows = [
        {"function": "Logopède", "counts": {"2,5/5": 1}, "points": 9999},
        {"function": "Kinésithérapeute", "counts": {"5/5": 2, "1/5": "1"}},
        {"function": "Psychologue", "counts": {}},
    ]
    workflow.save_article(conv, 8, "", coord, {"rows": rows})
    data = conv.article("8").data
    # the demo catalogue: Logopède and Kinésithérapeute are worth 125 points full time
    assert data["rows"][0]["points"] == 62.5  # 125 × 0.5
    assert data["rows"][1]["points"] == 275.0  # 125 × (2 × 1 + 1 × 0.2)
    assert len(data["rows"]) == 2  # the empty row is dropped
    assert data["total"] == retrocession_total(data["rows"])
    assert conv.article("8").complete
    for bad, message in [
        ({"rows": [{"function": "Astronaute", "counts": {"5/5": 1}}]}, "pas au catalogue"),
        ({"rows": [{"function": "Logopède", "counts": {"5/5": -1}}]}, "nombre entier"),
        ({"rows": [{"function": "Logopède", "counts": {"5/5": 1.5}}]}, "nombre entier"),
        ({"rows": [{"function": "Logopède", "counts": {"6/5": 1}}]}, "inconnue"),
        ({"rows": "x"}, "mal formé"),
    ]:
        with pytest.raises(RuleViolation, match=message):
            workflow.save_article(conv, 8, "", coord, bad)
    # no row: complete only when the text states the agreement
    workflow.save_article(conv, 8, "", coord, {"rows": []})
    assert not conv.article("8").complete
    workflow.save_article(conv, 8, "Aucune rétrocession n'est convenue.", coord, {"rows": []})
    assert conv.article("8").complete


def test_copy_from_last_cooperation(route_pole1, user, po):
    convs = route_pole1()
    coord = user("coord1")
    first = convs[f"cooperation:{po(1003).pk}"]
    second = convs[f"cooperation:{po(1004).pk}"]
    with pytest.raises(RuleViolation, match="Aucune autre convention"):
        workflow.copy_last_cooperation_article(second, 4, coord)
    workflow.save_article(first, 4, "Demandes centralisées par la coordination.", coord)
    body = workflow.copy_last_cooperation_article(second, 4, coord)
    assert body == "Demandes centralisées par la coordination."
    assert second.article("4").complete and second.article("4").body == body
    with pytest.raises(RuleViolation, match="coopération"):
        workflow.copy_last_cooperation_article(convs["partnership"], 4, coord)


def test_articles_locked_after_validation(partnership, user):
    workflow.validate(partnership, user("coord1"))
    with pytest.raises(ConventionLocked, match="verrouillée"):
        workflow.save_article(partnership, 4, "changement", user("coord1"))
    assert Convention.objects.get(id=partnership.pk).article("4").body == "Texte de l'article 4."


def test_retrocession_reads_the_catalogue_edited_by_the_administration(route_pole1, user):
    from app.models import TeamFunction

    conv = next(c for s, c in route_pole1().items() if s.startswith("specific"))
    coord = user("coord1")
    rows = [{"function": "Logopède", "counts": {"2,5/5": 1}}]
    workflow.save_article(conv, 8, "", coord, {"rows": rows})
    assert conv.article("8").data["rows"][0]["points"] == 62.5
    TeamFunction.objects(code="LOGO").update_one(set__points="131.10")
    workflow.save_article(conv, 8, "", coord, {"rows": rows})
    assert conv.article("8").data["rows"][0]["points"] == 65.55  # 131.10 × 0.5
    TeamFunction.objects(code="LOGO").update_one(set__workloads=["5/5"])
    with pytest.raises(RuleViolation, match="n'est pas proposée"):
        workflow.save_article(conv, 8, "", coord, {"rows": rows})
