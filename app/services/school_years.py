"""School years and convention deadlines: read the calendars, compute and store due dates.

A convention's due date is stored on it (``due_on``) so that lists filter and sort on it on
MongoDB's index; it is computed here from the rules (``app.rules.deadlines``) and refreshed
when the Administration edits a school year or a specific partnership's take-in-charge date
changes. Its *state* depends on today (``app.clock``) and is computed when shown.
"""

import contextlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app import clock
from app.models.base import as_loaded
from app.models.convention import Convention
from app.models.school_year import SchoolYear
from app.rules import calendar, deadlines
from app.rules.calendar import YearCalendar
from app.rules.deadlines import Deadline, DeadlineState
from app.rules.errors import RuleViolation
from app.rules.states import Kind, Status

COMMUNICATED = (Status.SIGNED.value, Status.APPROVED.value, Status.ACKNOWLEDGED.value)


def calendars() -> list[YearCalendar]:
    """Every school year's calendar, in order."""
    return [y.calendar() for y in SchoolYear.objects.order_by("first_day")]


def find(label: str | None) -> SchoolYear | None:
    if not label:
        return None
    return SchoolYear.objects(label=str(label)).first()


def current() -> SchoolYear | None:
    """The current campaign's year (the flag), else the year holding today, else None."""
    flagged = SchoolYear.objects(current=True).order_by("-first_day").first()
    if flagged is not None:
        return flagged
    today = clock.today()
    return SchoolYear.objects(first_day__lte=today, last_day__gte=today).first()


def current_label() -> str:
    """The label new conventions take: the current campaign, else the year by the date."""
    year = current()
    if year is not None:
        return year.label
    return calendar.label_for_day(clock.today())


def soon_days(label: str | None) -> int:
    year = find(label)
    return year.soon_days if year is not None else deadlines.DEFAULT_SOON_DAYS


# --- due dates ---------------------------------------------------------------------------


def due_date(
    kind: str,
    school_year: str | None,
    take_in_charge: date | None = None,
    amendment: bool = False,
    years: list[YearCalendar] | None = None,
) -> date | None:
    """The due date of a convention (or amendment) from its kind, year and planned date."""
    if amendment:
        before = find(calendar.previous_label(school_year)) if school_year else None
        return before.amendment_deadline if before is not None else None
    if kind == Kind.SPECIFIC_PARTNERSHIP:
        if take_in_charge is None:
            return None
        try:
            return deadlines.specific_due_date(
                years if years is not None else calendars(), take_in_charge
            )
        except RuleViolation:
            return None
    year = find(school_year)
    return year.campaign_deadline if year is not None else None


def due_date_of(conv: Convention, years: list[YearCalendar] | None = None) -> date | None:
    return due_date(
        conv.kind, conv.school_year, conv.take_in_charge_on, conv.is_amendment, years=years
    )


def refresh_due_dates(labels: list[str] | None = None) -> int:
    """Recompute the stored due dates of the conventions of ``labels`` (all when None).

    The amendments of the year after a label depend on its amendment deadline, so they are
    refreshed too. Returns how many changed.
    """
    query: dict[str, Any] = {}
    if labels is not None:
        wanted = set(labels)
        for label in labels:
            with contextlib.suppress(RuleViolation):
                wanted.add(calendar.next_label(label))
        query["school_year__in"] = sorted(wanted)
    # The workflow is the one writer of conventions (imported here: it imports this module).
    from app.services.workflow.planning import store_due_date

    years = calendars()
    changed = 0
    docs = Convention.objects(**query).only(
        "id", "kind", "school_year", "take_in_charge_on", "parent", "due_on"
    )
    for conv in docs:
        due = due_date_of(conv, years)
        if due != conv.due_on:
            store_due_date(conv.pk, due)
            changed += 1
    return changed


# --- states -------------------------------------------------------------------------------


