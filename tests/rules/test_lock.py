"""The lock below every model write path: a validated convention cannot change."""

import pytest
from bson import ObjectId
from pymongo import UpdateOne, WriteConcern

from app.models import Convention
from app.rules.errors import ConventionLocked, ConventionWriteRefused, InvalidState
from app.rules.states import Status
from tests.raw import raw_conventions
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


def _draft_doc(conv):
    doc = Convention._get_collection().find_one({"_id": conv.pk})  # reads pass
    return dict(doc, _id=ObjectId(), slot="partnership-bis")


# One writer: outside the workflow's verbs, a draft refuses every write too.
DRAFT_WRITES = {
    "save": lambda c: (setattr(c, "school_year", "2031-2032"), c.save()),
    "queryset_update": lambda c: Convention.objects(id=c.pk).update_one(
        set__school_year="2031-2032"
    ),
    "queryset_delete": lambda c: Convention.objects(id=c.pk).delete(),
    "queryset_insert": lambda c: Convention.objects.insert(
        Convention.objects.get(id=c.pk).__class__(
            **{**Convention.objects.get(id=c.pk)._data, "id": None, "slot": "partnership-bis"}
        )
    ),
    "raw_update_one": lambda c: Convention._get_collection().update_one(
        {"_id": c.pk}, {"$set": {"school_year": "2031-2032"}}
    ),
    "raw_update_many": lambda c: Convention._get_collection().update_many(
        {}, {"$set": {"school_year": "2031-2032"}}
    ),
    "raw_insert": lambda c: Convention._get_collection().insert_one(_draft_doc(c)),
    "raw_replace": lambda c: Convention._get_collection().replace_one(
        {"_id": c.pk}, {"kind": "partnership"}
    ),
    "raw_delete": lambda c: Convention._get_collection().delete_many({}),
    "raw_find_one_and_update": lambda c: Convention._get_collection().find_one_and_update(
        {"_id": c.pk}, {"$set": {"schools": []}}
    ),
    "raw_bulk_write": lambda c: Convention._get_collection().bulk_write(
        [UpdateOne({"_id": c.pk}, {"$set": {"schools": []}})]
    ),
    "with_options": lambda c: (
        Convention._get_collection()
        .with_options(write_concern=WriteConcern(w=1))
        .update_one({"_id": c.pk}, {"$set": {"schools": []}})
    ),
    "drop": lambda c: Convention._get_collection().drop(),
}


@pytest.mark.parametrize("write", list(DRAFT_WRITES))
def test_outside_the_workflow_even_a_draft_refuses_every_write(partnership, write):
    before = raw_conventions().find_one({"_id": partnership.pk})
    count = raw_conventions().count_documents({})
    with pytest.raises(ConventionWriteRefused, match="circuit"):
        DRAFT_WRITES[write](Convention.objects.get(id=partnership.pk))
    assert raw_conventions().find_one({"_id": partnership.pk}) == before
    assert raw_conventions().count_documents({}) == count


def test_the_writer_scope_is_handed_out_once():
    from app.models.convention import claim_writer

    with pytest.raises(RuntimeError, match="already claimed"):
        claim_writer()


def test_the_writer_collection_still_reads_and_indexes(partnership):
    collection = Convention._get_collection()
    assert collection.count_documents({"_id": partnership.pk}) == 1
    assert "pole_1_slot_1" in collection.index_information()
    assert collection == raw_conventions()


def test_a_mixed_bulk_write_changes_nothing(locked, pole1, school, user):
    from app.services import workflow

    other = workflow.add_school(pole1, school(2113), "cooperating", user("coord1"))
    with pytest.raises(ConventionLocked):
        Convention.objects.update(set__school_year="2040-2041")
    assert Convention.objects.get(id=other.pk).school_year != "2040-2041"
    unchanged(locked)
