"""A page of a queryset, read from the request's `page` argument (one helper for every list)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import request

from app.rules import pagination


@dataclass(frozen=True)
class Page:
    """The rows of one page and what the pager macro (`_pagination.html`) needs to link on."""

    items: list[Any]
    number: int
    pages: int
    total: int
    links: list[pagination.Link] = field(default_factory=list)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def paginate(query: Any, per_page: int, arg: str = "page") -> Page:
    """Count, clamp the asked page into range, then fetch only that page's rows. ``query``
    is a queryset, or a list already in memory (a list the page computed, e.g. the
    dashboard's late conventions): the same pager for both."""
    in_memory = isinstance(query, Sequence)
    total = len(query) if in_memory else query.count()
    pages = pagination.page_count(total, per_page)
    number = pagination.clamp(pagination.requested_page(request.args.get(arg)), pages)
    start = (number - 1) * per_page
    if in_memory:
        items = list(query[start : start + per_page])
    else:
        items = list(query.skip(start).limit(per_page))
    return Page(items, number, pages, total, pagination.links(number, pages))
