"""The password rule's boundaries (no app): lengths, character classes, name parts."""

import pytest

from app.rules.passwords import MAX_LENGTH, password_problems


def too_short(n: int) -> str:
    return f"Le mot de passe doit compter au moins {n} caractères."


LOWER = "Le mot de passe doit contenir au moins une lettre minuscule."
UPPER = "Le mot de passe doit contenir au moins une lettre majuscule."
DIGIT = "Le mot de passe doit contenir au moins un chiffre."
TOO_LONG = "Le mot de passe ne peut pas dépasser 200 caractères."
FIRST = "Le mot de passe ne peut pas contenir votre prénom."
LAST = "Le mot de passe ne peut pas contenir votre nom."

CASES = [
    # (password, first name, last name, minimum length or None for the default, problems)
    ("Abcdefgh12", "", "", None, []),  # exactly the default minimum, 10
    ("Abcdefg12", "", "", None, [too_short(10)]),
    ("Abcdefgh12", "", "", 10, []),
    ("Abcdefghi12", "", "", 11, []),
    ("Abcdefgh12", "", "", 11, [too_short(11)]),
    ("Abc123", "", "", 6, []),  # the circular's floor
    ("Abc123", "", "", 4, []),  # a lower setting is raised to 6
    ("Abc12", "", "", 4, [too_short(6)]),
    ("Abc12", "", "", "8", [too_short(8)]),  # a setting read as text
    ("A1" + "b" * (MAX_LENGTH - 2), "", "", None, []),  # exactly 200
    ("A1" + "b" * (MAX_LENGTH - 1), "", "", None, [TOO_LONG]),
    ("abcdefgh12", "", "", None, [UPPER]),
    ("ABCDEFGH12", "", "", None, [LOWER]),
    ("Abcdefghij", "", "", None, [DIGIT]),
    ("", "", "", None, [too_short(10), LOWER, UPPER, DIGIT]),
    (None, "", "", None, [too_short(10), LOWER, UPPER, DIGIT]),
    (12345678901, "", "", None, [too_short(10), LOWER, UPPER, DIGIT]),
    ("Éléphant2026", "", "", None, []),  # accented letters are letters
    # Name parts of three letters or more are refused, whatever the case or accents.
    ("Camille2026x", "Camille", "Lambotte", None, [FIRST]),
    ("xLAMBOTTE2026", "Camille", "Lambotte", None, [LAST]),
    ("Camille-Lambotte1", "Camille", "Lambotte", None, [FIRST, LAST]),
    ("Eva-Secret2026", "Eva", "", None, [FIRST]),  # exactly three letters
    ("Jo-Secret2026", "Jo", "Li", None, []),  # two-letter parts are allowed
    ("Secret-Lu2026x", "", "Lu", None, []),
    ("HELENE-2026-x", "Hélène", "", None, [FIRST]),  # accents folded on the name
    ("Hélène-2026-x", "Helene", "", None, [FIRST]),  # and on the password
    ("Marc-2026-Xyz", "Jean-Marc", "", None, [FIRST]),  # hyphenated first name
    ("Jean-Marc-2026x", "Jean-Marc", "", None, [FIRST]),  # one message per name
    ("Leger-2026-Xyz", "", "Dupont-Léger", None, [LAST]),
    ("Xyz-2026-Dupont", "", "Dupont-Léger", None, [LAST]),
    ("Van-2026-Xyzab", "", "Van Damme", None, [LAST]),  # names with spaces
    ("Secret-2026-x", None, None, None, []),  # no names known
]


@pytest.mark.parametrize(("password", "first", "last", "minimum", "problems"), CASES)
def test_password_rule(password, first, last, minimum, problems):
    kwargs = {} if minimum is None else {"min_length": minimum}
    assert password_problems(password, first_name=first, last_name=last, **kwargs) == problems


def test_the_username_is_refused_in_the_password():
    from app.rules.passwords import password_problems

    said = "Le mot de passe ne peut pas contenir votre nom d'utilisateur."
    assert said in password_problems("Xcoord1-2027a", username="coord1")
    assert said in password_problems("XCOORD1-2027a", username="coord1")
    assert said in password_problems("Xana-2027bcd", username="ana")  # exactly three letters
    assert said not in password_problems("Xcoord1-2027a", username="co")  # two: allowed
    assert said not in password_problems("Xcoord1-2027a", username="direction1")
    assert said not in password_problems("Xcoord1-2027a")
    assert said not in password_problems("Xcoord1-2027a", username=None)  # none known
