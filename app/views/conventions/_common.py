"""What the convention views share: optional links, redirects back to a step, one rule call."""

from collections.abc import Callable
from typing import Any

from flask import current_app, redirect, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from app.models import Convention
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
    success: str,
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
