"""Accounts (one per CERBERE username) and the grants that give them profiles."""

import secrets

from mongoengine import (
    BooleanField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    ReferenceField,
    StringField,
    ValidationError,
)
from werkzeug.security import check_password_hash, generate_password_hash

from app.models.base import ref_id, utcnow
from app.models.fields import TextField
from app.models.labels import Label
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.rules.collation import person_sort_key
from app.rules.notifications import PREFERENCES, Preference
from app.rules.roles import ROLE_LABELS, Role, scope_fields

# scrypt with werkzeug's default cost; tests lower it (hashing dominates their run time).
PASSWORD_HASH_METHOD = "scrypt"

_SCOPE_LABELS = {"pole": "le pôle", "school": "l'école", "po": "le pouvoir organisateur"}


class Grant(EmbeddedDocument):
    """One profile held by a user, with its scope."""

    role = TextField(required=True, choices=Role.choices())
    pole = ReferenceField(Pole)
    school = ReferenceField(School)
    po = ReferenceField(OrganisingAuthority)
    granted_at = DateTimeField(default=utcnow)
    granted_by = TextField()

    role_label = Label("role", ROLE_LABELS)

    def scope_error(self) -> str | None:
        needed = scope_fields(self.role)
        for field in needed:
            if ref_id(self, field) is None:
                return f"Le profil « {self.role_label} » doit préciser {_SCOPE_LABELS[field]}."
        for field in ("pole", "school", "po"):
            if field not in needed and ref_id(self, field) is not None:
                return f"Le profil « {self.role_label} » ne porte pas sur {_SCOPE_LABELS[field]}."
        return None

    def same_as(self, other: "Grant") -> bool:
        return self.role == other.role and all(
            ref_id(self, f) == ref_id(other, f) for f in ("pole", "school", "po")
        )


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Document):
    username = TextField(required=True, unique=True, max_length=64)
    first_name = TextField(max_length=100, default="")
    last_name = TextField(max_length=100, default="")
    sort_name = StringField()  # app.rules.collation: last then first name, French order
    email = TextField(max_length=200)
    phone = TextField(max_length=40)
    password_hash = TextField()
    active = BooleanField(default=True)
    grants = EmbeddedDocumentListField(Grant)
    # Flask-Login's id: rotating it ends every session and remember-me cookie at once.
    session_token = TextField(required=True, unique=True, default=new_session_token)
    help_enabled = BooleanField(default=True)
    # How workflow mail reaches this user (app.rules.notifications); security mail always goes.
    notifications = TextField(choices=PREFERENCES, default=Preference.IMMEDIATE.value)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField()
    password_changed_at = DateTimeField()

    meta = {
        "collection": "users",
        "indexes": ["grants.pole", "grants.role", "email", "active", "sort_name"],
    }

    # -- Flask-Login protocol (kept here so the CLI and rules share the same notion) -------

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    # -- passwords --------------------------------------------------------------------------

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    # -- validation -------------------------------------------------------------------------

    def clean(self) -> None:
        self.username = (self.username or "").strip().lower()
        if not self.username:
            raise ValidationError("Le nom d'utilisateur (compte CERBERE) est obligatoire.")
        if not all(c.isalnum() or c in "-_." for c in self.username):
            raise ValidationError(
                "Le nom d'utilisateur ne peut contenir que des lettres, des chiffres, "
                "des points, des tirets et des soulignés."
            )
        for grant in self.grants:
            message = grant.scope_error()
            if message:
                raise ValidationError(message)
        clash = User.objects(username=self.username, id__ne=self.pk).only("id").first()
        if clash:
            raise ValidationError(f"Le nom d'utilisateur « {self.username} » est déjà pris.")
        self.sort_name = person_sort_key(self.last_name, self.first_name, self.username)

    @property
    def full_name(self) -> str:
        name = f"{self.first_name or ''} {self.last_name or ''}".strip()
        return name or self.username

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"
