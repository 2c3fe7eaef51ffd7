"""Closed sets of stored values, each member carrying its French label.

The model is Django's ``TextChoices``: ``DRAFT = "draft", "Brouillon"`` declares the stored
value and what users read in one place, so no label table can drift from its enum.
"""

from enum import StrEnum
from typing import Self


class Choices(StrEnum):
    """A ``StrEnum`` whose members are declared as ``NAME = value, label``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Stored value → label, in declaration order."""
        return {member.value: member.label for member in cls}

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, label)`` pairs for a model field or a form's select."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label of a stored value; a value outside the set shows as it is stored."""
        try:
            return cls(value).label
        except ValueError:
            return value or ""
