# ruff: noqa: E501 (the permission table is one line per role)
"""The permission table cell by cell, and ``can`` on plain values (no app, no database).

``TABLE`` is DOMAIN.md §4 and the circular written out: one row per role, one column per
action, ``x`` allowed and ``.`` refused. Every cell is checked in ``PERMISSIONS`` and through
``can(user, action)`` for a user holding that single grant.
"""

from types import SimpleNamespace

import pytest

from app.rules.permissions import (
    PERMISSIONS,
    Action,
    can,
    has_role,
    role_allows,
    roles_allowed,
    roles_of,
)
from app.rules.roles import Role
from tests.unit.plain import grant, user

A = Action
# Column codes (TABLE's header) → actions.
COLUMNS = {
    "po": A.VIEW_POLE,
    "cv": A.VIEW_CONVENTION,
    "li": A.EDIT_SCHOOL_LIST,
    "vl": A.VALIDATE_SCHOOL_LIST,
    "ar": A.EDIT_ARTICLES,
    "va": A.VALIDATE,
    "si": A.SIGN,
    "ap": A.APPROVE,
    "ak": A.ACKNOWLEDGE,
    "re": A.REOPEN,
    "st": A.MANAGE_STRUCTURE,
    "rf": A.MANAGE_REFERENCE,
    "tp": A.MANAGE_TEMPLATES,
    "us": A.MANAGE_USERS,
    "ac": A.REVIEW_ACCESS,
    "gr": A.GRANT_BACKOFFICE,
    "ms": A.MANAGE_MESSAGES,
    "au": A.VIEW_AUDIT,
    "bo": A.ENTER_BACKOFFICE,
    "fv": A.VIEW_FINANCING,
    "ec": A.ENTER_COUNTS,
    "cc": A.CLOSE_COUNTS,
    "sm": A.SIMULATE_TEAM,
    "mf": A.MANAGE_FINANCING,
    "im": A.IMPORT_DIRECTORY,
    "ca": A.MANAGE_CALENDAR,
    "zp": A.EXPORT_SEALED_PDFS,
    "cl": A.MANAGE_API_CLIENTS,
    "sb": A.SEND_BACK,
    "dc": A.DECLINE,
    "sc": A.STEER_CAMPAIGN,
}
TABLE = """
role                         po cv li vl ar va si ap ak re st rf tp us ac gr ms au bo fv ec cc sm mf im ca zp cl sb dc sc
coordinator                  x  x  x  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .  .  x  x  .  x  .  .  .  .  .  .  .  .
seat_director                x  x  x  x  x  x  .  .  x  .  .  .  .  .  .  .  .  .  .  x  x  .  x  .  .  .  .  .  .  .  .
seat_po_delegate             x  x  x  x  x  x  x  .  .  .  .  .  .  .  .  .  .  .  .  x  .  .  x  .  .  .  .  .  .  x  .
partner_director             x  x  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
partner_po_delegate          x  x  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  x  .
specific_partner_director    x  x  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
specific_partner_po_delegate x  x  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  x  .
cooperating_director         x  x  .  .  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .
cooperating_po_delegate      x  x  .  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  x  .
administration               x  x  x  .  .  .  .  x  .  x  x  x  x  x  x  x  x  x  x  x  x  x  .  x  x  x  x  x  x  .  x
data_manager                 x  x  x  .  .  .  .  .  .  .  x  x  .  .  .  .  .  .  x  .  .  .  .  .  x  .  .  .  .  .  .
support                      .  .  .  .  .  .  .  .  .  .  .  .  .  x  x  .  .  .  x  .  .  .  .  .  .  .  .  .  .  .  .
"""


def _cells() -> list[tuple[Role, Action, bool]]:
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    assert [COLUMNS[name] for name in header[1:]] == list(Action), "one column per action"
    cells = []
    for role, *marks in rows:
        assert len(marks) == len(Action), role
        cells += [
            (Role(role), COLUMNS[name], mark == "x")
            for name, mark in zip(header[1:], marks, strict=True)
        ]
    return cells


CELLS = _cells()


def test_the_table_has_one_row_per_role():
    assert {role for role, _, _ in CELLS} == set(Role) == set(PERMISSIONS)


@pytest.mark.parametrize(("role", "action", "allowed"), CELLS, ids=lambda v: str(v))
def test_cell(role, action, allowed):
    assert (action in PERMISSIONS[role]) is allowed
    assert role_allows(role, action) is allowed
    # ``can`` without an object: could this user do it on some object?
    assert can(user(grant(role, pole=1, school=10, po=100)), action) is allowed


@pytest.mark.parametrize("action", list(Action))
def test_no_grant_no_action(action):
    assert can(user(), action) is False
    assert can(None, action) is False
    assert can(user(grant(Role.ADMINISTRATION), active=False), action) is False
    # Fail closed on what is missing: no grants list, or no active flag at all.
    assert can(SimpleNamespace(active=True, grants=None), action) is False
    assert can(SimpleNamespace(grants=[grant(Role.ADMINISTRATION)]), action) is False


@pytest.mark.parametrize("action", list(Action))
def test_a_pages_gate_lists_the_roles_of_its_column(action):
    expected = {role for role, act, allowed in CELLS if act == action and allowed}
    assert roles_allowed(action) == expected
    assert roles_allowed(action.value) == expected


def test_roles_of_a_user():
    u = user(grant(Role.COORDINATOR, pole=1), grant(Role.PARTNER_DIRECTOR, pole=2, school=20))
    assert roles_of(u) == {Role.COORDINATOR, Role.PARTNER_DIRECTOR}
    assert has_role(u, Role.SUPPORT, Role.PARTNER_DIRECTOR)
    assert not has_role(u, Role.SUPPORT, Role.ADMINISTRATION)
    assert not has_role(user(grant(Role.COORDINATOR, pole=1), active=False), Role.COORDINATOR)
    assert roles_of(None) == set()


def test_an_unknown_action_is_an_error_not_a_refusal():
    # A misspelt action in code fails loudly, even for a user without grants, instead of
    # quietly refusing everyone; the action's value is accepted for the action.
    for u in (user(), user(grant(Role.ADMINISTRATION))):
        with pytest.raises(ValueError):
            can(u, "convention.sgn")
    assert can(user(grant(Role.ADMINISTRATION)), "convention.approve") is True
