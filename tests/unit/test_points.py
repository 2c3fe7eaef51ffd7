"""Salary points as users type them: the split key and the retrocession table (no app).

Every malformed payload is a French refusal (``RuleViolation``), never another exception.
"""

import pytest

from app.rules.errors import RuleViolation
from app.rules.points import normalise_split

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
