"""The list pages make the same number of database queries whatever the number of rows
(no N+1): every back-office list and every pole page is loaded on the demo data, then again
with 60 more rows of what it lists; a back-office list makes at most 4 round trips of its own
(beyond the session's user, loaded once per request).

mongomock has no command listener: the collection's read methods are wrapped to count calls.
"""

import copy
from collections.abc import Callable, Iterator
from typing import Any

import mongomock
import pytest
from bson import ObjectId

from app.models import OrganisingAuthority, Pole, School
from tests.conftest import login
from tests.permissions.conftest import pole1_conventions
from tests.raw import raw_conventions

READS = ("find", "find_one", "count_documents", "aggregate", "distinct")
EXTRA = 60

# Every back-office list (Flask-Admin views), then the pole pages.
BACK_OFFICE = [
    ("admin", "/admin/schools_admin/"),
    ("admin", "/admin/poles_admin/"),
    ("admin", "/admin/pos_admin/"),
    ("admin", "/admin/conventions_admin/"),
    ("admin", "/admin/messages_admin/"),
    ("admin", "/admin/users_admin/"),
    ("admin", "/admin/access_requests_admin/"),
    ("admin", "/admin/outbox_admin/"),
    ("admin", "/admin/templates_admin/"),
    ("admin", "/admin/annees/"),
    ("admin", "/admin/fonctions/"),
]
BACK_OFFICE_ROUND_TRIPS = 4
# The most there is (no count: the pager reads one row more): the page, then one batched
# query per referenced collection (users: the grants' pole, school and PO).
AT_THE_CEILING = {"/admin/users_admin/"}
PAGES = [
    *BACK_OFFICE,
    ("coord1", "/poles/1/eleves"),
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
    """60 more POs, schools, poles, messages, conventions awaiting po-part1 and dir-siege1,
    accounts (each with a pole, a school and a PO grant), access requests, e-mails, article
    templates, school years, functions and team scenarios of pole 1; pole 1 lists 60 more
    cooperating schools."""
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

    _grow_the_rest(pole_col.find_one({"number": 1}))


def _copies(model: Any, count: int, change: Callable[[int], dict[str, Any]]) -> None:
    """``count`` raw copies of the first document of ``model``'s collection, each changed."""
    collection = model._get_collection()
    first = collection.find_one({})
    assert first is not None, model
    collection.insert_many(
        [dict(copy.deepcopy(first), _id=ObjectId(), **change(i)) for i in range(count)]
    )


def _grow_the_rest(pole: dict[str, Any]) -> None:
    from app.models import (
        ArticleTemplate,
        OutboxMessage,
        SchoolYear,
        TeamFunction,
        TeamScenario,
        User,
    )
    from app.services.access import submit_request
    from tests.access.helpers import PDF, director_form

    submit_request(director_form(), ("annexe.pdf", PDF))
    schools = list(School._get_collection().find({"fase": {"$gte": 60000}}, {"po": 1}))
    pole_ids = [p["_id"] for p in Pole._get_collection().find({"number": {"$gte": 100}})]
    _copies(
        User,
        EXTRA,
        lambda i: {
            "username": f"compte{i}",
            "session_token": f"jeton-{i}",
            "grants": [
                {"role": "coordinator", "pole": pole_ids[i]},
                {"role": "partner_director", "pole": pole_ids[i], "school": schools[i]["_id"]},
                {"role": "partner_po_delegate", "pole": pole_ids[i], "po": schools[i]["po"]},
            ],
        },
    )
    from app.models import AccessRequest

    _copies(AccessRequest, EXTRA, lambda i: {"reference": f"EP-2026-9{i:05d}"})
    if OutboxMessage._get_collection().find_one({}) is None:
        OutboxMessage(to="a@example.org", subject="Sujet", body="Texte").save()
    _copies(OutboxMessage, EXTRA, lambda i: {"to": f"personne{i}@example.org"})
    _copies(ArticleTemplate, EXTRA, lambda i: {"key": f"test-{i}", "position": 1000 + i})
    _copies(SchoolYear, EXTRA, lambda i: {"label": f"{1900 + i}-{1901 + i}", "current": False})
    _copies(TeamFunction, EXTRA, lambda i: {"code": f"TEST-{i}", "label": f"Fonction {i}"})
    _copies(TeamScenario, EXTRA, lambda i: {"name": f"Scénario {i}"})
    Pole._get_collection().update_one(
        {"_id": pole["_id"]},
        {"$push": {"cooperating_schools": {"$each": [s["_id"] for s in schools]}}},
    )


def _queries(client, path: str, counter: dict[str, int]) -> int:
    counter["n"] = 0
    response = client.get(path)
    assert response.status_code == 200, path
    return counter["n"]


def _before_and_after(demo, counter, pages: list[tuple[str, str]]) -> dict[str, int]:
    """Each page's reads on the demo data, then with the grown data: equal; the latter."""
    clients = {}
    for username in {u for u, _ in pages}:
        clients[username] = demo.test_client()
        login(clients[username], username)
    before = {path: _queries(clients[u], path, counter) for u, path in pages}
    _grow()
    after = {path: _queries(clients[u], path, counter) for u, path in pages}
    assert after == before
    return after


def test_list_pages_make_a_constant_number_of_queries(demo, counter):
    after = _before_and_after(demo, counter, PAGES)
    own = {path: after[path] - 1 for _, path in BACK_OFFICE}  # the first: the session's user
    assert max(own.values()) <= BACK_OFFICE_ROUND_TRIPS, own
    assert {p for p, n in own.items() if n == BACK_OFFICE_ROUND_TRIPS} == AT_THE_CEILING


# The pole pages' own reads (beyond the session's user), at both sizes: at most 4, or the
# figure measured for the pages still above (what they read: a signer's home its messages,
# school years, open conventions, its pole (also its profiles' pole, read once), the
# profiles' schools or POs and the conventions awaiting them; the financing pages the year's
# parameters, the years that have some, pupil counts, commitments, functions). Any page
# reading more fails.
POLE_PAGES = {
    ("coord1", "/"): 4,
    ("dir-siege1", "/"): 6,
    ("po-siege1", "/"): 6,
    ("po-part1", "/"): 6,
    ("coord1", "/poles/1/structure"): 5,
    ("coord1", "/poles/1/conventions.csv"): 3,
    ("coord1", "/selection-du-pole"): 3,
    ("po-part1", "/a-signer"): 4,
    ("dir-siege1", "/a-prendre-connaissance"): 5,
    ("gestionnaire", "/gestion/poles"): 3,
    ("gestionnaire", "/gestion/poles/1"): 4,
    ("coord1", "/poles/1/eleves"): 5,
    ("coord1", "/poles/1/financement"): 8,
    ("coord1", "/poles/1/simulations"): 9,
}


def test_pole_pages_read_a_bounded_number_of_times_at_two_sizes(demo, counter):
    """Before: the home read each task's and each late convention's first school and PO one
    by one, and every request resolved the user's grants (coord1's home 17 reads, a
    director's 19); the financing pages resolved the pole's school list before their own
    query."""
    clients = {}
    for username in {u for u, _ in POLE_PAGES}:
        clients[username] = demo.test_client()
        login(clients[username], username)
    before = {page: _queries(clients[page[0]], page[1], counter) - 1 for page in POLE_PAGES}
    _grow()
    after = {page: _queries(clients[page[0]], page[1], counter) - 1 for page in POLE_PAGES}
    assert after == before
    above = {page: n for page, n in after.items() if n > POLE_PAGES[page]}
    assert above == {}
    assert {p for p, n in after.items() if n <= BACK_OFFICE_ROUND_TRIPS} == {
        p for p, n in POLE_PAGES.items() if n <= BACK_OFFICE_ROUND_TRIPS
    }


# A convention's page (beyond the session's user), at both sizes. Before, the page resolved
# the school list for the permission check, and the ressort's step 3 read two documents for
# each partnership it follows up (their titles): 22 reads with the demo data, 142 grown.
CONVENTION_PAGES = {
    ("coord1", "ressort", 1): 12,
    ("coord1", "ressort", 2): 10,
    ("coord1", "ressort", 3): 14,
    ("dir-siege1", "ressort", 3): 14,
    ("coord1", "partnership", 3): 8,
    ("po-part1", "partnership", 3): 8,
}


def test_convention_pages_read_a_bounded_number_of_times_at_two_sizes(demo, counter):
    convs = pole1_conventions()
    clients = {}
    for username in {u for u, _, _ in CONVENTION_PAGES}:
        clients[username] = demo.test_client()
        login(clients[username], username)

    def reads() -> dict[tuple[str, str, int], int]:
        return {
            (u, name, step): _queries(
                clients[u], f"/conventions/{convs[name].pk}?etape={step}", counter
            )
            - 1
            for u, name, step in CONVENTION_PAGES
        }

    before = reads()
    _grow()  # 60 more partnerships of pole 1, and below as many specific partnerships
    specific = raw_conventions().find_one({"_id": convs["specific_partnership"].pk})
    raw_conventions().insert_many(
        [dict(copy.deepcopy(specific), _id=ObjectId(), slot=f"test-s:{i}") for i in range(EXTRA)]
    )
    assert reads() == before == CONVENTION_PAGES


# Before their commitments were read for all poles at once and scenarios priced together,
# 60 more poles, conventions and scenarios took them from 20 to 320, 16 to 196 and 18 to
# 11,658 reads.
FINANCING_PAGES = [
    ("admin", "/admin/financement/"),
    ("coord1", "/poles/1/financement"),
    ("coord1", "/poles/1/simulations"),
]


def test_financing_pages_make_a_constant_number_of_queries(demo, counter):
    _before_and_after(demo, counter, FINANCING_PAGES)


def test_the_users_list_names_every_grant_scope(demo):
    """The batched references are the right ones: each grown account shows its pole, school
    and PO, by number and FASE."""
    _grow()
    client = demo.test_client()
    login(client, "admin")
    html = client.get("/admin/users_admin/?search=compte7").get_data(as_text=True)
    assert "pôle 107" in html
    assert "école FASE 60007" in html
    assert "PO FASE 50007" in html


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
