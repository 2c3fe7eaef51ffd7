"""``numbered_rows``: the rows of a form with numbered fields (simulator lines, parameters'
terms), read under a bare Flask request (no app needed)."""

import pytest
from flask import Flask

from app.views.form_rows import numbered_rows

FIELDS = {"code": ("code", 3), "level": ("level", None)}


def _rows(form: dict[str, str], most: int = 5) -> list[dict[str, str]]:
    with Flask(__name__).test_request_context(method="POST", data=form):
        return numbered_rows("row_count", most, FIELDS)


def test_each_row_is_stripped_and_cut_unless_taken_as_sent():
    form = {"row_count": "2", "code_0": "  ABCD ", "level_0": " P ", "code_1": "x"}
    assert _rows(form) == [{"code": "ABC", "level": " P "}, {"code": "x", "level": ""}]


@pytest.mark.parametrize(
    ("count", "expected"),
    [("9", 5), (" 2 ", 2), ("abc", 0), ("-3", 0), ("", 0), ("²", 0), ("١٢", 0)],
)
def test_the_count_is_capped_and_a_bad_one_means_no_row(count, expected):
    assert len(_rows({"row_count": count})) == expected
