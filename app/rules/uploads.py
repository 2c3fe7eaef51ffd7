"""Uploaded files: the accepted kinds (recognised by their content), the size limit, a safe
name. Shared by the derogations and the signed access forms."""

import io
import logging
import os
import re
from typing import TYPE_CHECKING, Any

import filetype

# pypdf (about 25 MiB) is imported by the first uploaded PDF checked, not with the app.
if TYPE_CHECKING:
    from pypdf import PdfReader

from app.formatting import decimal_text

MAX_FILE_BYTES = 10 * 1024 * 1024

# content type → (extension, magic bytes at offset 0)
ACCEPTED: dict[str, tuple[str, bytes]] = {
    "application/pdf": ("pdf", b"%PDF-"),
    "image/jpeg": ("jpg", b"\xff\xd8\xff"),
    "image/png": ("png", b"\x89PNG\r\n\x1a\n"),
}
MAX_FILENAME = 200


def size_problem(what: str, data: object) -> str | None:
    """French message when ``data`` (``what``: « Le fichier joint ») is empty or too large."""
    if not isinstance(data, bytes | bytearray) or len(data) == 0:
        return f"{what} est vide."
    if len(data) > MAX_FILE_BYTES:
        size_mb = len(data) / (1024 * 1024)
        return (
            f"{what} est trop volumineux ({decimal_text(size_mb, 1)} Mo) : "
            f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus."
        )
    return None


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


# What makes a PDF act rather than show: scripts, actions run on opening or on events,
# programs launched, files carried inside.
ACTIVE_PDF_KEYS: dict[str, str] = {
    "/JavaScript": "du JavaScript",
    "/JS": "du JavaScript",
    "/OpenAction": "une action à l'ouverture (/OpenAction)",
    "/AA": "des actions automatiques (/AA)",
    "/Launch": "le lancement d'un programme (/Launch)",
    "/EmbeddedFiles": "des fichiers incorporés",
    "/EmbeddedFile": "des fichiers incorporés",
    "/RichMedia": "un contenu multimédia actif (/RichMedia)",
    "/XFA": "un formulaire XFA",
}
# The same names in the raw bytes (objects outside the cross-reference table still count:
# a viewer may rebuild a broken file from them).
_ACTIVE_RAW = re.compile(
    rb"/(JavaScript|JS|OpenAction|AA|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9#])"
)
MAX_PDF_OBJECTS = 200_000
# pypdf logs every repair it makes of a damaged file: a refused upload says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)
UNREADABLE_PDF = (
    "le fichier n'est pas un document PDF lisible (il est endommagé ou n'est pas un PDF)"
)


def _active_key(reader: "PdfReader") -> str | None:
    """The first active key found in every object reachable from the trailer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            return "/JS"  # a file built to exhaust the check is not a signed form
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(item.get_object())
        elif isinstance(item, DictionaryObject):
            for name, value in item.items():
                if str(name) in ACTIVE_PDF_KEYS:
                    return str(name)
                if (
                    name in ("/S", "/Type")
                    and isinstance(value, NameObject)
                    and str(value) in ("/JavaScript", "/Launch", "/EmbeddedFile")
                ):
                    return str(value)
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


def _active_message(what: str, key: str) -> str:
    label = ACTIVE_PDF_KEYS.get(key, "du contenu actif")
    return (
        f"{what} est refusé : ce PDF contient {label}. Envoyez un PDF simple (imprimé ou scanné)."
    )


def pdf_problem(what: str, data: bytes) -> str | None:
    """French message when the PDF ``data`` (``what``: « Le fichier joint ») does not parse,
    is encrypted, or carries JavaScript, automatic or launch actions or embedded files."""
    raw = _ACTIVE_RAW.search(bytes(data))
    if raw is not None:
        return _active_message(what, "/" + raw.group(1).decode())
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(bytes(data)), strict=False)
        if reader.is_encrypted:
            return f"{what} est refusé : ce PDF est protégé par un mot de passe."
        reader.pages  # noqa: B018 -- the page tree must parse
        key = _active_key(reader)
    except (
        PyPdfError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
        OSError,
        AssertionError,
    ):
        return f"{what} est refusé : {UNREADABLE_PDF}."
    return _active_message(what, key) if key is not None else None
