"""Every workflow function at every stage, and every demo profile on every action."""

import pytest

from app.models import AuditEvent, Convention
from app.rules import permissions
from app.rules.errors import ConventionLocked, InvalidState, PermissionDenied, RuleViolation
from app.rules.permissions import Action
from app.rules.states import Status
from app.services import workflow
from tests.demo_accounts import ACCOUNTS
from tests.rules.conftest import director_of, drive

STATUSES = [s.value for s in Status]

# operation → (actor, call, the statuses where it succeeds)
OPERATIONS = {
    "remove_school": ("coord1", lambda c, s, u: workflow.remove_school(c, s(2102), u), {"draft"}),
    "validate_school_list": (
        "coord1",
        lambda c, s, u: workflow.validate_school_list(c, u),
        {"draft"},
    ),
    "reopen_school_list": (
        "admin",
        lambda c, s, u: workflow.reopen_school_list(c, u, "motif"),
        {"list_validated"},
    ),
    "save_article": (
        "coord1",
        lambda c, s, u: workflow.save_article(c, 4, "Nouveau texte.", u),
        {"draft", "list_validated"},
    ),
    "validate": ("coord1", lambda c, s, u: workflow.validate(c, u), {"list_validated"}),
    "sign": ("po-siege1", lambda c, s, u: workflow.sign(c, u), {"validated"}),
    "approve": ("admin", lambda c, s, u: workflow.approve(c, u), {"signed"}),
    "acknowledge": ("dir-siege1", lambda c, s, u: workflow.acknowledge(c, u), {"approved"}),
    "reopen": (
        "admin",
        lambda c, s, u: workflow.reopen(c, u, "motif"),
        {"list_validated", "validated"},
    ),
}


def at_status(conv, status, user):
    if status == Status.DRAFT:
        return workflow.reopen_school_list(conv, user("admin"))
    return drive(conv, status, user)


@pytest.mark.parametrize("status", STATUSES)
def test_operations_refused_at_each_stage(partnership, school, user, status):
    conv = at_status(partnership, status, user)
    assert conv.status == status
    version = Convention.objects.get(id=conv.pk).version
    for operation, (username, call, allowed) in OPERATIONS.items():
        if status in allowed:
            continue
        refused_before = AuditEvent.objects(outcome="refused").count()
        with pytest.raises(RuleViolation) as caught:
            call(conv, school, user(username))
        assert isinstance(caught.value, InvalidState | ConventionLocked), operation
        assert str(caught.value)  # a French message
        stored = Convention.objects.get(id=conv.pk)
        assert (stored.status, stored.version) == (status, version), operation
        refused = AuditEvent.objects(outcome="refused").order_by("-seq").first()
        assert refused.details["reason"] == str(caught.value)
        assert AuditEvent.objects(outcome="refused").count() == refused_before + 1


ALLOWED_CELLS = [
    (operation, status)
    for operation, (_u, _c, allowed) in OPERATIONS.items()
    for status in sorted(allowed)
]


@pytest.mark.parametrize(("operation", "status"), ALLOWED_CELLS)
def test_operation_allowed_at_its_stage(partnership, school, user, operation, status):
    conv = at_status(partnership, status, user)
    username, call, _allowed = OPERATIONS[operation]
    refused_before = AuditEvent.objects(outcome="refused").count()
    call(conv, school, user(username))
    assert AuditEvent.objects(outcome="refused").count() == refused_before
    last = AuditEvent.objects(outcome="ok").order_by("-seq").first()
    assert last.convention == conv.pk and last.actor == username


# operation, status it needs, the profiles allowed (the others get PermissionDenied)
ROLE_TABLE = [
    ("remove_school", "draft", {"admin", "gestionnaire", "coord1", "dir-siege1", "po-siege1"}),
    # The back office fixes a list (a missing school) but only the pole validates it.
    ("validate_school_list", "draft", {"coord1", "dir-siege1", "po-siege1"}),
    ("reopen_school_list", "list_validated", {"admin"}),
    ("save_article", "list_validated", {"coord1", "dir-siege1", "po-siege1"}),
    ("validate", "list_validated", {"coord1", "dir-siege1", "po-siege1"}),
    ("sign", "validated", {"po-siege1", "po-part1"}),
    ("approve", "signed", {"admin"}),
    ("acknowledge", "approved", {"dir-siege1", "dir-part1"}),
    ("reopen", "validated", {"admin"}),
]


@pytest.mark.parametrize(("operation", "status", "allowed"), ROLE_TABLE)
def test_role_table(partnership, school, user, operation, status, allowed):
    conv = at_status(partnership, status, user)
    _username, call, _statuses = OPERATIONS[operation]
    action = {
        "remove_school": Action.EDIT_SCHOOL_LIST,
        "validate_school_list": Action.VALIDATE_SCHOOL_LIST,
        "reopen_school_list": Action.REOPEN,
        "save_article": Action.EDIT_ARTICLES,
        "validate": Action.VALIDATE,
        "sign": Action.SIGN,
        "approve": Action.APPROVE,
        "acknowledge": Action.ACKNOWLEDGE,
        "reopen": Action.REOPEN,
    }[operation]
    for username in ACCOUNTS:
        actor = user(username)
        assert permissions.can(actor, action, conv) == (username in allowed), username
        if username in allowed:
            continue
        with pytest.raises(PermissionDenied):
            call(conv, school, actor)
        assert Convention.objects.get(id=conv.pk).status == status
    call(conv, school, user(sorted(allowed)[0]))


def test_full_lifecycle_reaches_acknowledged(partnership, user):
    conv = drive(partnership, Status.ACKNOWLEDGED, user)
    assert conv.status == Status.ACKNOWLEDGED
    assert len(conv.signatures) == 2 and len(conv.acknowledgments) == 3
    assert conv.validated_at and conv.signed_at and conv.approved_at and conv.acknowledged_at
    assert director_of(2102) == "dir-2102"


def test_inactive_user_can_do_nothing(partnership, user):
    coord = user("coord1")
    coord.active = False
    with pytest.raises(PermissionDenied):
        workflow.validate(partnership, coord)
