"""Derogations: which schools need one, and which files are accepted.

A partner or cooperating school outside the seat school's teaching zone needs a derogation
before the school list can be validated (circular, user guide §7). A specific partner may
come from anywhere (even another pole), so it needs none. The file is a PDF, JPEG or PNG,
recognised by its content (magic bytes), never by its name or the type the browser claims.
"""

from dataclasses import dataclass
from typing import Any

from app.rules.errors import RuleViolation
from app.rules.states import SchoolRole
from app.rules.uploads import clean_filename, detect_type, pdf_problem, size_problem

ROLES_NEEDING_DEROGATION = frozenset({SchoolRole.PARTNER, SchoolRole.COOPERATING})


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int


def needs_derogation(entry: Any, seat_zone: int | None) -> bool:
    """Does this convention entry (a ConventionSchool) need a derogation?"""
    return entry.role in ROLES_NEEDING_DEROGATION and entry.zone != seat_zone


def missing_derogations(convention: Any, seat_zone: int | None) -> list[Any]:
    """The entries that need a derogation and have none."""
    return [
        e for e in convention.schools or [] if needs_derogation(e, seat_zone) and not e.derogation
    ]


def check_file(filename: str, data: bytes) -> CheckedFile:
    """Check an uploaded derogation file; French RuleViolation when it is refused."""
    problem = size_problem("Le fichier de dérogation", data)
    if problem:
        raise RuleViolation(problem)
    content_type = detect_type(bytes(data))
    if content_type is None:
        raise RuleViolation(
            "Le fichier de dérogation doit être un document PDF, JPEG ou PNG "
            "(son contenu n'est d'aucun de ces formats)."
        )
    if content_type == "application/pdf":
        problem = pdf_problem("Le fichier de dérogation", bytes(data))
        if problem:
            raise RuleViolation(problem)
    return CheckedFile(clean_filename(filename, content_type), content_type, len(data))
