"""A state change (or a change to a draft's school list, a document's creation) and its
audit event travel in one write: a crash right after the change (before the event reaches
the chain) leaves the event in the convention, chained later — by the next verb on that
convention or ``flask audit chain`` — once, in order."""

from contextlib import contextmanager

import pytest

from app.models import AuditEvent, Convention
from app.rules.states import Status
from app.services import audit, workflow
from tests.raw import raw_conventions
from tests.rules.conftest import drive


class Crash(Exception):
    """The process dies between the convention's update and the audit chain."""


@pytest.fixture
def crashing(monkeypatch):
    """Inside ``with crashing():`` the process dies right after a convention's update."""

    chain = audit.chain_pending

    @contextmanager
    def _crashing(at: str | None = None):
        """The crash comes at the first event chained, or at the first ``at`` event."""

        def _crash(event, convention):
            if at is not None and event["action"] != at:
                return chain(event, convention)
            raise Crash

        with monkeypatch.context() as patch:
            patch.setattr(audit, "chain_pending", _crash)
            with pytest.raises(Crash):
                yield

    return _crashing


def _ok(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects(action=action, outcome="ok"))


def test_a_crash_after_validating_leaves_the_event_with_the_change(partnership, user, crashing):
    with crashing():
        workflow.validate(partnership, user("coord1"))
    stored = raw_conventions().find_one({"_id": partnership.pk})
    assert stored["status"] == Status.VALIDATED  # the change happened…
    assert not _ok("convention.validate")  # …its event is not in the chain yet…
    (pending,) = stored["pending_events"]  # …but it is in the same document
    assert pending["action"] == "convention.validate" and pending["actor"] == "coord1"
    assert (pending["status_before"], pending["status_after"]) == ("list_validated", "validated")

    assert workflow.chain_all_events() == 1
    (event,) = _ok("convention.validate")
    assert event.origin == pending["id"] and event.at == pending["at"]
    assert (event.status_before, event.status_after) == ("list_validated", "validated")
    assert raw_conventions().find_one({"_id": partnership.pk})["pending_events"] == []
    assert workflow.chain_all_events() == 0  # nothing twice
    assert len(_ok("convention.validate")) == 1
    assert audit.verify_chain().ok


def test_the_next_verb_chains_the_orphan_event_first(partnership, user, crashing):
    with crashing():
        workflow.validate(partnership, user("coord1"))
    conv = Convention.objects.get(id=partnership.pk)
    workflow.sign(conv, user("po-part1"))
    validate, sign = _ok("convention.validate"), _ok("convention.sign")
    assert len(validate) == len(sign) == 1
    assert validate[0].seq < sign[0].seq  # the trail keeps the order things happened in
    assert raw_conventions().find_one({"_id": partnership.pk})["pending_events"] == []


def test_the_last_signature_event_says_where_the_convention_went(partnership, user, crashing):
    conv = drive(partnership, Status.VALIDATED, user)
    workflow.sign(conv, user("po-part1"))
    conv.reload()
    with crashing():
        workflow.sign(conv, user("po-siege1"))
    stored = raw_conventions().find_one({"_id": partnership.pk})
    assert stored["status"] == Status.SIGNED
    (pending,) = stored["pending_events"]
    assert (pending["status_before"], pending["status_after"]) == ("validated", "signed")
    assert pending["details"]["missing"] == 0


def test_chaining_the_same_event_twice_keeps_one(partnership, user, crashing):
    with crashing():
        workflow.validate(partnership, user("coord1"))
    (pending,) = raw_conventions().find_one({"_id": partnership.pk})["pending_events"]
    first = audit.chain_pending(pending, partnership.pk)
    again = audit.chain_pending(pending, partnership.pk)  # a second worker got there too
    assert first.pk == again.pk and len(_ok("convention.validate")) == 1


@pytest.mark.parametrize(
    ("verb", "stage", "actor", "status_after"),
    [
        ("reopen_school_list", Status.LIST_VALIDATED, "admin", Status.DRAFT),
        ("validate_school_list", Status.DRAFT, "coord1", Status.LIST_VALIDATED),
        ("approve", Status.SIGNED, "admin", Status.APPROVED),
        ("reopen", Status.VALIDATED, "admin", Status.LIST_VALIDATED),
        ("acknowledge", Status.APPROVED, "dir-part1", Status.APPROVED),  # others still due
    ],
)
def test_every_state_change_carries_its_event(
    partnership, user, crashing, verb, stage, actor, status_after
):
    if stage == Status.DRAFT:
        workflow.reopen_school_list(partnership, user("admin"))
        conv = Convention.objects.get(id=partnership.pk)
    else:
        conv = drive(partnership, stage, user)
    with crashing():
        getattr(workflow, verb)(conv, user(actor))
    stored = raw_conventions().find_one({"_id": partnership.pk})
    assert stored["status"] == status_after
    (pending,) = stored["pending_events"]
    assert pending["action"] == "convention." + verb.replace("_school_list", "_list")
    assert (pending["status_before"], pending["status_after"]) == (stage, status_after)


