"""The demo data shows every stage on pole 1, built through the workflow (CONTRACT.md)."""

from app.models import AuditEvent, Convention, OrganisingAuthority, Pole
from app.rules.snapshot import verify_snapshot
from app.rules.states import Kind, Status
from app.services.audit import verify_chain
from seed.loader import load_demo
from seed.stages import minimal_pdf
from tests.conftest import DEMO_PASSWORD


def pole1_conventions():
    pole = Pole.objects.get(number=1)
    return {c.slot: c for c in Convention.objects(pole=pole.pk)}


def test_pole1_shows_every_stage(staged):
    convs = pole1_conventions()
    po = {p.fase: p.pk for p in OrganisingAuthority.objects}

    ressort = convs["ressort"]
    assert ressort.status == Status.APPROVED
    assert sorted(e.fase for e in ressort.schools) == [2111, 2112]
    assert verify_snapshot(ressort)
    # sealed by the sealer the app factory registers
    assert ressort.sealed_pdf and ressort.sealed_pdf.sha256 == ressort.sealed_pdf_sha256

    partnership = convs["partnership"]
    assert partnership.status == Status.VALIDATED and partnership.signatures == []
    assert sorted(e.fase for e in partnership.schools) == [2102, 2103]
    assert partnership.article("8").data["mode"] == "split"

    specific = next(c for c in convs.values() if c.kind == Kind.SPECIFIC_PARTNERSHIP)
    assert specific.status == Status.SIGNED
    assert sorted(s.username for s in specific.signatures) == ["po-siege1", "po-spec1"]
    assert specific.article("8").data["total"] > 0

    coop = convs[f"cooperation:{po[1003]}"]
    assert coop.status == Status.LIST_VALIDATED
    assert coop.article("4").complete and not coop.article("5").complete

    other = convs[f"cooperation:{po[1004]}"]
    assert other.status == Status.DRAFT
    assert other.schools[0].fase == 2115 and other.schools[0].derogation
    assert other.article("4").body == coop.article("4").body  # copied from the last one


def test_stages_are_real_workflow_actions(staged):
    actors = {(e.action, e.actor) for e in AuditEvent.objects(outcome="ok")}
    assert ("convention.approve", "admin") in actors
    assert ("convention.sign", "po-spec1") in actors
    assert ("convention.move_school", "coord1") in actors
    assert ("convention.add_school", "coord2") in actors  # pole 2 routed by its coordinator
    assert verify_chain().ok


def test_seeding_again_changes_nothing(staged):
    events = AuditEvent.objects.count()
    assert load_demo(DEMO_PASSWORD)["conventions"] == 0
    assert AuditEvent.objects.count() == events


def test_minimal_pdf_is_a_pdf():
    from app.rules.uploads import detect_type

    data = minimal_pdf("Derogation")
    assert detect_type(data) == "application/pdf" and data.rstrip().endswith(b"%%EOF")
