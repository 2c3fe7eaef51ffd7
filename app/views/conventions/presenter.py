"""How a convention's articles read on screen, for its page and the signing views alike.

The sealed and draft PDFs read the frozen snapshot instead (`app.pdf.documents`): what was
approved, not the live document.
"""

from typing import Any

from app.rules.articles import share_rows
from app.rules.points import table_total


def article_rows(conv: Any, seat: Any) -> list[dict[str, Any]]:
    """Each article in order with its structured table: the points split (`shares`) or the
    retrocession table's total (`total`). ``seat``: the seat school, loaded by the caller."""
    return [
        {
            "article": art,
            "form": art.form or "",
            "shares": share_rows(conv, art, seat) if art.form == "points_split" else [],
            "total": table_total(art.data) if art.form == "retrocession" else None,
        }
        for art in sorted(conv.articles, key=lambda a: a.position)
    ]
