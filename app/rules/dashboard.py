"""The campaign in numbers: conventions by kind, stage, zone and pole (pure, plain values).

The Administration's dashboard counts the conventions of one school year; each count is
also a filter (the list behind the number), so the rows here carry the values the list
filters on. Progress is the share of conventions communicated (signed by every party or
later), the measure the circular's deadline is about.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.rules.reference import zone_label
from app.rules.states import KIND_LABELS, STATUS_ORDER, Kind, Status

STAGES: tuple[str, ...] = tuple(s.value for s in STATUS_ORDER)
DONE_STAGES = frozenset({Status.SIGNED, Status.APPROVED, Status.ACKNOWLEDGED})

# Who an open convention waits for, by its stage.
WAITING_FOR: dict[str, str] = {
    Status.DRAFT: "le pôle (liste des écoles)",
    Status.LIST_VALIDATED: "le pôle (articles, validation)",
    Status.VALIDATED: "les délégués des pouvoirs organisateurs (signatures)",
    Status.SIGNED: "l'Administration (approbation)",
    Status.APPROVED: "les directions (prise de connaissance)",
    Status.ACKNOWLEDGED: "personne (terminée)",
}
# The stages at which someone is awaited: all but the last, which waits for no one.
WAITING_STAGES: tuple[str, ...] = tuple(s for s in STAGES if s != Status.ACKNOWLEDGED)
NAMES_SHOWN = 3  # beyond, « et N autre(s) »


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    rest = len(names) - NAMES_SHOWN
    return f"{shown} et {rest} autre(s)" if rest > 0 else shown


def waiting_for(status: str, po_names: list[str], school_names: list[str]) -> str:
    """Who an open convention waits for, by name where the stage has named parties: the
    POs whose delegate has not signed yet, the schools whose director has not acknowledged."""
    if status == Status.VALIDATED and po_names:
        return f"la signature de : {_names(po_names)}"
    if status == Status.APPROVED and school_names:
        return f"la prise de connaissance de la direction de : {_names(school_names)}"
    return WAITING_FOR.get(status, "")


STAGE_SHORT: dict[str, str] = {
    Status.DRAFT: "Brouillon",
    Status.LIST_VALIDATED: "Liste validée",
    Status.VALIDATED: "Validée",
    Status.SIGNED: "Signée",
    Status.APPROVED: "Approuvée",
    Status.ACKNOWLEDGED: "Connaissance prise",
}

POLE_SORTS = ("pole", "total", "progress", "late")


@dataclass(frozen=True)
class Item:
    """One convention, reduced to what the dashboard counts."""

    kind: str
    status: str
    pole: int
    zone: int | None
    amendment: bool = False
    late: bool = False
    soon: bool = False


@dataclass
class Line:
    """One row of a table: its key, label and a count per stage."""

    key: Any
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    late: int = 0
    soon: int = 0

    def add(self, item: Item) -> None:
        self.counts[item.status] = self.counts.get(item.status, 0) + 1
        self.late += item.late
        self.soon += item.soon

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(n for stage, n in self.counts.items() if stage in DONE_STAGES)

    @property
    def progress(self) -> float:
        """Share communicated (signed or later), 0 to 1; 0 without any convention."""
        return self.done / self.total if self.total else 0.0

    def share(self, stage: str) -> float:
        return self.counts.get(stage, 0) / self.total if self.total else 0.0


def _lines(items: Iterable[Item], key: Any, labels: dict[Any, str]) -> list[Line]:
    lines = {k: Line(k, label) for k, label in labels.items()}
    for item in items:
        k = key(item)
        if k not in lines:
            lines[k] = Line(k, str(k))
        lines[k].add(item)
    return list(lines.values())


def by_kind(items: Iterable[Item]) -> list[Line]:
    """The four kinds in their usual order (amendments apart, see ``amendments``)."""
    conventions = [i for i in items if not i.amendment]
    return _lines(conventions, lambda i: i.kind, {k.value: KIND_LABELS[k] for k in Kind})


def amendments(items: Iterable[Item]) -> Line:
    line = Line("amendments", "Avenants")
    for item in items:
        if item.amendment:
            line.add(item)
    return line


def by_zone(items: Iterable[Item], zones: Iterable[int]) -> list[Line]:
    labels = {z: zone_label(z) for z in sorted(zones)}
    lines = _lines(items, lambda i: i.zone, labels)
    return sorted(lines, key=lambda line: (line.key is None, line.key or 0))


def by_pole(items: Iterable[Item], poles: dict[int, str]) -> list[Line]:
    """One line per pole (all of them, even without any convention), by number."""
    labels = {n: f"{n} – {name}" for n, name in sorted(poles.items())}
    return _lines(items, lambda i: i.pole, labels)


def total(items: Iterable[Item]) -> Line:
    line = Line("all", "Toutes")
    for item in items:
        line.add(item)
    return line


def sort_lines(lines: list[Line], key: str, descending: bool) -> list[Line]:
    """The pole table's sorts: number, total, progress, late ones (ties by number)."""
    if key not in POLE_SORTS:
        key = "pole"
    value = {
        "pole": lambda line: line.key,
        "total": lambda line: (line.total, -line.key),
        "progress": lambda line: (line.progress, -line.key),
        "late": lambda line: (line.late, -line.key),
    }[key]
    return sorted(lines, key=value, reverse=descending)
