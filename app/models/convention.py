"""Conventions: the documents a pole concludes, with their embedded parts.

The lock lives here, below every write path: once a convention is validated, ``save()``,
``delete()`` and every queryset ``update``/``modify``/``delete`` refuse to touch it unless the
write comes from ``app.services.workflow`` (inside the writer's scope). Below them, the
collection itself (``WriterCollection``) refuses every write from elsewhere, whatever the
status: one writer of conventions.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    EmbeddedDocumentListField,
    IntField,
    ListField,
    ObjectIdField,
    QuerySet,
    ReferenceField,
    SaveConditionError,
)

from app.flags import Flag
from app.models.base import utcnow
from app.models.fields import TextField
from app.models.labels import Label
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.models.stored_file import StoredFile
from app.rules.articles import MAX_BODY
from app.rules.errors import ConventionLocked, ConventionWriteRefused, InvalidState
from app.rules.refusals import EVENT_LABELS, EventKind
from app.rules.states import (
    APPROVED_STATUSES,
    EDITABLE_NATURES,
    KIND_LABELS,
    LOCKED_STATUSES,
    SCHOOL_ROLE_LABELS,
    STATUS_LABELS,
    Kind,
    Nature,
    SchoolRole,
    Status,
    steps_done,
)

_in_writer = Flag("convention_writer")
_writer_claimed = False

LOCKED_MESSAGE = (
    "Cette convention est validée et verrouillée : elle ne peut plus être modifiée. "
    "Seule l'Administration peut la rouvrir, avant que toutes les parties aient signé."
)
STATUS_MESSAGE = "Le statut d'une convention ne change que par les étapes du circuit de validation."
WRITER_MESSAGE = (
    "Une convention ne se modifie que par les étapes du circuit (projet, validation, "
    "signatures, approbation) : cette écriture directe est refusée."
)


_writing = _in_writer.raised


def claim_writer() -> Callable[[], AbstractContextManager[None]]:
    """Hand the one writer's scope to its one owner, ``app.services.workflow._writer``.

    Inside that scope, and nowhere else, a convention document may be written. The scope is
    handed out once per process, so no other module can open it; a second claim is a
    programming error, not a user's."""
    global _writer_claimed
    if _writer_claimed:
        raise RuntimeError("The conventions' writer is already claimed (app.services.workflow).")
    _writer_claimed = True
    return _writing


def in_workflow() -> bool:
    """True inside the writer's scope (the verbs of ``app.services.workflow``)."""
    return _in_writer.is_set()


# The driver's methods that write documents of the collection (index maintenance aside).
_COLLECTION_WRITES = frozenset(
    {
        "insert_one",
        "insert_many",
        "update_one",
        "update_many",
        "replace_one",
        "delete_one",
        "delete_many",
        "find_one_and_update",
        "find_one_and_replace",
        "find_one_and_delete",
        "bulk_write",
        "drop",
        "rename",
    }
)