@pytest.mark.parametrize(
    ("verb", "stage", "actor", "status_after"),
    [
        ("send_back", Status.SIGNED, "admin", Status.DRAFT),
        ("decline", Status.VALIDATED, "po-part1", Status.VALIDATED),
    ],
)
def test_refusals_carry_their_event(partnership, user, crashing, verb, stage, actor, status_after):
    conv = drive(partnership, stage, user)
    with crashing():
        getattr(workflow, verb)(conv, "L'article 5 est incomplet.", user(actor))
    stored = raw_conventions().find_one({"_id": partnership.pk})
    assert stored["status"] == status_after
    (pending,) = stored["pending_events"]
    assert pending["action"] == f"convention.{verb}"
    assert (pending["status_before"], pending["status_after"]) == (stage, status_after)
    assert "L'article 5 est incomplet." in str(pending["details"])
    assert workflow.chain_all_events() == 1 and len(_ok(f"convention.{verb}")) == 1


def test_flask_audit_chain_reports_what_it_chained(app, partnership, user, crashing):
    with crashing():
        workflow.validate(partnership, user("coord1"))
    result = app.test_cli_runner().invoke(args=["audit", "chain"])
    assert result.exit_code == 0 and result.output.strip().endswith(": 1.")
    assert len(_ok("convention.validate")) == 1


# -- a draft's school list: the document's creation, an added, moved or removed school -------


def _stored(pole, slot: str) -> dict:
    return raw_conventions().find_one({"pole": pole.pk, "slot": slot})


def _pending(stored: dict) -> list[str]:
    return [e["action"] for e in stored["pending_events"]]


def test_a_new_document_is_inserted_with_its_creation_event(pole1, school, user, crashing):
    coord = user("coord1")
    with crashing():
        workflow.add_school(pole1, school(2102), "partner", coord)
    ressort = _stored(pole1, "ressort")
    assert ressort["schools"] == [] and _pending(ressort) == ["convention.create"]
    assert not _ok("convention.create")

    workflow.add_school(pole1, school(2102), "partner", coord)  # the user tries again
    (created,), (added,) = _ok("convention.create"), _ok("convention.add_school")
    assert created.seq < added.seq and added.details["school_fase"] == 2102
    assert _stored(pole1, "ressort")["pending_events"] == []
    assert audit.verify_chain().ok


def test_an_added_school_carries_its_event(pole1, school, user, crashing):
    coord = user("coord1")
    workflow.add_school(pole1, school(2102), "partner", coord)
    with crashing():
        workflow.add_school(pole1, school(2111), "cooperating", coord)
    ressort = _stored(pole1, "ressort")
    assert {e["fase"] for e in ressort["schools"]} == {2102, 2111}
    assert _pending(ressort) == ["convention.add_school"]
    assert [e.details["school_fase"] for e in _ok("convention.add_school")] == [2102]
    assert workflow.chain_all_events() == 1
    assert [e.details["school_fase"] for e in _ok("convention.add_school")] == [2102, 2111]


def test_schools_moved_to_the_partnership_carry_the_move_and_the_addition(
    pole1, school, user, crashing
):
    coord = user("coord1")
    workflow.add_school(pole1, school(2102), "partner", coord)
    with crashing(at="convention.move_school"):
        workflow.add_school(pole1, school(2103), "partner", coord)  # another PO
    ressort, partnership = _stored(pole1, "ressort"), _stored(pole1, "partnership")
    assert ressort["schools"] == [] and _pending(ressort) == ["convention.move_school"]
    assert {e["fase"] for e in partnership["schools"]} == {2102, 2103}
    assert _pending(partnership) == ["convention.add_school"]
    assert workflow.chain_all_events() == 2
    (moved,) = _ok("convention.move_school")
    assert moved.details["school_fases"] == [2102]
    assert [e.details["school_fase"] for e in _ok("convention.add_school")] == [2102, 2103]
    assert audit.verify_chain().ok


def test_a_removed_school_carries_its_event(pole1, school, user, crashing):
    coord = user("coord1")
    conv = workflow.add_school(pole1, school(2102), "partner", coord)
    workflow.add_school(pole1, school(2111), "cooperating", coord)
    conv.reload()
    with crashing():
        workflow.remove_school(conv, school(2111), coord)
    ressort = _stored(pole1, "ressort")
    assert [e["fase"] for e in ressort["schools"]] == [2102]
    assert _pending(ressort) == ["convention.remove_school"]
    assert not _ok("convention.remove_school")
    assert workflow.chain_all_events() == 1
    (removed,) = _ok("convention.remove_school")
    assert removed.details["school_fase"] == 2111
