"""Is this PDF a sealed e-Pôles convention, and which one?

A sealed file is authentic when its SHA-256 is the one recorded at approval: the lookup is by
fingerprint, so any change of even one byte makes the file unknown. The metadata of a sealed
file name the convention (``e-poles-convention:<id>``), which lets the answer for an unknown
file say that it looks like a sealed convention that was modified.
"""

import hashlib
import io
import logging
import re
import warnings
from dataclasses import dataclass
from typing import Any

from app.formatting import datetime_text
from app.models import Convention
from app.pdf.documents import KEYWORD_CONVENTION

AUTHENTIC = "Document scellé authentique"
MODIFIED_MESSAGE = (
    "Ce fichier se présente comme une convention scellée par e-Pôles, mais il ne correspond à "
    "aucune version scellée : il a été modifié après son scellement. Seul l'exemplaire "
    "téléchargé depuis e-Pôles fait foi."
)
UNKNOWN_MESSAGE = "Ce fichier n'est pas un PDF scellé d'e-Pôles ou il a été modifié."
EMPTY_MESSAGE = "Choisissez le fichier PDF à vérifier."

_CLAIM = re.compile(re.escape(KEYWORD_CONVENTION).encode() + rb"\s*([0-9a-fA-F]{24})")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verification:
    """The answer about one file: authentic or not, the convention, a French sentence."""

    authentic: bool
    sha256: str
    message: str
    convention_id: str | None = None
    title: str = ""
    pole_number: int | None = None
    approved_at: Any = None
    claims_convention: str | None = None


def claimed_convention(data: bytes) -> str | None:
    """The convention id a file's metadata name, if any (raw bytes first, then pypdf)."""
    found = _CLAIM.search(data)
    if found:
        return found.group(1).decode().lower()
    if not data.startswith(b"%PDF"):
        return None
    try:
        from pypdf import PdfReader

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.getLogger("pypdf").setLevel(logging.ERROR)
            info = PdfReader(io.BytesIO(data), strict=False).metadata or {}
            keywords = str(info.get("/Keywords") or "")
    except Exception:  # a broken or hostile file: it names nothing
        return None
    found = _CLAIM.search(keywords.encode("utf-8", "replace"))
    return found.group(1).decode().lower() if found else None


def verify_bytes(data: bytes) -> Verification:
    """Look the file up by its SHA-256 among the sealed conventions."""
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return Verification(False, digest, EMPTY_MESSAGE)
    conv = (
        Convention.objects(sealed_pdf_sha256=digest)
        .only("kind", "schools", "pole_number", "approved_at", "status", "parent", "school_year")
        .first()
    )
    if conv is not None:
        approved = datetime_text(conv.approved_at)
        message = (
            f"{AUTHENTIC} : {conv.title}, pôle territorial n° {conv.pole_number}, "
            f"approuvé par l'Administration le {approved}."
        )
        return Verification(
            True,
            digest,
            message,
            convention_id=str(conv.pk),
            title=conv.title,
            pole_number=conv.pole_number,
            approved_at=conv.approved_at,
        )
    claim = claimed_convention(data)
    if claim:
        return Verification(False, digest, MODIFIED_MESSAGE, claims_convention=claim)
    return Verification(False, digest, UNKNOWN_MESSAGE)
