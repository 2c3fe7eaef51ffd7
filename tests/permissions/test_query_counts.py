"""The main list pages make the same number of database queries whatever the number of rows
(no N+1): each page is loaded on the demo data, then again with 60 more rows of what it lists.

mongomock has no command listener: the collection's read methods are wrapped to count calls.
"""

import copy
from collections.abc import Iterator

import mongomock
import pytest
from bson import ObjectId

from app.models import OrganisingAuthority, Pole, School
from tests.conftest import login
from tests.permissions.conftest import pole1_conventions
from tests.raw import raw_conventions

READS = ("find", "find_one", "count_documents", "aggregate", "distinct")
EXTRA = 60

PAGES = [
    ("admin", "/admin/schools_admin/"),
    ("admin", "/admin/poles_admin/"),
    ("admin", "/admin/pos_admin/"),
    ("admin", "/admin/conventions_admin/"),
    ("admin", "/admin/messages_admin/"),
    ("po-part1", "/a-signer"),
    ("po-part1", "/"),
    ("dir-siege1", "/a-prendre-connaissance"),
    ("coord1", "/poles/1/structure"),
    ("gestionnaire", "/gestion/poles/1"),
    ("gestionnaire", "/gestion/poles"),
]


@pytest.fixture
def counter(monkeypatch) -> Iterator[dict[str, int]]:
    counts = {"n": 0}
    for name in READS:
        original = getattr(mongomock.collection.Collection, name)

        def wrapped(self, *args, _original=original, **kwargs):
            counts["n"] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(mongomock.collection.Collection, name, wrapped)
    yield counts


def _grow() -> None:
    """60 more POs, schools, poles, messages, and conventions awaiting po-part1 and dir-siege1."""
    from app.models import Message

    po_col = OrganisingAuthority._get_collection()
    school_col = School._get_collection()
    pole_col = Pole._get_collection()
    conv_col = raw_conventions()
    school = school_col.find_one({"fase": 2103})
    pole = pole_col.find_one({"number": 1})
    convs = pole1_conventions()
    partnership = conv_col.find_one({"_id": convs["partnership"].pk})
    ressort = conv_col.find_one({"_id": convs["ressort"].pk})
    for i in range(EXTRA):
        po_id, school_id = ObjectId(), ObjectId()
        po_col.insert_one({"_id": po_id, "fase": 50000 + i, "name": f"PO de test {i}"})
        school_col.insert_one(
            dict(school, _id=school_id, fase=60000 + i, name=f"École de test {i}", po=po_id)
        )
        pole_col.insert_one(
            dict(
                pole,
                _id=ObjectId(),
                number=100 + i,
                name=f"Pôle de test {i}",
                seat_school=school_id,
            )
        )
        conv_col.insert_one(dict(copy.deepcopy(partnership), _id=ObjectId(), slot=f"test-p:{i}"))
        conv_col.insert_one(dict(copy.deepcopy(ressort), _id=ObjectId(), slot=f"test-r:{i}"))
        Message._get_collection().insert_one(
            {"title": f"Message {i}", "body": "Texte", "audience": "school", "school": school_id}
            if i % 2
            else {"title": f"Message {i}", "body": "Texte", "audience": "po", "po": po_id}
        )


def _queries(client, path: str, counter: dict[str, int]) -> int:
    counter["n"] = 0
    response = client.get(path)
    assert response.status_code == 200, path
    return counter["n"]


def test_list_pages_make_a_constant_number_of_queries(demo, counter):
    clients = {}
    for username in {u for u, _ in PAGES}:
        clients[username] = demo.test_client()
        login(clients[username], username)
    before = {path: _queries(clients[u], path, counter) for u, path in PAGES}
    _grow()
    after = {path: _queries(clients[u], path, counter) for u, path in PAGES}
    assert after == before


def test_the_grown_rows_are_on_the_pages(demo, counter):
    """The measure means something only if the pages do show the added rows."""
    client = demo.test_client()
    login(client, "po-part1")
    _grow()
    html = client.get("/a-signer").get_data(as_text=True)
    assert html.count('data-testid="pending-convention"') == EXTRA + 1
    admin = demo.test_client()
    login(admin, "admin")
    assert "École de test" in admin.get("/admin/schools_admin/?search=test").get_data(as_text=True)
