"""The Administration's dashboard: read the campaign's conventions once, count them.

One query on the conventions of the school year (the few fields the counts and deadlines
read, no embedded lists), one on the poles (number, name, zone), one on the school years;
the counting is ``app.rules.dashboard``. Late and due-soon conventions come from the stored
due dates (``app.services.school_years``) and are kept as those light rows: only the ones a
page lists become documents (``listed``), so the page's work and memory follow its size,
not the campaign's (1,472 late conventions at full scale).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app import clock
from app.models.base import as_loaded, names_by_id
from app.models.convention import Convention
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.rules import dashboard
from app.rules.dashboard import Item, Line
from app.rules.deadlines import Deadline, DeadlineState
from app.rules.numbers import is_digits
from app.rules.parties import missing_acknowledgments, missing_signatures
from app.rules.states import Kind, Status
from app.services import school_years


@dataclass(frozen=True)
class Filters:
    year: str
    zone: int | None = None
    kind: str | None = None


@dataclass
class Campaign:
    filters: Filters
    total: Line
    kinds: list[Line]
    amendments: Line
    zones: list[Line]
    poles: list[Line]
    late: list["Dated"]  # (row, its deadline) late, by due date then pole
    soon: list["Dated"]  # the same, due soon
    to_approve: int

    def late_poles(self) -> list[tuple[int, int]]:
        """(pole number, late conventions) for each pole with a late one, by number."""
        counts: dict[int, int] = {}
        for conv, _deadline in self.late:
            counts[conv.pole_number] = counts.get(conv.pole_number, 0) + 1
        return sorted(counts.items())


def calendars() -> school_years.Calendars:
    """The school years, read once for a dashboard page: its filters, deadlines and year list."""
    return school_years.Calendars.load()


def parse_filters(
    year: str | None,
    zone: str | None,
    kind: str | None,
    cals: school_years.Calendars | None = None,
) -> Filters:
    """The dashboard's filters from the query string; unknown values are ignored. The year
    is checked against ``cals`` (the school years, loaded once for the page)."""
    cals = cals or calendars()
    label = (year or "").strip()
    if label not in cals.soon:
        label = cals.campaign_label(clock.today())
    zone_value = int(zone) if is_digits((zone or "").strip()) else None
    kind_value = kind if kind in {k.value for k in Kind} else None
    return Filters(label, zone_value, kind_value)


def years(cals: school_years.Calendars) -> list[str]:
    """The school years' labels, the latest first."""
    return [y.label for y in reversed(cals.years)]


ROW_FIELDS = ("kind", "status", "pole", "pole_number", "school_year", "due_on", "signed_at")
ROW_FIELDS += ("parent",)
# What a listed convention shows: its title (kind, schools, amendment), stage, who it awaits.
LISTED_FIELDS = (*ROW_FIELDS, "schools", "slot", "validated_at", "seat_po", "seat_school")
LISTED_FIELDS += ("signatures", "acknowledgments")


@dataclass(frozen=True)
class Row:
    """A convention as the counts and its deadline read it (``school_years.deadline_of``)."""

    id: Any
    kind: str
    status: str
    pole: Any
    pole_number: int
    school_year: str | None
    due_on: Any
    signed_at: Any
    parent: Any

    @classmethod
    def of(cls, raw: dict[str, Any]) -> "Row":
        due = raw.get("due_on")  # a DateField is stored as a datetime
        return cls(
            id=raw["_id"],
            kind=raw.get("kind", ""),
            status=raw.get("status", ""),
            pole=raw.get("pole"),
            pole_number=raw.get("pole_number", 0),
            school_year=raw.get("school_year"),
            due_on=due.date() if isinstance(due, datetime) else due,
            signed_at=raw.get("signed_at"),
            parent=raw.get("parent"),
        )


Dated = tuple[Row, Deadline]


def campaign(filters: Filters, cals: school_years.Calendars | None = None) -> Campaign:
    """The campaign of ``filters``: its counts, and its late and due-soon rows."""
    poles = list(Pole.objects.only("number", "name", "zone").order_by("number"))
    zone_of = {p.pk: p.zone for p in poles}
    shown = [p for p in poles if filters.zone is None or p.zone == filters.zone]
    query: dict[str, Any] = {"school_year": filters.year}
    if filters.kind:
        query["kind"] = filters.kind
    if filters.zone is not None:
        query["pole__in"] = [p.pk for p in shown]
    # Every convention of the year read raw, only what the counts and the deadline read: no
    # document is built here. Building them, with their school lists, signatures and
    # acknowledgments, was most of the page's time and memory (``listed`` builds a page's).
    rows = Convention.objects(**query).only(*ROW_FIELDS).as_pymongo()
    cals = cals or calendars()
    today = clock.today()
    items: list[Item] = []
    late: list[Dated] = []
    soon: list[Dated] = []
    for raw in rows:
        row = Row.of(raw)
        deadline = school_years.deadline_of(row, cals, today)
        open_ = row.status not in dashboard.DONE_STAGES
        is_late = deadline.state == DeadlineState.LATE and open_
        is_soon = deadline.state == DeadlineState.DUE_SOON
        items.append(
            Item(
                kind=row.kind,
                status=row.status,
                pole=row.pole_number,
                zone=zone_of.get(row.pole),
                amendment=row.parent is not None,
                late=is_late,
                soon=is_soon,
            )
        )
        if is_late or is_soon:
            (late if is_late else soon).append((row, deadline))
    late.sort(key=lambda pair: (pair[1].due, pair[0].pole_number))
    soon.sort(key=lambda pair: (pair[1].due, pair[0].pole_number))
    return Campaign(
        filters=filters,
        total=dashboard.total(items),
        kinds=dashboard.by_kind(items),
        amendments=dashboard.amendments(items),
        zones=dashboard.by_zone(items, {p.zone for p in shown}),
        poles=dashboard.by_pole(items, {p.number: p.name for p in shown}),
        late=late,
        soon=soon,
        to_approve=Convention.objects(status=Status.SIGNED).count(),
    )


def listed(dated: list[Dated]) -> list[tuple[Convention, Deadline]]:
    """The conventions of ``dated`` (a page of the late list) as documents, in its order:
    one query, the listed fields only."""
    if not dated:
        return []
    ids = [row.id for row, _deadline in dated]
    docs = as_loaded(Convention.objects(id__in=ids).only(*LISTED_FIELDS))
    by_id = {conv.pk: conv for conv in docs}
    return [(by_id[row.id], deadline) for row, deadline in dated if row.id in by_id]


def waiting(convs: list[Convention]) -> dict[Any, str]:
    """Who each of ``convs`` waits for, named (two queries for all of them)."""
    missing_pos = {c.pk: missing_signatures(c) for c in convs if c.status == Status.VALIDATED}
    missing_schools = {
        c.pk: missing_acknowledgments(c) for c in convs if c.status == Status.APPROVED
    }
    po_ids = {i for ids in missing_pos.values() for i in ids}
    school_ids = {i for ids in missing_schools.values() for i in ids}
    po_names = names_by_id(OrganisingAuthority, po_ids)
    school_names = names_by_id(School, school_ids)
    return {
        c.pk: dashboard.waiting_for(
            c.status,
            [po_names.get(i, "(supprimé)") for i in missing_pos.get(c.pk, [])],
            [school_names.get(i, "(supprimé)") for i in missing_schools.get(c.pk, [])],
        )
        for c in convs
    }
