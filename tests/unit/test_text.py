"""The hostile-text rule on plain strings: which characters are refused, the French
messages (the limit named), and what the audit trail keeps."""

import pytest

from app.rules.text import (
    FORBIDDEN,
    control_problem,
    forbidden_characters,
    length_problem,
    remove_controls,
    text_problem,
)


@pytest.mark.parametrize("code", [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
def test_every_c0_control_but_tab_newline_cr_is_forbidden(code):
    assert chr(code) in FORBIDDEN
    assert control_problem(f"a{chr(code)}b") is not None


@pytest.mark.parametrize("code", [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
def test_every_bidi_control_is_forbidden(code):
    assert forbidden_characters(f"x{chr(code)}y") == [f"U+{code:04X}"]


@pytest.mark.parametrize(
    "text", ["ligne 1\nligne 2", "a\tb", "fin\r\n", "é è à ç œ « » – …", "\u200e", "\u2029", ""]
)
def test_ordinary_text_passes(text):
    assert text_problem(text, 100) is None


def test_the_message_names_the_characters_once_each_in_order():
    message = control_problem("\u202eA\x00B\u202e", "Le nom")
    assert message.startswith("Le nom contient des caractères de contrôle invisibles")
    assert "(U+0000, U+202E)" in message
    assert "Rien n'a été enregistré" in message
    assert "un caractère de contrôle invisible (U+001B)" in control_problem("\x1b")


def test_the_length_message_names_the_limit_and_the_length():
    message = length_problem("x" * 20_001, 20_000, "Le texte de l'article")
    assert message.replace("\u202f", " ") == (
        "Le texte de l'article est trop long : 20 001 caractères pour 20 000 au plus. "
        "Raccourcissez-le : rien n'a été enregistré."
    )
    assert length_problem("x" * 20_000, 20_000) is None
    assert length_problem("x" * 5, None) is None


def test_controls_are_reported_before_length():
    assert "contrôle" in text_problem("\x00" * 50, 10)


def test_non_strings_are_not_this_rules_business():
    assert text_problem(None, 10) is None and text_problem(42, 1) is None


def test_remove_controls_keeps_everything_else():
    assert remove_controls("ad\u202emin\x00\t\n") == "admin\t\n"
    same = "déjà propre"
    assert remove_controls(same) is same
