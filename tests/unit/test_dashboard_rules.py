"""The campaign's counts on a known set of plain items: every kind and stage present."""

from app.rules import dashboard
from app.rules.dashboard import Item

STAGES = dashboard.STAGES


def _items() -> list[Item]:
    items = []
    # pole 1 (zone 4): one partnership at each stage, one cooperation late in draft
    for status in STAGES:
        items.append(Item("partnership", status, 1, 4))
    items.append(Item("cooperation", "draft", 1, 4, late=True))
    # pole 2 (zone 4): a ressort signed, a specific partnership due soon
    items.append(Item("ressort", "signed", 2, 4))
    items.append(Item("specific_partnership", "validated", 2, 4, soon=True))
    # pole 3 (zone 6): an amendment approved, a cooperation acknowledged
    items.append(Item("ressort", "approved", 3, 6, amendment=True))
    items.append(Item("cooperation", "acknowledged", 3, 6))
    return items


def test_by_kind_counts_and_shares():
    kinds = {line.key: line for line in dashboard.by_kind(_items())}
    assert list(kinds) == ["partnership", "cooperation", "specific_partnership", "ressort"]
    assert kinds["partnership"].counts == dict.fromkeys(STAGES, 1)
    assert kinds["partnership"].total == 6 and kinds["partnership"].done == 3
    assert kinds["partnership"].progress == 0.5
    assert kinds["cooperation"].counts["draft"] == 1 and kinds["cooperation"].late == 1
    assert kinds["ressort"].total == 1  # the amendment is counted apart
    assert round(kinds["cooperation"].share("acknowledged"), 2) == 0.5


def test_amendments_apart():
    line = dashboard.amendments(_items())
    assert line.total == 1 and line.counts["approved"] == 1 and line.progress == 1.0


def test_by_zone_and_by_pole_include_empty_ones():
    zones = {line.key: line for line in dashboard.by_zone(_items(), [4, 6, 9])}
    assert zones[4].total == 9 and zones[6].total == 2 and zones[9].total == 0
    assert zones[9].progress == 0.0 and zones[4].label.startswith("4 – ")
    poles = dashboard.by_pole(_items(), {1: "Liège", 2: "Ixelles", 3: "Namur", 4: "Vide"})
    assert [(p.key, p.total, p.late, p.soon) for p in poles] == [
        (1, 7, 1, 0),
        (2, 2, 0, 1),
        (3, 2, 0, 0),
        (4, 0, 0, 0),
    ]


def test_total_and_the_pole_sorts():
    assert dashboard.total(_items()).total == 11
    poles = dashboard.by_pole(_items(), {1: "a", 2: "b", 3: "c", 4: "d"})
    assert [p.key for p in dashboard.sort_lines(poles, "progress", True)] == [3, 2, 1, 4]
    assert [p.key for p in dashboard.sort_lines(poles, "total", True)] == [1, 2, 3, 4]
    assert dashboard.sort_lines(poles, "late", True)[0].key == 1
    assert [p.key for p in dashboard.sort_lines(poles, "bogus", False)] == [1, 2, 3, 4]
