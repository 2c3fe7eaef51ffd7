"""The seed: exact counts of the demo set, idempotency, the full-scale generator."""

from app.models import ArticleTemplate, OrganisingAuthority, Pole, School, User
from app.rules.states import Kind
from seed.generator import generate
from seed.loader import load_demo, read
from tests.conftest import DEMO_PASSWORD

DEMO_COUNTS = {
    OrganisingAuthority: 9,
    School: 18,  # with 2203, the second specific partner of pole 1
    Pole: 3,
    User: 16,
    # identification + preamble + numbered articles of each kind
    ArticleTemplate: (2 + 13) + (2 + 11) + (2 + 12) + (2 + 14),
}


def counts():
    return {model: model.objects.count() for model in DEMO_COUNTS}


def test_demo_counts_are_exact(demo):
    assert counts() == DEMO_COUNTS


def test_demo_seed_is_idempotent(demo):
    before = counts()
    again = load_demo(DEMO_PASSWORD)
    assert counts() == before
    assert again["organising_authorities"] == again["schools"] == again["poles"] == 0
    assert again["users"] == again["article_templates"] == 0


def test_demo_exercises_every_routing_rule(demo):
    pole1 = Pole.objects.get(number=1)
    seat = pole1.seat_school
    partners = pole1.partner_schools
    cooperating = pole1.cooperating_schools
    # partners of the seat PO and of another PO
    assert {p.po.pk == seat.po.pk for p in partners} == {True, False}
    # cooperating schools of the seat PO and of two other POs
    other_pos = {c.po.pk for c in cooperating if c.po.pk != seat.po.pk}
    assert any(c.po.pk == seat.po.pk for c in cooperating)
    assert len(other_pos) == 2
    # a school outside the seat's zone (derogation needed)
    assert any(c.zone != pole1.zone for c in cooperating)
    # a specific partner of type 4–7 that belongs to another pole
    specific = pole1.specific_partner_schools[0]
    assert set(specific.types) & {4, 5, 6, 7}
    assert Pole.objects(partner_schools=specific, number__ne=1).count() == 1
    # three poles in three different zones
    assert len({p.zone for p in Pole.objects}) == 3


def test_article_templates_follow_the_domain(demo):
    expected_numbered = {
        Kind.PARTNERSHIP: 13,
        Kind.COOPERATION: 11,
        Kind.SPECIFIC_PARTNERSHIP: 12,
        Kind.RESSORT: 14,
    }
    for kind, numbered in expected_numbered.items():
        templates = list(ArticleTemplate.objects(kind=kind).order_by("position"))
        assert [t.key for t in templates[:2]] == ["identification", "preambule"]
        assert [t.number for t in templates[2:]] == list(range(1, numbered + 1))
        assert templates[0].nature == "P" and templates[1].nature == "F"
        assert templates[-1].nature == "O" and templates[-1].title == "Divers"
    coop4 = ArticleTemplate.objects.get(kind="cooperation", key="4")
    assert coop4.title == (
        "Modalités générales de coopération entre le pôle territorial et les écoles coopérantes"
    )
    assert coop4.nature == "C"
    ressort = {t.key: t for t in ArticleTemplate.objects(kind="ressort")}
    assert ressort["4"].covers == ressort["5"].covers == "partnership"
    assert ressort["7"].covers == "cooperation"
    assert ressort["5"].form == "points_split"
    assert ArticleTemplate.objects.get(kind="specific_partnership", key="8").form == "retrocession"


def test_demo_accounts_log_in(demo, client):
    from tests.conftest import login

    for spec in read("demo.json")["users"]:
        fresh = client.application.test_client()
        assert login(fresh, spec["username"]).status_code == 302, spec["username"]


def test_full_generator_is_deterministic_and_full_size():
    first, second = generate(), generate()
    assert first == second
    assert len(first["poles"]) == 48
    assert {p["zone"] for p in first["poles"]} == set(range(1, 11))
    assert len(first["organising_authorities"]) == 700
    assert 2800 <= len(first["schools"]) <= 3000
    fases = [s["fase"] for s in first["schools"]]
    assert len(fases) == len(set(fases))
    # each ordinary school cooperates with one pole only (exclusivity)
    cooperating = [f for p in first["poles"] for f in p["cooperating"]]
    assert len(cooperating) == len(set(cooperating))
    # specific partners are specialized schools of type 4 to 7
    by_fase = {s["fase"]: s for s in first["schools"]}
    for pole in first["poles"]:
        assert by_fase[pole["seat"]]["education"] == "specialized"
        for fase in pole["specific_partners"]:
            assert set(by_fase[fase]["types"]) <= {4, 5, 6, 7}
