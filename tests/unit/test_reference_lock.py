"""The reference lock rule, on plain values (no app, no database)."""

from app.rules.reference_lock import (
    PO_LOCKED_FIELDS,
    SCHOOL_LOCKED_FIELDS,
    Listing,
    reference_change_refusal,
)

SCHOOL = "l'école Les Tilleuls (FASE 2103)"
VALIDATED = Listing("Convention de partenariat", 1, "validated")
LIST_VALIDATED = Listing("Convention de coopération – PO X", 1, "list_validated")
DRAFT = Listing("Convention de coopération – PO Y", 2, "draft")


def test_locked_fields_of_a_school_in_a_validated_convention_are_refused():
    for field in SCHOOL_LOCKED_FIELDS:
        message = reference_change_refusal(SCHOOL, {field}, SCHOOL_LOCKED_FIELDS, [VALIDATED])
        assert message and "Convention de partenariat du pôle n° 1" in message
        assert "Administration" in message


def test_list_validated_already_locks_and_drafts_do_not():
    assert reference_change_refusal(SCHOOL, {"po"}, SCHOOL_LOCKED_FIELDS, [LIST_VALIDATED])
    assert reference_change_refusal(SCHOOL, {"po"}, SCHOOL_LOCKED_FIELDS, [DRAFT]) is None


def test_name_and_address_stay_correctable():
    changed = {"name", "street", "postal_code", "city", "email"}
    assert reference_change_refusal(SCHOOL, changed, SCHOOL_LOCKED_FIELDS, [VALIDATED]) is None


def test_deletion_is_refused_and_names_only_the_blocking_conventions():
    message = reference_change_refusal(
        SCHOOL, set(), SCHOOL_LOCKED_FIELDS, [VALIDATED, DRAFT], deleting=True
    )
    assert message.startswith("Impossible de supprimer l'école")
    assert "pôle n° 1" in message and "pôle n° 2" not in message


def test_a_seat_school_is_locked_even_without_conventions():
    message = reference_change_refusal(
        SCHOOL, {"zone"}, SCHOOL_LOCKED_FIELDS, [], seat_of_poles=[4]
    )
    assert "école siège du pôle n° 4" in message


def test_a_po_keeps_its_fase_but_may_be_renamed():
    po = "le pouvoir organisateur ASBL X (FASE 1002)"
    assert reference_change_refusal(po, {"fase"}, PO_LOCKED_FIELDS, [VALIDATED])
    assert reference_change_refusal(po, {"name", "city"}, PO_LOCKED_FIELDS, [VALIDATED]) is None
    assert reference_change_refusal(po, set(), PO_LOCKED_FIELDS, [VALIDATED], deleting=True)


def test_the_import_explains_a_frozen_school_as_a_single_write_refusal_does():
    from app.rules.reference_lock import Listing, frozen_explanation, reference_change_refusal

    listed = [Listing("Ressort", 3, "validated"), Listing("Coopération – X", 3, "draft")]
    text = frozen_explanation(listed, [3])
    assert text.startswith("Cette fiche figure dans une convention")
    assert "Ressort du pôle n° 3" in text and "Coopération – X" not in text  # draft: no lock
    assert "c'est l'école siège du pôle n° 3" in text
    assert "Changez d'abord l'école siège" in text
    refusal = reference_change_refusal("l'école X", ["zone"], ["zone"], listed, seat_of_poles=[3])
    assert refusal is not None and text[1:] in refusal  # one wording for both paths
