"""The public request forms (annexes 1–3 for access, annex 5 for revocation): validation of
the fields and of the signed PDF, request references, and the recording of a request.

Pure Python (no Flask). A bad form raises ``FieldErrors`` (field → French message) and
stores nothing.
"""

import re
import unicodedata
from typing import Any

import filetype
from email_validator import EmailNotValidError, validate_email

from app.models.access_request import (
    KIND_ACCESS,
    KIND_REVOCATION,
    PROFILE_LABELS,
    REVOCATION_PROFILE_LABELS,
    STATUS_PENDING,
    AccessRequest,
    Party,
    Person,
    RequestCounter,
    Signatory,
)
from app.models.base import utcnow
from app.models.organisation import OrganisingAuthority
from app.models.school import School
from app.models.stored_file import StoredFile
from app.rules.errors import RuleViolation
from app.rules.numbers import is_digits
from app.rules.refs import ref_id
from app.rules.uploads import pdf_problem, size_problem
from app.services import audit
from app.services.access.grants import pole_places

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


def _text(value: Any) -> str:
    """A single-line string from form input: anything else (a dict, a list) counts as empty."""
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFC", value)
    value = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in value)
    return " ".join(value.split())


def _by_fase(
    model: Any,
    values: dict[str, str],
    field: str,
    errors: dict[str, str],
    missing: str,
    unknown: str,
) -> Any:
    """The school or PO whose FASE the field names; its French error recorded otherwise."""
    fase = _fase(values[field])
    if not values[field]:
        errors[field] = missing
    elif fase is None:
        errors[field] = "Le numéro FASE est un nombre entier positif (8 chiffres au plus)."
    else:
        found = model.objects(fase=fase).first()
        if found is None:
            errors[field] = unknown.format(fase=fase)
        return found
    return None


def _fase(value: str) -> int | None:
    return int(value) if is_digits(value) and len(value) <= 8 and int(value) > 0 else None


def check_pdf(filename: str, data: bytes) -> str | None:
    """French message when ``data`` is not an acceptable signed form, else None.

    The content decides, never the name or the type the browser claims: a PDF starts with
    ``%PDF-``, ends with ``%%EOF`` and the ``filetype`` sniffer must agree.
    """
    problem = size_problem("Le fichier joint", data)
    if problem:
        return problem
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
    return pdf_problem("Le fichier joint", bytes(data))


def _clean_filename(filename: str) -> str:
    name = _text(filename).replace("/", "_").replace("\\", "_").strip(". ")
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = "".join(c for c in stem if c.isalnum() or c in " -_.()")[:150].strip() or "formulaire"
    return f"{stem}.pdf"


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

    po = _by_fase(
        OrganisingAuthority,
        values,
        "po_fase",
        errors,
        "Indiquez le numéro FASE du pouvoir organisateur.",
        "Aucun pouvoir organisateur ne porte le numéro FASE {fase}.",
    )
    school = _by_fase(
        School,
        values,
        "school_fase",
        errors,
        "Indiquez le numéro FASE de l'école.",
        "Aucune école ne porte le numéro FASE {fase}.",
    )
    if school is not None and po is not None and ref_id(school, "po") != po.pk:
        errors["school_fase"] = (
            f"L'école FASE {school.fase} n'appartient pas au pouvoir organisateur FASE {po.fase}."
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
