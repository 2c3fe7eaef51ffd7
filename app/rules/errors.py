"""Errors raised by the rules. Their ``str()`` is a French message fit to show a user."""


class RuleViolation(Exception):
    """An action that the rules refuse; the message says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class PermissionDenied(RuleViolation):
    """The actor may not do this action on this object."""


class ConventionLocked(RuleViolation):
    """A write reached a convention that validation has locked."""


class ConventionWriteRefused(RuleViolation):
    """A write to a convention that did not come from the workflow's verbs."""


class InvalidState(RuleViolation):
    """The convention is not at a stage where this action is possible."""


class NotFound(RuleViolation):
    """The object does not exist or is outside what the actor may see."""
