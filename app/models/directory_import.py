"""An uploaded directory file between its preview and its confirmation."""

from mongoengine import BinaryField, DateTimeField, DictField, Document

from app.models.base import utcnow
from app.models.fields import TextField

MAX_DIRECTORY_BYTES = 8 * 1024 * 1024


class DirectoryImport(Document):
    """The file as uploaded; confirming re-reads it against the data of that moment.

    ``status`` goes ``previewed`` → ``applying`` (claimed by one confirmation) → ``applied``
    (or back to ``previewed`` when the file turned out to be in error).
    """

    filename = TextField(required=True, max_length=255)
    data = BinaryField(required=True, max_bytes=MAX_DIRECTORY_BYTES)
    sha256 = TextField(required=True, max_length=64)
    status = TextField(required=True, default="previewed")
    created_at = DateTimeField(default=utcnow)
    created_by = TextField(max_length=100)
    applied_at = DateTimeField()
    counts = DictField()

    meta = {"collection": "directory_imports", "indexes": ["created_at", "status"]}
