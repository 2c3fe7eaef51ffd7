"""Irreversible steps confirmed on a page of their own, without JavaScript.

The action's URL answers GET with a page that says what will follow and a form that posts
back to the same URL with ``confirm=oui``; a POST without it changes nothing and sends the
browser to that page (as logging out does). The buttons of the other pages are links to it.
A motive, when the step needs one, is typed on the confirmation page (or on the page the step
starts from, then carried onto the confirmation page) and checked with the text rule before
the verb is called, so that a refused motive keeps what was typed.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.rules.errors import RuleViolation
from app.rules.text import MAX_MOTIVE, required_text

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "oui"


@dataclass(frozen=True)
class Motive:
    """A motive typed with the decision (recorded in the history)."""

    label: str = "Motif (facultatif)"
    hint: str = "Le motif est enregistré dans l'historique."
    max_length: int = MAX_MOTIVE
    name: str = "reason"
    rule_label: str = "Le motif"  # how the text rule's messages name it
    missing: str | None = None  # set when the motive is required: the message if empty


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page shows: the question, what will follow, and its two ways out."""

    title: str  # the question, « Valider la liste des écoles ? »
    subject: str  # what it is about, « Convention de partenariat – pôle 1 »
    consequences: Sequence[str]  # what will follow, one sentence each
    button: str  # the confirming button, « Valider la liste »
    cancel_url: str
    cancel_label: str = "Annuler"
    tone: str = "primary"  # Bootstrap button colour: primary, success, warning, danger
    irreversible: bool = True  # says « Cette action est définitive. »
    motive: Motive | None = None
    hidden: Mapping[str, str] = field(default_factory=dict)  # carried to the POST
    breadcrumb: Sequence[tuple[str, str]] = ()  # (label, url) before the page's own title


def confirmed() -> bool:
    """Whether the POST comes from a confirmation page's form."""
    return request.form.get(CONFIRM_FIELD) == CONFIRM_VALUE


def to_confirmation(**query: str) -> Response:
    """The answer to an unconfirmed POST: the confirmation page of the same URL (303: the
    browser follows with a GET), nothing changed."""
    args = dict(request.view_args or {})
    return redirect(url_for(request.endpoint or "", **args, **query), code=303)


def motive_problem(motive: Motive | None) -> tuple[str, str | None]:
    """The motive typed on the page and the French message when the text rule refuses it."""
    motive = motive or Motive()
    value = request.form.get(motive.name) or ""
    if motive.missing and not value.strip():
        return value, motive.missing
    try:
        return required_text(value, motive.max_length, motive.rule_label), None
    except RuleViolation as exc:
        return value, str(exc)


def page_context(
    confirmation: Confirmation, *, motive_value: str = "", error: str | None = None
) -> dict[str, Any]:
    """What ``_confirm.html`` needs, for the front office's page or the back office's."""
    return {
        "c": confirmation,
        "action": request.path,
        "confirm_field": CONFIRM_FIELD,
        "confirm_value": CONFIRM_VALUE,
        "motive_value": motive_value,
        "error": error,
    }


def ask(
    confirmation: Confirmation, *, motive_value: str = "", error: str | None = None
) -> tuple[str, int]:
    """The confirmation page in the front office's layout (400 when the motive is refused)."""
    context = page_context(confirmation, motive_value=motive_value, error=error)
    return render_template("confirm.html", **context), 400 if error else 200
