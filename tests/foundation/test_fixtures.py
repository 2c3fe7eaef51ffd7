"""The test fixtures themselves: a data set loaded again is the data set, whatever ran before."""

import mongoengine

from tests.conftest import load_demo_cached, reset_database


def _dump() -> dict[str, list[dict]]:
    database = mongoengine.get_db()
    return {
        name: sorted(database[name].find(), key=lambda d: str(d["_id"]))
        for name in sorted(database.list_collection_names())
    }


def test_a_test_that_changes_the_demo_data_leaves_the_next_one_the_demo_data(app):
    load_demo_cached()  # the first load (or a reload) of this process
    reset_database(app)
    load_demo_cached()
    first = _dump()
    database = mongoengine.get_db()
    # What a test may do: change a nested value, a list, a whole document, an index.
    database["conventions"].update_many({}, {"$set": {"title": "changé", "schools": []}})
    database["schools"].delete_many({})
    database["users"].drop_indexes()

    reset_database(app)
    load_demo_cached()
    assert _dump() == first
    database = mongoengine.get_db()  # the reset opened a new in-memory database
    assert database["conventions"].count_documents({"title": "changé"}) == 0
    assert first["conventions"] and first["schools"]
    assert len(database["users"].index_information()) > 1
