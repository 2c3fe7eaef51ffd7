"""The « créer une école » form parses what a data manager typed, without an app or a request."""

import pytest
from werkzeug.datastructures import MultiDict

from app.forms.school import FASE_DIGITS, PO_REQUIRED, REQUIRED, ZONE_DIGITS, SchoolForm

BASE = {
    "fase": "3997",
    "role": "specific_partner",
    "name": "  IRSA bis  ",
    "zone": "1",
    "education": "specialized",
    "types": ["6", "7"],
    "po_fase": "1005",
}


def _form(**changes: object) -> SchoolForm:
    data = {**BASE, **changes}
    return SchoolForm(MultiDict([(k, v) for k, vs in data.items() for v in _list(vs)]))


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def test_a_complete_form_gives_the_services_entry() -> None:
    form = _form()
    assert form.validate(), form.errors
    entry = form.entry()
    assert (entry.fase, entry.po_fase, entry.zone) == (3997, 1005, 1)
    assert entry.name == "IRSA bis"  # stripped, never cut
    assert entry.types == (6, 7)
    assert entry.po is None  # no PO name typed: the PO must exist


def test_types_only_for_specialized_schools() -> None:
    form = _form(education="ordinary")
    assert form.validate()
    assert form.entry().types == ()


def test_a_po_name_asks_to_create_the_po() -> None:
    form = _form(po_name="ASBL Nouvelle", po_city=" Namur ")
    assert form.validate()
    po = form.entry().po
    assert po is not None and (po.name, po.city) == ("ASBL Nouvelle", "Namur")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"fase": ""}, "fase", REQUIRED),
        ({"role": ""}, "role", REQUIRED),
        ({"role": "seat"}, "role", None),
        ({"fase": "0"}, "fase", "Un numéro FASE est un nombre positif."),
        ({"fase": "1234567890"}, "fase", FASE_DIGITS),  # ten digits
        ({"fase": "12a"}, "fase", FASE_DIGITS),
        ({"po_fase": "1e5"}, "po_fase", FASE_DIGITS),
        ({"fase": "1_000"}, "fase", FASE_DIGITS),  # int() would read 1000
        ({"fase": "-5"}, "fase", FASE_DIGITS),
        ({"fase": "²"}, "fase", FASE_DIGITS),
        ({"po_fase": ""}, "po_fase", PO_REQUIRED),
        ({"zone": "deux"}, "zone", ZONE_DIGITS),
    ],
)
def test_bad_input_is_refused_in_french(changes: dict, field: str, message: str | None) -> None:
    form = _form(**changes)
    assert not form.validate()
    assert field in form.errors
    first = form.first_error()
    if message is not None:
        assert first == message
    else:  # WTForms' own message, in French through the form's locales
        assert "choix" in first.lower(), first
