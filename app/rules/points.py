"""Salary points: the split between seat and partners, and the retrocession table.

Partnership article 8 / ressort article 5 say how the pole's salary points are shared: all to
the seat school, or a split key agreed unanimously (shares adding up to 100 %). Specific
partnership article 8 is a retrocession table: rows are functions, columns workloads, cells
head counts; the points are computed from this table, never typed.

The points of one full-time (5/5) job per function are not constants: they come from the
Administration's functions catalogue of the school year (``app.models.financing``), passed in
as ``catalogue`` (function label → full-time points). A saved row keeps the points computed
when it was saved, so a convention keeps the points it was signed with whatever the
catalogue becomes.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from app.formatting import decimal_text
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits

# Workload columns of the retrocession table and their fraction of a full-time job.
WORKLOADS: dict[str, Decimal] = {
    "1/5": Decimal("0.2"),
    "2/5": Decimal("0.4"),
    "2,5/5": Decimal("0.5"),
    "3/5": Decimal("0.6"),
    "4/5": Decimal("0.8"),
    "5/5": Decimal("1"),
}

MAX_COUNT = 999
SPLIT_MODES = ("seat", "split")


def row_points(full_time: Decimal | float | str, counts: dict[str, int]) -> float:
    """Points of one row: full-time points × Σ (workload fraction × head count)."""
    full = Decimal(str(full_time))
    total = sum((WORKLOADS[w] * int(n) for w, n in counts.items()), Decimal(0))
    return float((full * total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def retrocession_total(rows: list[dict[str, Any]]) -> float:
    """Total points of a saved retrocession table: the sum of the points each row kept when
    it was saved (never recomputed from today's catalogue)."""
    total = Decimal(0)
    for row in rows:
        if not isinstance(row, dict):
            raise RuleViolation("Le tableau de rétrocession est mal formé.")
        try:
            total += Decimal(str(row.get("points") or 0))
        except InvalidOperation:
            raise RuleViolation("Le tableau de rétrocession est mal formé.") from None
    return float(total.quantize(Decimal("0.01")))


def table_total(data: Mapping[str, Any]) -> float | None:
    """The total shown under an article's retrocession table; None when the article holds no
    table, or one too damaged to add up (the page still shows its rows)."""
    rows = data.get("rows")
    if not isinstance(rows, list):
        return None
    try:
        return retrocession_total(rows)
    except RuleViolation:
        return None


def normalise_retrocession(
    data: Any, catalogue: Mapping[str, Decimal | float], offered: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Check a retrocession table and return it normalised, with the computed points.

    ``catalogue``: the functions of the school year's catalogue (label → points of a
    full-time job); ``offered``: label → the workloads the function offers (all when absent).
    Raises RuleViolation with a French message on bad input. Points sent by the client are
    ignored: they are recomputed here.
    """
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise RuleViolation("Le tableau de rétrocession est mal formé.")
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["rows"], start=1):
        if not isinstance(raw, dict):
            raise RuleViolation(f"La ligne {index} du tableau de rétrocession est mal formée.")
        function = str(raw.get("function") or "").strip()
        if function not in catalogue:
            raise RuleViolation(
                f"Ligne {index} : la fonction « {function or '—'} » n'est pas au catalogue "
                f"des fonctions. Fonctions possibles : {', '.join(catalogue)}."
            )
        if function in seen:
            raise RuleViolation(f"La fonction « {function} » figure deux fois dans le tableau.")
        seen.add(function)
        counts_in = raw.get("counts") or {}
        if not isinstance(counts_in, dict):
            raise RuleViolation(f"Ligne {index} : les nombres de personnes sont mal formés.")
        counts: dict[str, int] = {}
        for workload in WORKLOADS:
            value = counts_in.get(workload, 0)
            if value in ("", None):
                value = 0
            count = _whole_number(value)
            if count is None or not 0 <= count <= MAX_COUNT:
                raise RuleViolation(
                    f"Ligne {index} ({function}), colonne {workload} : indiquez un nombre "
                    f"entier de personnes entre 0 et {MAX_COUNT}."
                )
            counts[workload] = count
        unknown = set(counts_in) - set(WORKLOADS)
        if unknown:
            raise RuleViolation(
                f"Ligne {index} : charge horaire inconnue ({', '.join(sorted(map(str, unknown)))})."
            )
        if not any(counts.values()):
            continue  # an empty row says nothing: drop it
        allowed = (offered or {}).get(function)
        refused = [w for w, n in counts.items() if n and allowed is not None and w not in allowed]
        if refused:
            raise RuleViolation(
                f"Ligne {index} ({function}) : la charge {', '.join(refused)} n'est pas proposée "
                f"pour cette fonction (charges possibles : {', '.join(allowed or [])})."
            )
        rows.append(
            {
                "function": function,
                "counts": counts,
                "points": row_points(catalogue[function], counts),
            }
        )
    return {"rows": rows, "total": retrocession_total(rows)}


def normalise_split(data: Any, expected_fases: list[int]) -> dict[str, Any]:
    """Check a points split (seat only, or shares of the seat and each partner adding to 100).

    ``expected_fases``: the FASE numbers of the seat school then of each partner school.
    """
    if not isinstance(data, dict) or data.get("mode") not in SPLIT_MODES:
        raise RuleViolation(
            "Choisissez la répartition des points : tous à l'école siège, ou une clé de "
            "répartition entre l'école siège et les écoles partenaires."
        )
    if data["mode"] == "seat":
        return {"mode": "seat", "shares": []}
    raw_shares = data.get("shares")
    if not isinstance(raw_shares, list):
        raise RuleViolation("La clé de répartition est mal formée.")
    shares: dict[int, Decimal] = {}
    for raw in raw_shares:
        if not isinstance(raw, dict):
            raise RuleViolation("La clé de répartition est mal formée.")
        fase = _whole_number(raw.get("school_fase"))
        if fase not in expected_fases:
            raise RuleViolation(
                f"L'école FASE {raw.get('school_fase')} n'est pas partie à cette convention."
            )
        if fase in shares:
            raise RuleViolation(f"L'école FASE {fase} figure deux fois dans la répartition.")
        percent = _decimal(raw.get("percent"))
        if percent is None or percent < 0 or percent > 100:
            raise RuleViolation(
                f"La part de l'école FASE {fase} doit être un pourcentage entre 0 et 100 "
                "(deux décimales au plus)."
            )
        shares[fase] = percent
    missing = [f for f in expected_fases if f not in shares]
    if missing:
        raise RuleViolation(
            "La clé de répartition doit donner une part à l'école siège et à chaque école "
            f"partenaire (manque : FASE {', '.join(str(f) for f in missing)})."
        )
    total = sum(shares.values(), Decimal(0))
    if total != 100:
        raise RuleViolation(
            f"Les parts de la répartition doivent totaliser exactement 100 % "
            f"(total actuel : {decimal_text(total)} %)."
        )
    return {
        "mode": "split",
        "shares": [{"school_fase": f, "percent": float(shares[f])} for f in expected_fases],
    }


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and is_digits(value.strip()):
        return int(value.strip())
    return None


def _decimal(value: Any) -> Decimal | None:
    """A number as typed (decimal comma or point) with two decimals at most, else None.

    ``True``, ``None``, ``"NaN"`` or a list are no number: ``Decimal`` refuses their text. An
    infinite number, a signalling NaN or one too large to carry two decimals makes
    ``quantize`` signal; a quiet NaN is not equal to itself, so it is refused too.
    """
    try:
        number = Decimal(str(value).strip().replace(",", "."))
        cents = number.quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return cents if number == cents else None
