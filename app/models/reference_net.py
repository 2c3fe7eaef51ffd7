"""The net under every write of a school or a PO: ``save()``, ``delete()`` and queryset
``update``/``modify``/``delete`` ask ``app.services.reference`` whether the conventions that
list the object allow the change (``ReferenceLocked`` otherwise), whatever path writes."""

from typing import Any

from mongoengine import Document, QuerySet


def _refuse(model: type, pk: Any, changed: set[str], deleting: bool) -> None:
    # Imported here: the service reads conventions, whose model imports this one.
    from app.services import reference

    if model.__name__ == "School":
        reference.refuse_school_write(pk, changed, deleting=deleting)
    else:
        reference.refuse_po_write(pk, changed, deleting=deleting)


class GuardedReferenceQuerySet(QuerySet):
    """Bulk writes of locked fields, and deletions, go through the reference lock."""

    def _guard(self, update: dict[str, Any] | None, deleting: bool = False) -> None:
        from app.services.reference import update_keys_fields

        changed = update_keys_fields(update or {}, self._document.locked_fields)
        if not changed and not deleting:
            return
        for row in self.clone().only("id").as_pymongo():
            _refuse(self._document, row["_id"], changed, deleting)

    def update(self, *args: Any, **update: Any) -> Any:
        self._guard(update)
        return super().update(*args, **update)

    def update_one(self, *args: Any, **update: Any) -> Any:
        self._guard(update)
        return super().update_one(*args, **update)

    def modify(self, *args: Any, **update: Any) -> Any:
        self._guard(update)
        return super().modify(*args, **update)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._guard(None, deleting=True)
        return super().delete(*args, **kwargs)


class GuardedReference(Document):
    """Base of School and OrganisingAuthority: ``save()`` checks the locked fields."""

    meta = {"abstract": True, "queryset_class": GuardedReferenceQuerySet}
    locked_fields: frozenset[str] = frozenset()

    def save(self, *args: Any, **kwargs: Any) -> Any:
        if self.pk is not None:
            stored = type(self)._get_collection().find_one({"_id": self.pk})
            if stored is not None:
                from app.services.reference import changed_fields

                new = self.to_mongo().to_dict()
                changed = changed_fields(stored, new, self.locked_fields)
                if changed:
                    _refuse(type(self), self.pk, changed, False)
        return super().save(*args, **kwargs)
