"""Full-scale seed on the embedded store: the bulk path beside its floor, in the same run.

    python -m bench.seed

1. ``flask seed --scale full`` in a child process on an empty embedded store: wall time and
   peak RSS of the whole command (goal: ≤ 30 s, ≤ 200 MiB), then ``flask audit verify``.
2. In this process, on a second empty store: the structure, then the conventions through
   ``workflow.bulk`` (rules, documents built in memory, batched inserts and audit events).
3. The floor: on a third empty store with the same structure, the very documents step 2 stored
   (conventions and events) inserted in the same batches, without asking any rule.
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.goals import goal

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 30.0
GOAL_MIB = 200.0


def _app(data_dir: Path):
    from app import create_app

    return create_app({"EPOLES_DATA_DIR": str(data_dir), "MONGODB_URI": ""})


def _structure() -> None:
    from seed import loader
    from seed.generator import load_full
    from seed.school_years import load_school_years

    load_full()
    load_school_years()
    loader.load_templates()


def command(data_dir: Path) -> tuple[float, float, str]:
    """The seed command as a user runs it: seconds, peak MiB, the audit check's answer."""
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    env["EPOLES_DATA_DIR"] = str(data_dir)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    start = time.perf_counter()
    subprocess.run(
        [*flask, "seed", "--scale", "full"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    verify = subprocess.run(
        [*flask, "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return seconds, peak, (verify.stdout or verify.stderr).strip()


def bulk_and_floor(work: Path) -> dict[str, float]:
    from app.models import Convention
    from app.models.audit import AuditEvent
    from app.services.workflow import bulk
    from seed.stages import build_full_stages

    figures: dict[str, float] = {}
    with _app(work / "bulk").app_context():
        start = time.perf_counter()
        _structure()
        figures["structure"] = time.perf_counter() - start
        start = time.perf_counter()
        counts = build_full_stages()
        figures["bulk"] = time.perf_counter() - start
        figures["conventions"] = counts["conventions"]
        figures["events"] = counts["audit_events"]
        convs = list(Convention._get_collection().find())
        events = list(AuditEvent._get_collection().find())

    with _app(work / "floor").app_context():
        _structure()
        from app.services.workflow._writer import workflow_write

        start = time.perf_counter()
        size = bulk.BATCH_SIZE
        for i in range(0, len(convs), size):
            with workflow_write():
                Convention._get_collection().insert_many(convs[i : i + size])
        for i in range(0, len(events), size * 3):
            AuditEvent._get_collection().insert_many(events[i : i + size * 3])
        figures["floor"] = time.perf_counter() - start
    return figures


def run(work: Path) -> Path:
    """The seed's figures and goals; the store the command built (``work / "command"``),
    which ``bench.pages`` measures rather than building the set again."""
    seconds, peak, verify = command(work / "command")
    figures = bulk_and_floor(work)
    goal(seconds <= GOAL_SECONDS, f"flask seed --scale full : {seconds:.1f} s (objectif ≤ 30 s)")
    goal(peak <= GOAL_MIB, f"seed, mémoire maximale : {peak:.0f} Mio (objectif ≤ 200 Mio)")
    print(f"    audit verify : {verify}")
    print(f"    structure (POs, écoles, pôles, années, modèles) : {figures['structure']:.1f} s")
    print(
        f"    conventions par la voie groupée : {figures['bulk']:.1f} s "
        f"({figures['conventions']:.0f} conventions, {figures['events']:.0f} événements)"
    )
    print(f"    plancher (mêmes insertions, sans les règles) : {figures['floor']:.1f} s")
    print(f"    rapport voie groupée / plancher : {figures['bulk'] / figures['floor']:.2f}×")
    return work / "command"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="epoles-bench-seed-"))
    try:
        run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
