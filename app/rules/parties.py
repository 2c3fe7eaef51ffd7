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
    ids = [seat_po]
    if convention.kind == Kind.RESSORT:
        return ids
    for entry in counterpart_entries(convention):
        po = ref_id(entry, "po")
        if po is not None and po not in ids:
            ids.append(po)
    return ids


def acknowledging_school_ids(convention: Any) -> list[Any]:
    """The schools whose director must acknowledge: the seat school, then each listed school."""
    ids = [ref_id(convention, "seat_school")]
    for entry in counterpart_entries(convention):
        school = ref_id(entry, "school")
        if school is not None and school not in ids:
            ids.append(school)
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
