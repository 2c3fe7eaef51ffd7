"""Import of the official school directory: preview a file, then apply it in one go.

The decisions are ``app.rules.directory``'s; this module loads what they compare against
(three queries, whatever the file's size), and writes what they decided: one bulk write for
the new POs, one for the schools (inserts and updates conditional on the values the preview
saw), the copies of the changed schools in draft conventions, and one audit event with the
counts. A file with an error line writes nothing.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bson import ObjectId

from app.models.base import as_loaded, utcnow
from app.models.convention import Convention
from app.models.directory_import import MAX_DIRECTORY_BYTES, DirectoryImport
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.rules import directory as rules
from app.rules.audit import Outcome
from app.rules.collation import sort_key
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.rules.reference_lock import Listing, frozen_explanation
from app.rules.states import LIST_LOCKED_STATUSES, Status
from app.services import audit
from app.services.guards import require


@dataclass
class Preview:
    report: rules.DirectoryReport
    import_id: Any = None  # the stored upload, for the confirmation


# The shell (``flask import-schools``) acts as this actor: whoever runs it administers the server.
CLI_ACTOR = "cli"
MAY_NOT_IMPORT = "Vous ne pouvez pas importer l'annuaire des écoles."


def _require(actor: Any) -> None:
    """The shell's actor is let through (the permission table knows users only); anyone else
    needs the permission to import."""
    if actor != CLI_ACTOR:
        require(actor, Action.IMPORT_DIRECTORY, None, MAY_NOT_IMPORT)


def frozen_schools() -> dict[int, str]:
    """School FASE → why its PO, zone, education and types may not change now.

    A school listed in a convention whose list is validated (or later) keeps the values the
    list was validated with; a pole's seat school carries the whole pole. The reason is the
    reference lock's own (`app.rules.reference_lock.frozen_explanation`), gathered in two queries
    for a whole file instead of one per school.
    """
    listings: dict[int, list[Listing]] = defaultdict(list)
    locked = Convention.objects(status__in=list(LIST_LOCKED_STATUSES)).only(
        "kind", "status", "pole_number", "schools", "parent", "school_year"
    )
    for conv in as_loaded(locked):
        listing = Listing(conv.title, conv.pole_number, conv.status)
        for entry in conv.schools:
            if entry.fase is not None:
                listings[entry.fase].append(listing)
    seats: dict[int, list[int]] = defaultdict(list)
    seat_ids = {
        p["seat_school"]: p["number"]
        for p in Pole.objects.only("seat_school", "number").as_pymongo()
        if p.get("seat_school")
    }
    if seat_ids:
        for school in School.objects(id__in=list(seat_ids)).only("fase").as_pymongo():
            seats[school["fase"]].append(seat_ids[school["_id"]])
    return {
        fase: frozen_explanation(listings.get(fase, ()), seats.get(fase, ()))
        for fase in set(listings) | set(seats)
    }


def _stored() -> tuple[dict[int, dict[str, Any]], dict[int, str], dict[int, Any], dict[Any, int]]:
    """The schools (by FASE) and POs (FASE → name, FASE → id, id → FASE) as plain values."""
    po_rows = list(OrganisingAuthority.objects.only("fase", "name").as_pymongo())
    po_names = {p["fase"]: p.get("name", "") for p in po_rows}
    po_ids = {p["fase"]: p["_id"] for p in po_rows}
    po_fase_of = {p["_id"]: p["fase"] for p in po_rows}
    schools: dict[int, dict[str, Any]] = {}
    fields = ("fase", "name", "street", "postal_code", "city", "po", "zone", "education", "types")
    for row in School.objects.only(*fields).as_pymongo():
        values = {name: row.get(name) for name in rules.FIELDS if name not in ("po_fase",)}
        values["types"] = tuple(sorted(row.get("types") or ()))
        values["po_fase"] = po_fase_of.get(row.get("po"))
        values["_id"] = row["_id"]
        values["_po"] = row.get("po")
        schools[row["fase"]] = values
    return schools, po_names, po_ids, po_fase_of


def compare_file(filename: str, data: bytes) -> rules.DirectoryReport:
    """The preview of a file against the database (raises DirectoryFileError if unreadable)."""
    report, _stored_values = _compare(filename, data)
    return report


def _compare(filename: str, data: bytes) -> tuple[rules.DirectoryReport, tuple]:
    if len(data) > MAX_DIRECTORY_BYTES:
        raise rules.DirectoryFileError("Le fichier dépasse 8 Mo.")
    lines, errors = rules.parse(rules.read_rows(filename, data))
    stored = _stored()
    schools, po_names, _ids, _fases = stored
    report = rules.compare(lines, errors, schools, po_names, frozen_schools())
    return report, stored


def preview(filename: str, data: bytes, actor: Any) -> Preview:
    """Read and compare an uploaded file; keep it for the confirmation."""
    _require(actor)
    try:
        report = compare_file(filename, data)
    except rules.DirectoryFileError as exc:
        raise RuleViolation(str(exc)) from exc
    upload = DirectoryImport(
        filename=filename[:255] or "annuaire",
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=getattr(actor, "username", None) or str(actor),
    ).save()
    return Preview(report, upload.pk)


def confirm(import_id: Any, actor: Any) -> rules.DirectoryReport:
    """Apply a previewed upload once (a second confirmation finds it claimed)."""
    _require(actor)
    claimed = DirectoryImport.objects(id=import_id, status="previewed").modify(
        set__status="applying", new=True
    )
    if claimed is None:
        raise RuleViolation("Cet import a déjà été appliqué, ou n'existe plus : recommencez.")
    try:
        report = apply_file(claimed.filename, claimed.data, actor)
    except RuleViolation:
        DirectoryImport.objects(id=import_id, status="applying").update_one(set__status="previewed")
        raise
    DirectoryImport.objects(id=import_id).update_one(
        set__status="applied", set__applied_at=utcnow(), set__counts=report.counts()
    )
    return report


def apply_file(filename: str, data: bytes, actor: Any) -> rules.DirectoryReport:
    """Compare the file with the database as it is now and write everything, or nothing."""
    _require(actor)
    try:
        report, stored = _compare(filename, data)
    except rules.DirectoryFileError as exc:
        raise RuleViolation(str(exc)) from exc
    if not report.applicable:
        audit.record(
            "directory.import",
            actor,
            outcome=Outcome.REFUSED,
            target=f"file:{filename}",
            details={**report.counts(), "reason": "erreurs dans le fichier"},
        )
        raise RuleViolation(
            f"Le fichier contient {report.error_lines} ligne(s) en erreur : rien n'a été "
            "importé. Corrigez-les et recommencez."
        )
    _write(report, stored)
    audit.record(
        "directory.import",
        actor,
        target=f"file:{filename}",
        details={**report.counts(), "sha256": hashlib.sha256(data).hexdigest()},
    )
    return report


def _school_document(line: rules.DirectoryLine, po_id: Any) -> dict[str, Any]:
    return {
        "_id": ObjectId(),
        "fase": line.fase,
        "name": line.name,
        "sort_name": sort_key(line.name),
        "street": line.street,
        "postal_code": line.postal_code,
        "city": line.city,
        "po": po_id,
        "zone": line.zone,
        "education": line.education,
        "types": list(line.types),
    }


def _write(report: rules.DirectoryReport, stored: tuple) -> None:
    schools, _names, po_ids, _fases = stored
    # One insert_many per collection, then the conditional updates (mongomock's bulk_write
    # does not accept pymongo 4.20's operations; the writes are the same).
    po_collection = OrganisingAuthority._get_collection()
    new_pos = []
    for fase, name in report.new_pos.items():
        po_ids[fase] = ObjectId()
        new_pos.append(
            {"_id": po_ids[fase], "fase": fase, "name": name, "sort_name": sort_key(name)}
        )
    if new_pos:
        po_collection.insert_many(new_pos, ordered=True)
    for fase, (old, new) in report.renamed_pos.items():
        po_collection.update_one(
            {"_id": po_ids[fase], "name": old}, {"$set": {"name": new, "sort_name": sort_key(new)}}
        )
    schools_collection = School._get_collection()
    new_schools = [_school_document(o.line, po_ids[o.line.po_fase]) for o in report.new]
    if new_schools:
        schools_collection.insert_many(new_schools, ordered=True)
    changed_ids: list[tuple[Any, rules.DirectoryLine]] = []
    for outcome in report.changed:
        line, before = outcome.line, schools[outcome.line.fase]
        update: dict[str, Any] = {}
        for change in outcome.changes:
            if change.field == "po_fase":
                update["po"] = po_ids[line.po_fase]
            elif change.field == "types":
                update["types"] = list(line.types)
            else:
                update[change.field] = getattr(line, change.field)
        if "name" in update:
            update["sort_name"] = sort_key(update["name"])
        # Conditional on what the preview saw: a school edited meanwhile is left alone.
        schools_collection.update_one({"_id": before["_id"], "po": before["_po"]}, {"$set": update})
        changed_ids.append((before["_id"], line))
    _refresh_draft_copies(changed_ids, po_ids)


def _refresh_draft_copies(changed: list[tuple[Any, rules.DirectoryLine]], po_ids: dict) -> None:
    """Draft conventions keep a copy of their schools' name, PO and zone: follow the file."""
    if not changed:
        return
    from app.services.workflow._common import raw_write, refresh_prefilled

    by_id = dict(changed)
    drafts = Convention.objects(status=Status.DRAFT, schools__school__in=list(by_id)).only(
        "schools.school"
    )
    for conv in drafts.as_pymongo():
        touched = False
        for entry in conv.get("schools") or []:
            line = by_id.get(entry.get("school"))
            if line is None:
                continue
            touched |= bool(
                raw_write(
                    conv["_id"],
                    {"status": Status.DRAFT, "schools__school": entry["school"]},
                    {
                        "$set": {
                            "schools.$.name": line.name,
                            "schools.$.zone": line.zone,
                            "schools.$.po": po_ids[line.po_fase],
                            "schools.$.po_fase": line.po_fase,
                            "schools.$.po_name": line.po_name,
                        }
                    },
                )
            )
        if touched:
            refresh_prefilled(conv["_id"])
