"""The API's pure decisions: bearer header, token digest, cursors, filters, ISO times."""

from datetime import datetime

import pytest

from app.rules import api
from app.rules.api import ApiError


def test_bearer_header_is_read_strictly() -> None:
    assert api.bearer_token("Bearer abc") == "abc"
    assert api.bearer_token("bearer  abc ") == "abc"
    for bad in (None, "", "Basic abc", "Bearer", "Bearer a b", "Bearer " + "x" * 201):
        assert api.bearer_token(bad) is None


def test_tokens_are_random_and_only_their_digest_is_kept() -> None:
    one, two = api.new_token(), api.new_token()
    assert one != two and one.startswith(api.TOKEN_PREFIX) and len(one) > 40
    assert api.token_digest(one) != one and len(api.token_digest(one)) == 64


def test_cursor_round_trip_and_forged_cursors() -> None:
    oid = "5f1e2d3c4b5a69788796a5b4"
    cursor = api.encode_cursor(oid)
    assert oid not in cursor and api.decode_cursor(cursor) == oid
    assert api.decode_cursor(None) is None and api.decode_cursor("") is None
    for forged in ("%%%", "AAAA", cursor + "AAAA", "!" * 16):
        with pytest.raises(ApiError) as caught:
            api.decode_cursor(forged)
        assert caught.value.status == 400 and "curseur" in str(caught.value)


def test_filters_are_checked_in_french() -> None:
    query = api.convention_query(
        {"pole": "1", "kind": "ressort", "status": "approved", "school_year": "2026-2027"}
    )
    assert (query.pole, query.kind, query.status, query.school_year) == (
        1,
        "ressort",
        "approved",
        "2026-2027",
    )
    since = api.convention_query({"updated_since": "2026-12-01T09:00:00+01:00"})
    assert since.updated_since == datetime(2026, 12, 1, 8, 0)
    for bad in ({"pole": "-1"}, {"kind": "x"}, {"status": "x"}, {"school_year": "2026-2028"}):
        with pytest.raises(ApiError):
            api.convention_query(bad)
    with pytest.raises(ApiError):
        api.page_size("500")
    assert api.page_size(None) == api.DEFAULT_LIMIT


def test_scopes_and_iso_times() -> None:
    assert api.clean_scopes(None) == list(api.SCOPES)
    assert api.may_read(["reference"], "schools") and not api.may_read(["reference"], "conventions")
    assert api.iso(datetime(2026, 12, 1, 8, 5, 3, 999)) == "2026-12-01T08:05:03Z"
