"""Salary points as users type them: the split key and the retrocession table (no app).

Every malformed payload is a French refusal (``RuleViolation``), never another exception.
"""

from decimal import Decimal

import pytest

from app.rules.errors import RuleViolation
from app.rules.points import (
    MAX_COUNT,
    WORKLOADS,
    normalise_retrocession,
    normalise_split,
    retrocession_total,
    row_points,
)

SEAT, PARTNER, OTHER = 1001, 2002, 3003
FASES = [SEAT, PARTNER]


def split(*shares) -> dict:
    return {"mode": "split", "shares": [{"school_fase": f, "percent": p} for f, p in shares]}


# --- the split key ---------------------------------------------------------------------

SPLITS_ACCEPTED = [
    # (payload, the shares kept)
    (split((SEAT, 50), (PARTNER, 50)), [50.0, 50.0]),
    (split((SEAT, "33,5"), (PARTNER, "66,5")), [33.5, 66.5]),  # decimal comma
    (split((SEAT, "33.25"), (PARTNER, "66.75")), [33.25, 66.75]),
    (split((SEAT, " 70 "), (PARTNER, 30)), [70.0, 30.0]),
    (split((SEAT, 100), (PARTNER, 0)), [100.0, 0.0]),  # a 0 % share is a share
    (split((SEAT, 0), (PARTNER, "100")), [0.0, 100.0]),
    (split((PARTNER, 40), (SEAT, 60.0)), [60.0, 40.0]),  # kept in the seat-first order
    (split((str(SEAT), 10), (f" {PARTNER} ", 90)), [10.0, 90.0]),  # FASE typed as text
    (split((float(SEAT), 10), (PARTNER, 90)), [10.0, 90.0]),
    (split((SEAT, "99,99"), (PARTNER, "0,01")), [99.99, 0.01]),
    (split((SEAT, "50,00"), (PARTNER, "50.0")), [50.0, 50.0]),
]


@pytest.mark.parametrize(("payload", "shares"), SPLITS_ACCEPTED)
def test_split_accepted(payload, shares):
    clean = normalise_split(payload, FASES)
    assert clean == {
        "mode": "split",
        "shares": [
            {"school_fase": SEAT, "percent": shares[0]},
            {"school_fase": PARTNER, "percent": shares[1]},
        ],
    }


def test_all_to_the_seat():
    assert normalise_split({"mode": "seat", "shares": "ignored"}, FASES) == {
        "mode": "seat",
        "shares": [],
    }


SPLITS_REFUSED = [
    # (payload, words of the French message)
    (None, "Choisissez la répartition"),
    (True, "Choisissez la répartition"),
    ("abc", "Choisissez la répartition"),
    ("NaN", "Choisissez la répartition"),
    ([], "Choisissez la répartition"),
    ([{"mode": "seat"}], "Choisissez la répartition"),
    (42, "Choisissez la répartition"),
    ({}, "Choisissez la répartition"),
    ({"mode": "half"}, "Choisissez la répartition"),
    ({"mode": ["split"]}, "Choisissez la répartition"),
    ({"mode": "split"}, "mal formée"),
    ({"mode": "split", "shares": "50/50"}, "mal formée"),
    ({"mode": "split", "shares": {"1001": 50}}, "mal formée"),
    ({"mode": "split", "shares": [50, 50]}, "mal formée"),
    ({"mode": "split", "shares": [None]}, "mal formée"),
    ({"mode": "split", "shares": []}, "manque : FASE 1001, 2002"),
    (split((SEAT, 100)), "manque : FASE 2002"),
    (split((SEAT, 50), (PARTNER, 40)), "total actuel : 90 %"),
    (split((SEAT, "50,5"), (PARTNER, 50)), "total actuel : 100,5 %"),
    (split((SEAT, 60), (PARTNER, 60)), "totaliser exactement 100"),
    (split((SEAT, 50), (PARTNER, 50), (OTHER, 0)), "FASE 3003 n'est pas partie"),
    (split((SEAT, 50), (SEAT, 50)), "FASE 1001 figure deux fois"),  # duplicate school
    (split((SEAT, 50), (str(SEAT), 50)), "figure deux fois"),
    (split((None, 50), (PARTNER, 50)), "FASE None n'est pas partie"),
    (split((True, 50), (PARTNER, 50)), "n'est pas partie"),
    (split(("1001.5", 50), (PARTNER, 50)), "n'est pas partie"),
    (split(("²", 50), (PARTNER, 50)), "n'est pas partie"),
    (split((SEAT, "33,333"), (PARTNER, "66,667")), "deux décimales au plus"),
    (split((SEAT, 33.333), (PARTNER, 66.667)), "deux décimales au plus"),
    (split((SEAT, -10), (PARTNER, 110)), "entre 0 et 100"),
    (split((SEAT, "100,01"), (PARTNER, 0)), "entre 0 et 100"),
    (split((SEAT, ""), (PARTNER, 100)), "FASE 1001 doit être un pourcentage"),  # blank cell
    (split((SEAT, None), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, "  "), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, "abc"), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, "NaN"), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, "sNaN"), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, "Infinity"), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, float("nan")), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, float("inf")), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, "1e400"), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, "1e30"), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, 1e308), (PARTNER, 100)), "doit être un pourcentage"),
    (split((SEAT, "50 %"), (PARTNER, 50)), "doit être un pourcentage"),
    (split((SEAT, True), (PARTNER, 99)), "doit être un pourcentage"),
    (split((SEAT, [50]), (PARTNER, 50)), "doit être un pourcentage"),
    (split((SEAT, {"v": 50}), (PARTNER, 50)), "doit être un pourcentage"),
]


