"""Access management: the request forms of annexes 1–3 and 5, the support staff's decisions,
revocation, and the one-time links by which a new user sets a password.

Pure Python (no Flask). Every function that changes something takes the acting ``User``
last, records an audit event (refusals too) and raises ``RuleViolation`` with a French
message. Decisions are atomic conditional updates: a request leaves ``pending`` only once.
"""

import hashlib
import logging
import re
import secrets
import unicodedata
from datetime import timedelta
from typing import Any

import filetype
from email_validator import EmailNotValidError, validate_email
from mongoengine import Q

from app.models.access_request import (
    KIND_ACCESS,
    KIND_REVOCATION,
    PROFILE_LABELS,
    REVOCATION_PROFILE_LABELS,
    STATUS_APPROVED,
    STATUS_PENDING,
    STATUS_REJECTED,
    AccessRequest,
    Party,
    PasswordToken,
    Person,
    RequestCounter,
    Signatory,
)
from app.models.base import utcnow
from app.models.organisation import OrganisingAuthority
from app.models.outbox import OutboxMessage
from app.models.pole import Pole
from app.models.school import School
from app.models.stored_file import MAX_FILE_BYTES, StoredFile
from app.models.user import Grant, User, new_session_token
from app.rules import audit
from app.rules.errors import InvalidState, NotFound, PermissionDenied, RuleViolation
from app.rules.passwords import password_problems
from app.rules.permissions import Action, can
from app.rules.refs import ref_id
from app.rules.roles import (
    BACKOFFICE_ROLES,
    DIRECTOR_ROLES,
    PO_DELEGATE_ROLES,
    ROLE_LABELS,
    Role,
)

log = logging.getLogger(__name__)

TOKEN_LIFETIME = timedelta(hours=48)
PASSWORD_PATH = "/mot-de-passe/"
MAX_REASON = 2000

# The form's fields, in the order of the annexes (①–④).
FIELDS: tuple[str, ...] = (
    "profile",
    "po_fase",
    "po_name",
    "po_address",
    "school_fase",
    "school_name",
    "school_address",
    "signatory_last_name",
    "signatory_first_name",
    "signatory_capacity",
    "signatory_capacity_other",
    "person_last_name",
    "person_first_name",
    "person_function",
    "person_email",
    "person_phone",
    "person_username",
)
_MAX_LENGTHS = {
    "po_name": 200,
    "po_address": 300,
    "school_name": 200,
    "school_address": 300,
    "signatory_last_name": 100,
    "signatory_first_name": 100,
    "signatory_capacity_other": 200,
    "person_last_name": 100,
    "person_first_name": 100,
    "person_function": 200,
    "person_email": 200,
    "person_phone": 40,
    "person_username": 64,
}
_REQUIRED = {
    "po_name": "Indiquez la dénomination du pouvoir organisateur.",
    "po_address": "Indiquez l'adresse du pouvoir organisateur.",
    "school_name": "Indiquez la dénomination de l'école.",
    "school_address": "Indiquez l'adresse de l'école.",
    "signatory_last_name": "Indiquez le nom du ou de la signataire.",
    "signatory_first_name": "Indiquez le prénom du ou de la signataire.",
    "person_last_name": "Indiquez le nom de la personne concernée.",
    "person_first_name": "Indiquez le prénom de la personne concernée.",
    "person_function": "Indiquez la fonction de la personne concernée.",
    "person_phone": "Indiquez un numéro de téléphone ou de GSM.",
}
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PHONE_RE = re.compile(r"^\+?[0-9 ./()-]{6,40}$")

# The school's place in a pole → (director role, PO delegate role).
PLACE_ROLES: dict[str, tuple[Role, Role]] = {
    "seat": (Role.SEAT_DIRECTOR, Role.SEAT_PO_DELEGATE),
    "partner": (Role.PARTNER_DIRECTOR, Role.PARTNER_PO_DELEGATE),
    "specific_partner": (Role.SPECIFIC_DIRECTOR, Role.SPECIFIC_PO_DELEGATE),
    "cooperating": (Role.COOPERATING_DIRECTOR, Role.COOPERATING_PO_DELEGATE),
}
_PLACE_FIELDS = {
    "seat": "seat_school",
    "partner": "partner_schools",
    "specific_partner": "specific_partner_schools",
    "cooperating": "cooperating_schools",
}


