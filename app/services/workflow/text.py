"""Step 2: writing the articles of a convention."""

from typing import Any

from app.models.base import utcnow
from app.models.convention import Convention
from app.rules.articles import check_input, find_article
from app.rules.errors import RuleViolation
from app.rules.permissions import Action
from app.rules.refs import ref_id
from app.rules.states import EDITABLE_NATURES, Kind
from app.services import audit
from app.services.articles import split_fases
from app.services.financing import retrocession_catalogue
from app.services.workflow._common import (
    UNLOCKED,
    audited,
    require,
    settle,
    state_error,
    username_of,
    write,
)

# --- 4. articles ------------------------------------------------------------------------


def save_article(
    convention: Convention,
    number: int | str,
    body: str,
    actor: Any,
    data: dict[str, Any] | None = None,
) -> Convention:
    """Save one article to complete (C) or optional (O); complete = non-empty / valid data."""
    return write_article(convention, number, body, actor, data=data)


def write_article(
    convention: Convention,
    number: int | str,
    body: str,
    actor: Any,
    data: dict[str, Any] | None = None,
    action: str = "convention.save_article",
) -> Convention:
    """``save_article`` recorded under ``action`` (``save_points`` shares it)."""
    key = str(number).strip()
    with audited(action, actor, convention, details={"article": key}):
        require(
            actor,
            Action.EDIT_ARTICLES,
            convention,
            "Vous ne pouvez pas modifier les articles de cette convention.",
        )
        if convention.status not in UNLOCKED:
            raise state_error(convention, "edit_articles")
        article = find_article(convention, key)
        catalogue, offered = retrocession_catalogue(convention.school_year)
        clean_body, clean_data, complete = check_input(
            article, body, data, split_fases(convention), catalogue, offered
        )
        event = audit.pending(
            action,
            actor,
            status_before=convention.status,
            status_after=convention.status,
            details={"article": key, "complete": complete, "length": len(clean_body)},
        )
        done = write(
            convention.pk,
            {"status__in": list(UNLOCKED), "articles__key": key},
            event,
            set__articles__S__body=clean_body,
            set__articles__S__data=clean_data,
            set__articles__S__complete=complete,
            set__articles__S__updated_at=utcnow(),
            set__articles__S__updated_by=username_of(actor),
        )
        if not done:
            convention.reload()
            raise state_error(convention, "edit_articles")
    return settle(convention)


def copy_last_cooperation_article(convention: Convention, number: int | str, actor: Any) -> str:
    """Copy article ``number`` from the pole's latest other cooperation convention."""
    key = str(number).strip()
    with audited("convention.copy_article", actor, convention, details={"article": key}):
        require(
            actor,
            Action.EDIT_ARTICLES,
            convention,
            "Vous ne pouvez pas modifier les articles de cette convention.",
        )
        if convention.kind != Kind.COOPERATION:
            raise RuleViolation(
                "La reprise d'un article n'existe que pour les conventions de coopération."
            )
        article = find_article(convention, key)
        if article.nature not in EDITABLE_NATURES:
            raise RuleViolation(f"Cet article n'est pas modifiable : « {article.title} ».")
        source = (
            Convention.objects(
                pole=ref_id(convention, "pole"),
                kind=Kind.COOPERATION,
                id__ne=convention.pk,
                articles__match={"key": key, "complete": True},
            )
            .order_by("-updated_at")
            .only("articles", "schools", "kind", "pole_number")
            .first()
        )
        if source is None:
            raise RuleViolation(
                f"Aucune autre convention de coopération du pôle n'a d'article {key} complété."
            )
        found = source.article(key)
    save_article(convention, key, found.body, actor, data=dict(found.data) or None)
    return found.body
