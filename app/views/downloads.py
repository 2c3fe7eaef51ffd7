"""A file the browser saves: one home for what every download says of itself.

Its name travels in ``Content-Disposition`` as werkzeug's ``send_file`` writes it (RFC 6266,
with ``filename*`` for a name outside ASCII, such as an uploaded « dérogation-été.pdf »); it
is never sniffed as another type, and never kept on disk nor in a shared cache: derogations,
signed forms and conventions are personal, and the computer may be a school's shared one.
"""

from collections.abc import Iterator
from io import BytesIO

from flask import Response, send_file

PRIVATE = "private, no-store"


def _private(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = PRIVATE
    return response


def download(data: bytes, mimetype: str, filename: str, *, etag: str | None = None) -> Response:
    """``data`` saved as ``filename``; with ``etag``, a client that has these bytes already
    gets 304 (``If-None-Match``)."""
    response = send_file(
        BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=filename,
        etag=etag or False,
        conditional=etag is not None,
    )
    return _private(response)


def streamed_download(chunks: Iterator[bytes], mimetype: str, filename: str) -> Response:
    """A file written while it is sent (the exports), saved as ``filename``."""
    response = Response(chunks, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return _private(response)
