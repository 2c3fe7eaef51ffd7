"""Running one service call from a POST: flash its outcome in French, redirect (PRG)."""

from collections.abc import Callable, Iterable
from typing import Any

from flask import flash, redirect
from werkzeug.wrappers import Response

from app.rules.errors import RuleViolation


def run_action(
    to: str | Callable[[Any], str],
    call: Callable[..., Any],
    *args: Any,
    success: str | Callable[[Any], str],
    failure_to: str | None = None,
    then: Callable[[], Any] | None = None,
    notices: Callable[[Any], Iterable[str]] | None = None,
    **kwargs: Any,
) -> Response:
    """Call ``call(*args, **kwargs)``; on a refusal flash its French message and go to
    ``failure_to`` (default ``to``); on success run ``then``, flash ``success`` (or
    ``success(result)``), then each of ``notices(result)`` as information, and go to ``to``.

    ``to`` may be a callable of the result, for a page known only once the call is done (the
    document it created or filled); a refusal has no result, so ``failure_to`` is then
    required."""
    if not failure_to:
        if callable(to):
            raise TypeError("run_action: a target computed from the result needs failure_to")
        failure_to = to
    try:
        result = call(*args, **kwargs)
    except RuleViolation as exc:
        flash(str(exc), "danger")
        return redirect(failure_to)
    if then is not None:
        then()
    flash(success(result) if callable(success) else success, "success")
    for notice in notices(result) if notices is not None else ():
        flash(notice, "info")
    return redirect(to(result) if callable(to) else to)
