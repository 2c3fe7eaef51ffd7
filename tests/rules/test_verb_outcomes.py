"""What the verbs refuse and record: the permission is checked before the stage (an outsider
learns nothing of a convention's stage), and the audit trail's content of each step."""

from datetime import datetime

import pytest

from app.models import AuditEvent, Convention, StoredFile
from app.models.user import Grant
from app.rules.errors import InvalidState, PermissionDenied, RuleViolation
from app.rules.states import Status
from app.services import workflow
from app.services.workflow import approval
from app.services.workflow._common import CHANGED_MESSAGE
from app.services.workflow._writer import workflow_write
from tests.rules.conftest import drive, fill_required

SIGN_REFUSAL = "Seul le délégué d'un pouvoir organisateur partie à cette convention"
ACK_REFUSAL = "Seule la direction d'une école partie à cette convention"


@pytest.fixture
def validated(partnership, user):
    return drive(partnership, Status.VALIDATED, user)


def _refusals(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects(action=action, outcome="refused"))


@pytest.mark.parametrize(
    "stage", [Status.LIST_VALIDATED, Status.VALIDATED, Status.SIGNED, Status.APPROVED]
)
@pytest.mark.parametrize("outsider", ["coord2", "po-coop1", "dir-part1", "coord1", "admin"])
def test_an_outsider_is_refused_signing_whatever_the_stage(partnership, user, stage, outsider):
    conv = drive(partnership, stage, user)
    with pytest.raises(PermissionDenied) as refused:
        workflow.sign(conv, user(outsider))
    assert SIGN_REFUSAL in str(refused.value)
    (event,) = _refusals("convention.sign")
    assert event.details["reason"] == str(refused.value) and event.actor == outsider
    assert Convention.objects.get(id=conv.pk).status == stage


@pytest.mark.parametrize("stage", [Status.VALIDATED, Status.SIGNED, Status.APPROVED])
@pytest.mark.parametrize("outsider", ["coord2", "dir-coop1", "po-part1", "admin"])
def test_an_outsider_is_refused_acknowledging_whatever_the_stage(
    partnership, user, stage, outsider
):
    conv = drive(partnership, stage, user)
    with pytest.raises(PermissionDenied) as refused:
        workflow.acknowledge(conv, user(outsider))
    assert ACK_REFUSAL in str(refused.value)
    assert _refusals("convention.acknowledge")[0].details["reason"] == str(refused.value)


@pytest.mark.parametrize(
    ("verb", "outsider", "stage", "words"),
    [
        (workflow.approve, "coord1", Status.VALIDATED, "Seule l'Administration peut approuver"),
        (workflow.approve, "gestionnaire", Status.SIGNED, "Seule l'Administration peut approuver"),
        (workflow.reopen, "coord1", Status.VALIDATED, "Seule l'Administration peut rouvrir"),
        (workflow.reopen, "po-siege1", Status.SIGNED, "Seule l'Administration peut rouvrir"),
        (workflow.reopen, "coord2", Status.LIST_VALIDATED, "rouvrir la liste"),
        (workflow.validate, "po-part1", Status.LIST_VALIDATED, "Seuls le coordonnateur"),
        (workflow.validate, "coord2", Status.SIGNED, "Seuls le coordonnateur"),
        (workflow.validate_school_list, "admin", Status.LIST_VALIDATED, "valider la liste"),
    ],
)
def test_other_verbs_check_the_permission_first(partnership, user, verb, outsider, stage, words):
    conv = drive(partnership, stage, user)
    with pytest.raises(PermissionDenied, match=words):
        verb(conv, user(outsider))


def test_the_stage_is_told_to_those_allowed(validated, user):
    drive(validated, Status.SIGNED, user)
    with pytest.raises(InvalidState, match="Toutes les parties ont déjà signé"):
        workflow.sign(validated, user("po-siege1"))
    with pytest.raises(InvalidState, match="approuvée par l'Administration"):
        workflow.acknowledge(validated, user("dir-siege1"))


