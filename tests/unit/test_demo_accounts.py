"""The tests' list of demo accounts is the seed's: a new demo account is walked by every
access matrix, a removed one fails here instead of silently shrinking them."""

import json
from pathlib import Path

from tests.demo_accounts import ACCOUNTS, DIRECTORS, PO_DELEGATES

DEMO = Path(__file__).resolve().parents[2] / "seed" / "demo.json"


def test_the_accounts_are_the_seeds() -> None:
    users = json.loads(DEMO.read_text(encoding="utf-8"))["users"]
    assert sorted(ACCOUNTS) == sorted(u["username"] for u in users)
    assert len(set(ACCOUNTS)) == len(ACCOUNTS)


def test_pole_one_directors_and_delegates_are_named_for_their_grants() -> None:
    users = {u["username"]: u for u in json.loads(DEMO.read_text(encoding="utf-8"))["users"]}
    for name in DIRECTORS:
        assert all("director" in g["role"] for g in users[name]["grants"]), name
    for name in PO_DELEGATES:
        assert all("po_delegate" in g["role"] for g in users[name]["grants"]), name
