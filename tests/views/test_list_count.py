"""Back-office lists say how many rows they have, in French, when that costs no count: the
stand-in's sort-key read (schools, POs, poles, conventions) or the last page; otherwise
« Plus de N résultats » (no count: it scans the embedded store)."""

import re

import mongomock
from bson import ObjectId

from app import formatting
from app.models import Convention, School, User
from tests.conftest import login


def _count_text(html: str) -> str:
    found = re.search(r'data-testid="list-count">([^<]+)<', html)
    assert found, "no count under the list"
    return found.group(1)


def test_lists_say_their_exact_count_without_counting(demo, client, monkeypatch):
    schools, conventions = School.objects.count(), Convention.objects.count()
    specialized = School.objects(education="specialized").count()
    counted = []
    original = mongomock.collection.Collection.count_documents
    monkeypatch.setattr(
        mongomock.collection.Collection,
        "count_documents",
        lambda self, *a, **k: counted.append(self.name) or original(self, *a, **k),
    )
    login(client, "admin")
    for url, total in (
        ("/admin/schools_admin/?page_size=20", schools),
        ("/admin/conventions_admin/?page_size=20", conventions),
        ("/admin/schools_admin/?search=zzz-aucune", 0),
    ):
        html = client.get(url).get_data(as_text=True)
        if total:
            assert _count_text(html) == f"{formatting.integer_text(total)} résultats", url
        else:
            assert 'data-testid="list-count"' not in html  # the empty list's own message
    html = client.get("/admin/schools_admin/?search=spécialisé").get_data(as_text=True)
    assert _count_text(html).endswith("résultat" if specialized == 1 else "résultats")
    assert counted == []


def test_without_a_free_count_a_list_says_more_than(demo, client):
    first = User._get_collection().find_one({"username": "coord1"})
    copies = [
        dict(first, _id=ObjectId(), username=f"compte{i}", session_token=f"jeton-{i}")
        for i in range(30)
    ]
    User._get_collection().insert_many(copies)
    login(client, "admin")
    users = User.objects.count()
    html = client.get("/admin/users_admin/?page_size=20").get_data(as_text=True)
    assert _count_text(html) == "Plus de 20 résultats"
    last = (users - 1) // 20
    html = client.get(f"/admin/users_admin/?page_size=20&page={last}").get_data(as_text=True)
    assert _count_text(html) == f"{users} résultats"  # the last page counts every row
