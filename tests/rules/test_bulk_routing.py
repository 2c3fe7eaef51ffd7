"""The full-scale seed's bulk path leaves what the workflow leaves, school by school.

Three poles of the generated set (trimmed so that the workflow path stays quick) are routed
twice on an empty database: once with ``workflow.add_school`` for each school of the structure
then ``validate_school_list`` where the seed's plan asks for it, once with
``workflow.bulk.route_poles``. Kinds, slots, schools and their roles, articles (keys, natures,
completeness, pre-filled text) and statuses must be equal, and the stored fields the same.
"""

from typing import Any

import pytest
from bson import ObjectId

from app.models import Convention, Grant, OrganisingAuthority, Pole, School, User
from app.rules.errors import RuleViolation
from app.rules.roles import Role
from app.rules.states import SchoolRole
from app.services import audit, workflow
from app.services.workflow import bulk
from seed import loader
from seed.generator import generate, load_full
from seed.school_years import load_school_years
from seed.stages import full_scale_validates
from tests.conftest import reset_database

KEEP_COOPERATING = 9


def _three_poles() -> dict[str, list[dict[str, Any]]]:
    """A pole whose partners include another PO (partnership), one whose partners all share
    the seat's PO (ressort), one with specific partners; each with a few cooperating schools
    of the seat's PO, of other POs and from another zone when it has some."""
    data = generate()
    schools = {s["fase"]: s for s in data["schools"]}

    def seat_po(p: dict) -> int:
        return schools[p["seat"]]["po"]

    def other_po_partner(p: dict) -> bool:
        return any(schools[f]["po"] != seat_po(p) for f in p["partners"])

    chosen = [
        next(p for p in data["poles"] if other_po_partner(p) and p["specific_partners"]),
        next(p for p in data["poles"] if p["partners"] and not other_po_partner(p)),
        next(p for p in data["poles"] if p["specific_partners"] and not p["partners"]),
    ]
    poles = []
    for p in chosen:
        coop = p["cooperating"]
        same = [f for f in coop if schools[f]["po"] == seat_po(p)][:3]
        away = [f for f in coop if schools[f]["zone"] != p["zone"]][:2]
        rest = [f for f in coop if f not in same and f not in away]
        kept = same + away + rest[: KEEP_COOPERATING - len(same) - len(away)]
        poles.append(dict(p, cooperating=kept))
    fases = {f for p in poles for f in [p["seat"], *p["partners"], *p["cooperating"]]}
    fases |= {f for p in poles for f in p["specific_partners"]}
    kept_schools = [s for s in data["schools"] if s["fase"] in fases]
    po_fases = {s["po"] for s in kept_schools}
    return {
        "organising_authorities": [
            po for po in data["organising_authorities"] if po["fase"] in po_fases
        ],
        "schools": kept_schools,
        "poles": poles,
    }


def _load(app, data) -> list[Pole]:
    reset_database(app)
    load_full(data=data)
    load_school_years()
    loader.load_templates()
    return list(Pole.objects.order_by("number"))


def _by_workflow(poles: list[Pole]) -> None:
    coord = User(username="coord", first_name="Pôle", last_name="Coordonnateur")
    coord.grants = [Grant(role=Role.COORDINATOR, pole=p, granted_by="test") for p in poles]
    coord.set_password("Un-mot-de-passe-2026")
    coord.save()
    for pole in poles:
        for role, field in (
            (SchoolRole.PARTNER, "partner_schools"),
            (SchoolRole.COOPERATING, "cooperating_schools"),
            (SchoolRole.SPECIFIC_PARTNER, "specific_partner_schools"),
        ):
            for school in getattr(pole, field):
                workflow.add_school(Pole.objects.get(id=pole.pk), school, role, coord)
    for conv in Convention.objects:
        if full_scale_validates(conv):
            try:
                workflow.validate_school_list(conv, coord)
            except RuleViolation as exc:  # a missing derogation: the list stays a draft
                assert "dérogation" in str(exc)


def _picture() -> list[tuple]:
    """Every convention, with ids replaced by FASE numbers (the two runs' ids differ)."""
    fase = {s.pk: s.fase for s in School.objects}
    fase |= {p.pk: p.fase for p in OrganisingAuthority.objects}
    raw = Convention._get_collection()
    shown = []
    for conv in Convention.objects:
        slot_kind, _, slot_id = conv.slot.partition(":")
        slot = f"{slot_kind}:{fase[type(conv.pk)(slot_id)]}" if slot_id else slot_kind
        stored = raw.find_one({"_id": conv.pk})
        shown.append(
            (
                conv.pole_number,
                conv.kind,
                slot,
                conv.status,
                conv.school_year,
                conv.due_on,
                fase[conv.seat_school.pk],
                fase[conv.seat_po.pk],
                fase.get(conv.counterpart_po.pk) if conv.counterpart_po else None,
                tuple(
                    (e.fase, e.role, e.name, e.po_fase, e.po_name, e.zone, fase[e.po.pk])
                    for e in conv.schools
                ),
                tuple(
                    (a.key, a.number, a.nature, a.title, a.complete, a.body, a.form, a.covers)
                    for a in conv.articles
                ),
                tuple(sorted(k for k in stored if k not in ("version", "list_validated_at"))),
                tuple(sorted(stored["schools"][0])),
                tuple(tuple(sorted(a)) for a in stored["articles"]),
            )
        )
        conv.validate()
    return sorted(shown, key=lambda row: (row[0], row[2]))


