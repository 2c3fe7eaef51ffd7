"""The text field of every document: the hostile-text rule (``app.rules.text``) at the model
layer, whatever path writes — ``save()`` (Flask-Admin, services, seed, imports) validates it,
and queryset updates (``update(set__x=…)``, ``$push``) check the value they write."""

from typing import Any

from mongoengine import StringField

from app.rules.text import text_problem

# The operators by which an update writes a value (queries compare with other operators).
_WRITING_OPERATORS = frozenset({"set", "push", "add_to_set", "set_on_insert"})


class TextField(StringField):
    """A ``StringField`` that refuses, in French, invisible controls and text over its
    ``max_length`` (never truncated)."""

    def _problem(self, value: Any) -> str | None:
        label = getattr(self, "verbose_name", None) or self.name
        return text_problem(value, self.max_length, f"Le champ « {label} »")

    def validate(self, value: Any) -> None:
        if isinstance(value, str):
            problem = self._problem(value)
            if problem:
                self.error(problem)
        super().validate(value)

    def prepare_query_value(self, op: Any, value: Any) -> Any:
        if op in _WRITING_OPERATORS and isinstance(value, str):
            problem = self._problem(value)
            if problem:
                self.error(problem)
        return super().prepare_query_value(op, value)
