"""Times of the directory import at the size of the real directory.

    python -m bench.directory [--rows 3000] [--store mongomock|embedded]

Builds a directory CSV of N schools (spread over N/6 POs, every zone, a third specialized),
then times on a store holding the demo data: the preview of the file (all new), its
application, the preview of the same file again (all unchanged) and a second file where one
line in ten changes its street (preview and application). Figures, not pass/fail.
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from typing import Any

import app.models.user as user_module
from app import create_app


def directory_file(rows: int, street: Callable[[int], str]) -> bytes:
    lines = [
        "FASE école;Dénomination;Rue;Code postal;Localité;FASE PO;Dénomination PO;Zone;"
        "Enseignement;Types"
    ]
    for i in range(rows):
        specialized = i % 3 == 0
        lines.append(
            ";".join(
                [
                    str(70_000_000 + i),
                    f"École fondamentale n° {i} de Liège-Céroux",
                    street(i),
                    str(1000 + i % 9000),
                    "Liège",
                    str(80_000_000 + i // 6),
                    f"Pouvoir organisateur n° {i // 6}",
                    str(1 + i % 10),
                    "spécialisé" if specialized else "ordinaire",
                    "1, 8" if specialized else "",
                ]
            )
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def timed(label: str, run: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    summary = result.summary() if hasattr(result, "summary") else ""
    print(f"{label:<40} {seconds:6.2f} s   {summary}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--store", choices=["mongomock", "embedded"], default="mongomock")
    args = parser.parse_args()

    user_module.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    data_dir = tempfile.mkdtemp(prefix="epoles-bench-")
    uri = "mongomock://" if args.store == "mongomock" else ""  # "": the embedded store
    application = create_app(
        {"TESTING": True, "MONGODB_URI": uri, "SECRET_KEY": "bench", "EPOLES_DATA_DIR": data_dir}
    )
    with application.app_context():
        from app.services import directory
        from seed.loader import load_demo

        load_demo("Bench-2026-x")
        first = directory_file(args.rows, lambda i: f"Rue de l'Église {i}")
        second = directory_file(
            args.rows, lambda i: f"Rue de l'Église {i}" + (" bis" if i % 10 == 0 else "")
        )
        print(f"{args.rows} lignes, {len(first) // 1024} Kio, store {args.store}")
        actor = directory.CLI_ACTOR
        timed("aperçu (tout nouveau)", lambda: directory.compare_file("a.csv", first))
        timed("application (tout nouveau)", lambda: directory.apply_file("a.csv", first, actor))
        timed("aperçu du même fichier (inchangé)", lambda: directory.compare_file("a.csv", first))
        timed("aperçu (1 ligne sur 10 modifiée)", lambda: directory.compare_file("b.csv", second))
        timed(
            "application (1 ligne sur 10 modifiée)",
            lambda: directory.apply_file("b.csv", second, actor),
        )


if __name__ == "__main__":
    main()
