"""Fixtures in the flaskr style: ``app`` → ``client``, plus the demo data and a login helper."""

import re
from collections.abc import Callable, Iterator

import mongoengine
import pytest
from flask import Flask
from flask.testing import FlaskClient

import app.models.user as user_module
from app import create_app

# Hashing dominates a seeded test's run time; the cost is lowered for tests only.
user_module.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

DEMO_PASSWORD = "Demo-2026"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')
CSRF_INPUT_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(tmp_path, **overrides) -> Flask:
    config = {
        "TESTING": True,
        "MONGODB_URI": "mongomock://",
        "SECRET_KEY": "test-secret",
        "EPOLES_DATA_DIR": str(tmp_path / "data"),
        "EPOLES_DEMO_PASSWORD": DEMO_PASSWORD,
        "SERVER_NAME": None,
        # Deadlines and reminders read app.clock: tests never run on the real date.
        "EPOLES_TODAY": "2026-12-01",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def _worker_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One application per test process: building it (Flask-Admin's views and forms) is the
    costly part of a test's setup, and nothing in it depends on the data."""
    application = make_app(tmp_path_factory.mktemp("app"))

    # The context pushed below makes ``g`` outlive each request; a real server starts every
    # request with an empty ``g`` (Flask-Login caches the user there, Flask-WTF the token).
    @application.url_value_preprocessor
    def _fresh_g(endpoint, values) -> None:
        from flask import g

        g.__dict__.clear()

    return application


def reset_database(application: Flask) -> None:
    """An empty in-memory database, as a fresh application would have (public APIs only)."""
    from app import clock, db

    db.connect(application.config["MONGODB_URI"], application.config["EPOLES_DATA_DIR"])
    db.forget_collections()
    clock.configure(application.config)


@pytest.fixture
def app(_worker_app: Flask) -> Iterator[Flask]:
    """The worker's application on an empty database, its configuration and rate limits as
    new; whatever a test changes in the configuration is put back afterwards."""
    from app.extensions import limiter

    config = dict(_worker_app.config)
    reset_database(_worker_app)
    limiter.reset()
    with _worker_app.app_context():
        yield _worker_app
    _worker_app.config.clear()
    _worker_app.config.update(config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# name → (documents, indexes) of every collection, once loaded by the data set's loader.
_SNAPSHOTS: dict[str, dict[str, tuple[list[dict], list[dict]]]] = {}


def load_cached(name: str, loader: Callable[[], object]) -> None:
    """Load a data set into the (empty) database of the current app.

    Seeding runs the whole workflow (routing, signatures, a sealed PDF) and takes seconds:
    ``loader`` runs once per test process; later tests get the stored documents and indexes
    inserted again through the driver's public API.
    """
    database = mongoengine.get_db()
    snapshot = _SNAPSHOTS.get(name)
    if snapshot is None:
        loader()
        _SNAPSHOTS[name] = {
            collection: (
                list(database[collection].find()),
                [
                    {
                        "keys": info["key"],
                        "unique": bool(info.get("unique")),
                        "sparse": bool(info.get("sparse")),
                        "name": index,
                    }
                    for index, info in database[collection].index_information().items()
                    if index != "_id_"
                ],
            )
            for collection in database.list_collection_names()
        }
        return
    for collection, (documents, indexes) in snapshot.items():
        target = database[collection]
        # The documents go in before the indexes: the store checks a unique index against
        # every stored document at each insert, and once over all of them when it is created.
        # The store copies what it is given (lists and documents), so the snapshot stays as is.
        if documents:
            target.insert_many(documents)
        for index in indexes:
            target.create_index(
                index["keys"], unique=index["unique"], sparse=index["sparse"], name=index["name"]
            )


def load_demo_cached() -> None:
    """The demo data set of CONTRACT.md, loaded once per process (see ``load_cached``)."""
    from seed.loader import load_demo

    load_cached("demo", lambda: load_demo(DEMO_PASSWORD))


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The demo data set of CONTRACT.md loaded into the test database."""
    load_demo_cached()
    return app


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    found = CSRF_RE.search(html) or CSRF_INPUT_RE.search(html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(
    client: FlaskClient, username: str, password: str = DEMO_PASSWORD, *, remember: bool = False
):
    """Log in through the form (« Se souvenir de moi » ticked when ``remember``)."""
    token = csrf_token(client, "/login")
    data = {"username": username, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, follow_redirects=False)


@pytest.fixture
def login_as(client: FlaskClient):
    def _login(username: str, password: str = DEMO_PASSWORD) -> FlaskClient:
        response = login(client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login
