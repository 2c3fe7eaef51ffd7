"""``make run``: seed the store with the demo data when it is empty, then serve.

The embedded store (litemongo) allows one thread only, so waitress runs single-threaded.
"""

import argparse

from waitress import serve

from app import create_app
from app.auth import DEMO_ACCOUNTS_HINT
from app.models import User


def main() -> None:
    parser = argparse.ArgumentParser(description="Serveur e-Pôles")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()

    app = create_app()
    with app.app_context():
        if User.objects.count() == 0:
            from seed.loader import load_demo

            load_demo(app.config["EPOLES_DEMO_PASSWORD"])
            print("Base vide : données de démonstration chargées.")
    print(DEMO_ACCOUNTS_HINT.format(password=app.config["EPOLES_DEMO_PASSWORD"]))
    print(f"e-Pôles : http://{args.host}:{args.port}  (base : {app.config['EPOLES_STORE']})")
    threads = 1 if not app.config["MONGODB_URI"] else 8
    serve(app, host=args.host, port=args.port, threads=threads)


if __name__ == "__main__":
    main()
