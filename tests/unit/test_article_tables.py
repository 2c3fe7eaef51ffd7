"""The points tables as a convention's page and the signing views show them (pure rules)."""

from types import SimpleNamespace

import pytest

from app.rules.articles import share_rows
from app.rules.points import table_total
from app.rules.states import SchoolRole


def _entry(fase: int, role: SchoolRole) -> SimpleNamespace:
    return SimpleNamespace(fase=fase, name=f"École {fase}", role=role, role_label=role.value)


def test_share_rows_list_the_seat_then_the_partners_with_their_saved_share() -> None:
    conv = SimpleNamespace(
        schools=[_entry(2, SchoolRole.PARTNER), _entry(3, SchoolRole.COOPERATING)]
    )
    article = SimpleNamespace(data={"shares": [{"school_fase": 2, "percent": 40}, "junk"]})
    seat = SimpleNamespace(fase=1, name="Siège")
    rows = share_rows(conv, article, seat)
    assert [(r["fase"], r["percent"]) for r in rows] == [(1, ""), (2, 40)]
    assert rows[0]["role"] == "école siège"


@pytest.mark.parametrize(
    ("data", "total"),
    [
        ({}, None),  # not a table
        ({"rows": None}, None),
        ({"rows": 5}, None),  # damaged: no total rather than an error
        ({"rows": ["x"]}, None),
        ({"rows": []}, 0.0),
        ({"rows": [{"points": "1.5"}, {"points": 2}, {}]}, 3.5),
    ],
)
def test_table_total(data: dict, total: float | None) -> None:
    assert table_total(data) == total
