"""The pager's decisions: which page a query string asks for, and which links it shows."""

import pytest

from app.rules.pagination import Link, clamp, links, page_count, requested_page


@pytest.mark.parametrize(
    ("total", "per_page", "pages"),
    [(0, 25, 1), (1, 25, 1), (25, 25, 1), (26, 25, 2), (50, 25, 2), (51, 25, 3)],
)
def test_page_count(total: int, per_page: int, pages: int) -> None:
    assert page_count(total, per_page) == pages


@pytest.mark.parametrize(
    ("raw", "page"),
    [
        (None, 1),
        ("", 1),
        ("0", 1),
        ("3", 3),
        ("99999", 99999),
        ("100000", 1),  # six digits: not a link anyone followed
        ("-2", 1),
        ("2.5", 1),
        ("²", 1),  # str.isdigit() says yes, int() would raise
        ("abc", 1),
    ],
)
def test_requested_page(raw: str | None, page: int) -> None:
    assert requested_page(raw) == page


@pytest.mark.parametrize(("page", "pages", "shown"), [(0, 3, 1), (2, 3, 2), (9, 3, 3)])
def test_clamp(page: int, pages: int, shown: int) -> None:
    assert clamp(page, pages) == shown


def _numbers(result: list[Link]) -> list[int | None]:
    return [link.number for link in result]


def test_links_elide_far_pages_but_keep_first_and_last() -> None:
    result = links(10, 20)
    assert _numbers(result) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert [link.number for link in result if link.current] == [10]


def test_links_without_gaps_when_few_pages() -> None:
    assert _numbers(links(1, 4)) == [1, 2, 3, 4]
    assert _numbers(links(1, 1)) == [1]


def test_links_show_a_single_missing_page_instead_of_an_ellipsis() -> None:
    assert _numbers(links(5, 5)) == [1, 2, 3, 4, 5]
    assert _numbers(links(6, 6)) == [1, None, 4, 5, 6]
    assert [link.number for link in links(5, 5) if link.current] == [5]
