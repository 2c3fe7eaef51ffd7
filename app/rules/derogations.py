"""Derogations: which schools need one, and which files are accepted.

A partner or cooperating school outside the seat school's teaching zone needs a derogation
before the school list can be validated (circular, user guide §7). A specific partner may
come from anywhere (even another pole), so it needs none. The file is a PDF, JPEG or PNG,
recognised by its content (magic bytes), never by its name or the type the browser claims.
"""

import os
from dataclasses import dataclass
from typing import Any

import filetype

from app.formatting import decimal_text
from app.models.stored_file import MAX_FILE_BYTES
from app.rules.errors import RuleViolation
from app.rules.states import SchoolRole

ROLES_NEEDING_DEROGATION = frozenset({SchoolRole.PARTNER, SchoolRole.COOPERATING})

# content type → (extension, magic bytes at offset 0)
ACCEPTED: dict[str, tuple[str, bytes]] = {
    "application/pdf": ("pdf", b"%PDF-"),
    "image/jpeg": ("jpg", b"\xff\xd8\xff"),
    "image/png": ("png", b"\x89PNG\r\n\x1a\n"),
}
MAX_FILENAME = 200


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int


def needs_derogation(entry: Any, seat_zone: int | None) -> bool:
    """Does this convention entry (a ConventionSchool) need a derogation?"""
    return entry.role in ROLES_NEEDING_DEROGATION and entry.zone != seat_zone


def missing_derogations(convention: Any, seat_zone: int | None) -> list[Any]:
    """The entries that need a derogation and have none."""
    return [
        e for e in convention.schools or [] if needs_derogation(e, seat_zone) and not e.derogation
    ]


def detect_type(data: bytes) -> str | None:
    """The content type of ``data`` when it is an accepted kind of file, else None.

    Both our own magic-byte check and the ``filetype`` package must agree.
    """
    for content_type, (_ext, magic) in ACCEPTED.items():
        if data.startswith(magic):
            guessed = filetype.guess(data)
            if guessed is not None and guessed.mime == content_type:
                return content_type
            return None
    return None


def check_file(filename: str, data: bytes) -> CheckedFile:
    """Check an uploaded derogation file; French RuleViolation when it is refused."""
    if not isinstance(data, bytes | bytearray) or len(data) == 0:
        raise RuleViolation("Le fichier de dérogation est vide.")
    if len(data) > MAX_FILE_BYTES:
        size_mb = len(data) / (1024 * 1024)
        raise RuleViolation(
            f"Le fichier de dérogation est trop volumineux ({decimal_text(size_mb, 1)} Mo) : "
            f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus."
        )
    content_type = detect_type(bytes(data))
    if content_type is None:
        raise RuleViolation(
            "Le fichier de dérogation doit être un document PDF, JPEG ou PNG "
            "(son contenu n'est d'aucun de ces formats)."
        )
    return CheckedFile(clean_filename(filename, content_type), content_type, len(data))


def clean_filename(filename: str | None, content_type: str) -> str:
    """A safe display name: no directories, no control characters, the right extension."""
    base = os.path.basename((filename or "").replace("\\", "/")).strip()
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')
    ext = ACCEPTED[content_type][0]
    stem, _dot, current = base.rpartition(".")
    if not stem:
        stem, current = base, ""
    stem = stem.strip(" .") or "derogation"
    if current.lower() not in ({ext, "jpeg"} if ext == "jpg" else {ext}):
        current = ext
    return f"{stem[: MAX_FILENAME - len(current) - 1]}.{current}"