def test_validating_too_early_or_twice_says_which(partnership, user):
    coord = user("coord1")
    workflow.reopen_school_list(partnership, user("admin"), "une école manque")
    with pytest.raises(InvalidState) as refused:
        workflow.validate(partnership, coord)
    assert str(refused.value) == "Validez d'abord la liste des écoles (étape 1)."
    workflow.validate_school_list(partnership, coord)
    workflow.validate(partnership, coord)
    (event,) = AuditEvent.objects(action="convention.validate", outcome="ok")
    assert event.details["version"] == Convention.objects.get(id=partnership.pk).version
    for stage in (Status.VALIDATED, Status.SIGNED):
        drive(partnership, stage, user)
        with pytest.raises(InvalidState) as refused:
            workflow.validate(partnership, coord)
        assert str(refused.value) == "Cette convention est déjà validée."
        assert Convention.objects.get(id=partnership.pk).status == stage


def test_a_draft_amendment_is_validated_its_list_being_its_conventions(staged, monkeypatch):
    # An amendment has no list step: from its draft, it is validated directly.
    from app.models import User
    from app.rules.states import Kind

    coord = User.objects.get(username="coord1")
    ressort = Convention.objects.get(pole_number=1, kind=Kind.RESSORT, parent=None)
    amendment = Convention.objects.get(parent=ressort.pk)
    assert amendment.status == Status.DRAFT
    workflow.save_points(amendment, {"mode": "seat"}, coord)
    workflow.validate(amendment, coord)
    assert Convention.objects.get(id=amendment.pk).status == Status.VALIDATED
    # Signed by the ressort's PO, approved: its snapshot cites the convention it modifies.
    workflow.sign(amendment, User.objects.get(username="po-siege1"))
    monkeypatch.setattr(workflow, "SEALERS", [_sealer])
    workflow.approve(amendment, User.objects.get(username="admin"))
    cited = Convention.objects.get(id=amendment.pk).snapshot["amendment_of"]
    assert cited["id"] == str(ressort.pk)
    assert cited["sealed_pdf_sha256"] == ressort.sealed_pdf_sha256


def test_signing_is_audited_with_party_capacity_and_what_remains(validated, user, po):
    workflow.sign(validated, user("po-part1"))
    workflow.sign(validated, user("po-siege1"))
    events = list(AuditEvent.objects(action="convention.sign", outcome="ok").order_by("seq"))
    assert [e.actor for e in events] == ["po-part1", "po-siege1"]
    first, last = (e.details for e in events)
    assert first == {
        "po": str(po(1002).pk),
        "po_name": "ASBL Enseignement spécialisé de la Meuse",
        "capacity": "Délégué PO école partenaire",
        "missing": 1,
    }
    assert last["po"] == str(po(1001).pk) and last["missing"] == 0
    assert last["capacity"] == "Délégué PO école siège"
    assert (events[0].status_before, events[0].status_after) == ("validated", "validated")
    assert (events[1].status_before, events[1].status_after) == ("validated", "signed")
    stored = Convention.objects.get(id=validated.pk)
    assert [s.capacity for s in stored.signatures] == [
        "Délégué PO école partenaire",
        "Délégué PO école siège",
    ]


def test_acknowledgment_is_audited_with_the_school(validated, user, school):
    drive(validated, Status.APPROVED, user)
    workflow.acknowledge(validated, user("dir-part1"))
    (event,) = AuditEvent.objects(action="convention.acknowledge", outcome="ok")
    assert event.details == {
        "school": str(school(2103).pk),
        "school_name": school(2103).name,
    }
    assert (event.status_before, event.status_after) == ("approved", "approved")
    ack = Convention.objects.get(id=validated.pk).acknowledgments[0]
    assert ack.capacity == "Direction école partenaire" and ack.school_name == school(2103).name


def test_the_approval_event_holds_the_sealed_pdf_digest(validated, user, monkeypatch):
    drive(validated, Status.SIGNED, user)

    def sealer(conv, snapshot):
        stored = StoredFile.store("c.pdf", "application/pdf", b"%PDF-1.4 sealed", "admin")
        return stored, stored.sha256

    monkeypatch.setattr(workflow, "SEALERS", [sealer])
    workflow.approve(validated, user("admin"))
    conv = Convention.objects.get(id=validated.pk)
    (event,) = AuditEvent.objects(action="convention.approve", outcome="ok")
    assert event.details == {
        "snapshot_sha256": conv.snapshot_sha256,
        "sealed_pdf_sha256": conv.sealed_pdf_sha256,
    }
    assert len(conv.sealed_pdf_sha256) == 64
    assert (event.status_before, event.status_after) == ("signed", "approved")