class WriterCollection:
    """The conventions collection as MongoEngine and every caller get it: reads pass, writes
    outside the writer's scope are refused. This is the last net below ``save()``, querysets,
    ``insert`` and ``_get_collection()`` used directly."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name in _COLLECTION_WRITES and not in_workflow():
            raise ConventionWriteRefused(WRITER_MESSAGE)
        attr = getattr(self._inner, name)
        if name == "with_options":
            return lambda *a, **k: WriterCollection(attr(*a, **k))
        return attr

    def __eq__(self, other: object) -> bool:
        inner = other._inner if isinstance(other, WriterCollection) else other
        return self._inner == inner

    def __hash__(self) -> int:
        return hash(self._inner)


class Derogation(EmbeddedDocument):
    file = ReferenceField(StoredFile, required=True)
    filename = TextField(required=True)
    content_type = TextField(required=True)
    size = IntField(required=True)
    uploaded_at = DateTimeField(default=utcnow)
    uploaded_by = TextField()


class ConventionSchool(EmbeddedDocument):
    """A school listed in a convention, with what the list page shows kept alongside."""

    school = ReferenceField(School, required=True)
    role = TextField(required=True, choices=[r.value for r in SchoolRole])
    fase = IntField()
    name = TextField()
    po = ReferenceField(OrganisingAuthority)
    po_fase = IntField()
    po_name = TextField()
    zone = IntField()
    derogation = EmbeddedDocumentField(Derogation)
    added_at = DateTimeField(default=utcnow)
    added_by = TextField()

    role_label = Label("role", SCHOOL_ROLE_LABELS)


class Article(EmbeddedDocument):
    # Documents written before ``required`` was dropped (``rules.articles.is_required``
    # decides) still load.
    meta = {"strict": False}

    key = TextField(required=True)  # "identification", "preambule", "1", "2", …
    number = IntField()  # None for the identification and the preamble
    position = IntField(required=True)
    title = TextField(required=True)
    nature = TextField(required=True, choices=[n.value for n in Nature])
    body = TextField(default="", max_length=MAX_BODY)
    data = DictField()  # structured content: points split, retrocession table
    complete = BooleanField(default=False)
    covers = TextField(default="")  # ressort: "partnership" / "cooperation" (from the template)
    form = TextField(default="")  # structured content: "points_split", "retrocession"
    updated_at = DateTimeField()
    updated_by = TextField()

    @property
    def editable(self) -> bool:
        """Written by the pole (required or optional), not generated nor fixed."""
        return self.nature in EDITABLE_NATURES

    @property
    def optional(self) -> bool:
        return self.nature == Nature.OPTIONAL

    @property
    def heading(self) -> str:
        return f"Article {self.number} – {self.title}" if self.number else self.title


class Signature(EmbeddedDocument):
    po = ReferenceField(OrganisingAuthority, required=True)
    po_name = TextField()
    user = ObjectIdField()
    username = TextField()
    name = TextField()
    capacity = TextField()
    signed_at = DateTimeField(default=utcnow)


class Acknowledgment(EmbeddedDocument):
    school = ReferenceField(School, required=True)
    school_name = TextField()
    user = ObjectIdField()
    username = TextField()
    name = TextField()
    capacity = TextField()
    acknowledged_at = DateTimeField(default=utcnow)


class ConventionEvent(EmbeddedDocument):
    """An entry of the convention's own history, shown to the pole: sent back by the
    Administration (with the signatures it had) or a PO delegate's decline to sign."""

    kind = TextField(required=True, choices=[k.value for k in EventKind])
    at = DateTimeField(default=utcnow)
    user = ObjectIdField()
    username = TextField()
    name = TextField()
    # The reason (sent back) or the comment (declined).
    text = TextField(default="", max_length=1000)
    po = ReferenceField(OrganisingAuthority)  # declined: the PO the delegate speaks for
    po_name = TextField()
    round = DateTimeField()  # declined: the validation it answers (``validated_at``)
    signatures = EmbeddedDocumentListField(Signature)  # sent back: removed from the document

    label = Label("kind", EVENT_LABELS)


