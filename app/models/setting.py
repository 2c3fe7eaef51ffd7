"""Small application-wide facts kept in the database (e.g. that the demo data is loaded)."""

from typing import Any

from mongoengine import DateTimeField, Document, DynamicField

from app.models.base import utcnow
from app.models.fields import TextField


class AppSetting(Document):
    key = TextField(required=True, unique=True, max_length=100)
    value = DynamicField()
    updated_at = DateTimeField(default=utcnow)

    meta = {"collection": "settings"}

    @classmethod
    def get(cls, key: str, default: Any = None) -> Any:
        found = cls.objects(key=key).only("value").first()
        return found.value if found else default

    @classmethod
    def put(cls, key: str, value: Any) -> None:
        cls.objects(key=key).update_one(set__value=value, set__updated_at=utcnow(), upsert=True)
