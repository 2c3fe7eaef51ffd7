"""The convention's three steps as its status says them (pages read this, not codes)."""

import pytest

from app.rules.states import Status, steps_done


@pytest.mark.parametrize(
    ("status", "done"),
    [
        (Status.DRAFT, (False, False, False)),
        (Status.LIST_VALIDATED, (True, False, False)),
        (Status.VALIDATED, (True, True, False)),
        (Status.SIGNED, (True, True, False)),
        (Status.APPROVED, (True, True, True)),
        (Status.ACKNOWLEDGED, (True, True, True)),
    ],
)
def test_steps_done_follow_the_status(status, done):
    assert tuple(steps_done(status)[n] for n in (1, 2, 3)) == done


def test_an_amendments_first_step_is_its_parents_list():
    assert steps_done(Status.DRAFT, amendment=True) == {1: True, 2: False, 3: False}
