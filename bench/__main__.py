"""``make bench``: every benchmark in one run, every goal with its figure at the end.

    python -m bench [--repeat 5] [--pdf-repeat 9]

1. ``bench.seed``: ``flask seed --scale full`` in a child process (time, peak RSS, audit
   check), the bulk path beside its floor.
2. ``bench.pages``: the pages at 1× and 2× on the very store the seed command built (the set
   is built once; the 2× copy is added to it), each beside its floor, then the served RSS.
3. ``bench.pdf``: the render times; 4. ``bench.directory``: the directory import (figures).

A sample stops once its median is stable (``bench.goals``). Goal: the whole run under 10
minutes on 2 cores.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import directory, goals, pages, pdf, seed

GOAL_MINUTES = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="at most, per page")
    parser.add_argument("--pdf-repeat", type=int, default=9, help="at most, per document")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"charge de la machine au départ (1, 5, 15 min) : {goals.load_average()}")
    work = Path(tempfile.mkdtemp(prefix="epoles-bench-"))
    steps: list[tuple[str, float]] = []
    try:
        step = time.perf_counter()
        print("\n== bench.seed ==")
        store = seed.run(work)
        steps.append(("seed", time.perf_counter() - step))
        step = time.perf_counter()
        print("\n== bench.pages ==")
        pages.run(args.repeat, "litemongo", str(store))
        steps.append(("pages", time.perf_counter() - step))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    step = time.perf_counter()
    print("\n== bench.pdf ==")
    pdf.run(args.pdf_repeat)
    steps.append(("pdf", time.perf_counter() - step))
    step = time.perf_counter()
    print("\n== bench.directory ==")
    sys.argv = [sys.argv[0], "--store", "embedded"]
    directory.main()
    steps.append(("directory", time.perf_counter() - step))

    minutes = (time.perf_counter() - started) / 60
    print("\n== Objectifs ==")
    print(f"charge de la machine à la fin (1, 5, 15 min) : {goals.load_average()}")
    print("durées : " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in steps))
    for met, text in goals.RESULTS:
        print(f"{'OK ' if met else 'KO '} {text}")
    met = minutes <= GOAL_MINUTES
    print(f"{'OK ' if met else 'KO '} make bench : {minutes:.1f} min (objectif < 10 min)")


if __name__ == "__main__":
    main()
