"""The lock below every model write path: a validated convention cannot change."""

import pytest

from app.models import Convention
from app.rules.errors import ConventionLocked, InvalidState
from app.rules.states import Status
from tests.rules.conftest import drive


@pytest.fixture
def locked(partnership, user):
    return drive(partnership, Status.VALIDATED, user)


def unchanged(conv):
    stored = Convention.objects.get(id=conv.pk)
    assert stored.status == Status.VALIDATED
    assert stored.school_year == conv.school_year
    assert stored.article("4").body == "Texte de l'article 4."
    return stored


WRITES = {
    "save": lambda c: (setattr(c.articles[4], "body", "modifié"), c.save()),
    "save_year": lambda c: (setattr(c, "school_year", "2030-2031"), c.save()),
    "queryset_update": lambda c: Convention.objects(id=c.pk).update(set__school_year="x"),
    "queryset_update_one": lambda c: Convention.objects(id=c.pk).update_one(
        set__articles__4__body="modifié"
    ),
    "queryset_modify": lambda c: Convention.objects(id=c.pk).modify(set__school_year="x"),
    "queryset_delete": lambda c: Convention.objects(id=c.pk).delete(),
    "bulk_update": lambda c: Convention.objects.update(set__school_year="x"),
    "bulk_delete": lambda c: Convention.objects(kind__in=["partnership", "ressort"]).delete(),
    "document_update": lambda c: c.update(set__school_year="x"),
    "document_modify": lambda c: c.modify(set__school_year="x"),
    "document_delete": lambda c: c.delete(),
    "raw_update": lambda c: Convention.objects(id=c.pk).update_one(
        __raw__={"$set": {"articles.4.body": "modifié"}}
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_path_refuses(locked, write):
    with pytest.raises(ConventionLocked, match="verrouillée"):
        WRITES[write](Convention.objects.get(id=locked.pk))
    unchanged(locked)


STATUS_WRITES = {
    "save": lambda c: (setattr(c, "status", "approved"), c.save()),
    "queryset_update": lambda c: Convention.objects(id=c.pk).update(set__status="approved"),
    "modify": lambda c: Convention.objects(id=c.pk).modify(set__status="approved"),
    "raw_set": lambda c: Convention.objects(id=c.pk).update_one(
        __raw__={"$set": {"status": "approved"}}
    ),
    "document_update": lambda c: c.update(set__status="approved"),
}


@pytest.mark.parametrize("write", list(STATUS_WRITES))
def test_status_changes_only_through_the_workflow(partnership, write):
    conv = Convention.objects.get(id=partnership.pk)
    assert conv.status == Status.LIST_VALIDATED
    with pytest.raises(InvalidState, match="circuit de validation"):
        STATUS_WRITES[write](conv)
    assert Convention.objects.get(id=partnership.pk).status == Status.LIST_VALIDATED


def test_a_convention_cannot_be_created_validated(partnership):
    clone = Convention.objects.get(id=partnership.pk)
    clone.id = None
    clone.slot = "partnership-bis"
    clone.status = Status.VALIDATED
    with pytest.raises(InvalidState):
        clone.save()


def test_unlocked_conventions_still_accept_ordinary_writes(partnership):
    Convention.objects(id=partnership.pk).update_one(set__school_year="2031-2032")
    assert Convention.objects.get(id=partnership.pk).school_year == "2031-2032"


def test_a_mixed_bulk_write_changes_nothing(locked, pole1, school, user):
    from app.services import workflow

    other = workflow.add_school(pole1, school(2113), "cooperating", user("coord1"))
    with pytest.raises(ConventionLocked):
        Convention.objects.update(set__school_year="2040-2041")
    assert Convention.objects.get(id=other.pk).school_year != "2040-2041"
    unchanged(locked)
