"""Shared helpers for the documents."""

import importlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

from mongoengine import EmbeddedDocumentListField, ValidationError
from mongoengine.base import BaseDict, BaseList, ComplexBaseField, EmbeddedDocumentList

from app.rules.refs import as_id, ref_id

D = TypeVar("D")

__all__ = [
    "as_id",
    "as_loaded",
    "by_ids",
    "documents_of",
    "french_check",
    "ids_in_order",
    "names_by_id",
    "names_in_order",
    "ref_id",
    "rows_in_order",
    "utcnow",
]


def utcnow() -> datetime:
    """Naive UTC now: what MongoDB stores and gives back."""
    return datetime.now(UTC).replace(tzinfo=None)


def french_check(check: Callable[[object], str | None]) -> Callable[[object], None]:
    """Turn a rule returning a French message (or None) into a field validator."""

    def validate(value: object) -> None:
        message = check(value)
        if message:
            raise ValidationError(message)

    return validate


DELETED_LABEL = "(supprimé)"


def referenced(obj: object, field: str) -> object | None:
    """The document ``obj.field`` refers to, or None when it is unset or was deleted (a
    dangling reference must show « (supprimé) », never fail the page)."""
    from mongoengine.errors import DoesNotExist

    if ref_id(obj, field) is None:
        return None
    try:
        value = getattr(obj, field)
    except DoesNotExist:
        return None
    return value if hasattr(value, "pk") else None


def as_loaded(docs: Iterable[D]) -> Iterator[D]:
    """``docs`` whose lists (of references, or of embedded documents holding references) stay
    as loaded when read, instead of one query per list and per document to resolve them.

    What ``QuerySet.no_dereference()`` is for, without its cost: mongoengine 0.29 deep-copies
    the model's whole field table for every document it loads that way (about 10 ms for a
    convention, 0.5 s for a page of 50). A single reference field still resolves when read.
    """
    for doc in docs:
        for name, field in doc._fields.items():
            value = doc._data.get(name)
            if isinstance(field, ComplexBaseField) and isinstance(value, list | dict):
                kind = BaseDict if isinstance(value, dict) else BaseList
                if isinstance(field, EmbeddedDocumentListField):
                    kind = EmbeddedDocumentList  # what the field's own reading would wrap
                wrapped = kind(value, doc, name)
                wrapped._dereferenced = True
                doc._data[name] = wrapped
        yield doc


def _ordering(query: Any) -> list[tuple[str, int]]:
    """``query``'s sort keys (stored names) and directions, its model's default if none."""
    ordering = list(query._ordering or [])
    if query._ordering is None and query._document._meta.get("ordering"):
        ordering = query._get_order_by(query._document._meta["ordering"])
    return ordering


def _sorted_find(query: Any, projection: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The raw rows ``query`` matches (``projection`` of them), read unsorted in one find
    and sorted here with the store's own sort key, as the store would sort them."""
    ordering = _ordering(query)
    collection = query._collection
    # The store's own sort key (mongomock's or litemongo's copy of it), found from the
    # collection's class (conventions wrap theirs: ``WriterCollection``).
    inner = getattr(collection, "_inner", collection)
    package = type(inner).__module__.rsplit(".", 1)[0]
    filtering = importlib.import_module(package + ".filtering")
    rows = list(collection.find(query._query, projection))
    for key, direction in reversed(ordering):  # stable sorts, last key first: as the store
        rows.sort(key=lambda row: filtering.resolve_sort_key(key, row), reverse=direction < 0)
    return rows


def ids_in_order(query: Any) -> list[Any]:
    """The ids of every document ``query`` matches, in its order, read as small rows (the
    sort keys only) and sorted here with the store's own sort key.

    For the stand-in stores only (``app.db.sorts_in_memory``): their sorted find decodes and
    sorts whole documents before projecting, so a page of 50 conventions held the 1,514 of
    the full set in memory (tracemalloc: 55 MiB at 1×) and a streamed export all of them.
    On MongoDB the sort is an index's and this would only add a round trip. The number of
    ids is the list's exact count, for nothing more (the stand-ins scan in any case).
    """
    rows = _sorted_find(query, {key: 1 for key, _ in _ordering(query)})
    return [row["_id"] for row in rows]


def rows_in_order(query: Any) -> list[dict[str, Any]]:
    """Every row ``query`` matches, raw and projected as ``query`` is, in its order: one
    read whatever their number (an export's; ``ids_in_order`` then ``by_ids`` read a batch
    of 100 at a time). For the stand-in stores only, like ``ids_in_order``: the rows are
    sorted here, the sort keys read with them; ``documents_of`` builds them."""
    projection = dict(query._cursor_args.get("projection") or {}) or None
    if projection and not any(value == 0 for value in projection.values()):
        for key, _direction in _ordering(query):
            projection.setdefault(key, 1)  # an inclusive projection: add the sort keys
    return _sorted_find(query, projection)


def documents_of(query: Any, rows: Iterable[dict[str, Any]]) -> Iterator[Any]:
    """``rows`` (``rows_in_order``) as ``query``'s documents, built one at a time."""
    model = query._document
    for row in rows:
        yield model._from_son(row, _auto_dereference=query._auto_dereference)


def by_ids(query: Any, ids: list[Any], batch: int = 100) -> Iterator[Any]:
    """``query``'s documents of ``ids``, in that order, ``batch`` at a time (small batches:
    the stand-ins check each found document against the whole ``$in`` list)."""
    unordered = query.clone().order_by()
    unordered._skip = unordered._limit = None
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        found = {doc.pk: doc for doc in unordered.filter(pk__in=chunk)}
        yield from (found[pk] for pk in chunk if pk in found)


def names_by_id(model: Any, ids: Iterable[Any]) -> dict[Any, str]:
    """The ``name`` of each of ``model``'s documents ``ids`` (POs, schools), in one query;
    none when there are no ids."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    return {doc.pk: doc.name for doc in model.objects(id__in=wanted).only("name")}


def names_in_order(model: Any, ids: list[Any], unknown: str) -> list[str]:
    """The names of ``ids`` in their order, ``unknown`` for one no longer there."""
    found = names_by_id(model, ids)
    return [found.get(i, unknown) for i in ids]
