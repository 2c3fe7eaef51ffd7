"""Back-office list pages read only what they show, and page without counting.

- The projection (``SecureModelView.project``: the listed fields, the formatters' own, the
  first school of a convention) changes nothing the user sees: every list page and its CSV
  export are the same as when whole documents are read.
- The pager counts nothing: one row more than the page tells whether a next page exists.
"""

import re

import mongomock
import pytest

from app.views.admin.base import SecureModelView
from app.views.admin.conventions import ConventionView
from tests.conftest import login
from tests.permissions.test_query_counts import BACK_OFFICE, _grow

# What differs between two responses anyway: the CSP nonce, the signed CSRF token, the time
# of day (a page stamped with the moment it was made).
VARYING = re.compile(r'nonce="[^"]*"|[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}|\b\d\d:\d\d\b')
EXPORTS = [path for _, path in BACK_OFFICE if path != "/admin/messages_admin/"]


def _pages(client) -> dict[str, str]:
    shown = {}
    for _, path in BACK_OFFICE:
        response = client.get(path)
        assert response.status_code == 200, path
        shown[path] = VARYING.sub("", response.get_data(as_text=True))
    for path in EXPORTS:
        response = client.get(f"{path}export/csv/")
        if response.status_code == 200:
            shown[f"{path}export/csv/"] = response.get_data(as_text=True)
    return shown


def test_projected_lists_show_what_whole_documents_show(demo, monkeypatch):
    _grow()
    client = demo.test_client()
    login(client, "admin")
    projected = _pages(client)
    assert any("/export/csv/" in path for path in projected)
    monkeypatch.setattr(SecureModelView, "project", lambda self, query: query)
    monkeypatch.setattr(ConventionView, "project", lambda self, query: query)
    whole = _pages(client)
    assert projected.keys() == whole.keys()
    for path in projected:
        assert projected[path] == whole[path], path


def test_the_conventions_list_reads_its_fields_and_one_school(demo, monkeypatch):
    seen = []
    original = mongomock.collection.Collection.find

    def spy(self, filter=None, projection=None, *args, **kwargs):
        if self.name == "conventions":
            seen.append(projection)
        return original(self, filter, projection, *args, **kwargs)

    monkeypatch.setattr(mongomock.collection.Collection, "find", spy)
    client = demo.test_client()
    login(client, "admin")
    assert client.get("/admin/conventions_admin/").status_code == 200
    # On a stand-in store the sort keys first (models.base.ids_in_order), then the page.
    keys, projection = seen
    assert set(keys) - {"_id"} == {"pole_number", "kind"}
    assert projection["schools"] == {"$slice": 1}
    assert {"kind", "status", "pole_number", "due_on"} <= set(projection)
    for heavy in ("articles", "signatures", "snapshot", "history", "pending_events"):
        assert heavy not in projection


@pytest.mark.parametrize("page_size", [20])
def test_the_pager_says_the_next_page_without_counting(demo, monkeypatch, page_size):
    from app.models import School

    _grow()
    total = School.objects.count()
    last = (total - 1) // page_size
    client = demo.test_client()
    login(client, "admin")
    counted = []
    original = mongomock.collection.Collection.count_documents
    monkeypatch.setattr(
        mongomock.collection.Collection,
        "count_documents",
        lambda self, *a, **k: counted.append(self.name) or original(self, *a, **k),
    )
    base = f"/admin/schools_admin/?page_size={page_size}"
    first = client.get(base).get_data(as_text=True)
    assert "page=1" in first.replace("&amp;", "&")
    end = client.get(f"{base}&page={last}").get_data(as_text=True).replace("&amp;", "&")
    assert f"page={last - 1}" in end and f"page={last + 1}" not in end
    assert end.count("data-testid") >= 0 and "École" in end
    assert "schools" not in counted


def test_exports_stream_projected_rows(demo, monkeypatch):
    """The conventions export reads the export's fields only (no articles, no signatures),
    and writes while it reads: nothing is recorded until the last row is sent, then the
    export's event counts the rows."""
    from app.models import AuditEvent, Convention

    seen = []
    original = mongomock.collection.Collection.find

    def spy(self, filter=None, projection=None, *args, **kwargs):
        if self.name == "conventions":
            seen.append(projection)
        return original(self, filter, projection, *args, **kwargs)

    client = demo.test_client()
    login(client, "admin")
    before = AuditEvent.objects(action="list_exported").count()
    monkeypatch.setattr(mongomock.collection.Collection, "find", spy)
    response = client.get("/admin/conventions_admin/export/csv/")
    assert response.is_streamed
    chunks = response.iter_encoded()
    assert next(chunks).startswith("\ufeff".encode())
    assert AuditEvent.objects(action="list_exported").count() == before
    lines = b"".join(chunks).decode("utf-8").strip().split("\r\n")
    monkeypatch.undo()
    event = AuditEvent.objects(action="list_exported").order_by("-seq").first()
    assert event.details["rows"] == len(lines) == Convention.objects.count()
    # One read of the projected rows with their sort keys (sorted in memory).
    [projection] = seen
    assert {"pole_number", "kind", "signed_at", "sealed_pdf_sha256", "created_at"} <= set(
        projection
    )
    for heavy in ("articles", "signatures", "snapshot", "history"):
        assert heavy not in projection
