"""``make run``: seed the store with the demo data when it is empty, then serve.

The embedded store (litemongo) allows one thread only, so waitress runs single-threaded and
the store is reopened in its worker thread. Mail never goes out inside a request: ``make
run`` also starts the outbox worker (``flask outbox work``) as a child process, which opens
the same SQLite files through its own connection (litemongo sees the other process's
writes), so a slow or hanging SMTP server never holds up the single serving thread.
"""

import argparse
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Flask
from waitress import create_server

from app import create_app, db
from app.auth import DEMO_ACCOUNTS_HINT
from app.models import Pole, User

ROOT = Path(__file__).resolve().parent.parent  # where wsgi.py is


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


access_log = logging.getLogger("epoles.access")


class AccessLog:
    """One line per request on the console (waitress writes none): method, path, status,
    size and duration. The query string is left out: it may carry a one-time token."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable[..., object]) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, str] = {}

        def recording_start(status: str, headers: list, *args: object) -> object:
            seen["status"] = status.split(" ", 1)[0]
            seen["size"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, *args)

        try:
            yield from self.app(environ, recording_start)
        finally:
            access_log.info(
                '%s "%s %s" %s %s %.0f ms',
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                environ.get("PATH_INFO", "/"),
                seen.get("status", "-"),
                seen.get("size", "-"),
                (time.perf_counter() - started) * 1000,
            )


def configure_logging() -> None:
    """Access lines on the console; waitress's « Task queue depth » warnings silenced (with
    one thread on the embedded store, a second request always waits: that is no news)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    access_log.setLevel(logging.INFO)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def make_server(app: Flask, host: str, port: int):  # type: ignore[no-untyped-def]
    threads = 1 if not app.config["MONGODB_URI"] else 8
    return create_server(AccessLog(app), host=host, port=port, threads=threads)


def start_worker() -> subprocess.Popen[bytes]:
    """The outbox worker in its own process, with this process's environment (store, mail
    settings, ``EPOLES_TODAY``)."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "work"],
        env=dict(os.environ),
        cwd=ROOT,
    )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """End the child worker started by ``start_worker`` (and only it)."""
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serveur e-Pôles")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()

    configure_logging()
    app = create_app()
    prepare(app)
    print(DEMO_ACCOUNTS_HINT.format(password=app.config["EPOLES_DEMO_PASSWORD"]))
    print(f"e-Pôles : http://{args.host}:{args.port}  (base : {app.config['EPOLES_STORE']})")
    # An in-memory mongomock database is private to this process: a worker could not see it.
    worker = None if app.config["MONGODB_URI"].startswith("mongomock://") else start_worker()
    if worker is not None:
        print("Boîte d'envoi : un second processus envoie les courriels (flask outbox work).")
    try:
        make_server(app, args.host, args.port).run()
    finally:
        if worker is not None:
            stop_worker(worker)


if __name__ == "__main__":
    main()
