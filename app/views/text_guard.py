"""Every form, front office and back office alike, goes through one check before its view:
a submitted text holding an invisible control character (``app.rules.text``) is refused
with a French message, and nothing is written. Lengths are the fields' own limits, checked
by the rules and the model layer (``app.models.fields``)."""

from flask import Flask, request

from app.auth import actor
from app.rules.audit import Outcome
from app.rules.text import control_problem, remove_controls
from app.services import audit
from app.templating import render_error

WRITING_METHODS = frozenset({"POST", "PUT", "PATCH"})


def hostile_field() -> tuple[str, str] | None:
    """``(field name, French message)`` of the first submitted text that breaks the rule."""
    for name, values in request.form.lists():
        for value in values:
            problem = control_problem(value, "Le texte saisi")
            if problem:
                return name, problem
    return None


def init_text_guard(app: Flask) -> None:
    @app.before_request
    def refuse_hostile_text():  # type: ignore[no-untyped-def]
        if request.method not in WRITING_METHODS:
            return None
        found = hostile_field()
        if found is None:
            return None
        name, problem = found
        audit.record(
            "hostile_text",
            actor(),
            outcome=Outcome.REFUSED,
            target=f"path:{remove_controls(request.path)[:200]}",
            details={"field": remove_controls(name)[:100], "ip": request.remote_addr or ""},
        )
        return render_error(422, problem)
