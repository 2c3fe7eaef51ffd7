"""Render times of the convention PDFs (median and minimum of N renders), against goals.

    python -m bench.pdf [--repeat 15]

Loads the demo data into an in-memory store and times, for the demo's 14-article specific
partnership: the draft render (« PROJET », live data), the sealed render (from a snapshot,
with the certificate page and the audit history), and the same sealed render with every
writable article at its maximum length (the worst case a user can produce); then a
full-scale convention (the demo's convention with the most articles, its school list grown
to 26 schools as the largest generated poles have); then downloads the sealed ressort and
counts the renders it takes (none: the sealed file is served as stored). Goals: ≤ 150 ms
(14 articles), ≤ 250 ms (26 schools), 0 renders for a sealed download.
"""

import argparse
import copy
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import app.models.user as user_module
from app import create_app
from bench.goals import goal, load_average, sample

GOAL_14_MS = 150.0
GOAL_FULL_MS = 250.0
FULL_SCALE_SCHOOLS = 26


def median_ms(render: Callable[[], bytes], repeat: int) -> tuple[float, float, int]:
    """Median and minimum of at most ``repeat`` renders (fewer once stable), and the size."""
    timed = sample(render, repeat)
    return timed.median_ms, timed.min_ms, len(timed.last)


def full_scale_convention() -> Any:
    """The demo's convention with the most articles, with 26 schools (raw copies of its
    entries under other FASE numbers: the PDF reads the stored entries)."""
    import mongoengine

    from app.models import Convention

    conv = max(Convention.objects, key=lambda c: (len(c.articles), len(c.schools)))
    raw = mongoengine.get_db()["conventions"]
    stored = raw.find_one({"_id": conv.pk})
    entries = list(stored["schools"])
    for i in range(FULL_SCALE_SCHOOLS - len(entries)):
        entry = copy.deepcopy(stored["schools"][i % len(stored["schools"])])
        entry["fase"] = 90000 + i
        entry["name"] = f"{entry['name']} – implantation {i + 2}"
        entries.append(entry)
    raw.update_one({"_id": conv.pk}, {"$set": {"schools": entries}})
    return Convention.objects.get(id=conv.pk)


def sealed_download_renders(application: Any) -> tuple[int, int] | None:
    """(renders, bytes) of downloading the demo's sealed ressort as its seat PO delegate."""
    import re

    from xhtml2pdf import pisa

    from app.models import Convention

    sealed = Convention.objects(sealed_pdf_sha256__ne=None, pole_number=1).first()
    if sealed is None:
        return None
    client = application.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    password = application.config["EPOLES_DEMO_PASSWORD"]
    client.post("/login", data={"username": "admin", "password": password, "csrf_token": token})
    calls = []
    original = pisa.CreatePDF
    pisa.CreatePDF = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        response = client.get(f"/conventions/{sealed.pk}/pdf")
        size = len(response.get_data())
    finally:
        pisa.CreatePDF = original
    assert response.status_code == 200, response.status_code
    return len(calls), size


def run(repeat: int) -> None:
    """The render figures and their goals."""
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
            lambda: documents.draft_pdf(conv), repeat
        )
        figures["version scellée + certificat"] = median_ms(
            lambda: seal.render_sealed(conv.pk, snapshot, "/verifier"), repeat
        )
        long_text = ("Texte d'article de longueur maximale, avec « guillemets » et œ. " * 400)[
            :MAX_BODY
        ]
        worst = dict(snapshot)
        worst["articles"] = [
            {**a, "body": long_text} if a["nature"] in ("C", "O") else a
            for a in snapshot["articles"]
        ]
        from app.pdf.render import PdfError

        try:
            figures["scellée, articles à 20 000 caractères"] = median_ms(
                lambda: seal.render_sealed(conv.pk, worst, "/verifier"), max(3, repeat // 5)
            )
        except PdfError:  # the render's own time limit, reached on a loaded machine
            print("  scellée, articles à 20 000 caractères : interrompue (délai du rendu)")
        big = full_scale_convention()
        full_label = f"brouillon, {len(big.schools)} écoles, {len(big.articles)} articles"
        figures[full_label] = median_ms(lambda: documents.draft_pdf(big), repeat)
        sealed = sealed_download_renders(application)

    print(f"Rendu PDF, médiane et minimum d'au plus {repeat} rendus (xhtml2pdf)")
    print(f"charge de la machine (1, 5, 15 min) : {load_average()}")
    for label, (ms, low, size) in figures.items():
        print(f"  {label:<42} {ms:8.1f} ms  (min {low:6.1f})  {size / 1024:7.1f} KiB")
    ms14 = figures["brouillon (PROJET), 14 articles"][0]
    msfull = figures[full_label][0]
    goal(ms14 <= GOAL_14_MS, f"PDF 14 articles : {ms14:.0f} ms (objectif ≤ 150 ms)")
    goal(msfull <= GOAL_FULL_MS, f"PDF {full_label} : {msfull:.0f} ms (objectif ≤ 250 ms)")
    if sealed is None:
        goal(False, "téléchargement scellé : aucune convention scellée dans la démo")
    else:
        renders, size = sealed
        goal(
            renders == 0,
            f"téléchargement de la version scellée : {renders} rendu(s), "
            f"{size / 1024:.0f} Kio (objectif 0 rendu)",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="at most, per document")
    run(parser.parse_args().repeat)


if __name__ == "__main__":
    main()
