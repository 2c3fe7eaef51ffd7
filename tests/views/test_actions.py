"""``run_action``: one service call from a POST, its outcome flashed, then a redirect."""

import pytest
from flask import Flask, get_flashed_messages

from app.rules.errors import RuleViolation
from app.views.actions import run_action


def _refuse(*_args: object) -> None:
    raise RuleViolation("Non, pas maintenant.")


def _run(app: Flask, *args: object, **kwargs: object) -> tuple[str, list[tuple[str, str]]]:
    """The redirect's target and the messages flashed, in order."""
    with app.test_request_context("/", method="POST"):
        response = run_action(*args, **kwargs)
        assert response.status_code == 302
        return response.location, get_flashed_messages(with_categories=True)


def test_success_flashes_the_message_then_the_notices_of_the_result(app):
    to, flashed = _run(
        app,
        "/fait",
        lambda n: {"n": n, "notices": ["Première remarque.", "Seconde remarque."]},
        7,
        success=lambda result: f"Fait : {result['n']}.",
        notices=lambda result: result["notices"],
    )
    assert to == "/fait"
    assert flashed == [
        ("success", "Fait : 7."),
        ("info", "Première remarque."),
        ("info", "Seconde remarque."),
    ]


def test_the_target_may_be_computed_from_the_result(app):
    to, flashed = _run(
        app, lambda n: f"/documents/{n}", lambda: 42, success="Créé.", failure_to="/formulaire"
    )
    assert to == "/documents/42"
    assert flashed == [("success", "Créé.")]


def test_a_refusal_flashes_its_message_and_goes_to_failure_to(app):
    asked: list[str] = []

    def record(what: str):
        return lambda *_: asked.append(what) or []

    to, flashed = _run(
        app,
        record("to"),
        _refuse,
        success=record("success"),
        failure_to="/formulaire",
        then=record("then"),
        notices=record("notices"),
    )
    assert to == "/formulaire"
    assert flashed == [("danger", "Non, pas maintenant.")]
    assert asked == []  # nothing of the success is computed without a result


def test_a_computed_target_needs_failure_to(app):
    called: list[int] = []
    with app.test_request_context("/", method="POST"), pytest.raises(TypeError):
        run_action(lambda _: "/x", lambda: called.append(1), success="Fait.")
    assert called == []


def test_without_notices_only_the_success_is_flashed(app):
    to, flashed = _run(app, "/fait", lambda: None, success="Fait.")
    assert (to, flashed) == ("/fait", [("success", "Fait.")])
