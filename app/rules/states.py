"""Convention kinds, statuses and which statuses are locked.

Kept free of any model import so that models and rules can both use it.
"""

from app.rules.choices import Choices


class Kind(Choices):
    PARTNERSHIP = "partnership", "Convention de partenariat"
    COOPERATION = "cooperation", "Convention de coopération"
    SPECIFIC_PARTNERSHIP = "specific_partnership", "Convention de partenariat spécifique"
    RESSORT = "ressort", "Ressort"


KIND_LABELS: dict[str, str] = Kind.labels()


# Title of a kind's first step, the school list (user guide §7).
STEP_ONE_TITLES: dict[str, str] = {
    Kind.PARTNERSHIP: "Écoles partenaires",
    Kind.COOPERATION: "Écoles coopérantes",
    Kind.SPECIFIC_PARTNERSHIP: "Écoles partenaires spécifiques",
    Kind.RESSORT: "Écoles partenaires / coopérantes",
}


class Status(Choices):
    DRAFT = "draft", "Brouillon"
    LIST_VALIDATED = "list_validated", "Liste des écoles validée"
    VALIDATED = "validated", "Validée, en attente des signatures"
    SIGNED = "signed", "Signée, en attente de l'Administration"
    APPROVED = "approved", "Approuvée par l'Administration"
    ACKNOWLEDGED = "acknowledged", "Prise de connaissance complète"


STATUS_ORDER: tuple[Status, ...] = tuple(Status)

STATUS_LABELS: dict[str, str] = Status.labels()

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
# Each stage's tone (a Bootstrap contextual name): the badge of a convention and the colour
# of its stage in the dashboard's charts, so that a stage looks the same everywhere.
STATUS_TONES: dict[str, str] = {
    Status.DRAFT: "secondary",
    Status.LIST_VALIDATED: "info",
    Status.VALIDATED: "warning",
    Status.SIGNED: "primary",
    Status.APPROVED: "success",
    Status.ACKNOWLEDGED: "dark",
}
# Approved by the Administration: the sealed PDF exists.
APPROVED_STATUSES: frozenset[str] = frozenset({Status.APPROVED, Status.ACKNOWLEDGED})


class Nature(Choices):
    """An article's nature (the templates' ``nature``): who writes its text, if anyone."""

    PREFILLED = "P", "Pré-complété par l'Administration"  # generated from the data
    FIXED = "F", "Texte fixe, identique pour toutes les conventions"
    REQUIRED = "C", "À compléter"  # written by the pole
    OPTIONAL = "O", "Facultatif (Divers)"  # written by the pole


EDITABLE_NATURES: frozenset[str] = frozenset({Nature.REQUIRED, Nature.OPTIONAL})


class SchoolRole(Choices):
    """The part a school plays in a pole."""

    PARTNER = "partner", "école partenaire"
    COOPERATING = "cooperating", "école coopérante"
    SPECIFIC_PARTNER = "specific_partner", "école partenaire spécifique"


SCHOOL_ROLE_LABELS: dict[str, str] = SchoolRole.labels()


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
