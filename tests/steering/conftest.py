"""The steering tests reuse the rules tests' demo fixtures (users, poles, conventions)."""

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
