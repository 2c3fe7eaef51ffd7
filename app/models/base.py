"""Shared helpers for the documents."""

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TypeVar

from mongoengine import EmbeddedDocumentListField, ValidationError
from mongoengine.base import BaseDict, BaseList, ComplexBaseField, EmbeddedDocumentList

from app.rules.refs import as_id, ref_id

D = TypeVar("D")

__all__ = ["as_id", "as_loaded", "french_check", "ref_id", "utcnow"]


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
