"""Connecting MongoEngine to the configured store (CONTRACT.md, "Storage").

- ``MONGODB_URI`` set: a real MongoDB;
- ``MONGODB_URI=mongomock://``: an in-memory mongomock database, empty at start;
- unset: the embedded litemongo store on SQLite files under ``EPOLES_DATA_DIR``
  (one process, one thread).
"""

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import mongoengine
import mongomock

DB_NAME = "epoles"


def _litemongo_client_class(path: Path) -> type:
    import litemongo

    class LiteMongoClient(litemongo.MongoClient):
        """Adapts litemongo to the arguments mongoengine passes to a client class."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            keep = {k: kwargs[k] for k in ("tz_aware", "document_class") if k in kwargs}
            super().__init__(str(path), database=DB_NAME, **keep)

        def close(self) -> None:
            # Closing from another thread than the one that opened the store is refused by
            # SQLite; the data is already on disk (litemongo commits each write).
            with contextlib.suppress(sqlite3.ProgrammingError):
                super().close()

    return LiteMongoClient


def connect(uri: str, data_dir: str) -> str:
    """Connect the default alias; return a short description of the store for logs."""
    mongoengine.disconnect_all()
    if uri.startswith("mongomock://"):
        mongoengine.connect(
            DB_NAME,
            host="mongodb://localhost",
            mongo_client_class=mongomock.MongoClient,
            uuidRepresentation="standard",
        )
        return "mongomock (mémoire)"
    if uri:
        mongoengine.connect(host=uri, uuidRepresentation="standard", tz_aware=False)
        return "MongoDB"
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "epoles.sqlite"
    # Registered, not connected: litemongo's SQLite objects belong to the thread that opens
    # them, so the connection opens in the first thread that uses it (the server's single
    # worker thread, see app/serve.py).
    mongoengine.register_connection(
        mongoengine.DEFAULT_CONNECTION_NAME,
        db=DB_NAME,
        host="mongodb://localhost",
        mongo_client_class=_litemongo_client_class(path),
        uuidRepresentation="standard",
    )
    return f"litemongo ({path})"


def forget_collections() -> None:
    """Make every model ask the connection for its collection again (and create its indexes).

    MongoEngine caches each document class's collection; after a reconnection or a dropped
    database the cache points at the old one, and the indexes (the unique pole/slot of
    conventions) would not come back.
    """
    from mongoengine.base.common import _document_registry

    for model in list(_document_registry.values()):
        if issubclass(model, mongoengine.Document):
            model._collection = None


def ping() -> bool:
    """True when the database answers (MongoDB, mongomock and litemongo all know ``ping``)."""
    return bool(mongoengine.get_db().command("ping").get("ok"))


def _stand_in_clients() -> tuple[type, ...]:
    classes: list[type] = [mongomock.MongoClient]
    with contextlib.suppress(ImportError):
        from litemongo._vendor import mongomock as lite

        classes.append(lite.MongoClient)
    return tuple(classes)


def sorts_in_memory() -> bool:
    """True on the stand-in stores (mongomock, litemongo): a sorted find decodes every
    matching document and sorts the whole decoded documents before projecting them, so a
    page of 50 holds the collection in memory; MongoDB reads a sorted page off an index."""
    return isinstance(mongoengine.get_connection(), _stand_in_clients())
