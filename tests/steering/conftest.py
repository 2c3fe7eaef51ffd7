"""The steering tests reuse the rules tests' demo fixtures (users, poles, conventions)."""

from datetime import date

import pytest

from app import clock
from app.models import Convention, Pole, User
from app.rules.states import Kind, Status
from app.services import workflow
from app.services.workflow._writer import workflow_write
from tests.conftest import load_cached, load_demo_cached
from tests.rules.conftest import (  # noqa: F401  (fixtures)
    demo,
    partnership,
    po,
    pole1,
    pole2,
    route_pole1,
    school,
    staged,
    user,
)


def _build_campaign() -> None:
    load_demo_cached()
    pole = Pole.objects.get(number=1)
    with workflow_write():
        Convention.objects(pole=pole, kind=Kind.RESSORT).update_one(set__status=Status.ACKNOWLEDGED)
    specific = Convention.objects.get(
        pole=pole, kind=Kind.SPECIFIC_PARTNERSHIP, status=Status.SIGNED
    )
    workflow.approve(specific, User.objects.get(username="admin"))


@pytest.fixture
def campaign(app):
    """Every stage on pole 1 in 2026-2027: the demo's drafts (a cooperation, a specific
    partnership), list validated and validated conventions, its ressort acknowledged (written
    as such: some of its schools have no director account), its signed specific partnership
    approved (and sealed: built once per process, see ``load_cached``)."""
    load_cached("campaign", _build_campaign)
    pole = Pole.objects.get(number=1)
    with clock.fixed_today(date(2026, 10, 20)):  # five days after the campaign deadline
        yield pole
