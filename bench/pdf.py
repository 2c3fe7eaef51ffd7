"""Render times of the convention PDFs (median of N renders).

    python -m bench.pdf [--repeat 15]

Loads the demo data into an in-memory store and times, for the demo's 14-article specific
partnership: the draft render (« PROJET », live data), the sealed render (from a snapshot,
with the certificate page and the audit history), and the same sealed render with every
writable article at its maximum length (the worst case a user can produce). Figures, not
pass/fail.
"""

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime

import app.models.user as user_module
from app import create_app


def median_ms(render: Callable[[], bytes], repeat: int) -> tuple[float, int]:
    render()  # warm-up: fonts, templates
    times = []
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(render())
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    user_module.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    application = create_app(
        {
            "TESTING": True,
            "MONGODB_URI": "mongomock://",
            "SECRET_KEY": "bench",
            "EPOLES_DATA_DIR": tempfile.mkdtemp(prefix="epoles-bench-"),
        }
    )
    with application.app_context():
        from app.models import Convention
        from app.pdf import documents, seal
        from app.rules.articles import MAX_BODY
        from app.rules.snapshot import build_snapshot
        from seed.loader import load_demo

        load_demo(application.config["EPOLES_DEMO_PASSWORD"])
        conv = Convention.objects(kind="specific_partnership", pole_number=1).first()
        assert conv is not None and len(conv.articles) == 14
        approved_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        snapshot = build_snapshot(conv, approved_at, "admin")

        figures = {}
        figures["brouillon (PROJET), 14 articles"] = median_ms(
            lambda: documents.draft_pdf(conv), args.repeat
        )
        figures["version scellée + certificat"] = median_ms(
            lambda: seal.render_sealed(conv.pk, snapshot, "/verifier"), args.repeat
        )
        long_text = ("Texte d'article de longueur maximale, avec « guillemets » et œ. " * 400)[
            :MAX_BODY
        ]
        worst = dict(snapshot)
        worst["articles"] = [
            {**a, "body": long_text} if a["nature"] in ("C", "O") else a
            for a in snapshot["articles"]
        ]
        figures["scellée, articles à 20 000 caractères"] = median_ms(
            lambda: seal.render_sealed(conv.pk, worst, "/verifier"), max(3, args.repeat // 5)
        )

    print(f"PDF render, median of {args.repeat} runs (xhtml2pdf, reportlab invariant mode)")
    for label, (ms, size) in figures.items():
        print(f"  {label:<42} {ms:8.1f} ms   {size / 1024:7.1f} KiB")


if __name__ == "__main__":
    main()
