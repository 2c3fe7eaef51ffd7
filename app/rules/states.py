"""Convention kinds, statuses and which statuses are locked.

Kept free of any model import so that models and rules can both use it.
"""

from enum import StrEnum


class Kind(StrEnum):
    PARTNERSHIP = "partnership"
    COOPERATION = "cooperation"
    SPECIFIC_PARTNERSHIP = "specific_partnership"
    RESSORT = "ressort"


KIND_LABELS: dict[str, str] = {
    Kind.PARTNERSHIP: "Convention de partenariat",
    Kind.COOPERATION: "Convention de coopération",
    Kind.SPECIFIC_PARTNERSHIP: "Convention de partenariat spécifique",
    Kind.RESSORT: "Ressort",
}


# Title of a kind's first step, the school list (user guide §7).
STEP_ONE_TITLES: dict[str, str] = {
    Kind.PARTNERSHIP: "Écoles partenaires",
    Kind.COOPERATION: "Écoles coopérantes",
    Kind.SPECIFIC_PARTNERSHIP: "Écoles partenaires spécifiques",
    Kind.RESSORT: "Écoles partenaires / coopérantes",
}


class Status(StrEnum):
    DRAFT = "draft"
    LIST_VALIDATED = "list_validated"
    VALIDATED = "validated"
    SIGNED = "signed"
    APPROVED = "approved"
    ACKNOWLEDGED = "acknowledged"


STATUS_ORDER: tuple[Status, ...] = tuple(Status)

STATUS_LABELS: dict[str, str] = {
    Status.DRAFT: "Brouillon",
    Status.LIST_VALIDATED: "Liste des écoles validée",
    Status.VALIDATED: "Validée, en attente des signatures",
    Status.SIGNED: "Signée, en attente de l'Administration",
    Status.APPROVED: "Approuvée par l'Administration",
    Status.ACKNOWLEDGED: "Prise de connaissance complète",
}

# A convention's fields as lists, details and exports name them.
CONVENTION_FIELD_LABELS: dict[str, str] = {
    "pole_number": "Pôle",
    "kind": "Type",
    "title": "Convention",
    "status": "Statut",
    "school_year": "Année scolaire",
    "due_on": "Échéance",
    "take_in_charge_on": "Prise en charge prévue le",
    "created_at": "Créée le",
    "updated_at": "Modifiée le",
    "validated_at": "Validée le",
    "signed_at": "Signée le",
    "approved_at": "Approuvée le",
    "snapshot_sha256": "Empreinte du texte (SHA-256)",
    "sealed_pdf_sha256": "Empreinte du PDF scellé (SHA-256)",
}

# From validation on, the text and the school list cannot change any more.
LOCKED_STATUSES: frozenset[str] = frozenset(
    {Status.VALIDATED, Status.SIGNED, Status.APPROVED, Status.ACKNOWLEDGED}
)
# The school list is frozen as soon as it is validated.
LIST_LOCKED_STATUSES: frozenset[str] = LOCKED_STATUSES | {Status.LIST_VALIDATED}
# Approved by the Administration: the sealed PDF exists.
APPROVED_STATUSES: frozenset[str] = frozenset({Status.APPROVED, Status.ACKNOWLEDGED})


class Nature(StrEnum):
    """An article's nature (the templates' ``nature``): who writes its text, if anyone."""

    PREFILLED = "P"  # generated from the data
    FIXED = "F"  # the template's text, unchanged
    REQUIRED = "C"  # written by the pole, required
    OPTIONAL = "O"  # written by the pole, optional


EDITABLE_NATURES: frozenset[str] = frozenset({Nature.REQUIRED, Nature.OPTIONAL})


class SchoolRole(StrEnum):
    """The part a school plays in a pole."""

    PARTNER = "partner"
    COOPERATING = "cooperating"
    SPECIFIC_PARTNER = "specific_partner"


SCHOOL_ROLE_LABELS: dict[str, str] = {
    SchoolRole.PARTNER: "école partenaire",
    SchoolRole.COOPERATING: "école coopérante",
    SchoolRole.SPECIFIC_PARTNER: "école partenaire spécifique",
}


def validation_from(is_amendment: bool) -> Status:
    """The status a document is validated from (and reopened to): an amendment keeps its
    convention's schools and has no school-list step, so it goes from the draft."""
    return Status.DRAFT if is_amendment else Status.LIST_VALIDATED


def status_index(status: str) -> int:
    return STATUS_ORDER.index(Status(status))


def steps_done(status: str, amendment: bool = False) -> dict[int, bool]:
    """Which of a convention's three steps are done at ``status``: 1 the school list (an
    amendment keeps its parent's, so it is done from the start), 2 the text (validated, then
    signed), 3 the approval."""
    return {
        1: amendment or status != Status.DRAFT,
        2: status in LOCKED_STATUSES,
        3: status in APPROVED_STATUSES,
    }
