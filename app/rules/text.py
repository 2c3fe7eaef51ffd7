"""Hostile text: what no text field may hold, and the French message that says so.

Two things are refused, never silently repaired, in every text the application stores:
- text longer than the field's limit (never truncated: the user must know that nothing was
  kept of what went past the limit);
- invisible control characters: C0 controls other than tab, newline and carriage return
  (NUL, escape…), and the bidirectional controls U+202A–U+202E and U+2066–U+2069, which can
  visually reorder a convention's text without changing its bytes' meaning.

Pure Python: forms (``app.views.text_guard``) and the model layer (``app.models.fields``)
apply the same rule. Only the audit trail, which must record even a hostile request, removes
them instead (``remove_controls``).
"""

from app.formatting import integer_text
from app.rules.errors import RuleViolation

MAX_MOTIVE = 1000  # a motive or a comment given with a decision (reopening, declining…)
ALLOWED_CONTROLS = frozenset("\t\n\r")
BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
FORBIDDEN = frozenset(chr(c) for c in range(0x20) if chr(c) not in ALLOWED_CONTROLS) | (
    BIDI_CONTROLS
)


def forbidden_characters(text: str) -> list[str]:
    """The forbidden characters of ``text`` as Unicode code labels (« U+202E »), each once,
    in code-point order."""
    found = sorted({c for c in text if c in FORBIDDEN})
    return [f"U+{ord(c):04X}" for c in found]


def control_problem(text: object, label: str = "Le texte") -> str | None:
    """French message when ``text`` holds an invisible control character, else None."""
    if not isinstance(text, str):
        return None
    codes = forbidden_characters(text)
    if not codes:
        return None
    plural = len(codes) > 1
    return (
        f"{label} contient {'des caractères' if plural else 'un caractère'} de contrôle "
        f"invisible{'s' if plural else ''} ({', '.join(codes[:5])}) : "
        f"{'retirez-les' if plural else 'retirez-le'} puis recommencez. Rien n'a été enregistré."
    )


def length_problem(text: object, max_length: int | None, label: str = "Le texte") -> str | None:
    """French message naming the limit when ``text`` is longer than ``max_length``."""
    if not isinstance(text, str) or max_length is None or len(text) <= max_length:
        return None
    return (
        f"{label} est trop long : {integer_text(len(text))} caractères pour "
        f"{integer_text(max_length)} au plus. Raccourcissez-le : rien n'a été enregistré."
    )


def text_problem(
    text: object, max_length: int | None = None, label: str = "Le texte"
) -> str | None:
    """The first thing wrong with ``text`` (controls, then length), or None when it is fine."""
    return control_problem(text, label) or length_problem(text, max_length, label)


def required_text(text: object, max_length: int, label: str) -> str:
    """``text`` stripped, or ``RuleViolation`` with the French message when it breaks the
    rule (for the verbs that take free text: a motive, a comment)."""
    value = text.strip() if isinstance(text, str) else ""
    problem = text_problem(value, max_length, label)
    if problem:
        raise RuleViolation(problem)
    return value


def remove_controls(text: str) -> str:
    """``text`` without its forbidden characters (the audit trail records hostile input)."""
    if not any(c in FORBIDDEN for c in text):
        return text
    return "".join(c for c in text if c not in FORBIDDEN)