@pytest.mark.parametrize(("payload", "words"), SPLITS_REFUSED, ids=repr)
def test_split_refused_in_french(payload, words):
    with pytest.raises(RuleViolation) as refused:
        normalise_split(payload, FASES)
    assert words in str(refused.value)


# --- the retrocession table ------------------------------------------------------------

# A functions catalogue of the school year (label → points of one full-time job).
CATALOGUE = {
    "Logopède": Decimal("125"),
    "Psychologue": Decimal("140"),
    "Infirmier": Decimal("115"),
    "Accompagnateur": 85.0,
}
# What each function offers (the others offer every workload).
OFFERED = {"Accompagnateur": ("3/5", "5/5")}


def table(*rows) -> dict:
    return {"rows": [{"function": f, "counts": c} for f, c in rows]}


def test_row_points_is_full_time_points_times_the_workload():
    assert row_points(Decimal("125"), {"5/5": 1}) == 125.0
    assert row_points("125", {"1/5": 1}) == 25.0
    assert row_points(140, {"2,5/5": 1, "4/5": 2}) == 140 * 0.5 + 140 * 1.6
    assert row_points(115.0, {"2/5": 3}) == 138.0
    assert row_points(Decimal("85"), {"3/5": 1}) == 51.0
    assert row_points(Decimal("125"), {}) == 0.0
    assert row_points(Decimal("0.125"), {"1/5": 1}) == 0.03  # 0.025 rounded half up
    for workload, fraction in WORKLOADS.items():
        assert row_points(Decimal("100"), {workload: 1}) == float(100 * fraction)


def test_the_total_is_read_from_the_saved_rows():
    assert retrocession_total([]) == 0.0
    assert retrocession_total([{"points": 25.0}, {"points": "138.01"}]) == 163.01
    assert retrocession_total([{"points": None}, {}, {"points": 0}]) == 0.0
    for bad in ([None], ["Logopède"], [{"points": "abc"}], [{"points": [1]}]):
        with pytest.raises(RuleViolation, match="mal formé"):
            retrocession_total(bad)


RETROCESSIONS_ACCEPTED = [
    # (payload, rows kept as (function, counts without zeros), total)
    (table(("Logopède", {"1/5": 2})), [("Logopède", {"1/5": 2})], 50.0),
    (table(("Logopède", {"1/5": "2"})), [("Logopède", {"1/5": 2})], 50.0),
    (table((" Logopède ", {"1/5": " 2 "})), [("Logopède", {"1/5": 2})], 50.0),
    (table(("Logopède", {"1/5": 2.0})), [("Logopède", {"1/5": 2})], 50.0),
    (table(("Logopède", {"1/5": 2, "2/5": ""})), [("Logopède", {"1/5": 2})], 50.0),  # blank
    (table(("Logopède", {"1/5": 2, "2/5": None})), [("Logopède", {"1/5": 2})], 50.0),
    (table(("Logopède", {"5/5": MAX_COUNT})), [("Logopède", {"5/5": MAX_COUNT})], 124875.0),
    (table(("Logopède", {"1/5": 0})), [], 0.0),  # an empty row is dropped
    (table(("Logopède", {"1/5": "0", "2/5": ""})), [], 0.0),
    (table(("Logopède", {})), [], 0.0),
    (table(("Logopède", None)), [], 0.0),
    ({"rows": []}, [], 0.0),
    (table(("Accompagnateur", {"3/5": 1, "1/5": 0})), [("Accompagnateur", {"3/5": 1})], 51.0),
    (
        table(("Psychologue", {"2,5/5": 1}), ("Infirmier", {"2/5": 3})),
        [("Psychologue", {"2,5/5": 1}), ("Infirmier", {"2/5": 3})],
        208.0,
    ),
]


@pytest.mark.parametrize(("payload", "rows", "total"), RETROCESSIONS_ACCEPTED, ids=repr)
def test_retrocession_accepted(payload, rows, total):
    clean = normalise_retrocession(payload, CATALOGUE, OFFERED)
    assert [
        (r["function"], {w: n for w, n in r["counts"].items() if n}) for r in clean["rows"]
    ] == rows
    for row in clean["rows"]:
        assert list(row["counts"]) == list(WORKLOADS)  # every column, zeros included
        assert row["points"] == row_points(CATALOGUE[row["function"]], row["counts"])
    assert clean["total"] == total


