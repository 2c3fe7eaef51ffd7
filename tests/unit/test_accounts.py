"""Which accounts an actor may manage: the decision and its query form agree (no app)."""

from types import SimpleNamespace

import mongomock
import pytest

from app.rules.permissions import account_filter, holds_backoffice_role, may_manage_account
from app.rules.roles import Role


def person(name: str, *roles: Role) -> SimpleNamespace:
    grants = [SimpleNamespace(role=r.value, pole=None, school=None, po=None) for r in roles]
    return SimpleNamespace(username=name, active=True, grants=grants)


ACCOUNTS = [
    person("coord", Role.COORDINATOR),
    person("director", Role.PARTNER_DIRECTOR),
    person("nobody"),
    person("admin", Role.ADMINISTRATION),
    person("support", Role.SUPPORT),
    person("manager", Role.DATA_MANAGER),
    person("both", Role.COORDINATOR, Role.SUPPORT),
]


def test_back_office_roles_are_recognised() -> None:
    assert holds_backoffice_role(["support"]) and holds_backoffice_role(["coordinator", "support"])
    assert not holds_backoffice_role(["coordinator"]) and not holds_backoffice_role([])


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (person("s", Role.SUPPORT), {"coord", "director", "nobody"}),
        (person("a", Role.ADMINISTRATION), {a.username for a in ACCOUNTS}),
    ],
    ids=["support", "administration"],
)
def test_account_filter_selects_what_may_manage_account_allows(actor, expected) -> None:
    allowed = {a.username for a in ACCOUNTS if may_manage_account(actor, a)}
    assert allowed == expected
    collection = mongomock.MongoClient().db.users
    collection.insert_many(
        [{"username": a.username, "grants": [{"role": g.role} for g in a.grants]} for a in ACCOUNTS]
    )
    assert {d["username"] for d in collection.find(account_filter(actor))} == expected


def test_the_administration_s_filter_is_empty_not_missing() -> None:
    # The filter goes to __raw__: the Administration's is {} (everything), not None.
    assert account_filter(person("a", Role.ADMINISTRATION)) == {}
