"""School working days over the FWB school calendars (plain values, no database).

A school year's calendar is data (the government sets the leave days two years at a time,
DOMAIN.md §5): its first and last school day and its closures (breaks and single days off).
A *school working day* is a Monday to Friday inside a school year that is not closed. Counting
across the summer moves to the next school year's first day.

``propose_year`` applies the FWB rules (decree « rythmes scolaires », art. 1.9.1-1) to propose
a year the government has not published yet; the Administration confirms or corrects it.
"""

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from app import formatting
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Closure:
    """A closed span (both ends included): a break or a single day off."""

    start: date
    end: date
    label: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class YearCalendar:
    label: str  # "2025-2026"
    first_day: date
    last_day: date
    closures: tuple[Closure, ...] = field(default_factory=tuple)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def is_school_day(self, day: date) -> bool:
        return (
            self.contains(day)
            and day.weekday() < 5
            and not any(c.covers(day) for c in self.closures)
        )


def _sorted(years: Iterable[YearCalendar]) -> list[YearCalendar]:
    return sorted(years, key=lambda y: y.first_day)


def year_of(years: Iterable[YearCalendar], day: date) -> YearCalendar | None:
    """The school year whose span holds ``day`` (None in the summer or outside the data)."""
    for year in years:
        if year.contains(day):
            return year
    return None


def is_school_day(years: Iterable[YearCalendar], day: date) -> bool:
    year = year_of(years, day)
    return year is not None and year.is_school_day(day)


def _span(years: list[YearCalendar]) -> tuple[date, date]:
    if not years:
        raise RuleViolation("Aucun calendrier scolaire n'est encodé.")
    return years[0].first_day, max(y.last_day for y in years)


def _missing(day: date) -> RuleViolation:
    return RuleViolation(
        f"Le calendrier scolaire autour du {formatting.date_text(day)} n'est pas encodé : "
        "l'Administration doit d'abord encoder cette année scolaire."
    )


def add_school_days(years: Iterable[YearCalendar], day: date, count: int) -> date:
    """The ``count``-th school working day after ``day`` (before it when ``count`` < 0).

    ``count`` = 0 gives ``day`` itself when it is a school working day, else the next one
    (a day in the summer moves to the next school year's first day).
    """
    ordered = _sorted(years)
    low, high = _span(ordered)
    step = ONE_DAY if count >= 0 else -ONE_DAY
    current = day
    if count == 0:
        while not is_school_day(ordered, current):
            current += ONE_DAY
            if current > high:
                raise _missing(day)
        return current
    remaining = abs(count)
    while remaining:
        current += step
        if current < low or current > high:
            raise _missing(day)
        if is_school_day(ordered, current):
            remaining -= 1
    return current


