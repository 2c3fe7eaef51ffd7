"""The French sort key (app.rules.collation), on plain strings."""

from app.rules.collation import sort_key


def test_accents_and_case_do_not_move_a_name():
    names = ["Institut Saint-Luc", "École communale", "Athénée royal", "ecole Arc-en-ciel"]
    assert sorted(names, key=sort_key) == [
        "Athénée royal",
        "ecole Arc-en-ciel",
        "École communale",
        "Institut Saint-Luc",
    ]
    # Code-point order, what the embedded store and mongomock do without the key:
    assert sorted(names)[-1] == "École communale"


def test_ligatures_spaces_and_empty():
    assert sort_key("Œuvre  des   Sœurs") == "oeuvre des soeurs"
    assert sort_key("  Æsope ") == "aesope"
    assert sort_key(None) == "" and sort_key("") == ""
    assert sort_key("ÉCOLE") == sort_key("école") == "ecole"


def test_a_person_sorts_by_last_name_then_first_name():
    from app.rules.collation import person_sort_key

    people = [("Zoé", "Étienne"), ("Adèle", "Etienne"), ("Bruno", "Dupont"), ("", "")]
    keys = [person_sort_key(last, first, "compte") for first, last in people]
    assert keys == ["etienne zoe", "etienne adele", "dupont bruno", "compte"]
    assert sorted(keys) == ["compte", "dupont bruno", "etienne adele", "etienne zoe"]
