"""Which page a list shows and which page links it offers: decisions on plain numbers.

One home for every paged list of the front office (the access queue, the school picker, the
pole choice, the data managers' poles); Flask-Admin's lists keep their own pager.
"""

from dataclasses import dataclass

from app.rules.numbers import is_digits

# A page number longer than this is not a page anyone reached by a link.
MAX_DIGITS = 5


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill; an empty list still has its one (empty) page."""
    return max(1, -(-total // per_page))


def requested_page(raw: str | None) -> int:
    """The page number asked for in the query string; anything but a plain number is page 1."""
    if not raw or not is_digits(raw) or len(raw) > MAX_DIGITS:
        return 1
    return max(1, int(raw))


def clamp(page: int, pages: int) -> int:
    """A page past the end shows the last page rather than an empty one."""
    return min(max(1, page), pages)


@dataclass(frozen=True)
class Link:
    """One entry of the page links: a page number, or a gap (`number` is None) between them."""

    number: int | None
    current: bool = False


def links(page: int, pages: int, around: int = 2) -> list[Link]:
    """The first and last pages, the current one and `around` on each side, gaps elided.

    The school picker can reach 100+ pages at full scale: listing every number would bury the
    one a user looks for (and make a screen reader read them all).
    """
    shown = {1, pages} | set(range(page - around, page + around + 1))
    numbers = sorted(n for n in shown if 1 <= n <= pages)
    result: list[Link] = []
    previous = 0
    for n in numbers:
        if n - previous == 2:  # an ellipsis for one page hides it for no room saved
            result.append(Link(n - 1))
        elif n - previous > 2:
            result.append(Link(None))
        result.append(Link(n, current=n == page))
        previous = n
    return result
