"""The net under every write of a school or a PO: ``save()``, ``delete()`` and queryset
``update``/``modify``/``delete`` ask ``app.services.reference`` whether the conventions that
list the object allow the change (``ReferenceLocked`` otherwise), whatever path writes."""

from typing import Any

from mongoengine import Document, IntField, QuerySet, StringField, ValidationError

from app.models.base import french_check
from app.models.fields import TextField
from app.rules.collation import sort_key
from app.rules.reference import fase_error


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
    """Base of School and OrganisingAuthority: what both are (a FASE number, a name that
    sorts in French order, an address), and ``save()`` checks the locked fields."""

    meta = {"abstract": True, "queryset_class": GuardedReferenceQuerySet}
    locked_fields: frozenset[str] = frozenset()
    # French messages of `clean`, in each subclass's words (« de l'école », « du PO »).
    name_required = "La dénomination est obligatoire."
    fase_taken = "Le numéro FASE {fase} est déjà utilisé."

    fase = IntField(required=True, unique=True, validation=french_check(fase_error))
    name = TextField(required=True, max_length=200)
    sort_name = StringField()  # app.rules.collation: French order on every store
    street = TextField(max_length=200)
    postal_code = TextField(max_length=10)
    city = TextField(max_length=100)

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        self.sort_name = sort_key(self.name)
        if not self.name:
            raise ValidationError(self.name_required)
        clash = type(self).objects(fase=self.fase, id__ne=self.pk).only("id")
        if fase_error(self.fase) is None and clash.first():
            raise ValidationError(self.fase_taken.format(fase=self.fase))

    @property
    def address(self) -> str:
        place = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.street, place) if p)

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
