"""French messages for the errors a document's validation can raise on user input."""

from typing import Any

from mongoengine import NotUniqueError, ValidationError

from app.rules.errors import RuleViolation


def error_message(exc: Exception) -> str | None:
    """A French message for the errors a user can cause, None for real bugs."""
    if isinstance(exc, RuleViolation):
        return str(exc)
    if isinstance(exc, ValidationError):
        messages = _validation_messages(exc)
        return " ".join(messages) or "Les données saisies ne sont pas valides."
    if isinstance(exc, NotUniqueError):
        return "Cet enregistrement existe déjà (valeur en double)."
    return None


def _validation_messages(exc: ValidationError) -> list[str]:
    errors = exc.to_dict() if exc.errors else {}
    if not errors:
        return [exc.message] if exc.message else []
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif value:
            out.append(str(value))

    walk(errors)
    return out
