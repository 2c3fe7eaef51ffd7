"""The school years of DOMAIN.md §5 (seed/school_years.json), as SchoolYear documents.

Published years take their rentrée and breaks from the file, their last day and single days
off from the rules; the years not published yet are proposed from the rules, « à confirmer ».
Deadlines default to 15 October (campaign) and 1 June (amendments). Existing years are left
as the Administration edited them.
"""

import json
from datetime import date
from pathlib import Path

from app.models.school_year import SchoolYear, YearClosure
from app.rules import calendar
from app.rules.calendar import Closure, YearCalendar

DATA = Path(__file__).resolve().parent / "school_years.json"


def _published(label: str, spec: dict) -> YearCalendar:
    start = calendar.start_year_of(label)
    breaks = [
        Closure(date.fromisoformat(a), date.fromisoformat(b), t) for a, b, t in spec["breaks"]
    ]
    return YearCalendar(
        label=label,
        first_day=date.fromisoformat(spec["first_day"]),
        last_day=calendar.last_school_day(start),
        closures=tuple(breaks + calendar.single_days_off(start)),
    )


def default_year(cal: YearCalendar, confirmed: bool, current: bool = False) -> SchoolYear:
    """A SchoolYear with the default deadlines (15 October, 1 June) for ``cal``."""
    start = calendar.start_year_of(cal.label)
    return SchoolYear(
        label=cal.label,
        first_day=cal.first_day,
        last_day=cal.last_day,
        campaign_deadline=date(start, 10, 15),
        amendment_deadline=date(start + 1, 6, 1),
        closures=[YearClosure(start=c.start, end=c.end, label=c.label) for c in cal.closures],
        confirmed=confirmed,
        current=current,
    )


def load_school_years() -> int:
    """Insert the school years that are missing; return how many were added."""
    spec = json.loads(DATA.read_text(encoding="utf-8"))
    wanted = [(_published(k, v), True) for k, v in spec["published"].items()]
    wanted += [(calendar.propose_year(calendar.start_year_of(k)), False) for k in spec["proposed"]]
    existing = {y.label for y in SchoolYear.objects.only("label")}
    has_current = SchoolYear.objects(current=True).only("id").first() is not None
    added = 0
    for cal, confirmed in wanted:
        if cal.label in existing:
            continue
        current = not has_current and cal.label == spec["current"]
        default_year(cal, confirmed, current).save()
        added += 1
    return added
