"""The canonical snapshot frozen at approval, and its SHA-256.

At approval the Administration freezes what was agreed: the pole, the parties, the articles in
order, the signatures. The snapshot holds plain JSON values only (ids and datetimes as
strings) so that hashing it again later gives the same digest; the sealed PDF renders from it.
"""

import hashlib
import json
from datetime import date, datetime
from typing import Any

from app.rules.articles import POLE_KEY
from app.rules.refs import ref_id
from app.rules.states import Nature

SNAPSHOT_VERSION = 1


def plain(value: Any) -> Any:
    """``value`` as JSON values: dates as ISO strings, anything else (ids) as strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def build_snapshot(
    convention: Any,
    approved_at: datetime | None = None,
    approved_by: str | None = None,
    parent: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The canonical content of ``convention`` (read from the given object, no query).

    ``parent``: for an amendment, what it cites of the convention it modifies (title, year,
    approval, SHA-256 of its sealed PDF), loaded by the caller; frozen with the rest."""
    articles = sorted(convention.articles, key=lambda a: a.position)
    identification = next((a for a in articles if a.key == POLE_KEY), None)
    parties_article = next(
        (a for a in articles if a.nature == Nature.PREFILLED and a.key != POLE_KEY and a.data), None
    )
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "convention_id": convention.pk,
        "kind": convention.kind,
        "title": convention.title,
        "school_year": convention.school_year,
        "pole": {
            "id": ref_id(convention, "pole"),
            "number": convention.pole_number,
            **((identification.data or {}) if identification else {}),
        },
        "parties": (parties_article.data or {}).get("parties", []) if parties_article else [],
        "schools": [
            {
                "fase": e.fase,
                "name": e.name,
                "role": e.role,
                "po_fase": e.po_fase,
                "po_name": e.po_name,
                "zone": e.zone,
                "derogation": (
                    {
                        "filename": e.derogation.filename,
                        "content_type": e.derogation.content_type,
                        "size": e.derogation.size,
                    }
                    if e.derogation
                    else None
                ),
            }
            for e in convention.schools
        ],
        "articles": [
            {
                "key": a.key,
                "number": a.number,
                "title": a.title,
                "nature": a.nature,
                "body": a.body or "",
                "data": a.data or {},
            }
            for a in articles
        ],
        "signatures": [
            {
                "po": ref_id(s, "po"),
                "po_name": s.po_name,
                "username": s.username,
                "name": s.name,
                "capacity": s.capacity,
                "signed_at": s.signed_at,
            }
            for s in convention.signatures
        ],
        "validated_at": convention.validated_at,
        "approved_at": approved_at,
        "approved_by": approved_by,
    }
    if parent is not None:
        snapshot["amendment_of"] = parent
    return plain(snapshot)


def canonical_json(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(
        plain(snapshot), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``snapshot``."""
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def verify_snapshot(convention: Any) -> bool:
    """Does the stored snapshot still match its stored digest?"""
    if not convention.snapshot or not convention.snapshot_sha256:
        return False
    return snapshot_digest(dict(convention.snapshot)) == convention.snapshot_sha256