def test_points_sent_by_the_client_are_recomputed():
    payload = table(("Logopède", {"1/5": 1}))
    payload["rows"][0]["points"] = 9999
    payload["total"] = 9999
    clean = normalise_retrocession(payload, CATALOGUE)
    assert clean == {
        "rows": [
            {
                "function": "Logopède",
                "counts": {"1/5": 1, "2/5": 0, "2,5/5": 0, "3/5": 0, "4/5": 0, "5/5": 0},
                "points": 25.0,
            }
        ],
        "total": 25.0,
    }


def test_without_offers_every_workload_is_open():
    clean = normalise_retrocession(table(("Accompagnateur", {"1/5": 1})), CATALOGUE)
    assert clean["total"] == 17.0
    clean = normalise_retrocession(table(("Accompagnateur", {"1/5": 1})), CATALOGUE, {})
    assert clean["total"] == 17.0


RETROCESSIONS_REFUSED = [
    (None, "Le tableau de rétrocession est mal formé."),
    (True, "mal formé"),
    ("abc", "mal formé"),
    ("NaN", "mal formé"),
    ([], "mal formé"),
    ([{"rows": []}], "mal formé"),
    ({}, "mal formé"),
    ({"rows": "Logopède"}, "mal formé"),
    ({"rows": {"function": "Logopède"}}, "mal formé"),
    ({"rows": ["Logopède"]}, "La ligne 1 du tableau de rétrocession est mal formée."),
    ({"rows": [None]}, "La ligne 1"),
    (
        table(("Logopède", {"1/5": 1}), ("Cuisinier", {"1/5": 1})),
        "Ligne 2 : la fonction « Cuisinier » n'est pas au catalogue des fonctions. "
        "Fonctions possibles : Logopède, Psychologue, Infirmier, Accompagnateur.",
    ),
    (table(("", {"1/5": 1})), "la fonction « — » n'est pas au catalogue"),
    (table((None, {"1/5": 1})), "la fonction « — » n'est pas au catalogue"),
    (table(("logopède", {"1/5": 1})), "n'est pas au catalogue"),
    (
        table(("Logopède", {"1/5": 1}), ("Logopède", {"2/5": 1})),
        "La fonction « Logopède » figure deux fois dans le tableau.",
    ),
    (table(("Logopède", {"1/5": 1}), (" Logopède", {})), "figure deux fois"),
    (table(("Logopède", [1, 2])), "Ligne 1 : les nombres de personnes sont mal formés."),
    (table(("Logopède", "1/5")), "mal formés"),
    (
        table(("Logopède", {"1/5": -1})),
        "Ligne 1 (Logopède), colonne 1/5 : indiquez un nombre entier de personnes entre 0 et 999.",
    ),
    (table(("Logopède", {"1/5": MAX_COUNT + 1})), "entre 0 et 999"),
    (table(("Logopède", {"2/5": "1000"})), "colonne 2/5"),
    (table(("Logopède", {"1/5": 1.5})), "nombre entier"),
    (table(("Logopède", {"1/5": "1,5"})), "nombre entier"),
    (table(("Logopède", {"1/5": "1.0"})), "nombre entier"),
    (table(("Logopède", {"1/5": "-1"})), "nombre entier"),
    (table(("Logopède", {"1/5": "abc"})), "nombre entier"),
    (table(("Logopède", {"1/5": "NaN"})), "nombre entier"),
    (table(("Logopède", {"1/5": float("nan")})), "nombre entier"),
    (table(("Logopède", {"1/5": float("inf")})), "nombre entier"),
    (table(("Logopède", {"1/5": "²"})), "nombre entier"),  # a digit to str.isdigit only
    (table(("Logopède", {"1/5": "١٢"})), "nombre entier"),  # non-ASCII digits
    (table(("Logopède", {"1/5": True})), "nombre entier"),
    (table(("Logopède", {"1/5": [1]})), "nombre entier"),
    (table(("Logopède", {"1/5": 1, "6/5": 1})), "Ligne 1 : charge horaire inconnue (6/5)."),
    (table(("Logopède", {"1/5": 1, 3: 1})), "charge horaire inconnue (3)"),
    (
        table(("Accompagnateur", {"1/5": 1, "2/5": 2, "3/5": 1})),
        "Ligne 1 (Accompagnateur) : la charge 1/5, 2/5 n'est pas proposée pour cette fonction "
        "(charges possibles : 3/5, 5/5).",
    ),
]


@pytest.mark.parametrize(("payload", "words"), RETROCESSIONS_REFUSED, ids=repr)
def test_retrocession_refused_in_french(payload, words):
    with pytest.raises(RuleViolation) as refused:
        normalise_retrocession(payload, CATALOGUE, OFFERED)
    assert words in str(refused.value)
