"""Files kept in the database: derogations, signed paper forms, sealed PDFs."""

import hashlib

from mongoengine import BinaryField, DateTimeField, Document, IntField

from app.models.base import utcnow
from app.models.fields import TextField
from app.rules.uploads import MAX_FILE_BYTES


class StoredFile(Document):
    filename = TextField(required=True, max_length=255)
    content_type = TextField(required=True, max_length=100)
    size = IntField(required=True)
    sha256 = TextField(required=True, max_length=64)
    data = BinaryField(required=True, max_bytes=MAX_FILE_BYTES + 1024 * 1024)
    created_at = DateTimeField(default=utcnow)
    created_by = TextField(max_length=100)

    meta = {"collection": "files", "indexes": ["sha256"]}

    @classmethod
    def store(
        cls, filename: str, content_type: str, data: bytes, created_by: str | None
    ) -> "StoredFile":
        return cls(
            filename=filename,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            created_by=created_by,
        ).save()
