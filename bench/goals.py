"""What every bench module shares: timing samples that stop once the median is stable, and
the goals, printed where measured and gathered for the summary ``python -m bench`` prints.
"""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A sample stops after MIN_RUNS once its spread is within STABLE of its median (or once a
# run takes more than SLOW_S: a slow page is stable enough in three), else at its maximum.
MIN_RUNS = 3
STABLE = 0.15
SLOW_S = 1.0

RESULTS: list[tuple[bool, str]] = []


@dataclass
class Sample:
    median_ms: float
    min_ms: float
    runs: int
    last: Any  # what the last run returned


def sample(run: Callable[[], Any], most: int, least: int = MIN_RUNS) -> Sample:
    """Time ``run`` (after one warm-up) at least ``least`` and at most ``most`` times."""
    run()
    times: list[float] = []
    last = None
    while len(times) < max(most, 1):
        start = time.perf_counter()
        last = run()
        times.append((time.perf_counter() - start) * 1000)
        if len(times) >= min(least, most):
            median = statistics.median(times)
            if max(times) - min(times) <= STABLE * median or median > SLOW_S * 1000:
                break
    return Sample(statistics.median(times), min(times), len(times), last)


def goal(met: bool, text: str) -> None:
    """Print a goal with its measured figure and keep it for the summary."""
    RESULTS.append((met, text))
    print(f"{'OK ' if met else 'KO '} {text}")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" sur {os.cpu_count()} cœurs"
