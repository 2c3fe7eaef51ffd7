"""Signatures by deterministic interleaving, reopening, approval snapshot, acknowledgement."""

import pytest

from app.models import AuditEvent, Convention, StoredFile
from app.rules.errors import InvalidState, RuleViolation
from app.rules.snapshot import snapshot_digest, verify_snapshot
from app.rules.states import Status
from app.services import workflow
from app.services.workflow._writer import workflow_write
from tests.rules.conftest import drive


@pytest.fixture
def validated(partnership, user):
    return drive(partnership, Status.VALIDATED, user)


def test_two_delegates_signing_at_the_same_moment_both_land(validated, user):
    first = Convention.objects.get(id=validated.pk)
    second = Convention.objects.get(id=validated.pk)
    workflow.sign(first, user("po-siege1"))
    workflow.sign(second, user("po-part1"))  # loaded before the first signature
    stored = Convention.objects.get(id=validated.pk)
    assert sorted(s.username for s in stored.signatures) == ["po-part1", "po-siege1"]
    assert stored.status == Status.SIGNED and stored.signed_at
    assert second.status == Status.SIGNED  # the caller's object is reloaded


def test_the_last_signature_moves_on_when_a_concurrent_request_chained_its_event(
    validated, user, monkeypatch
):
    # Between the last signature's write and the move to « signée », another request on the
    # convention chains the pending events (its own verb ends): the move still happens.
    from app.services.workflow import _common, signing

    workflow.sign(validated, user("po-siege1"))
    real = signing.raw_write
    calls = []

    def interleaved(*args, **kwargs):
        if not calls:
            _common.chain_events(Convention.objects.get(id=validated.pk))
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(signing, "raw_write", interleaved)
    workflow.sign(validated, user("po-part1"))
    stored = Convention.objects.get(id=validated.pk)
    assert stored.status == Status.SIGNED and stored.signed_at
    assert len(calls) == 2  # the event's update found no event, the plain one moved it
    events = AuditEvent.objects(action="convention.sign", outcome="ok")
    assert [e.actor for e in events.order_by("seq")] == ["po-siege1", "po-part1"]


def test_double_click_signs_once(validated, user):
    first = Convention.objects.get(id=validated.pk)
    second = Convention.objects.get(id=validated.pk)
    workflow.sign(first, user("po-siege1"))
    with pytest.raises(RuleViolation, match="déjà signée"):
        workflow.sign(second, user("po-siege1"))
    stored = Convention.objects.get(id=validated.pk)
    assert len(stored.signatures) == 1 and stored.status == Status.VALIDATED


def test_signature_records_who_and_for_whom(validated, user, po):
    workflow.sign(validated, user("po-part1"))
    signature = validated.signatures[0]
    assert signature.po.pk == po(1002).pk
    assert signature.po_name == "ASBL Enseignement spécialisé de la Meuse"
    assert signature.name == "Philippe Renson" and signature.username == "po-part1"
    assert signature.capacity == "Délégué PO école partenaire" and signature.signed_at


def test_reopen_after_partial_signatures(validated, user):
    workflow.sign(validated, user("po-siege1"))
    stale = Convention.objects.get(id=validated.pk)
    workflow.reopen(stale, user("admin"), "Erreur dans l'article 4")
    assert stale.status == Status.LIST_VALIDATED and stale.signatures == []
    event = AuditEvent.objects(action="convention.reopen", outcome="ok").get()
    assert event.details["reason"] == "Erreur dans l'article 4"
    assert event.details["removed_signatures"][0]["name"] == "Jean Masset"
    # the text can change again, then everyone signs the new text
    workflow.save_article(stale, 4, "Texte corrigé.", user("coord1"))
    drive(stale, Status.SIGNED, user)
    assert len(stale.signatures) == 2


def test_reopen_refused_once_all_have_signed(validated, user):
    workflow.sign(validated, user("po-siege1"))
    stale = Convention.objects.get(id=validated.pk)  # read before the last signature
    workflow.sign(validated, user("po-part1"))
    with pytest.raises(InvalidState, match="ont signé"):
        workflow.reopen(stale, user("admin"), "trop tard")
    assert Convention.objects.get(id=validated.pk).status == Status.SIGNED