def test_refused_approvals_and_reopenings_are_audited(validated, user):
    with pytest.raises(InvalidState, match="qu'une fois signée"):
        workflow.approve(validated, user("admin"))
    drive(validated, Status.SIGNED, user)
    with pytest.raises(InvalidState, match="ne peut plus être rouverte"):
        workflow.reopen(validated, user("admin"), "  trop tard  ")
    (approve,) = _refusals("convention.approve")
    assert "qu'une fois signée" in approve.details["reason"]
    assert approve.status_before == "validated" and approve.actor == "admin"
    (reopen,) = _refusals("convention.reopen")
    assert reopen.details["reason_given"] == "trop tard"
    assert "ne peut plus être rouverte" in reopen.details["reason"]
    workflow.approve(validated, user("admin"))
    with pytest.raises(InvalidState, match="déjà approuvée"):
        workflow.approve(validated, user("admin"))


def test_reopening_records_the_removed_signatures(validated, user):
    workflow.sign(validated, user("po-part1"))
    workflow.reopen(validated, user("admin"), "Article 4 à corriger")
    (event,) = AuditEvent.objects(action="convention.reopen", outcome="ok")
    assert event.details == {
        "reason": "Article 4 à corriger",
        "removed_signatures": [
            {
                "po_name": "ASBL Enseignement spécialisé de la Meuse",
                "name": "Philippe Renson",
                "username": "po-part1",
            }
        ],
    }
    assert (event.status_before, event.status_after) == ("validated", "list_validated")
    stored = Convention.objects.get(id=validated.pk)
    assert stored.signatures == [] and stored.validated_at is None


def test_reopening_a_draft_is_refused(partnership, user):
    workflow.reopen(partnership, user("admin"), "liste")  # list validated → draft
    assert Convention.objects.get(id=partnership.pk).status == Status.DRAFT
    with pytest.raises(InvalidState, match=r"rien à rouvrir|Seule une liste validée"):
        workflow.reopen(partnership, user("admin"))


def test_a_cooperating_delegate_of_the_seat_po_signs_a_ressort(pole1, school, user):
    coord, delegate = user("coord1"), user("po-ress1")
    ressort = workflow.add_school(pole1, school(2111), "cooperating", coord)
    assert ressort.kind == "ressort"
    workflow.validate_school_list(ressort, coord)
    fill_required(ressort, coord)
    workflow.validate(ressort, coord)
    workflow.sign(ressort, delegate)
    conv = Convention.objects.get(id=ressort.pk)
    assert conv.status == Status.SIGNED  # the ressort's one PO has signed
    (signature,) = conv.signatures
    assert signature.po.fase == 1001 and signature.username == "po-ress1"
    assert signature.capacity == "Délégué PO école coopérante"
    # A cooperation of another PO is not theirs to sign.
    coop = workflow.add_school(pole1, school(2113), "cooperating", coord)
    workflow.validate_school_list(coop, coord)
    fill_required(coop, coord)
    workflow.validate(coop, coord)
    with pytest.raises(PermissionDenied):
        workflow.sign(coop, delegate)


