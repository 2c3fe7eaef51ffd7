"""A convention's page in three steps (user guide §7) and its small POST actions.

Step 1: the school list (add, remove, derogations, validate the list) — ``school_list``.
Step 2: the articles (edit one at a time, then VALIDER) — ``articles``.
Step 3: signatures, approval by the Administration, acknowledgments — ``signatures``.
The page itself, with what each step shows, is ``page``. Every action parses its input,
calls ``app.services.workflow`` and redirects back (PRG); the rules decide what is offered
(``workflow.offers``) and explain in French when they refuse.
"""

from flask import Blueprint

bp = Blueprint("conventions", __name__, url_prefix="/conventions")

# The routes are declared on ``bp`` by these modules: importing them registers the endpoints.
from app.views.conventions import (  # noqa: E402
    amendments,
    articles,
    page,
    school_list,
    signatures,
)

__all__ = ["amendments", "articles", "bp", "page", "school_list", "signatures"]
