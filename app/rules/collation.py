"""French alphabetical order on every store: a sort key stored beside the name.

MongoDB would sort « École » with E under a ``fr`` collation, but the embedded store and
mongomock compare code points, where « É » (U+00C9) comes after every unaccented letter and
« école » after « Institut ». A key stored with the document sorts the same way on all three
and is indexable on MongoDB without a collation-specific index: accents and case removed,
ligatures spelled out, spaces collapsed. Ties keep the stored name as a second sort field.
"""

import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})


def sort_key(text: str | None) -> str:
    """« École  Saint-Éloi » → « ecole saint-eloi »: the order a French reader expects."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def person_sort_key(last_name: str | None, first_name: str | None, username: str = "") -> str:
    """A person in a French list: by last name, then first name (« Éric Dupont » →
    « dupont eric »); an account without a name sorts by its username."""
    return sort_key(f"{last_name or ''} {first_name or ''}") or sort_key(username)