def test_the_capacity_is_that_of_the_grant_used(validated, user, pole1, po, school, monkeypatch):
    # po-siege1 also holds a partner-delegate grant for the seat's PO, listed first: the
    # signature (and the sealed PDF's snapshot) names the seat-delegate grant that signs.
    delegate = user("po-siege1")
    delegate.grants.insert(0, Grant(role="partner_po_delegate", pole=pole1, po=po(1001)))
    delegate.save()
    director = user("dir-part1")
    director.grants.insert(0, Grant(role="cooperating_director", pole=pole1, school=school(2103)))
    director.save()
    workflow.sign(validated, user("po-part1"))
    workflow.sign(validated, user("po-siege1"))
    monkeypatch.setattr(workflow, "SEALERS", [_sealer])
    workflow.approve(validated, user("admin"))
    conv = Convention.objects.get(id=validated.pk)
    assert conv.signatures[1].capacity == "Délégué PO école siège"
    assert [s["capacity"] for s in conv.snapshot["signatures"]] == [
        "Délégué PO école partenaire",
        "Délégué PO école siège",
    ]
    workflow.acknowledge(validated, user("dir-part1"))
    ack = Convention.objects.get(id=validated.pk).acknowledgments[0]
    assert ack.capacity == "Direction école partenaire"


def _sealer(conv, snapshot):
    stored = StoredFile.store("c.pdf", "application/pdf", b"%PDF-1.4 sealed", "admin")
    return stored, stored.sha256


def _force(conv, **update):
    """Another path (or a concurrent request) changes the stored convention behind ``conv``."""
    with workflow_write():
        Convention.objects(id=conv.pk).update_one(inc__version=1, **update)


def test_a_signed_status_with_a_missing_signature_is_not_approved(validated, user, monkeypatch):
    workflow.sign(validated, user("po-part1"))
    _force(validated, set__status=Status.SIGNED)
    validated.reload()
    monkeypatch.setattr(workflow, "SEALERS", [_sealer])
    with pytest.raises(InvalidState, match="n'ont pas encore signé"):
        workflow.approve(validated, user("admin"))
    assert StoredFile.objects.count() == 0


def test_the_approval_time_is_kept_to_the_millisecond(validated, user, monkeypatch):
    # MongoDB keeps milliseconds: the snapshot (and its digest) must hold the stored time.
    drive(validated, Status.SIGNED, user)
    monkeypatch.setattr(workflow, "SEALERS", [_sealer])
    monkeypatch.setattr(approval, "utcnow", lambda: datetime(2026, 9, 15, 8, 30, 0, 500400))
    workflow.approve(validated, user("admin"))
    conv = Convention.objects.get(id=validated.pk)
    assert conv.approved_at == datetime(2026, 9, 15, 8, 30, 0, 500000)
    assert conv.snapshot["approved_at"] == "2026-09-15T08:30:00.500"


def test_the_first_sealer_that_answers_seals_and_its_refusal_is_told(validated, user, monkeypatch):
    drive(validated, Status.SIGNED, user)

    def refuses(conv, snapshot):
        raise RuleViolation("Le modèle de PDF est incomplet.")

    monkeypatch.setattr(workflow, "SEALERS", [refuses, _sealer])
    with pytest.raises(RuleViolation, match=r"^Le modèle de PDF est incomplet\.$"):
        workflow.approve(validated, user("admin"))
    monkeypatch.setattr(workflow, "SEALERS", [lambda conv, snapshot: None, _sealer])
    workflow.approve(validated, user("admin"))
    conv = Convention.objects.get(id=validated.pk)
    assert conv.status == Status.APPROVED and conv.sealed_pdf is not None
    assert conv.sealed_pdf.sha256 == conv.sealed_pdf_sha256


def test_a_reopening_reason_is_trimmed_and_bounded(validated, user):
    with pytest.raises(RuleViolation, match="caractères"):  # over-long: refused, not cut
        workflow.reopen(validated, user("admin"), "x" * 1500)
    assert Convention.objects.get(id=validated.pk).status == Status.VALIDATED
    workflow.reopen(validated, user("admin"), "  " + "x" * 1000 + "  ")
    (event,) = AuditEvent.objects(action="convention.reopen", outcome="ok")
    assert event.details["reason"] == "x" * 1000
    drive(validated, Status.VALIDATED, user)
    workflow.reopen(validated, user("admin"), None)
    assert Convention.objects.get(id=validated.pk).status == Status.LIST_VALIDATED


def test_a_stale_reopening_is_refused(validated, user):
    stale = Convention.objects.get(id=validated.pk)
    drive(validated, Status.SIGNED, user)  # meanwhile every party signs
    with pytest.raises(InvalidState, match="ne peut plus être rouverte"):
        workflow.reopen(stale, user("admin"))
    stored = Convention.objects.get(id=validated.pk)
    assert stored.status == Status.SIGNED and len(stored.signatures) == 2


