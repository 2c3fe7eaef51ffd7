"""Back-office list pages make the same number of database calls whatever their length."""

import pytest

from app.models import Convention, ConventionSchool, OrganisingAuthority, School
from app.services.workflow._writer import workflow_write
from tests.conftest import login
from tests.foundation.test_admin_lock import make_convention

COUNTED = ("find", "find_one", "count_documents", "aggregate")


@pytest.fixture
def count_calls(monkeypatch):
    import mongomock.collection

    calls: list[str] = []
    for name in COUNTED:
        original = getattr(mongomock.collection.Collection, name)

        def wrapper(self, *args, __name=name, __orig=original, **kwargs):
            calls.append(__name)
            return __orig(self, *args, **kwargs)

        monkeypatch.setattr(mongomock.collection.Collection, name, wrapper)
    return calls


def add_schools(count: int) -> None:
    for i in range(count):
        po = OrganisingAuthority(fase=90_000 + i, name=f"PO n° {i}").save()
        School(
            fase=900_000 + i, name=f"École n° {i}", po=po, zone=1 + i % 10, education="ordinary"
        ).save()


def add_conventions(count: int) -> None:
    """Draft conventions that each list a school of their own PO (references to resolve)."""
    for i in range(count):
        po = OrganisingAuthority(fase=80_000 + i, name=f"PO coopérant n° {i}").save()
        school = School(
            fase=800_000 + i, name=f"École coopérante n° {i}", po=po, zone=4, education="ordinary"
        ).save()
        conv = make_convention("draft")
        entry = ConventionSchool(
            school=school,
            role="cooperating",
            fase=school.fase,
            name=school.name,
            po=po,
            po_fase=po.fase,
            po_name=po.name,
        )
        with workflow_write():
            Convention.objects(id=conv.pk).update_one(
                set__slot=f"cooperation:{po.pk}", push__schools=entry
            )


def calls_for(client, url: str, count_calls) -> int:
    count_calls.clear()
    assert client.get(url).status_code == 200
    return len(count_calls)


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/admin/schools_admin/", add_schools),
        ("/admin/pos_admin/", add_schools),
        ("/admin/conventions_admin/", add_conventions),
    ],
)
def test_list_pages_have_no_n_plus_one(demo, client, count_calls, url, grow):
    login(client, "admin")
    before = calls_for(client, url, count_calls)
    grow(30)
    after = calls_for(client, url, count_calls)
    assert after == before, f"{url}: {before} calls, then {after} with 30 more rows"
