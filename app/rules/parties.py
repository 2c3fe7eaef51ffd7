"""Who is party to a convention: the POs that sign and the schools whose directors acknowledge."""

from typing import Any

from app.rules.refs import ref_id
from app.rules.states import Kind


def counterpart_entries(convention: Any) -> list[Any]:
    """The convention's listed schools (partners, cooperating or specific partner)."""
    return list(convention.schools or [])


def signatory_po_ids(convention: Any) -> list[Any]:
    """The POs whose delegate must sign: the seat PO, then each other PO once.

    A ressort gathers schools of the seat's PO only, so its single PO signs alone.
    """
    seat_po = ref_id(convention, "seat_po")
    if convention.kind == Kind.RESSORT:
        return [seat_po]
    return _first_then_each(seat_po, counterpart_entries(convention), "po")


def acknowledging_school_ids(convention: Any) -> list[Any]:
    """The schools whose director must acknowledge: the seat school, then each listed school."""
    seat = ref_id(convention, "seat_school")
    return _first_then_each(seat, counterpart_entries(convention), "school")


def _first_then_each(first: Any, entries: list[Any], field: str) -> list[Any]:
    """``first``, then each entry's ``field`` reference once, in the order of the entries."""
    ids = [first]
    for entry in entries:
        value = ref_id(entry, field)
        if value is not None and value not in ids:
            ids.append(value)
    return ids


def signed_po_ids(convention: Any) -> set[Any]:
    return {ref_id(s, "po") for s in (convention.signatures or [])}


def acknowledged_school_ids(convention: Any) -> set[Any]:
    return {ref_id(a, "school") for a in (convention.acknowledgments or [])}


def missing_signatures(convention: Any) -> list[Any]:
    signed = signed_po_ids(convention)
    return [po for po in signatory_po_ids(convention) if po not in signed]


def missing_acknowledgments(convention: Any) -> list[Any]:
    done = acknowledged_school_ids(convention)
    return [s for s in acknowledging_school_ids(convention) if s not in done]


def signature_summaries(signatures: Any) -> list[dict[str, Any]]:
    """The signatures a step takes off (reopening, sending back), as the audit trail names
    them: the PO, the signatory and their account."""
    return [{"po_name": s.po_name, "name": s.name, "username": s.username} for s in signatures]