class ConventionQuerySet(QuerySet):
    """Refuses bulk writes that would touch a locked convention outside the workflow."""

    def _guard(self, changes: dict[str, Any] | None = None) -> None:
        if in_workflow():
            return
        if changes and any(_touches_status(k, v) for k, v in changes.items()):
            raise InvalidState(STATUS_MESSAGE)
        if self.clone().filter(status__in=list(LOCKED_STATUSES)).only("id").first():
            raise ConventionLocked(LOCKED_MESSAGE)

    def _unlocked(self) -> "ConventionQuerySet":
        # On a real MongoDB the filter makes the write itself skip locked documents even if
        # one got validated between the check above and the write.
        if in_workflow():
            return self
        return self.filter(status__nin=list(LOCKED_STATUSES))

    # Each write's keyword options in mongoengine; every other keyword is a change to check.
    _UPDATE_OPTIONS = frozenset(
        {"upsert", "multi", "write_concern", "read_concern", "full_result", "array_filters"}
    )
    _MODIFY_OPTIONS = frozenset({"upsert", "full_response", "remove", "new", "array_filters"})

    def update(self, *args: Any, **kwargs: Any) -> Any:
        self._guard(_changes(kwargs, self._UPDATE_OPTIONS))
        return super(ConventionQuerySet, self._unlocked()).update(*args, **kwargs)

    def modify(self, *args: Any, **kwargs: Any) -> Any:
        self._guard(_changes(kwargs, self._MODIFY_OPTIONS))
        return super(ConventionQuerySet, self._unlocked()).modify(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._guard()
        return super(ConventionQuerySet, self._unlocked()).delete(*args, **kwargs)


def _changes(kwargs: dict[str, Any], options: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in kwargs.items() if key not in options}


def _touches_status(key: str, value: Any = None) -> bool:
    if key == "__raw__" and isinstance(value, dict):
        return (
            any(
                isinstance(fields, dict) and any(str(f).split(".")[0] == "status" for f in fields)
                for fields in value.values()
            )
            or "status" in value
        )
    return "status" in key.split("__")


class Convention(Document):
    kind = TextField(required=True, choices=Kind.choices())
    status = TextField(
        required=True,
        default=Status.DRAFT.value,
        choices=Status.choices(),
    )
    pole = ReferenceField(Pole, required=True)
    pole_number = IntField(required=True)  # denormalised sort key for list pages
    # One document per slot of a pole: "partnership", "ressort", "cooperation:<PO id>",
    # "specific:<school id>". Unique with the pole, so concurrent creations cannot double up.
    slot = TextField(required=True)
    seat_school = ReferenceField(School, required=True)
    seat_po = ReferenceField(OrganisingAuthority, required=True)
    counterpart_po = ReferenceField(OrganisingAuthority)
    school_year = TextField()
    # Deadlines (app.rules.deadlines): the due date, kept here so lists filter and sort on it;
    # a specific partnership's planned date the pupils are taken in charge.
    due_on = DateField()
    take_in_charge_on = DateField()
    # An amendment (avenant) is a convention of its parent's kind with ``parent`` set: it
    # holds only the points article and a motivation, for ``school_year`` (the year it takes
    # effect in), and goes through the same circuit (lock, signatures, approval, seal).
    parent = ReferenceField("Convention")
    schools = EmbeddedDocumentListField(ConventionSchool)
    articles = EmbeddedDocumentListField(Article)
    signatures = EmbeddedDocumentListField(Signature)
    acknowledgments = EmbeddedDocumentListField(Acknowledgment)
    history = EmbeddedDocumentListField(ConventionEvent)
    version = IntField(default=1)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    list_validated_at = DateTimeField()
    validated_at = DateTimeField()
    signed_at = DateTimeField()
    approved_at = DateTimeField()
    acknowledged_at = DateTimeField()
    snapshot = DictField()
    snapshot_sha256 = TextField()
    sealed_pdf = ReferenceField(StoredFile)
    sealed_pdf_sha256 = TextField()
    # Audit events written with the change they describe, until chained into the trail
    # (``app.services.audit.pending``): never shown, normally empty.
    pending_events = ListField(DictField())

    meta = {
        "collection": "conventions",
        "queryset_class": ConventionQuerySet,
        "indexes": [
            {"fields": ["pole", "slot"], "unique": True},
            ("pole_number", "kind"),
            ("kind", "pole_number"),
            "status",
            "schools.school",
            "schools.po",
            "seat_po",
            "snapshot_sha256",
            "sealed_pdf_sha256",
            ("due_on", "status"),
            ("school_year", "pole_number"),
            "parent",
            # The API's keyset pages: a filter, then the ids in order.
            ("pole_number", "id"),
            ("status", "id"),
            ("updated_at", "id"),
        ],
    }

    # -- the lock -------------------------------------------------------------------------

    @classmethod
    def _get_collection(cls) -> Any:  # type: ignore[override]
        # Every path MongoEngine or a caller takes to the collection (save, querysets,
        # insert, in_bulk, ``_get_collection()`` itself) goes through the writer's net.
        return WriterCollection(super()._get_collection())

    def save(self, *args: Any, **kwargs: Any) -> "Convention":
        if not in_workflow():
            if self.pk is None:
                if self.status != Status.DRAFT:
                    raise InvalidState(STATUS_MESSAGE)
            else:
                stored = (
                    type(self)._get_collection().find_one({"_id": self.pk}, {"status": 1}) or {}
                )
                if stored.get("status") in LOCKED_STATUSES:
                    raise ConventionLocked(LOCKED_MESSAGE)
                if stored and stored.get("status") != self.status:
                    raise InvalidState(STATUS_MESSAGE)
                # Guard the write itself against a validation landing in between.
                kwargs.setdefault("save_condition", {"status__nin": list(LOCKED_STATUSES)})
        try:
            return super().save(*args, **kwargs)
        except SaveConditionError as exc:
            if in_workflow():
                raise
            raise ConventionLocked(LOCKED_MESSAGE) from exc

    # -- reading helpers -------------------------------------------------------------------

    kind_label = Label("kind", KIND_LABELS)
    status_label = Label("status", STATUS_LABELS)

    @property
    def is_amendment(self) -> bool:
        return self._data.get("parent") is not None

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES

    @property
    def steps_done(self) -> dict[int, bool]:
        return steps_done(self.status, self.is_amendment)

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_STATUSES

    @property
    def list_validated(self) -> bool:
        """The school list is validated and the text not yet (the list may be reopened)."""
        return self.status == Status.LIST_VALIDATED

    @property
    def covers_partnership(self) -> bool:
        return any(e.role == SchoolRole.PARTNER for e in self.schools)

    @property
    def covers_cooperation(self) -> bool:
        return any(e.role == SchoolRole.COOPERATING for e in self.schools)

    def school_entry(self, school_id: Any) -> ConventionSchool | None:
        from app.models.base import ref_id

        for entry in self.schools:
            if ref_id(entry, "school") == school_id:
                return entry
        return None

    def article(self, key: str | int) -> Article | None:
        key = str(key)
        for art in self.articles:
            if art.key == key:
                return art
        return None

    @property
    def title(self) -> str:
        if self.is_amendment:
            return f"Avenant {self.school_year} – {self.base_title}"
        return self.base_title

    @property
    def base_title(self) -> str:
        if self.kind == Kind.COOPERATION and self.schools:
            return f"{self.kind_label} – {self.schools[0].po_name}"
        if self.kind == Kind.SPECIFIC_PARTNERSHIP and self.schools:
            return f"{self.kind_label} – {self.schools[0].name}"
        return self.kind_label

    def __str__(self) -> str:
        return f"{self.title} (pôle {self.pole_number})"
