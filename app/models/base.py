"""Shared helpers for the documents."""

from collections.abc import Callable
from datetime import UTC, datetime

from mongoengine import ValidationError

from app.rules.refs import as_id, ref_id

__all__ = ["as_id", "french_check", "ref_id", "utcnow"]


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
