"""The conventions export reads the database as often at any size, and writes every row."""

import copy

from bson import ObjectId

from app.models import Convention
from app.views.admin.base import EXPORT_BATCH
from tests.conftest import login
from tests.permissions.test_query_counts import counter  # noqa: F401  (fixture)
from tests.raw import raw_conventions

URL = "/admin/conventions_admin/export/csv/"


def _grow(count: int) -> None:
    """``count`` raw copies of the demo's conventions, spread over every pole number."""
    collection = raw_conventions()
    originals = list(collection.find({}))
    collection.insert_many(
        [
            dict(
                copy.deepcopy(originals[n % len(originals)]),
                _id=ObjectId(),
                slot=f"export-copy:{n}",
                pole_number=n % 7,
            )
            for n in range(count)
        ]
    )


def test_the_conventions_export_reads_as_often_at_two_sizes(demo, client, counter):  # noqa: F811
    login(client, "admin")

    def export() -> tuple[int, list[str]]:
        counter["n"] = 0
        response = client.get(URL)
        assert response.status_code == 200
        lines = response.get_data(as_text=True).strip().split("\r\n")[1:]
        return counter["n"], lines

    small, small_lines = export()
    assert len(small_lines) == Convention.objects.count()
    _grow(EXPORT_BATCH + 150)  # more than a batch written, and many reads of 100 by id before
    large, large_lines = export()
    assert len(large_lines) == Convention.objects.count() == len(small_lines) + EXPORT_BATCH + 150
    assert large == small, f"{small} reads, then {large} with {EXPORT_BATCH + 150} more rows"
    # the rows in the list's order: by pole number
    numbers = [int(line.split(";")[0]) for line in large_lines]
    assert numbers == sorted(numbers)
