"""Running one service call from a POST: flash its outcome in French, redirect (PRG)."""

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from werkzeug.wrappers import Response

from app.rules.errors import RuleViolation


def run_action(
    to: str,
    call: Callable[..., Any],
    *args: Any,
    success: str | Callable[[Any], str],
    failure_to: str | None = None,
    then: Callable[[], Any] | None = None,
    **kwargs: Any,
) -> Response:
    """Call ``call(*args, **kwargs)``; on a refusal flash its French message and go to
    ``failure_to`` (default ``to``); on success run ``then``, flash ``success`` (or
    ``success(result)``) and go to ``to``."""
    try:
        result = call(*args, **kwargs)
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return redirect(failure_to or to)
    if then is not None:
        then()
    flash(success(result) if callable(success) else success, "success")
    return redirect(to)
