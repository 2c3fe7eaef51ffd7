"""``make run``: seed the store with the demo data when it is empty, then serve.

The embedded store (litemongo) allows one thread only, so waitress runs single-threaded and
the store is reopened in its worker thread.
"""

import argparse

from flask import Flask
from waitress import create_server

from app import create_app, db
from app.auth import DEMO_ACCOUNTS_HINT
from app.models import Pole, User


def prepare(app: Flask) -> None:
    """Load the demo data into an empty store, then hand the store to the serving thread."""
    with app.app_context():
        # Only an empty store gets the demo data (never on top of the full-scale set).
        if User.objects.count() == 0 and Pole.objects.count() == 0:
            from seed.loader import load_demo

            load_demo(app.config["EPOLES_DEMO_PASSWORD"])
            print("Base vide : données de démonstration chargées.")
    if not app.config["MONGODB_URI"]:
        # The embedded store is bound to the thread that opened it: close it here and let the
        # server's worker thread open it again.
        db.connect(app.config["MONGODB_URI"], app.config["EPOLES_DATA_DIR"])


def make_server(app: Flask, host: str, port: int):  # type: ignore[no-untyped-def]
    threads = 1 if not app.config["MONGODB_URI"] else 8
    return create_server(app, host=host, port=port, threads=threads)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serveur e-Pôles")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()

    app = create_app()
    prepare(app)
    print(DEMO_ACCOUNTS_HINT.format(password=app.config["EPOLES_DEMO_PASSWORD"]))
    print(f"e-Pôles : http://{args.host}:{args.port}  (base : {app.config['EPOLES_STORE']})")
    make_server(app, args.host, args.port).run()


if __name__ == "__main__":
    main()
