"""Reading reference ids off documents without dereferencing them.

MongoEngine fetches a referenced document the moment its attribute is read; permission
checks only need the id, so they read the raw value instead (no query, no N+1).
"""

from typing import Any


def ref_id(obj: Any, field: str) -> Any:
    """The id stored in ``obj.field`` (a reference), without loading the referenced document."""
    data = getattr(obj, "_data", None)
    value = data.get(field) if isinstance(data, dict) else getattr(obj, field, None)
    return as_id(value)


def as_id(value: Any) -> Any:
    """The id of a document, lazy reference, DBRef or bare id."""
    if value is None:
        return None
    if hasattr(value, "pk"):  # Document or LazyReference
        return value.pk
    if hasattr(value, "collection") and hasattr(value, "id"):  # DBRef
        return value.id
    return value
