"""Access and revocation requests (annexes 1, 2, 3 and 5 of the circular) and the one-time
links by which a new user sets a password."""

from mongoengine import (
    BooleanField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    EmbeddedDocumentListField,
    IntField,
    ReferenceField,
)

from app.models.base import utcnow
from app.models.fields import TextField
from app.models.labels import Label
from app.models.organisation import OrganisingAuthority
from app.models.school import School
from app.models.stored_file import StoredFile
from app.models.user import Grant, User

KIND_ACCESS = "access"
KIND_REVOCATION = "revocation"
KIND_LABELS = {KIND_ACCESS: "Demande d'accès", KIND_REVOCATION: "Demande de révocation"}

# The profile asked for, as on the annexes; "all" only for a revocation.
PROFILE_LABELS = {
    "coordinator": "Coordonnateur (annexe 1)",
    "po": "Pouvoir organisateur (annexe 2)",
    "direction": "Direction (annexe 3)",
}
REVOCATION_PROFILE_LABELS = {
    "coordinator": "Coordonnateur",
    "po": "Pouvoir organisateur (délégué PO)",
    "direction": "Direction",
    "all": "Tous ses profils liés à cette école ou à ce PO",
}

STATUS_PENDING = "pending"
STATUS_APPROVED = "approved"
STATUS_REJECTED = "rejected"
# The colour of each status's badge on support's pages.
STATUS_BADGES = {
    STATUS_PENDING: "warning",
    STATUS_APPROVED: "success",
    STATUS_REJECTED: "secondary",
}
STATUS_LABELS = {
    STATUS_PENDING: "En attente",
    STATUS_APPROVED: "Acceptée",
    STATUS_REJECTED: "Refusée",
}

CAPACITY_LABELS = {
    "president_admin": "Président(e) ou administrateur(trice) du Pouvoir organisateur",
    "other": "Autre",
}


class Party(EmbeddedDocument):
    """A PO or a school as the requester wrote it (①, ②)."""

    fase = IntField()
    name = TextField(max_length=200)
    address = TextField(max_length=300)


class Signatory(EmbeddedDocument):
    """③ « Je soussigné(e) »."""

    last_name = TextField(max_length=100)
    first_name = TextField(max_length=100)
    capacity = TextField(choices=list(CAPACITY_LABELS))
    capacity_other = TextField(max_length=200)

    @property
    def capacity_label(self) -> str:
        if self.capacity == "other":
            return f"Autre : {self.capacity_other or ''}".strip()
        return CAPACITY_LABELS.get(self.capacity or "", "—")


class Person(EmbeddedDocument):
    """④ The person to give access to (or whose access ends)."""

    last_name = TextField(max_length=100)
    first_name = TextField(max_length=100)
    function = TextField(max_length=200)
    email = TextField(max_length=200)
    phone = TextField(max_length=40)
    username = TextField(max_length=64)

    @property
    def full_name(self) -> str:
        return f"{self.first_name or ''} {self.last_name or ''}".strip()


class AccessRequest(Document):
    reference = TextField(required=True, unique=True, max_length=20)
    kind = TextField(required=True, choices=list(KIND_LABELS))
    profile = TextField(required=True, choices=list(REVOCATION_PROFILE_LABELS))
    po = EmbeddedDocumentField(Party, required=True)
    school = EmbeddedDocumentField(Party, required=True)
    signatory = EmbeddedDocumentField(Signatory, required=True)
    person = EmbeddedDocumentField(Person, required=True)
    # The PO and school the FASE numbers designate in our data (checked at submission).
    po_ref = ReferenceField(OrganisingAuthority)
    school_ref = ReferenceField(School)
    attachment = ReferenceField(StoredFile)
    status = TextField(required=True, default=STATUS_PENDING, choices=list(STATUS_LABELS))
    created_at = DateTimeField(default=utcnow)
    remote_addr = TextField(max_length=64)
    decided_at = DateTimeField()
    decided_by = TextField(max_length=64)
    reason = TextField(max_length=2000)
    # What the approval did: the grants given or taken away, the account concerned.
    applied_grants = EmbeddedDocumentListField(Grant)
    account = ReferenceField(User)
    account_created = BooleanField(default=False)

    meta = {
        "collection": "access_requests",
        "indexes": ["status", "kind", "profile", "-created_at", "person.username"],
        "ordering": ["-created_at"],
    }

    kind_label = Label("kind", KIND_LABELS)

    @property
    def profile_label(self) -> str:
        labels = PROFILE_LABELS if self.kind == KIND_ACCESS else REVOCATION_PROFILE_LABELS
        return labels.get(self.profile, self.profile)

    status_label = Label("status", STATUS_LABELS)
    status_badge = Label("status", STATUS_BADGES, default="secondary")

    @property
    def is_revocation(self) -> bool:
        return self.kind == KIND_REVOCATION

    @property
    def is_pending(self) -> bool:
        """Still awaiting support's decision."""
        return self.status == STATUS_PENDING

    def __str__(self) -> str:
        return self.reference


class RequestCounter(Document):
    """Per-year sequence of request references, bumped with an atomic ``$inc``."""

    name = TextField(required=True, unique=True, max_length=40)
    value = IntField(default=0)

    meta = {"collection": "counters"}


class PasswordToken(Document):
    """A one-time, expiring link to set a password. Only the SHA-256 of the token is kept."""

    user = ReferenceField(User, required=True)
    token_hash = TextField(required=True, unique=True, max_length=64)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(required=True)
    used_at = DateTimeField()

    meta = {"collection": "password_tokens", "indexes": ["user", "expires_at"]}
