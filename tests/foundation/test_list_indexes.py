"""Every back-office list's default sort and each of its filters is served by an index.

``LISTS`` names them (the test fails when a view's sort or filters change without it); each
must be the prefix of an index the model declares (mongoengine creates them on a real
MongoDB). With ``MONGODB_URI`` pointing to a real server, ``explain()`` shows the default
page of each list read through an index, without an in-memory sort; skipped otherwise (the
stand-in stores have no planner). A search (a substring of a name) reads the list's index
in order and tests the rows: no index serves a substring.
"""

import os
from typing import Any

import pytest

from app.views.admin.base import SecureModelView

# endpoint: (default sort, filters)
LISTS: dict[str, tuple[list[str], list[str]]] = {
    "poles_admin": (["number"], ["zone"]),
    "schools_admin": (["sort_name"], ["zone", "types", "education", "po", "city"]),
    "pos_admin": (["sort_name"], ["name", "city"]),
    "conventions_admin": (
        ["pole_number", "kind"],
        ["kind", "status", "pole_number", "school_year", "due_on", "pole", "parent"],
    ),
    "school_years_admin": (["first_day"], []),
    "templates_admin": (["kind", "position"], ["kind", "nature"]),
    "users_admin": (["username"], ["active"]),
    "access_requests_admin": (["created_at"], ["status", "kind", "profile"]),
    "outbox_admin": (["created_at"], ["status", "category", "topic"]),
    "messages_admin": (["published_from"], ["audience", "published_from"]),
    "functions_admin": (["sort_name"], ["group"]),
    "api_clients_admin": (["created_at"], []),
}


def _views(app) -> dict[str, SecureModelView]:
    admin = app.extensions["epoles_admin"]
    return {v.endpoint: v for v in admin._views if isinstance(v, SecureModelView)}


def _filters(view: SecureModelView) -> list[str]:
    names = []
    for flt in view.column_filters or []:
        column = flt if isinstance(flt, str) else flt.column
        names.append(getattr(column, "name", column))
    return names


def _keys(view: SecureModelView) -> list[list[str]]:
    """The model's indexes, as lists of field names (the stored names: ``id`` is ``_id``)."""
    out = []
    for spec in view.model.list_indexes():
        out.append([name.lstrip("-+") for name, *_ in (spec if isinstance(spec, list) else [])])
    return out


def _served(keys: list[list[str]], fields: list[str]) -> bool:
    return any(index[: len(fields)] == fields for index in keys)


def test_the_table_names_every_list(app):
    with app.test_request_context():
        views = _views(app)
        actual = {
            endpoint: ([name for name, _ in view._get_default_order()], _filters(view))
            for endpoint, view in views.items()
        }
    assert actual == LISTS


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_every_sort_and_filter_has_its_index(app, endpoint):
    view = _views(app)[endpoint]
    keys = _keys(view)
    sort, filters = LISTS[endpoint]
    assert _served(keys, sort), (endpoint, sort, keys)
    for field in filters:
        assert _served(keys, [field]), (endpoint, field, keys)


def _real_mongodb() -> bool:
    uri = os.environ.get("MONGODB_URI", "")
    return bool(uri) and not uri.startswith("mongomock://")


def _stages(plan: dict[str, Any]) -> list[str]:
    stages = [plan.get("stage", "")]
    for key in ("inputStage", "queryPlan"):
        if isinstance(plan.get(key), dict):
            stages += _stages(plan[key])
    for child in plan.get("inputStages") or []:
        stages += _stages(child)
    return stages


@pytest.mark.skipif(not _real_mongodb(), reason="MONGODB_URI does not name a real MongoDB")
@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_explain_reads_each_list_through_an_index(endpoint):
    from app import create_app

    app = create_app({"MONGODB_URI": os.environ["MONGODB_URI"], "TESTING": True})
    with app.test_request_context():
        view = _views(app)[endpoint]
        view.model.ensure_indexes()
        filters = LISTS[endpoint][1]
        order = [f"{'-' if desc else ''}{name}" for name, desc in view._get_default_order()]
        queries = [view.model.objects.order_by(*order).limit(51)]
        queries += [view.model.objects(**{f"{f}__ne": None}).limit(51) for f in filters]
        for query in queries:
            plan = query.explain()["queryPlanner"]["winningPlan"]
            stages = _stages(plan)
            assert "COLLSCAN" not in stages, (endpoint, stages)
        sorted_plan = _stages(queries[0].explain()["queryPlanner"]["winningPlan"])
        assert "SORT" not in sorted_plan, (endpoint, sorted_plan)
