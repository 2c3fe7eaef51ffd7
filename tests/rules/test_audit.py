"""The audit trail of the workflow: every action and refusal, chained and verifiable."""

import pytest

from app.models import AuditEvent
from app.rules.errors import PermissionDenied
from app.rules.states import Status
from app.services import workflow
from app.services.audit import history, verify_chain
from tests.rules.conftest import drive


def test_workflow_actions_and_refusals_are_chained(partnership, user):
    with pytest.raises(PermissionDenied):
        workflow.validate(partnership, user("po-part1"))
    drive(partnership, Status.SIGNED, user)
    actions = [(e.action, e.outcome, e.actor) for e in history(partnership.pk)]
    assert ("convention.create", "ok", "coord1") in actions
    assert ("convention.validate", "refused", "po-part1") in actions
    assert ("convention.validate", "ok", "coord1") in actions
    assert [a for a in actions if a[0] == "convention.sign"] == [
        ("convention.sign", "ok", "po-siege1"),
        ("convention.sign", "ok", "po-part1"),
    ]
    last = history(partnership.pk)[-1]
    assert (last.status_before, last.status_after) == ("validated", "signed")
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()


def test_tampering_is_detected(partnership, user):
    drive(partnership, Status.VALIDATED, user)
    target = AuditEvent.objects(action="convention.validate").get()
    AuditEvent._get_collection().update_one({"_id": target.pk}, {"$set": {"actor": "admin"}})
    report = verify_chain()
    assert not report.ok and report.broken_at == target.seq


def test_deleting_an_event_is_detected(partnership, user):
    seq = AuditEvent.objects(action="convention.validate_list").get().seq
    AuditEvent._get_collection().delete_one({"seq": seq})
    report = verify_chain()
    assert not report.ok and report.broken_at == seq
