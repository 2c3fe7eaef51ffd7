"""The structured tables of a convention's articles as posted: the points split and the
retrocession table.

Plain functions over the posted fields (a `MultiDict` or any mapping), so the page, a CLI or
an API read a table alike; the cells' names (`percent_<i>`, `count_<i>_<j>`) are the page's
and its tests'. They read cells and name bad ones in French; whether the table as a whole is
right (shares totalling 100 %, functions of the catalogue) is `app.rules.points`' decision.
"""

from collections.abc import Mapping
from typing import Any

from app.formatting import decimal_text
from app.rules import points
from app.rules.numbers import is_digits
from app.rules.text import length_problem

# A table longer than this is no table a pole fills in by hand.
MAX_ROWS = 50
MAX_FUNCTION = 100  # characters of a function's name


def parse_percent(raw: str) -> float | int | None:
    """A percentage as typed (« 33,5 », « 40 % »); None when blank, ValueError when no number."""
    text = (raw or "").strip().replace(",", ".").rstrip("%").strip()
    if not text:
        return None
    value = float(text)  # ValueError handled by the caller
    # NaN, infinities and huge numbers ("1e308") are no percentage: refused, never formatted.
    if value != value or abs(value) > 1000:
        raise ValueError(text)
    return int(value) if value.is_integer() else value


def points_split(
    form: Mapping[str, str], rows: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """The points split posted (`mode`, then `percent_<i>` for each row of `rows`, the schools
    sharing the points), and the French errors of its cells; the rules check the whole."""
    mode = form.get("mode", "")
    errors: list[str] = []
    if mode not in ("seat", "split"):
        errors.append("Choisissez la répartition des points : tout à l'école siège ou une clé.")
    shares = []
    for i, row in enumerate(rows):
        raw = form.get(f"percent_{i}", "")
        try:
            percent = parse_percent(raw)
        except ValueError:
            errors.append(f"Le pourcentage de « {row['name']} » doit être un nombre.")
            percent = None
        row["percent"] = raw
        if mode == "split":
            shares.append({"school_fase": row["fase"], "percent": percent or 0})
    data: dict[str, Any] = {"mode": mode}
    if mode == "split":
        data["shares"] = shares
    return data, errors


def retrocession(form: Mapping[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The retrocession table posted (`row_count`, `function_<i>`, `count_<i>_<j>` per
    workload column), and the French errors of its cells; the rules check the whole."""
    errors: list[str] = []
    rows = []
    try:
        count = min(int(form.get("row_count", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    for i in range(max(count, 0)):
        function = (form.get(f"function_{i}") or "").strip()
        problem = length_problem(function, MAX_FUNCTION, f"Ligne {i + 1} : le nom de la fonction")
        if problem:
            errors.append(problem)
        counts: dict[str, int] = {}
        for j, workload in enumerate(points.WORKLOADS):
            raw = (form.get(f"count_{i}_{j}") or "").strip()
            if not raw:
                continue
            if not is_digits(raw) or int(raw) > 999:
                errors.append(
                    f"Ligne {i + 1}, colonne {workload} : indiquez un nombre entier de "
                    "membres du personnel (0 à 999)."
                )
                continue
            if int(raw):
                counts[workload] = int(raw)
        rows.append({"function": function, "counts": counts})
    return rows, errors


def share_sum(rows: list[dict[str, Any]] | None) -> str:
    """The sum of the percentages typed so far, French-formatted ("" when unreadable)."""
    total = 0.0
    for row in rows or []:
        try:
            total += parse_percent(str(row.get("percent") or "")) or 0
        except ValueError:
            return ""
    return decimal_text(total)
