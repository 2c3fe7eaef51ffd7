"""pytest plugin of the coverage pass of ``bench.mutate``: each test's duration, by test id."""

import json
import os
from typing import Any

_durations: dict[str, float] = {}


def pytest_runtest_logreport(report: Any) -> None:
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    path = os.environ.get("EPOLES_MUTATION_DURATIONS")
    if path:
        # Parametrised tests are selected by function: sum their cases under that id.
        by_function: dict[str, float] = {}
        for nodeid, seconds in _durations.items():
            base = nodeid.split("[", 1)[0]
            by_function[base] = by_function.get(base, 0.0) + seconds
        with open(path, "w") as out:
            json.dump(by_function, out)
