"""Plain stand-ins for users, grants, poles and conventions: the rules read attributes only.

``can`` tells a pole from a convention by the class name, as it does for the models.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from app.rules.roles import Role


def grant(role: Role | str, pole: Any = None, school: Any = None, po: Any = None) -> Any:
    return SimpleNamespace(role=str(role), pole=pole, school=school, po=po)


def user(*grants: Any, active: bool = True, username: str = "u") -> Any:
    return SimpleNamespace(active=active, grants=list(grants), username=username)


@dataclass
class Pole:
    pk: Any


@dataclass
class Entry:
    school: Any
    po: Any
    role: str


@dataclass
class Convention:
    kind: str
    pole: Any = 1
    seat_school: Any = 10
    seat_po: Any = 100
    schools: list[Entry] = field(default_factory=list)
    signatures: list[Any] = field(default_factory=list)
    acknowledgments: list[Any] = field(default_factory=list)


def signed(po: Any) -> Any:
    return SimpleNamespace(po=po)


def acknowledged(school: Any) -> Any:
    return SimpleNamespace(school=school)