def test_approve_freezes_snapshot_and_seals(validated, user, monkeypatch):
    drive(validated, Status.SIGNED, user)
    calls = []

    def sealer(conv, snapshot):
        calls.append(snapshot)
        stored = StoredFile.store("convention.pdf", "application/pdf", b"%PDF-1.4 sealed", "admin")
        return stored, stored.sha256

    monkeypatch.setattr(workflow, "SEALERS", [sealer])
    workflow.approve(validated, user("admin"))
    conv = Convention.objects.get(id=validated.pk)
    assert conv.status == Status.APPROVED and conv.approved_at
    assert conv.snapshot_sha256 == snapshot_digest(conv.snapshot) and verify_snapshot(conv)
    assert calls[0] == conv.snapshot
    snap = conv.snapshot
    assert snap["kind"] == "partnership" and snap["approved_by"] == "admin"
    assert [a["key"] for a in snap["articles"]][:3] == ["identification", "preambule", "1"]
    assert {p["po"]["fase"] for p in snap["parties"]} == {1001, 1002}
    assert len(snap["signatures"]) == 2 and snap["pole"]["number"] == 1
    assert conv.sealed_pdf.sha256 == conv.sealed_pdf_sha256
    # a changed snapshot no longer matches its digest
    conv.snapshot["articles"][5]["body"] = "autre texte"
    assert not verify_snapshot(conv)


def test_approval_race_leaves_no_orphan_file(validated, user, monkeypatch):
    drive(validated, Status.SIGNED, user)

    def sealer(conv, snapshot):
        with workflow_write():  # someone else changes the convention meanwhile
            Convention.objects(id=conv.pk).update_one(inc__version=1)
        stored = StoredFile.store("convention.pdf", "application/pdf", b"%PDF-1.4", "admin")
        return stored, stored.sha256

    monkeypatch.setattr(workflow, "SEALERS", [sealer])
    with pytest.raises(InvalidState, match="modifiée entre-temps"):
        workflow.approve(validated, user("admin"))
    assert StoredFile.objects.count() == 0
    stored = Convention.objects.get(id=validated.pk)
    assert stored.status == Status.SIGNED
    assert validated.version == stored.version  # the caller's copy is the stored one again


def test_failing_sealer_refuses_cleanly(validated, user, monkeypatch):
    drive(validated, Status.SIGNED, user)

    def sealer(conv, snapshot):
        raise OSError("disque plein")

    monkeypatch.setattr(workflow, "SEALERS", [sealer])
    with pytest.raises(RuleViolation, match="PDF scellé"):
        workflow.approve(validated, user("admin"))
    assert Convention.objects.get(id=validated.pk).status == Status.SIGNED


@pytest.mark.parametrize("sealers", [[], [lambda conv, snapshot: None]], ids=["none", "declines"])
def test_approval_refuses_in_french_without_a_sealer(validated, user, monkeypatch, sealers):
    drive(validated, Status.SIGNED, user)
    monkeypatch.setattr(workflow, "SEALERS", sealers)
    with pytest.raises(RuleViolation, match="aucun scellement n'est configuré"):
        workflow.approve(validated, user("admin"))
    conv = Convention.objects.get(id=validated.pk)
    assert conv.status == Status.SIGNED and not conv.snapshot and conv.sealed_pdf is None


def test_acknowledge_once_each(validated, user):
    drive(validated, Status.APPROVED, user)
    first = Convention.objects.get(id=validated.pk)
    second = Convention.objects.get(id=validated.pk)
    workflow.acknowledge(first, user("dir-siege1"))
    with pytest.raises(RuleViolation, match="déjà enregistrée"):
        workflow.acknowledge(second, user("dir-siege1"))
    workflow.acknowledge(second, user("dir-part1"))
    stored = Convention.objects.get(id=validated.pk)
    assert [a.username for a in stored.acknowledgments] == ["dir-siege1", "dir-part1"]
    assert stored.status == Status.APPROVED  # 2102's director has not acknowledged yet