class FieldErrors(RuleViolation):
    """The form's errors, field by field (``errors``: field name → French message)."""

    def __init__(self, errors: dict[str, str]) -> None:
        count = len(errors)
        super().__init__(
            "La demande contient une erreur : corrigez le champ signalé."
            if count == 1
            else f"La demande contient {count} erreurs : corrigez les champs signalés."
        )
        self.errors = errors


# --- Submission (public) ----------------------------------------------------------------


def _text(value: Any) -> str:
    """A single-line string from form input: anything else (a dict, a list) counts as empty."""
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFC", value)
    value = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in value)
    return " ".join(value.split())


def _fase(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 8 and int(value) > 0 else None


def check_pdf(filename: str, data: bytes) -> str | None:
    """French message when ``data`` is not an acceptable signed form, else None.

    The content decides, never the name or the type the browser claims: a PDF starts with
    ``%PDF-``, ends with ``%%EOF`` and the ``filetype`` sniffer must agree.
    """
    if not isinstance(data, bytes | bytearray) or len(data) == 0:
        return "Le fichier joint est vide."
    if len(data) > MAX_FILE_BYTES:
        size_mb = len(data) / (1024 * 1024)
        return (
            f"Le fichier joint est trop volumineux ({size_mb:.1f} Mo) : "
            f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au plus."
        )
    guessed = filetype.guess(bytes(data[:8192]))
    if (
        not bytes(data).startswith(b"%PDF-")
        or b"%%EOF" not in bytes(data[-2048:])
        or guessed is None
        or guessed.mime != "application/pdf"
    ):
        return (
            "Le fichier joint doit être le formulaire signé au format PDF "
            "(son contenu n'est pas celui d'un document PDF)."
        )
    return None


def _clean_filename(filename: str) -> str:
    name = _text(filename).replace("/", "_").replace("\\", "_").strip(". ")
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = "".join(c for c in stem if c.isalnum() or c in " -_.()")[:150].strip() or "formulaire"
    return f"{stem}.pdf"


def pole_places(school: Any) -> list[tuple[Pole, str]]:
    """The poles ``school`` belongs to and its place in each (seat, partner, …)."""
    school_id = getattr(school, "pk", school)
    criteria = Q()
    for field in _PLACE_FIELDS.values():
        criteria |= Q(**{field: school_id})
    places: list[tuple[Pole, str]] = []
    poles = Pole.objects(criteria).only("number", "name", *_PLACE_FIELDS.values())
    for pole in sorted(poles, key=lambda p: p.number):
        for place, field in _PLACE_FIELDS.items():
            raw = pole._data.get(field)
            ids = {ref_id_of(v) for v in (raw if isinstance(raw, list) else [raw])}
            if school_id in ids:
                places.append((pole, place))
    return places


def ref_id_of(value: Any) -> Any:
    """The id of a stored reference value (document, DBRef or bare id)."""
    if value is None:
        return None
    if hasattr(value, "pk"):
        return value.pk
    return getattr(value, "id", value)


def _derive_grants(profile: str, school: School, po: OrganisingAuthority) -> list[Grant]:
    grants: list[Grant] = []
    for pole, place in pole_places(school):
        if profile == "coordinator":
            if place == "seat":
                grants.append(Grant(role=Role.COORDINATOR.value, pole=pole))
        elif profile == "direction":
            grants.append(Grant(role=PLACE_ROLES[place][0].value, pole=pole, school=school))
        elif profile == "po":
            grants.append(Grant(role=PLACE_ROLES[place][1].value, pole=pole, po=po))
    return grants


def _validate(data: dict[str, Any], kind: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Check the form; return (errors, values) with the PO and school found in the data."""
    values = {name: _text(data.get(name)) for name in FIELDS}
    errors: dict[str, str] = {}
    for name, limit in _MAX_LENGTHS.items():
        if len(values[name]) > limit:
            errors[name] = f"Ce champ ne peut pas dépasser {limit} caractères."
    for name, message in _REQUIRED.items():
        if not values[name] and name not in errors:
            errors[name] = message

    allowed = PROFILE_LABELS if kind == KIND_ACCESS else REVOCATION_PROFILE_LABELS
    if values["profile"] not in allowed:
        errors["profile"] = "Choisissez le profil concerné."

    po = school = None
    po_fase, school_fase = _fase(values["po_fase"]), _fase(values["school_fase"])
    if not values["po_fase"]:
        errors["po_fase"] = "Indiquez le numéro FASE du pouvoir organisateur."
    elif po_fase is None:
        errors["po_fase"] = "Le numéro FASE est un nombre entier positif (8 chiffres au plus)."
    else:
        po = OrganisingAuthority.objects(fase=po_fase).first()
        if po is None:
            errors["po_fase"] = f"Aucun pouvoir organisateur ne porte le numéro FASE {po_fase}."
    if not values["school_fase"]:
        errors["school_fase"] = "Indiquez le numéro FASE de l'école."
    elif school_fase is None:
        errors["school_fase"] = "Le numéro FASE est un nombre entier positif (8 chiffres au plus)."
    else:
        school = School.objects(fase=school_fase).first()
        if school is None:
            errors["school_fase"] = f"Aucune école ne porte le numéro FASE {school_fase}."
        elif po is not None and ref_id(school, "po") != po.pk:
            errors["school_fase"] = (
                f"L'école FASE {school_fase} n'appartient pas au pouvoir organisateur "
                f"FASE {po_fase}."
            )

    capacity = values["signatory_capacity"]
    if capacity not in ("president_admin", "other"):
        errors["signatory_capacity"] = (
            "Indiquez si le ou la signataire est président(e) ou administrateur(trice) du "
            "pouvoir organisateur, ou sa qualité."
        )
    elif capacity == "other" and not values["signatory_capacity_other"]:
        errors["signatory_capacity_other"] = "Précisez la qualité du ou de la signataire."
    if capacity != "other":
        values["signatory_capacity_other"] = ""

    if "person_email" not in errors:
        if not values["person_email"]:
            errors["person_email"] = "Indiquez l'adresse e-mail de contact."
        else:
            try:
                checked = validate_email(values["person_email"], check_deliverability=False)
                values["person_email"] = checked.normalized
            except EmailNotValidError:
                errors["person_email"] = "Cette adresse e-mail n'est pas valide."
    if "person_phone" not in errors and not PHONE_RE.match(values["person_phone"]):
        errors["person_phone"] = (
            "Ce numéro de téléphone n'est pas valide (chiffres, espaces, « + », « / », "
            "« . » ou « - »)."
        )
    username = values["person_username"].lower()
    values["person_username"] = username
    if not username:
        errors["person_username"] = "Indiquez le compte CERBERE personnel."
    elif not USERNAME_RE.match(username):
        errors["person_username"] = (
            "Le compte CERBERE se compose de 2 à 64 lettres minuscules, chiffres, points, "
            "tirets ou soulignés, et commence par une lettre ou un chiffre."
        )

    if kind == KIND_ACCESS and school is not None and "school_fase" not in errors:
        profile = values["profile"]
        places = pole_places(school)
        if not places:
            errors["school_fase"] = (
                f"L'école FASE {school.fase} ne fait partie d'aucun pôle territorial : "
                "aucun profil ne peut y être attribué."
            )
        elif profile == "coordinator" and not any(p == "seat" for _pole, p in places):
            errors["school_fase"] = (
                "Le profil coordonnateur se demande pour l'école siège du pôle : "
                f"l'école FASE {school.fase} n'est l'école siège d'aucun pôle."
            )
    return errors, {**values, "po": po, "school": school}


def next_reference(year: int) -> str:
    """``EP-2026-000123``: a per-year sequence bumped atomically."""
    counter = RequestCounter.objects(name=f"access-{year}").modify(
        upsert=True, new=True, inc__value=1
    )
    return f"EP-{year}-{counter.value:06d}"


def submit_request(
    data: dict[str, Any],
    attachment: tuple[str, bytes] | None = None,
    *,
    kind: str = KIND_ACCESS,
    remote_addr: str | None = None,
) -> AccessRequest:
    """Record an access (annexes 1–3) or revocation (annex 5) request from the public form.

    Raises ``FieldErrors`` (field → French message) when anything is wrong; nothing is
    stored then.
    """
    if kind not in (KIND_ACCESS, KIND_REVOCATION):
        raise RuleViolation("Type de demande inconnu.")
    if not isinstance(data, dict):
        data = {}
    errors, values = _validate(data, kind)
    file_data: bytes | None = None
    filename = ""
    if attachment is not None:
        filename, file_data = attachment
        problem = check_pdf(filename, file_data)
        if problem:
            errors["attachment"] = problem
    if not errors:
        duplicate = AccessRequest.objects(
            kind=kind,
            status=STATUS_PENDING,
            profile=values["profile"],
            school_ref=values["school"],
            person__username=values["person_username"],
        ).first()
        if duplicate is not None:
            errors["person_username"] = (
                "Une demande identique pour ce compte et cette école est déjà en attente "
                "de traitement."
            )
    if errors:
        raise FieldErrors(errors)

    now = utcnow()
    reference = next_reference(now.year)
    stored = None
    if file_data is not None:
        stored = StoredFile.store(
            _clean_filename(filename), "application/pdf", bytes(file_data), reference
        )
    request = AccessRequest(
        reference=reference,
        kind=kind,
        profile=values["profile"],
        po=Party(fase=int(values["po_fase"]), name=values["po_name"], address=values["po_address"]),
        school=Party(
            fase=int(values["school_fase"]),
            name=values["school_name"],
            address=values["school_address"],
        ),
        signatory=Signatory(
            last_name=values["signatory_last_name"],
            first_name=values["signatory_first_name"],
            capacity=values["signatory_capacity"],
            capacity_other=values["signatory_capacity_other"] or None,
        ),
        person=Person(
            last_name=values["person_last_name"],
            first_name=values["person_first_name"],
            function=values["person_function"],
            email=values["person_email"],
            phone=values["person_phone"],
            username=values["person_username"],
        ),
        po_ref=values["po"],
        school_ref=values["school"],
        attachment=stored,
        created_at=now,
        remote_addr=(remote_addr or "")[:64] or None,
    ).save()
    audit.record(
        "access_requested" if kind == KIND_ACCESS else "revocation_requested",
        None,
        target=f"request:{reference}",
        details={
            "profile": request.profile,
            "username": request.person.username,
            "school_fase": request.school.fase,
            "ip": remote_addr or "",
        },
    )
    return request


# --- What a decision would do ------------------------------------------------------------


def grants_for_request(request: AccessRequest) -> list[Grant]:
    """The grants an approval gives (access) or takes away (revocation).

    Access: derived from the school's place in each pole — a director of a partner school
    gets ``partner_director`` on that pole, a PO delegate ``partner_po_delegate`` with the
    school's PO, a coordinator ``coordinator`` of the poles whose seat is the school.
    Revocation: the account's current grants that this school or PO covers.
    """
    school = request.school_ref
    po = request.po_ref
    if school is None or po is None:
        return []
    if request.kind == KIND_ACCESS:
        return _derive_grants(request.profile, school, po)
    account = User.objects(username=request.person.username).first()
    if account is None:
        return []
    pole_ids = {pole.pk for pole, _place in pole_places(school)}
    matching = []
    for grant in account.grants:
        role = Role(grant.role)
        if role in BACKOFFICE_ROLES:
            continue
        direction = role in DIRECTOR_ROLES and ref_id(grant, "school") == school.pk
        delegate = role in PO_DELEGATE_ROLES and ref_id(grant, "po") == po.pk
        coordinator = role == Role.COORDINATOR and ref_id(grant, "pole") in pole_ids
        wanted = {
            "direction": direction,
            "po": delegate,
            "coordinator": coordinator,
            "all": direction or delegate or coordinator,
        }
        if wanted.get(request.profile, False):
            matching.append(grant)
    return matching


def grant_key(grant: Grant) -> str:
    """A stable text key of a grant (role and scope ids), for forms and audit details."""
    parts = [grant.role] + [str(ref_id(grant, f) or "") for f in ("pole", "school", "po")]
    return "|".join(parts)


def describe_grant(grant: Grant) -> str:
    """« Direction école partenaire – pôle 1, école FASE 2103 » (for people and the audit)."""
    scope = []
    pole = grant.pole
    if pole is not None:
        scope.append(f"pôle {pole.number}")
    if grant.school is not None:
        scope.append(f"école FASE {grant.school.fase}")
    if grant.po is not None:
        scope.append(f"PO FASE {grant.po.fase}")
    label = ROLE_LABELS.get(grant.role, grant.role)
    return f"{label} – {', '.join(scope)}" if scope else label


def _is_backoffice_account(user: User) -> bool:
    return any(Role(g.role) in BACKOFFICE_ROLES for g in user.grants)


def _require(actor: Any, action: Action, what: str, target: str) -> None:
    if not can(actor, action):
        audit.record(what, actor, outcome="refused", target=target, details={"why": action})
        raise PermissionDenied("Votre profil ne permet pas de traiter les demandes d'accès.")


def _claim(request: AccessRequest, status: str, actor: Any, reason: str | None) -> None:
    """pending → approved/rejected, once: the filter on ``pending`` makes it atomic."""
    changed = AccessRequest.objects(pk=request.pk, status=STATUS_PENDING).update_one(
        set__status=status,
        set__decided_at=utcnow(),
        set__decided_by=getattr(actor, "username", None),
        set__reason=reason,
    )
    if not changed:
        raise InvalidState(f"La demande {request.reference} a déjà été traitée.")


# --- Decisions (support staff, Administration) -------------------------------------------


def approve_request(request: AccessRequest, actor: Any, *, base_url: str = "") -> AccessRequest:
    """Accept a request: give the grants (creating the account if needed, with a one-time
    link to set its password) or, for a revocation, take them away at once."""
    target = f"request:{request.reference}"
    _require(actor, Action.REVIEW_ACCESS, "access_request_approved", target)
    request.reload()
    if request.status != STATUS_PENDING:
        raise InvalidState(f"La demande {request.reference} a déjà été traitée.")
    grants = grants_for_request(request)
    account = User.objects(username=request.person.username).first()
    backoffice_refused = any(Role(g.role) in BACKOFFICE_ROLES for g in grants) or (
        account is not None and _is_backoffice_account(account)
    )
    if backoffice_refused and not can(actor, Action.GRANT_BACKOFFICE):
        audit.record(
            "access_request_approved",
            actor,
            outcome="refused",
            target=target,
            details={"why": "back-office"},
        )
        raise PermissionDenied(
            "Ce compte relève du back-office : seule l'Administration peut modifier ses accès."
        )
    if request.kind == KIND_REVOCATION:
        return _approve_revocation(request, account, grants, actor)
    if not grants:
        raise RuleViolation(
            "Aucun profil ne découle de cette demande (l'école ne fait plus partie d'un pôle "
            "à ce titre) : refusez-la en indiquant le motif."
        )
    _claim(request, STATUS_APPROVED, actor, None)

    created = account is None
    needs_password = created
    if created:
        account = User(
            username=request.person.username,
            first_name=request.person.first_name,
            last_name=request.person.last_name,
            email=request.person.email,
            phone=request.person.phone,
            active=True,
            grants=[],
        )
        account.save()
    new = [g for g in grants if not any(g.same_as(h) for h in account.grants)]
    for grant in new:
        grant.granted_at = utcnow()
        grant.granted_by = getattr(actor, "username", None)
    updates: dict[str, Any] = {}
    if new:
        updates["push_all__grants"] = new
    if not account.active:
        # A former account comes back: a fresh password, chosen by its owner.
        updates.update(
            set__active=True, unset__password_hash=True, set__session_token=new_session_token()
        )
        needs_password = True
    elif not account.password_hash:
        needs_password = True
    if updates:
        User.objects(pk=account.pk).update_one(**updates)
    account.reload()
    AccessRequest.objects(pk=request.pk).update_one(
        set__applied_grants=new, set__account=account, set__account_created=created
    )
    described = [describe_grant(g) for g in new]
    audit.record(
        "access_granted",
        actor,
        target=f"user:{account.username}",
        details={"request": request.reference, "grants": described, "created": created},
    )
    if needs_password:
        token = issue_password_token(account)
        link = f"{base_url.rstrip('/')}{PASSWORD_PATH}{token}"
        body = (
            f"Bonjour {request.person.full_name},\n\n"
            f"Votre demande d'accès à l'application e-Pôles ({request.reference}) a été "
            "acceptée.\n\n"
            f"Votre nom d'utilisateur : {account.username}\n"
            "Profils attribués :\n"
            + "".join(f"  – {d}\n" for d in described)
            + "\nChoisissez votre mot de passe en suivant ce lien (valable 48 heures, "
            f"une seule fois) :\n{link}\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message et prévenez "
            "poles.territoriaux@cfwb.be.\n\nL'équipe e-Pôles"
        )
    else:
        body = (
            f"Bonjour {request.person.full_name},\n\n"
            f"Votre demande d'accès ({request.reference}) a été acceptée. Les profils suivants "
            f"ont été ajoutés à votre compte {account.username} :\n"
            + "".join(f"  – {d}\n" for d in described)
            + "\nIls sont disponibles dès votre prochaine connexion.\n\nL'équipe e-Pôles"
        )
    queue_mail(
        request.person.email or account.email or "",
        f"e-Pôles – votre demande d'accès {request.reference} est acceptée",
        body,
        topic=f"request:{request.reference}",
    )
    request.reload()
    return request


def _approve_revocation(
    request: AccessRequest, account: User | None, grants: list[Grant], actor: Any
) -> AccessRequest:
    if account is None:
        raise NotFound(
            f"Aucun compte « {request.person.username} » n'existe : refusez la demande en "
            "indiquant le motif."
        )
    if not grants:
        raise RuleViolation(
            f"Le compte « {account.username} » ne détient aucun profil lié à cette école ou à ce "
            "pouvoir organisateur : refusez la demande en indiquant le motif."
        )
    _claim(request, STATUS_APPROVED, actor, None)
    for grant in grants:
        revoke_user(account, actor, grant, request_ref=request.reference)
    AccessRequest.objects(pk=request.pk).update_one(
        set__applied_grants=grants, set__account=account
    )
    request.reload()
    return request


def reject_request(request: AccessRequest, reason: str, actor: Any) -> AccessRequest:
    """Refuse a request; the reason is required and, for an access request, sent by e-mail."""
    target = f"request:{request.reference}"
    _require(actor, Action.REVIEW_ACCESS, "access_request_rejected", target)
    reason = (reason if isinstance(reason, str) else "").strip()
    if not reason:
        raise RuleViolation("Indiquez le motif du refus.")
    if len(reason) > MAX_REASON:
        raise RuleViolation(f"Le motif ne peut pas dépasser {MAX_REASON} caractères.")
    _claim(request, STATUS_REJECTED, actor, reason)
    audit.record(
        "access_request_rejected",
        actor,
        target=target,
        details={"reason": reason, "username": request.person.username},
    )
    if request.kind == KIND_ACCESS and request.person.email:
        queue_mail(
            request.person.email,
            f"e-Pôles – votre demande d'accès {request.reference} est refusée",
            f"Bonjour {request.person.full_name},\n\n"
            f"Votre demande d'accès à l'application e-Pôles ({request.reference}) a été "
            f"refusée pour le motif suivant :\n\n{reason}\n\n"
            "Pour toute question : poles.territoriaux@cfwb.be.\n\nL'équipe e-Pôles",
            topic=target,
        )
    request.reload()
    return request


# --- Revocation ---------------------------------------------------------------------------


def _grant_filter(grant: Grant) -> dict[str, Any]:
    found: dict[str, Any] = {"role": grant.role}
    for field in ("pole", "school", "po"):
        value = ref_id(grant, field)
        if value is not None:
            found[field] = value
    return found


def revoke_user(
    user: User, actor: Any, grant: Grant | None = None, *, request_ref: str | None = None
) -> User:
    """Take one grant away, or every grant (``grant=None``) and deactivate the account.

    Always rotates the session token: the user's open sessions and remember-me cookies stop
    working at their next request. An account left without any grant is deactivated.
    """
    target = f"user:{user.username}"
    if not (can(actor, Action.MANAGE_USERS) or can(actor, Action.REVIEW_ACCESS)):
        audit.record("access_revoked", actor, outcome="refused", target=target)
        raise PermissionDenied("Votre profil ne permet pas de révoquer des accès.")
    user.reload()
    if _is_backoffice_account(user) and not can(actor, Action.GRANT_BACKOFFICE):
        audit.record(
            "access_revoked",
            actor,
            outcome="refused",
            target=target,
            details={"why": "back-office"},
        )
        raise PermissionDenied(
            "Ce compte relève du back-office : seule l'Administration peut modifier ses accès."
        )
    if getattr(actor, "pk", None) == user.pk:
        raise RuleViolation("Vous ne pouvez pas révoquer votre propre accès.")
    collection = User._get_collection()
    if grant is None:
        removed = [describe_grant(g) for g in user.grants]
        collection.update_one(
            {"_id": user.pk},
            {"$set": {"grants": [], "active": False, "session_token": new_session_token()}},
        )
    else:
        removed = [describe_grant(grant)]
        result = collection.update_one(
            {"_id": user.pk, "grants": {"$elemMatch": _grant_filter(grant)}},
            {
                "$pull": {"grants": _grant_filter(grant)},
                "$set": {"session_token": new_session_token()},
            },
        )
        if not result.modified_count:
            raise InvalidState("Ce profil n'est plus attribué à ce compte.")
        # No profile left: the account itself is closed.
        collection.update_one({"_id": user.pk, "grants": {"$size": 0}}, {"$set": {"active": False}})
    PasswordToken.objects(user=user.pk, used_at=None).delete()
    user.reload()
    audit.record(
        "access_revoked",
        actor,
        target=target,
        details={
            "grants": removed,
            "deactivated": not user.active,
            "request": request_ref or "",
        },
    )
    return user


# --- Passwords ----------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_password_token(user: User, *, lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A fresh one-time token (returned once, stored only as its SHA-256); earlier unused
    tokens of the user stop working."""
    PasswordToken.objects(user=user.pk, used_at=None).delete()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    PasswordToken(
        user=user, token_hash=_hash_token(token), created_at=now, expires_at=now + lifetime
    ).save()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a valid (unused, unexpired) token belongs to, else None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    found = PasswordToken.objects(token_hash=_hash_token(token)).first()
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    user = User.objects(pk=ref_id(found, "user")).first()
    return user if user is not None and user.active else None


INVALID_LINK = (
    "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez un nouveau lien au support "
    "e-Pôles : poles.territoriaux@cfwb.be."
)


class PasswordRejected(RuleViolation):
    """The chosen password breaks the rule; ``problems`` lists each reason in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def set_password_with_token(
    token: str, password: str, *, min_length: int = 10, confirmation: str | None = None
) -> User:
    """Set the password of the token's user, once; the token is spent only on success."""
    user = user_for_token(token)
    if user is None:
        raise RuleViolation(INVALID_LINK)
    password = password if isinstance(password, str) else ""
    problems = password_problems(
        password, first_name=user.first_name, last_name=user.last_name, min_length=min_length
    )
    if user.username and len(user.username) >= 3 and user.username.lower() in password.lower():
        problems.append("Le mot de passe ne peut pas contenir votre nom d'utilisateur.")
    if confirmation is not None and confirmation != password:
        problems.append("Les deux mots de passe ne sont pas identiques.")
    if problems:
        raise PasswordRejected(problems)
    spent = PasswordToken.objects(
        token_hash=_hash_token(token), used_at=None, expires_at__gt=utcnow()
    ).update_one(set__used_at=utcnow())
    if not spent:
        raise RuleViolation(INVALID_LINK)
    user.set_password(password)
    User.objects(pk=user.pk).update_one(
        set__password_hash=user.password_hash,
        set__password_changed_at=user.password_changed_at,
        set__session_token=new_session_token(),
    )
    user.reload()
    audit.record("password_set", user, target=f"user:{user.username}")
    return user


# --- Outbox -------------------------------------------------------------------------------


def queue_mail(to: str, subject: str, body: str, *, topic: str | None = None) -> OutboxMessage:
    """Write an e-mail to the outbox; ``app.mail.deliver_pending`` sends it (SMTP) or logs it."""
    message = OutboxMessage(to=to or "", subject=subject, body=body, topic=topic).save()
    log.info("Courriel mis en file pour %s : %s", to, subject)
    return message
