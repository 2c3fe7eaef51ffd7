"""``names_by_id`` and ``names_in_order``: the names of POs or schools, in one read."""

from bson import ObjectId

from app.models import OrganisingAuthority
from app.models.base import names_by_id, names_in_order


class _NoReads:
    """A model whose query would fail: asking for no names must not read."""

    @property
    def objects(self):
        raise AssertionError("read")


def test_names_of_several_documents_in_one_read_and_in_order(app):
    first = OrganisingAuthority(fase=9911, name="Commune de Visé", city="Visé").save()
    second = OrganisingAuthority(fase=9912, name="Ville de Huy", city="Huy").save()
    gone = ObjectId()
    assert names_by_id(OrganisingAuthority, [second.pk, first.pk, second.pk, gone]) == {
        first.pk: "Commune de Visé",
        second.pk: "Ville de Huy",
    }
    assert names_in_order(OrganisingAuthority, [second.pk, gone, first.pk], "un PO") == [
        "Ville de Huy",
        "un PO",
        "Commune de Visé",
    ]


def test_no_ids_reads_nothing():
    assert names_by_id(_NoReads(), []) == {}
    assert names_in_order(_NoReads(), [], "—") == []
