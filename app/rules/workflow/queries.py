"""Reading helpers for the pages: a pole's documents, what a user can do next."""

from typing import Any

from app.models.convention import Convention
from app.models.pole import Pole
from app.rules import permissions
from app.rules.articles import article_label, missing_articles
from app.rules.parties import missing_acknowledgments, missing_signatures
from app.rules.permissions import Action
from app.rules.states import KIND_LABELS, Kind, Status
from app.rules.workflow._common import UNLOCKED

# --- reading helpers for the pages ------------------------------------------------------


def pole_documents(pole: Pole) -> dict[str, list[Convention]]:
    """The pole's conventions by kind (without the heavy embedded fields)."""
    result: dict[str, list[Convention]] = {k.value: [] for k in Kind}
    for conv in Convention.objects(pole=pole.pk).exclude("articles", "snapshot"):
        result.setdefault(conv.kind, []).append(conv)
    for convs in result.values():
        convs.sort(key=lambda c: (c.title, c.slot))
    return result


def next_steps(convention: Convention, user: Any) -> list[str]:
    """What ``user`` can do next on ``convention``, in French (for the convention page)."""
    can = permissions.can
    status = convention.status
    steps: list[str] = []
    if status == Status.DRAFT and can(user, Action.EDIT_SCHOOL_LIST, convention):
        steps.append("Complétez la liste des écoles puis validez-la (étape 1).")
    if status in UNLOCKED and can(user, Action.EDIT_ARTICLES, convention):
        missing = missing_articles(convention)
        if missing:
            steps.append(
                "Articles à compléter : " + ", ".join(article_label(a) for a in missing) + "."
            )
    if (
        status == Status.LIST_VALIDATED
        and can(user, Action.VALIDATE, convention)
        and not missing_articles(convention)
    ):
        steps.append("Tous les articles requis sont complets : vous pouvez valider la convention.")
    if status == Status.VALIDATED and can(user, Action.SIGN, convention):
        po = permissions.signing_po_id(user, convention)
        if po is not None and po in missing_signatures(convention):
            steps.append("La convention attend votre signature.")
    if status == Status.SIGNED and can(user, Action.APPROVE, convention):
        steps.append("Toutes les parties ont signé : la convention attend votre approbation.")
    if status == Status.APPROVED and can(user, Action.ACKNOWLEDGE, convention):
        school = permissions.acknowledging_school_id(user, convention)
        if school is not None and school in missing_acknowledgments(convention):
            steps.append("Prenez connaissance de la convention approuvée.")
    return steps


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