@pytest.mark.parametrize("reopenings", [1, 2])  # back to the list, then to the draft
def test_reopening_a_copy_another_administrator_reopened_says_it_changed(
    validated, user, reopenings
):
    stale = Convention.objects.get(id=validated.pk)
    workflow.sign(validated, user("po-part1"))
    for _ in range(reopenings):
        workflow.reopen(validated, user("admin"), "article 4")
    status = Convention.objects.get(id=validated.pk).status
    with pytest.raises(InvalidState) as refused:
        workflow.reopen(stale, user("admin"), "article 5")
    # Not « toutes les parties ont signé » (the stale copy's stage): the convention changed.
    assert str(refused.value) == CHANGED_MESSAGE
    assert Convention.objects.get(id=validated.pk).status == status  # nothing reopened further
    (event,) = _refusals("convention.reopen")
    assert event.details["reason"] == CHANGED_MESSAGE


def test_reopening_a_draft_copy_of_a_convention_validated_since_changes_nothing(partnership, user):
    stale = Convention.objects.get(id=partnership.pk)
    _force(partnership, set__status=Status.DRAFT)
    stale.reload()  # the page showed a draft…
    _force(partnership, set__status=Status.VALIDATED)  # …validated since
    with pytest.raises(InvalidState) as refused:
        workflow.reopen(stale, user("admin"), "article 5")
    assert str(refused.value) == CHANGED_MESSAGE
    assert Convention.objects.get(id=partnership.pk).status == Status.VALIDATED


@pytest.mark.parametrize("stage", [Status.SIGNED, Status.APPROVED, Status.ACKNOWLEDGED])
def test_a_convention_signed_by_all_is_not_reopened(validated, user, stage, monkeypatch):
    monkeypatch.setattr(workflow, "SEALERS", [_sealer])
    drive(validated, stage, user)
    with pytest.raises(InvalidState, match=r"^Toutes les parties ont signé cette convention"):
        workflow.reopen(validated, user("admin"), "article 5")
    assert Convention.objects.get(id=validated.pk).status == stage


def test_a_validated_status_with_every_signature_is_not_reopened(validated, user):
    # Every party signed but the move to « signée » has not happened yet (a crash between the
    # two updates): the signatures stand.
    drive(validated, Status.SIGNED, user)
    _force(validated, set__status=Status.VALIDATED)
    validated.reload()
    with pytest.raises(InvalidState, match=r"^Toutes les parties ont signé cette convention"):
        workflow.reopen(validated, user("admin"), "article 5")
    assert len(Convention.objects.get(id=validated.pk).signatures) == 2


def test_a_stale_signature_is_refused_with_the_stage(validated, user):
    stale = Convention.objects.get(id=validated.pk)
    workflow.reopen(validated, user("admin"), "article 4")  # meanwhile: back to the list
    with pytest.raises(InvalidState):
        workflow.sign(stale, user("po-part1"))
    stored = Convention.objects.get(id=validated.pk)
    assert stored.status == Status.LIST_VALIDATED and stored.signatures == []


def test_a_party_missing_from_the_directory_signs_with_no_name(validated, user, po):
    # The signature keeps the party's name when it was signed; a party gone has none.
    from app.models import OrganisingAuthority

    OrganisingAuthority._get_collection().delete_one({"_id": po(1002).pk})  # past the lock
    workflow.sign(validated, user("po-part1"))
    (signature,) = Convention.objects.get(id=validated.pk).signatures
    assert signature.po_name == "" and signature.name == "Philippe Renson"


def test_validating_hands_back_the_stored_convention(partnership, user):
    # The views render what the verb hands back: the convention as stored, validated.
    done = workflow.validate(partnership, user("coord1"))
    assert isinstance(done, Convention) and done.pk == partnership.pk
    assert done.status == Status.VALIDATED and done.validated_at is not None
    signed = workflow.sign(done, user("po-siege1"))
    assert signed.status == Status.VALIDATED and len(signed.signatures) == 1
