"""The points tables as posted, read without a request: cells become values or French errors."""

import pytest
from werkzeug.datastructures import MultiDict

from app.forms.articles import parse_percent, points_split, retrocession, share_sum


@pytest.mark.parametrize(
    ("raw", "value"),
    [("", None), (" ", None), ("40", 40), ("33,5", 33.5), ("12.25 %", 12.25), ("0", 0)],
)
def test_parse_percent(raw: str, value: float | None) -> None:
    assert parse_percent(raw) == value


@pytest.mark.parametrize("raw", ["abc", "nan", "inf", "1e308", "²", "1001"])
def test_parse_percent_refuses(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_percent(raw)


def _rows() -> list[dict]:
    return [{"fase": 1, "name": "Siège"}, {"fase": 2, "name": "Partenaire"}]


def test_points_split_reads_each_share() -> None:
    rows = _rows()
    data, errors = points_split(
        MultiDict({"mode": "split", "percent_0": "60,5", "percent_1": ""}), rows
    )
    assert errors == []
    assert data == {
        "mode": "split",
        "shares": [{"school_fase": 1, "percent": 60.5}, {"school_fase": 2, "percent": 0}],
    }
    assert [r["percent"] for r in rows] == ["60,5", ""]  # shown again as typed


def test_points_split_names_the_bad_cell_and_the_missing_mode() -> None:
    data, errors = points_split(MultiDict({"percent_1": "beaucoup"}), _rows())
    assert errors == [
        "Choisissez la répartition des points : tout à l'école siège ou une clé.",
        "Le pourcentage de « Partenaire » doit être un nombre.",
    ]
    assert data == {"mode": ""}


def test_points_split_all_to_the_seat_carries_no_shares() -> None:
    data, errors = points_split(MultiDict({"mode": "seat", "percent_0": "50"}), _rows())
    assert (data, errors) == ({"mode": "seat"}, [])


def test_retrocession_reads_rows_and_refuses_bad_counts() -> None:
    form = MultiDict(
        {
            "row_count": "3",
            "function_0": " Logopède ",
            "count_0_0": "2",
            "count_0_1": "0",
            "function_1": "x" * 101,
            "count_2_5": "²",
        }
    )
    rows, errors = retrocession(form)
    assert rows[0] == {"function": "Logopède", "counts": {"1/5": 2}}  # 0 is no count
    assert len(rows) == 3
    assert any(e.startswith("Ligne 2 : le nom de la fonction") for e in errors)
    assert "Ligne 3, colonne 5/5 : indiquez un nombre entier" in errors[-1]


@pytest.mark.parametrize(("row_count", "rows"), [("abc", 0), ("-4", 0), ("999", 50)])
def test_retrocession_row_count_is_bounded(row_count: str, rows: int) -> None:
    assert len(retrocession(MultiDict({"row_count": row_count}))[0]) == rows


def test_share_sum() -> None:
    assert share_sum([{"percent": "33,5"}, {"percent": 16.5}, {}]) == "50"
    assert share_sum([{"percent": "x"}]) == ""
    assert share_sum(None) == "0"
