"""Corrections of the reference data (schools, POs) under the lock of validated conventions.

Every write path asks here: the back-office forms, inline edits and bulk actions (through
the models' ``save()``/``delete()`` and querysets, which call ``refuse_school_write`` /
``refuse_po_write`` as a net), the data manager's pages, and the directory import, which
lists conflicts with ``school_conflicts`` / ``po_conflicts`` before applying anything.
The decision itself is ``app.rules.reference_lock``.
"""

from collections.abc import Iterable
from typing import Any

from mongoengine import Q

from app.models.base import as_loaded
from app.rules.errors import InvalidState
from app.rules.reference_lock import (
    PO_LOCKED_FIELDS,
    SCHOOL_LOCKED_FIELDS,
    Listing,
    reference_change_refusal,
)


class ReferenceLocked(InvalidState):
    """A school or PO listed in a validated convention may not change this way."""


def _listings(query: Any) -> list[Listing]:
    from app.models.convention import Convention

    rows = Convention.objects(query).only("kind", "status", "pole_number", "schools")
    return [Listing(c.title, c.pole_number, c.status) for c in as_loaded(rows)]


def school_listings(school_id: Any) -> list[Listing]:
    """Every convention that lists the school, or whose seat school it is."""
    return _listings(Q(schools__school=school_id) | Q(seat_school=school_id))


def po_listings(po_id: Any) -> list[Listing]:
    """Every convention that names the PO (seat, counterpart, a listed school's, a signer)."""
    return _listings(
        Q(seat_po=po_id) | Q(counterpart_po=po_id) | Q(schools__po=po_id) | Q(signatures__po=po_id)
    )


def _school_subject(stored: dict[str, Any]) -> str:
    return f"l'école {stored.get('name', '')} (FASE {stored.get('fase', '?')})"


def _po_subject(stored: dict[str, Any]) -> str:
    return f"le pouvoir organisateur {stored.get('name', '')} (FASE {stored.get('fase', '?')})"


def changed_fields(stored: dict[str, Any], new: dict[str, Any], fields: Iterable[str]) -> set[str]:
    """The fields whose stored (MongoDB) value differs from ``new`` (same representation)."""
    out = set()
    for field in fields:
        if field not in new:
            continue
        old, value = stored.get(field), new[field]
        if isinstance(old, list) or isinstance(value, list):
            if sorted(old or []) != sorted(value or []):
                out.add(field)
        elif old != value:
            out.add(field)
    return out


def school_conflicts(
    school_id: Any, changed: Iterable[str], *, deleting: bool = False
) -> str | None:
    """The French refusal for changing ``changed`` fields of a school (or deleting it), or
    None when allowed. For the directory import (issue 14): call it per line with the fields
    the line would change; a message means « conflit », nothing is written."""
    from app.models.pole import Pole
    from app.models.school import School

    stored = School._get_collection().find_one({"_id": school_id}, {"name": 1, "fase": 1})
    if stored is None:
        return None
    seats = [p.number for p in Pole.objects(seat_school=school_id).only("number")]
    return reference_change_refusal(
        _school_subject(stored),
        changed,
        SCHOOL_LOCKED_FIELDS,
        school_listings(school_id),
        deleting=deleting,
        seat_of_poles=seats,
    )


def po_conflicts(po_id: Any, changed: Iterable[str], *, deleting: bool = False) -> str | None:
    """The same question for a PO: its FASE and its deletion are frozen by the conventions
    naming it; its name and address stay correctable."""
    from app.models.organisation import OrganisingAuthority

    stored = OrganisingAuthority._get_collection().find_one({"_id": po_id}, {"name": 1, "fase": 1})
    if stored is None:
        return None
    return reference_change_refusal(
        _po_subject(stored), changed, PO_LOCKED_FIELDS, po_listings(po_id), deleting=deleting
    )


def refuse_school_write(school_id: Any, changed: Iterable[str], *, deleting: bool = False) -> None:
    """Raise ``ReferenceLocked`` if the write may not happen (the models' net)."""
    message = school_conflicts(school_id, changed, deleting=deleting)
    if message:
        raise ReferenceLocked(message)


def refuse_po_write(po_id: Any, changed: Iterable[str], *, deleting: bool = False) -> None:
    message = po_conflicts(po_id, changed, deleting=deleting)
    if message:
        raise ReferenceLocked(message)


def update_keys_fields(update: dict[str, Any], fields: Iterable[str]) -> set[str]:
    """Which of ``fields`` a queryset ``update(**update)`` would write (``set__po``, ``po``,
    ``unset__types``, ``push__types``, ``__raw__`` operators…)."""
    fields = set(fields)
    out: set[str] = set()
    for key, value in update.items():
        if key == "__raw__" and isinstance(value, dict):
            for op_fields in value.values():
                if isinstance(op_fields, dict):
                    out |= {str(f).split(".")[0] for f in op_fields} & fields
            continue
        parts = [p for p in key.split("__") if p]
        out |= set(parts) & fields
    return out


def fill_sort_keys() -> int:
    """Give each school, PO, pole, account and function stored before the French sort key
    existed its key (idempotent: only documents without one; conditional on the names read,
    so a rename meanwhile wins)."""
    from app.models import OrganisingAuthority, Pole, School, User
    from app.models.financing import TeamFunction
    from app.rules.collation import person_sort_key, sort_key

    def by_name(doc: dict[str, Any]) -> str:
        return sort_key(doc.get("name"))

    def by_person(doc: dict[str, Any]) -> str:
        return person_sort_key(doc.get("last_name"), doc.get("first_name"), doc["username"])

    def by_label(doc: dict[str, Any]) -> str:
        return sort_key(doc.get("label"))

    sources: list[tuple[Any, tuple[str, ...], Any]] = [
        (School, ("name",), by_name),
        (OrganisingAuthority, ("name",), by_name),
        (Pole, ("name",), by_name),
        (User, ("last_name", "first_name", "username"), by_person),
        (TeamFunction, ("label",), by_label),
    ]
    filled = 0
    for model, fields, key in sources:
        collection = model._get_collection()
        for doc in collection.find({"sort_name": {"$exists": False}}, dict.fromkeys(fields, 1)):
            read = {f: doc.get(f) for f in fields}
            result = collection.update_one(
                {"_id": doc["_id"], **read}, {"$set": {"sort_name": key(doc)}}
            )
            filled += result.modified_count
    return filled
