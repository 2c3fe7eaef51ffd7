"""Uploaded files: the accepted kinds (recognised by their content), the size limit, a safe
name. Shared by the derogations and the signed access forms."""

import os

import filetype

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
