"""What the convention views share: optional links, redirects back to a step, one rule call,
and who the convention still awaits."""

from collections.abc import Callable
from typing import Any

from flask import current_app, redirect, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from app.models import Convention, OrganisingAuthority, School
from app.models.base import names_in_order
from app.rules import parties
from app.rules.states import Status
from app.views.actions import run_action


def optional_url(endpoint: str, **values: Any) -> str | None:
    """The URL of a page another part of the application provides, if it is there."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def step_url(conv: Convention, step: int, anchor: str | None = None) -> str:
    """The URL of ``step`` of the convention's page (at ``anchor``)."""
    return url_for("conventions.show", convention_id=str(conv.pk), etape=step, _anchor=anchor)


def back(conv: Convention, step: int, anchor: str | None = None) -> Response:
    """Redirect to ``step`` of the convention's page (at ``anchor``)."""
    return redirect(step_url(conv, step, anchor))


def run(
    conv: Convention,
    step: int,
    success: str | Callable[[Any], str],
    call: Callable[..., Any],
    *args: Any,
    next_step: int | None = None,
    **kwargs: Any,
) -> Response:
    """Call one service verb, flash its outcome, redirect (PRG) back to ``step``, or on success
    to ``next_step`` when the action opens the next step."""
    return run_action(
        step_url(conv, next_step or step),
        call,
        *args,
        success=success,
        failure_to=step_url(conv, step),
        **kwargs,
    )


def _awaited(one: str, many: str, names: list[str]) -> str:
    """« {one} : A. » or « {many} : A, B et C. »"""
    if len(names) == 1:
        return f"{one} : {names[0]}."
    return f"{many} : {', '.join(names[:-1])} et {names[-1]}."


def still_awaited(conv: Convention) -> str:
    """Who the convention waits for now, in French: the POs yet to sign, the Administration's
    approval, or the directors yet to acknowledge (said after each signature)."""
    if conv.status == Status.VALIDATED:
        missing = parties.missing_signatures(conv)
        listed = names_in_order(OrganisingAuthority, missing, "un pouvoir organisateur")
        return _awaited("Signature encore attendue", "Signatures encore attendues", listed)
    if conv.status == Status.SIGNED:
        return (
            "Toutes les parties ont signé : la convention attend maintenant l'approbation de "
            "l'Administration."
        )
    if conv.status == Status.APPROVED:
        waiting = parties.missing_acknowledgments(conv)
        listed = names_in_order(School, waiting, "une école")
        return _awaited(
            "Prise de connaissance encore attendue",
            "Prises de connaissance encore attendues",
            listed,
        )
    if conv.status == Status.ACKNOWLEDGED:
        return "Toutes les directions ont pris connaissance de la convention."
    return ""