def count_school_days(years: Iterable[YearCalendar], start: date, end: date) -> int:
    """School working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    ordered = _sorted(years)
    if end <= start:
        return 0
    low, high = _span(ordered)
    if end > high or start < low - ONE_DAY:
        raise _missing(end if end > high else start)
    total, current = 0, start
    while current < end:
        current += ONE_DAY
        if is_school_day(ordered, current):
            total += 1
    return total


# --- the FWB rules, to propose a year not published yet ---------------------------------


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month = (h + m - 7 * n + 114) // 31
    day = (h + m - 7 * n + 114) % 31 + 1
    return date(year, month, day)


def rentree(start_year: int) -> date:
    """The last Monday of August, or the one before when that Monday is the 30th or 31st."""
    day = date(start_year, 8, 31)
    day -= timedelta(days=day.weekday())
    if day.day >= 30:
        day -= timedelta(days=7)
    return day


def last_school_day(start_year: int) -> date:
    """The first Friday of July of the year after ``start_year``."""
    day = date(start_year + 1, 7, 1)
    return day + timedelta(days=(4 - day.weekday()) % 7)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _fortnight(start: date, label: str) -> Closure:
    return Closure(start, start + timedelta(days=11), label)


def single_days_off(start_year: int) -> list[Closure]:
    """The single days off of a school year (they may fall in a break or a weekend)."""
    spring = easter(start_year + 1)
    return [
        Closure(date(start_year, 9, 27), date(start_year, 9, 27), "Fête de la FWB"),
        Closure(date(start_year, 11, 11), date(start_year, 11, 11), "Armistice"),
        Closure(spring - timedelta(days=47), spring - timedelta(days=47), "Mardi gras"),
        Closure(spring + ONE_DAY, spring + ONE_DAY, "Lundi de Pâques"),
        Closure(date(start_year + 1, 5, 1), date(start_year + 1, 5, 1), "Fête du travail"),
        Closure(spring + timedelta(days=39), spring + timedelta(days=39), "Ascension"),
        Closure(spring + timedelta(days=50), spring + timedelta(days=50), "Lundi de Pentecôte"),
    ]


def propose_year(start_year: int) -> YearCalendar:
    """A calendar for ``start_year``-``start_year+1`` from the rules, « à confirmer ».

    Rentrée and last day follow the decree. The breaks follow the pattern of the published
    years 2022-2026: autumn = the two weeks ending with the week of 1 November; winter = two
    weeks from the Monday of the week of 25 December (the next Monday when it is a weekend);
    spring = two weeks from the Monday of the week of 1 May (same weekend rule); détente = two
    weeks after seven weeks of classes following winter. The Administration corrects them.
    """
    autumn = _monday(date(start_year, 11, 1)) - timedelta(days=7)
    christmas = date(start_year, 12, 25)
    winter = _monday(christmas) + (timedelta(days=7) if christmas.weekday() >= 5 else ONE_DAY * 0)
    detente = winter + timedelta(days=14 + 7 * 7)
    may_day = date(start_year + 1, 5, 1)
    spring = _monday(may_day) + (timedelta(days=7) if may_day.weekday() >= 5 else ONE_DAY * 0)
    breaks = [
        _fortnight(autumn, "Congé d'automne"),
        _fortnight(winter, "Vacances d'hiver"),
        _fortnight(detente, "Congé de détente"),
        _fortnight(spring, "Vacances de printemps"),
    ]
    return YearCalendar(
        label=year_label(start_year),
        first_day=rentree(start_year),
        last_day=last_school_day(start_year),
        closures=tuple(breaks + single_days_off(start_year)),
    )


def year_label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def label_for_day(day: date) -> str:
    """The school year a day belongs to by the decree's rentrée rule (summer counts for the
    year ahead once its rentrée has come): for when no calendar is encoded."""
    start = day.year if day >= rentree(day.year) else day.year - 1
    return year_label(start)


def start_year_of(label: str) -> int:
    """``"2026-2027"`` → 2026; RuleViolation when the label is not of that form."""
    parts = (label or "").strip().split("-")
    if len(parts) != 2 or not all(is_digits(p) and len(p) == 4 for p in parts):
        raise RuleViolation(f"Année scolaire invalide : « {label} » (format attendu 2026-2027).")
    first, second = int(parts[0]), int(parts[1])
    if second != first + 1:
        raise RuleViolation(f"Année scolaire invalide : « {label} » (deux années qui se suivent).")
    return first


def next_label(label: str) -> str:
    return year_label(start_year_of(label) + 1)


def previous_label(label: str) -> str:
    return year_label(start_year_of(label) - 1)


def parse_closures(text: str) -> list[Closure]:
    """One closure a line: ``AAAA-MM-JJ AAAA-MM-JJ libellé`` (or one date for a day off)."""
    closures: list[Closure] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        try:
            start = date.fromisoformat(words[0])
            end, rest = start, words[1:]
            if rest:
                with contextlib.suppress(ValueError):
                    end, rest = date.fromisoformat(rest[0]), rest[1:]
        except ValueError:
            raise RuleViolation(
                f"Ligne {number} du calendrier : commencez par une date AAAA-MM-JJ "
                "(puis la date de fin pour un congé de plusieurs jours, puis le libellé)."
            ) from None
        if end < start:
            raise RuleViolation(f"Ligne {number} du calendrier : la fin précède le début.")
        closures.append(Closure(start, end, " ".join(rest)))
    return closures


def format_closures(closures: Sequence[Closure]) -> str:
    lines = []
    for c in sorted(closures, key=lambda c: c.start):
        dates = c.start.isoformat() if c.start == c.end else f"{c.start} {c.end}"
        lines.append(f"{dates} {c.label}".strip())
    return "\n".join(lines)