def test_bulk_routing_equals_the_workflow_school_by_school(app):
    data = _three_poles()
    _by_workflow(_load(app, data))
    expected = _picture()

    poles = _load(app, data)
    report = bulk.route_poles(poles, "seed", validate_list=full_scale_validates)
    got = _picture()

    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        for index, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            assert a == b, (mine[:3], index)
    kinds = {row[1] for row in got}
    assert kinds == {"ressort", "partnership", "cooperation", "specific_partnership"}
    statuses = {row[3] for row in got}
    assert statuses == {"draft", "list_validated"}
    assert report.conventions == len(got)
    assert audit.verify_chain().ok


def test_bulk_events_extend_an_existing_chain(app):
    """The bulk events chain after what the trail already holds; the seed skips routed poles."""
    poles = _load(app, _three_poles())
    audit.record("login", "someone")
    report = bulk.route_poles(poles[:1], "seed")
    chain = audit.verify_chain()
    assert chain.ok and chain.checked == 1 + report.events
    assert report.events == report.conventions  # one creation each, no list validated

    from seed.stages import build_full_stages

    again = build_full_stages()
    assert again["conventions"] == Convention.objects.count() - report.conventions
    assert build_full_stages()["conventions"] == 0
    assert audit.verify_chain().ok


def test_bulk_events_are_chained_with_their_batch(app):
    """Each batch's events (built by ``audit.pending``, as a verb's) are chained with it: one
    creation per convention, the list's validation right after it when validated, none left
    pending on a convention."""
    poles = _load(app, _three_poles())
    report = bulk.route_poles(poles, "seed", validate_list=full_scale_validates, batch_size=3)
    assert report.list_validated and report.events == report.conventions + report.list_validated
    raw = Convention._get_collection()
    assert raw.count_documents({"pending_events.0": {"$exists": True}}) == 0
    for conv in Convention.objects:
        events = audit.history(conv.pk)
        actions = [e.action for e in events]
        validated = conv.status == "list_validated"
        assert actions == ["convention.create"] + ["convention.validate_list"] * validated
        assert all(e.actor == "seed" for e in events)
        assert events[0].details["schools_added"][0]["school_fase"] == conv.schools[0].fase
    assert audit.verify_chain().ok


def test_an_interrupted_bulk_run_leaves_no_convention_without_its_events(app, monkeypatch):
    """Stopped while a batch's events are chained (here: another writer took a position, so
    the batch's insert stopped): the batch's conventions are not created, the trail stays whole,
    and the run says so in French."""
    poles = _load(app, _three_poles())
    original = audit.chain_pending_batch

    def interrupted(events, **kwargs):
        audit.record("login", "someone else")
        return original(events[:1], **kwargs)  # only a part of the batch went in

    monkeypatch.setattr(audit, "chain_pending_batch", interrupted)
    with pytest.raises(RuntimeError, match="relancez la commande"):
        bulk.route_poles(poles[:1], "seed")
    assert Convention.objects.count() == 0
    assert audit.verify_chain().ok


def test_a_batch_that_loses_a_position_chains_its_prefix_and_leaves_the_rest(app, monkeypatch):
    """Another writer takes the next position between the batch's read of the last event and
    its insert: the insert stops there, the events not chained stay pending (returned as not
    chained), and chaining them later keeps the trail whole."""
    audit.record("login", "someone")
    conv_id = ObjectId()
    events = [audit.pending("convention.create", "seed") for _ in range(3)]
    original = audit._linked
    calls = {"n": 0}

    def interleaved(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the batch has read the last event and built its first
            audit.record("login", "someone else")
        return original(*args, **kwargs)

    monkeypatch.setattr(audit, "_linked", interleaved)
    chained = audit.chain_pending_batch([(e, conv_id) for e in events])
    monkeypatch.undo()
    assert chained == []  # its first position was taken: nothing of it went in
    assert audit.verify_chain().ok
    for event in events:
        audit.chain_pending(event, conv_id)
    assert audit.chain_pending_batch([(e, conv_id) for e in events]) == []  # already chained
    report = audit.verify_chain()
    assert report.ok and report.checked == 2 + 3
