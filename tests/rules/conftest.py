"""Fixtures of the rules tests: the demo data, its users, schools and poles by name."""

from collections.abc import Callable

import pytest

from app.models import OrganisingAuthority, Pole, School, User


@pytest.fixture
def user(demo) -> Callable[[str], User]:
    return lambda username: User.objects.get(username=username)


@pytest.fixture
def school(demo) -> Callable[[int], School]:
    return lambda fase: School.objects.get(fase=fase)


@pytest.fixture
def po(demo) -> Callable[[int], OrganisingAuthority]:
    return lambda fase: OrganisingAuthority.objects.get(fase=fase)


@pytest.fixture
def pole1(demo) -> Pole:
    return Pole.objects.get(number=1)


@pytest.fixture
def pole2(demo) -> Pole:
    return Pole.objects.get(number=2)
