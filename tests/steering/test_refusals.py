"""Sending a signed convention back (Administration) and declining to sign (PO delegate)."""

import pytest

from app.models import AuditEvent, Convention
from app.rules.errors import InvalidState, PermissionDenied, RuleViolation
from app.rules.refusals import EventKind
from app.rules.states import Status
from app.services import workflow
from tests.rules.conftest import drive
from tests.steering.helpers import inbox, recipients

POLE_TEAM = {"coord1", "dir-siege1", "po-siege1"}


@pytest.fixture
def signed(partnership, user):
    return drive(partnership, Status.SIGNED, user)


@pytest.fixture
def validated(partnership, user):
    return drive(partnership, Status.VALIDATED, user)


def test_send_back_returns_to_draft_keeping_signatures_in_the_history(signed, user):
    workflow.send_back(signed, "  L'article 4 cite la mauvaise école.  ", user("admin"))
    stored = Convention.objects.get(id=signed.pk)
    assert stored.status == Status.DRAFT
    assert stored.signatures == [] and stored.validated_at is None and stored.signed_at is None
    entry = stored.history[-1]
    assert entry.kind == EventKind.SENT_BACK and entry.username == "admin"
    assert entry.text == "L'article 4 cite la mauvaise école."
    assert sorted(s.username for s in entry.signatures) == ["po-part1", "po-siege1"]
    event = AuditEvent.objects(action="convention.send_back", outcome="ok").get()
    assert event.status_before == Status.SIGNED and event.status_after == Status.DRAFT
    assert event.details["reason"] == "L'article 4 cite la mauvaise école."
    assert {s["username"] for s in event.details["removed_signatures"]} == {
        "po-part1",
        "po-siege1",
    }
    assert recipients("renvoyée pour modification") == POLE_TEAM
    mail = inbox("coord1", "renvoyée")[0]
    assert "L'article 4 cite la mauvaise école." in mail.body and mail.html
    assert f"/conventions/{signed.pk}" in mail.body


def test_a_sent_back_convention_goes_round_again(signed, user):
    workflow.send_back(signed, "Corriger l'article 4.", user("admin"))
    coord = user("coord1")
    workflow.validate_school_list(signed, coord)
    workflow.save_article(signed, 4, "Texte corrigé.", coord)
    drive(signed, Status.SIGNED, user)
    assert signed.status == Status.SIGNED and len(signed.signatures) == 2
    assert len(signed.history) == 1  # the first round's signatures stay in the history


@pytest.mark.parametrize("who", ["coord1", "po-siege1", "gestionnaire", "support"])
def test_only_the_administration_sends_back(signed, user, who):
    with pytest.raises(PermissionDenied):
        workflow.send_back(signed, "motif", user(who))
    assert Convention.objects.get(id=signed.pk).status == Status.SIGNED
    refused = AuditEvent.objects(action="convention.send_back", outcome="refused").get()
    assert refused.actor == who


def test_send_back_needs_a_reason_and_a_signed_convention(signed, validated, user):
    with pytest.raises(RuleViolation, match="motif"):
        workflow.send_back(signed, "   ", user("admin"))
    assert Convention.objects.get(id=signed.pk).status == Status.SIGNED


def test_send_back_refused_before_all_have_signed(validated, user):
    with pytest.raises(InvalidState, match="rouvrez"):
        workflow.send_back(validated, "motif", user("admin"))


def test_send_back_refused_once_approved(signed, user):
    workflow.approve(signed, user("admin"))
    with pytest.raises(InvalidState, match="déjà approuvée"):
        workflow.send_back(signed, "motif", user("admin"))


def test_send_back_racing_an_approval_changes_nothing(signed, user):
    stale = Convention.objects.get(id=signed.pk)
    workflow.approve(signed, user("admin"))
    with pytest.raises(InvalidState):
        workflow.send_back(stale, "motif", user("admin"))
    assert Convention.objects.get(id=signed.pk).status == Status.APPROVED


def test_decline_keeps_the_convention_validated_and_tells_the_pole(validated, user):
    workflow.sign(validated, user("po-siege1"))
    workflow.decline(validated, "Le partage des points ne nous convient pas.", user("po-part1"))
    stored = Convention.objects.get(id=validated.pk)
    assert stored.status == Status.VALIDATED and len(stored.signatures) == 1
    entry = stored.history[-1]
    assert entry.kind == EventKind.DECLINED and entry.username == "po-part1"
    assert entry.po_name == "ASBL Enseignement spécialisé de la Meuse"
    assert entry.round == stored.validated_at
    event = AuditEvent.objects(action="convention.decline", outcome="ok").get()
    assert event.details["comment"] == "Le partage des points ne nous convient pas."
    assert recipients("Refus de signer") == POLE_TEAM
    assert "ne nous convient pas" in inbox("coord1", "Refus de signer")[0].body


def test_decline_once_per_po_and_round_even_when_two_clicks_race(validated, user):
    first = Convention.objects.get(id=validated.pk)
    second = Convention.objects.get(id=validated.pk)
    workflow.decline(first, "Non.", user("po-part1"))
    with pytest.raises(InvalidState):
        workflow.decline(second, "Non, encore.", user("po-part1"))
    stored = Convention.objects.get(id=validated.pk)
    assert [e.text for e in stored.history] == ["Non."]


def test_decline_refused_after_signing_or_for_others(validated, user):
    workflow.sign(validated, user("po-siege1"))
    with pytest.raises(InvalidState, match="déjà signé"):
        workflow.decline(validated, "Finalement non.", user("po-siege1"))
    for who in ("coord1", "dir-part1", "admin", "po-coop1"):
        with pytest.raises(PermissionDenied):
            workflow.decline(validated, "Non.", user(who))
    with pytest.raises(RuleViolation, match="pourquoi"):
        workflow.decline(validated, "", user("po-part1"))
    assert Convention.objects.get(id=validated.pk).history == []


def test_after_a_reopen_the_po_may_decline_again(validated, user):
    workflow.decline(validated, "Non.", user("po-part1"))
    workflow.reopen(validated, user("admin"), "Correction demandée par le PO partenaire")
    drive(validated, Status.VALIDATED, user)
    workflow.decline(validated, "Toujours non.", user("po-part1"))
    assert [e.text for e in Convention.objects.get(id=validated.pk).history] == [
        "Non.",
        "Toujours non.",
    ]
