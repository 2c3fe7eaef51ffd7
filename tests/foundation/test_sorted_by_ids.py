"""The stand-in stores' page read in two steps (``ids_in_order``: the sort keys; ``by_ids``:
the rows by id) gives the rows the store's own sorted read gives, in the same order; so does
an export's one read (``rows_in_order``)."""

import pytest

from app import db
from app.models import Convention, School
from app.models.base import by_ids, documents_of, ids_in_order, rows_in_order


def _two_steps(query, skip=0, limit=None, batch=100):
    """A page as the back-office list reads it (``SecureModelView.get_list``)."""
    ids = ids_in_order(query)
    return by_ids(query, ids[skip : None if limit is None else skip + limit], batch)


@pytest.mark.parametrize(
    ("model", "ordering", "filters"),
    [
        (Convention, ("pole_number", "kind"), {}),
        (Convention, ("-updated_at", "slot"), {"status__ne": "approved"}),
        (School, ("sort_name",), {}),
        (School, ("-zone", "fase"), {"education": "specialized"}),
    ],
)
def test_two_steps_give_the_stores_own_page(demo, model, ordering, filters):
    assert db.sorts_in_memory()  # mongomock in tests
    query = model.objects(**filters).order_by(*ordering)
    everything = [d.pk for d in query]
    assert len(everything) > 3
    assert [d.pk for d in _two_steps(query)] == everything
    for skip, limit in ((0, 2), (1, 3), (len(everything) - 1, 5), (len(everything) + 2, 5)):
        expected = [d.pk for d in query.clone().skip(skip).limit(limit)]
        assert [d.pk for d in _two_steps(query, skip, limit, batch=2)] == expected
    # In one read, projected as the query is (the sort keys added to it)
    projected = query.clone().only("id")
    rows = rows_in_order(projected)
    assert [row["_id"] for row in rows] == everything
    assert all(set(row) <= {"_id", *(key.lstrip("-") for key in ordering)} for row in rows)
    assert [d.pk for d in documents_of(projected, rows)] == everything


def test_the_conventions_list_reads_its_page_in_two_steps(demo, client):
    """The back-office list on a stand-in store: the sort keys, then 51 rows by id (never a
    sorted read of whole conventions)."""
    import mongomock

    from tests.conftest import login

    sorted_reads = []
    original = mongomock.collection.Cursor.sort

    def sort(self, *args, **kwargs):
        if self.collection.name == "conventions":
            sorted_reads.append(args)
        return original(self, *args, **kwargs)

    login(client, "admin")
    mongomock.collection.Cursor.sort = sort
    try:
        html = client.get("/admin/conventions_admin/?sort=0").get_data(as_text=True)
    finally:
        mongomock.collection.Cursor.sort = original
    assert sorted_reads == []
    assert Convention.objects.first().kind_label in html
