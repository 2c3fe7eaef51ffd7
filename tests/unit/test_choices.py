"""Choices (a value with its label), the Label attribute and the Flag: pure, no app."""

import threading
from types import SimpleNamespace

import pytest

from app.flags import Flag
from app.models.labels import Label
from app.rules.choices import Choices
from app.rules.roles import ROLE_LABELS, Role
from app.rules.states import KIND_LABELS, STATUS_LABELS, Kind, Status


class Colour(Choices):
    RED = "red", "Rouge"
    PLAIN = "plain"


def test_a_member_is_its_stored_string_and_carries_its_label():
    assert Colour.RED == "red"
    assert Colour("red") is Colour.RED
    assert f"{Colour.RED}" == "red"
    assert Colour.RED.value == "red"
    assert Colour.RED.label == "Rouge"


def test_a_member_without_a_label_shows_its_value():
    assert Colour.PLAIN.label == "plain"


def test_labels_and_choices_keep_the_declaration_order():
    assert Colour.labels() == {"red": "Rouge", "plain": "plain"}
    assert list(Colour.labels()) == ["red", "plain"]
    assert Colour.choices() == [("red", "Rouge"), ("plain", "plain")]


@pytest.mark.parametrize(("value", "label"), [("red", "Rouge"), ("blue", "blue"), (None, "")])
def test_label_of_a_stored_value_shows_an_unknown_one_as_stored(value, label):
    assert Colour.label_of(value) == label


def test_the_domain_tables_are_derived_from_their_members():
    assert STATUS_LABELS[Status.DRAFT] == "Brouillon"
    assert KIND_LABELS["ressort"] == "Ressort"
    assert ROLE_LABELS[Role.SUPPORT] == "Support (gestion des accès)"
    assert len(ROLE_LABELS) == len(Role) == 12
    assert list(KIND_LABELS) == [k.value for k in Kind]


class _Doc:
    status_label = Label("status", {"a": "Ouverte"})
    badge = Label("status", {"a": "success"}, default="secondary")

    def __init__(self, status):
        self.status = status


def test_label_reads_the_field_of_the_document_it_is_read_on():
    assert _Doc("a").status_label == "Ouverte"
    assert _Doc("zz").status_label == "zz"
    assert _Doc("a").badge == "success"
    assert _Doc("zz").badge == "secondary"
    assert isinstance(_Doc.status_label, Label)


def test_label_is_read_only_per_document():
    one, other = _Doc("a"), _Doc("zz")
    assert (one.status_label, other.status_label) == ("Ouverte", "zz")
    one.status = "zz"
    assert one.status_label == "zz"


def test_a_flag_holds_inside_its_block_only_and_nests():
    flag = Flag("test_flag")
    assert not flag.is_set()
    with flag.raised():
        assert flag.is_set()
        with flag.raised():
            assert flag.is_set()
        assert flag.is_set()
    assert not flag.is_set()


def test_a_flag_is_reset_when_its_block_raises():
    flag = Flag("test_flag_error")
    with pytest.raises(RuntimeError), flag.raised():
        raise RuntimeError("boom")
    assert not flag.is_set()


def test_a_flag_raised_in_one_thread_is_not_seen_by_another():
    flag = Flag("test_flag_thread")
    seen = SimpleNamespace(value=None)

    def look():
        seen.value = flag.is_set()

    with flag.raised():
        thread = threading.Thread(target=look)
        thread.start()
        thread.join()
    assert seen.value is False