def communicated_on(conv: Any) -> date | None:
    """The day every party had signed (None while a signature is missing)."""
    if conv.status not in COMMUNICATED or conv.signed_at is None:
        return None
    value = conv.signed_at
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class Calendars:
    """Every year's calendar and « bientôt » window, loaded once for a page of conventions."""

    years: list[YearCalendar]
    soon: dict[str, int]
    current_label: str | None = None  # the flagged campaign's year (``current()``), if any

    @classmethod
    def load(cls) -> "Calendars":
        docs = list(SchoolYear.objects.order_by("first_day"))
        flagged = [d for d in docs if d.current]
        label = max(flagged, key=lambda d: d.first_day).label if flagged else None
        return cls([d.calendar() for d in docs], {d.label: d.soon_days for d in docs}, label)

    def campaign_label(self, today: date) -> str:
        """``current_label()`` from the loaded years: the flagged campaign's year, else the
        year holding today (by its dates, then by its label)."""
        if self.current_label is not None:
            return self.current_label
        holding = [y for y in self.years if y.contains(today)]
        return holding[0].label if holding else calendar.label_for_day(today)

    def soon_days_today(self, today: date) -> int:
        """``soon_days(current_label())`` from the loaded years: the current campaign's
        « bientôt » window."""
        return self.soon.get(self.campaign_label(today), deadlines.DEFAULT_SOON_DAYS)


def deadline_of(conv: Any, cals: Calendars | None = None, today: date | None = None) -> Deadline:
    """The deadline state of ``conv`` today (the settable clock)."""
    cals = cals or Calendars.load()
    return deadlines.state_of(
        conv.due_on,
        today or clock.today(),
        communicated_on(conv),
        soon_days=cals.soon.get(conv.school_year or "", deadlines.DEFAULT_SOON_DAYS),
        years=cals.years,
    )


def state_filter(state: str, today: date | None = None) -> dict[str, Any]:
    """A MongoDB filter (mongoengine keywords) of the conventions in a deadline state today.

    Late: not communicated and past due (those communicated late are not counted here: they
    are done). Due soon: not communicated, due within the current year's window.
    """
    today = today or clock.today()
    if state == DeadlineState.LATE:
        return {"status__nin": list(COMMUNICATED), "due_on__lt": today}
    if state == DeadlineState.DUE_SOON:
        first, last = deadlines.soon_window(today, soon_days(current_label()))
        return {"status__nin": list(COMMUNICATED), "due_on__gte": first, "due_on__lte": last}
    if state == DeadlineState.NONE:
        return {"due_on": None}
    raise RuleViolation("État d'échéance inconnu.")


def late_and_soon(
    pole_ids: list[Any],
    scope: dict[str, Any] | None,
    cals: Calendars | None = None,
    convs: list[Convention] | None = None,
) -> dict[str, list[Convention]]:
    """The poles' conventions late and due soon today, within ``scope`` (the user's filter
    from ``permissions.convention_filter``; None: none at all), by due date. For the home
    page, which passes ``convs``: the poles' open conventions it has read already (every
    convention not communicated is among them), split here by the bounds of
    ``state_filter``; otherwise one query, read as loaded (a title costs no query)."""
    out: dict[str, list[Convention]] = {DeadlineState.LATE: [], DeadlineState.DUE_SOON: []}
    if scope is None:
        return out
    today = clock.today()
    cals = cals or Calendars.load()
    first, last = deadlines.soon_window(today, cals.soon_days_today(today))
    if convs is None:
        convs = list(
            as_loaded(
                Convention.objects(__raw__=scope)
                .filter(pole__in=list(pole_ids), status__nin=list(COMMUNICATED), due_on__lte=last)
                .exclude("articles", "snapshot", "signatures", "acknowledgments")
            )
        )
    for conv in sorted(convs, key=lambda c: c.due_on or date.max):
        if conv.due_on is None or conv.status in COMMUNICATED or conv.due_on > last:
            continue
        if conv.due_on < today:
            out[DeadlineState.LATE].append(conv)
        elif first <= conv.due_on:
            out[DeadlineState.DUE_SOON].append(conv)
    return out


def record_year_change(year: SchoolYear, actor: Any, created: bool) -> int:
    """After the Administration saved a year: one current campaign, due dates, audit.

    Returns how many conventions got a new due date.
    """
    from app.services import audit

    if year.current:
        SchoolYear.objects(id__ne=year.pk, current=True).update(set__current=False)
    changed = refresh_due_dates([year.label])
    audit.record(
        "school_year.update",
        actor,
        target=year.label,
        details={"created": created, "current": year.current, "due_dates_changed": changed},
    )
    return changed
