"""What each irreversible step of a convention says before it is taken (``app.views.confirm``).

Validating the list, validating the convention (it locks), approving (it seals), reopening
the convention or its list: the page names what will follow with this convention's parties.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.auth import actor
from app.models import Convention, OrganisingAuthority, School
from app.rules import parties
from app.rules.states import STATUS_LABELS, Kind
from app.services import workflow
from app.views.actions import run_action
from app.views.confirm import (
    Confirmation,
    Motive,
    ask,
    confirmed,
    motive_problem,
    to_confirmation,
)
from app.views.conventions._common import back, run, step_url

CONTACT = "poles.territoriaux@cfwb.be"
NOT_OFFERED = "Cette étape ne vous est pas proposée sur cette convention à son statut actuel ({})."


def _names(names: list[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]


def _signatory_names(conv: Convention) -> list[str]:
    ids = parties.signatory_po_ids(conv)
    pos = {p.pk: p.name for p in OrganisingAuthority.objects(id__in=ids).only("name")}
    return [pos[i] for i in ids if i in pos]


def _school_count(conv: Convention) -> int:
    ids = parties.acknowledging_school_ids(conv)
    return School.objects(id__in=ids).count()


def _base(conv: Convention, step: int) -> dict[str, object]:
    return {
        "subject": f"{conv.title} – pôle {conv.pole_number}",
        "cancel_url": step_url(conv, step),
        "breadcrumb": (
            (
                f"Structure du pôle {conv.pole_number}",
                url_for("structure.pole", number=conv.pole_number),
            ),
            (conv.title, step_url(conv, step)),
        ),
    }


def validate_list(conv: Convention) -> Confirmation:
    count = len(conv.schools)
    return Confirmation(
        title="Valider la liste des écoles ?",
        consequences=[
            f"La liste ({count} école{'s' if count > 1 else ''}) sera verrouillée : plus aucune "
            "école ne pourra y être ajoutée ni retirée, et aucune dérogation jointe ou "
            "remplacée.",
            "Vous passerez à l'étape 2 : compléter les articles de la convention.",
            f"Seule l'Administration pourra rouvrir la liste, sur demande motivée à {CONTACT}.",
        ],
        button="Valider la liste",
        **_base(conv, 1),
    )


def validate(conv: Convention) -> Confirmation:
    names = _signatory_names(conv)
    what = "L'avenant" if conv.is_amendment else "La convention"
    return Confirmation(
        title=f"Valider {'l’avenant' if conv.is_amendment else 'la convention'} ?",
        consequences=[
            f"{what} sera verrouillé{'' if conv.is_amendment else 'e'} : plus aucun article ne "
            "pourra être modifié.",
            f"Les délégués des pouvoirs organisateurs seront invités à signer : {_names(names)}."
            if len(names) > 1
            else f"Le délégué du pouvoir organisateur sera invité à signer : {_names(names)}.",
            "Pour une modification après validation, il faudra demander à l'Administration de "
            f"la rouvrir ({CONTACT}) tant que toutes les parties n'ont pas signé ; les "
            "signatures déjà données seraient alors annulées.",
        ],
        button="VALIDER et verrouiller",
        **_base(conv, 2),
    )


def approve(conv: Convention) -> Confirmation:
    schools = _school_count(conv)
    consequences = [
        "La convention sera approuvée au nom de l'Administration et scellée : sa version PDF "
        "protégée (avec son empreinte SHA-256) sera produite et ne pourra plus être modifiée "
        "ni rouverte.",
        f"Les directions des écoles concernées ({schools}) seront invitées à en prendre "
        "connaissance.",
    ]
    if conv.kind in (Kind.PARTNERSHIP, Kind.SPECIFIC_PARTNERSHIP, Kind.RESSORT):
        consequences.append(
            "Un changement ultérieur des points passera par un avenant annuel."
            if not conv.is_amendment
            else "La nouvelle répartition des points s'appliquera à l'année scolaire "
            f"{conv.school_year}."
        )
    return Confirmation(
        title="Approuver et sceller la convention ?",
        consequences=consequences,
        button="Approuver et sceller",
        tone="success",
        **_base(conv, 3),
    )


def reopen(conv: Convention) -> Confirmation:
    signed = [s.po_name or s.name or s.username for s in conv.signatures]
    consequences = [
        "La convention repassera en brouillon : le siège pourra de nouveau modifier les articles, "
        "puis devra la valider à nouveau."
        if conv.is_amendment
        else "La convention repassera à l'étape 2 (liste validée) : le siège pourra de nouveau "
        "modifier les articles, puis devra la valider à nouveau.",
        f"Les signatures déjà données seront annulées ({_names(signed)}) : chaque délégué "
        "devra signer de nouveau."
        if signed
        else "Aucune signature n'a encore été donnée.",
    ]
    return Confirmation(
        title="Rouvrir la convention ?",
        consequences=consequences,
        button="Rouvrir la convention",
        tone="warning",
        irreversible=bool(signed),
        motive=Motive(),
        **_base(conv, 3),
    )


def reopen_list(conv: Convention, cancel_url: str | None = None) -> Confirmation:
    base = _base(conv, 1)
    if cancel_url:
        base["cancel_url"] = cancel_url
    return Confirmation(
        title="Rouvrir la liste des écoles ?",
        consequences=[
            "La convention repassera en brouillon : des écoles pourront de nouveau être "
            "ajoutées ou retirées, et des dérogations jointes.",
            "Le pôle devra ensuite valider la liste à nouveau avant de compléter les articles.",
        ],
        button="Rouvrir la liste",
        tone="warning",
        irreversible=False,
        motive=Motive(),
        **base,
    )


def page(
    conv: Convention, step: int, offered: bool, build: Callable[[Convention], Confirmation]
) -> ResponseReturnValue:
    """The confirmation page, or back to ``step`` with why when the step is not offered."""
    if not offered:
        flash(NOT_OFFERED.format(STATUS_LABELS.get(conv.status, conv.status)), "info")
        return back(conv, step)
    return ask(build(conv))


def take(
    conv: Convention,
    step: int,
    offered: bool,
    build: Callable[[Convention], Confirmation],
    success: str,
    verb: Callable[..., Any],
    next_step: int | None = None,
    queue: str | None = None,
) -> ResponseReturnValue:
    """One irreversible step's route: GET its confirmation page; a POST without the
    confirmation back to it; confirmed, the motive checked (when the step takes one), then
    the verb (flash, redirect to ``step`` or ``next_step``). With ``queue`` (the URL of a
    work queue the user came from, ``retour=`` carried through the page), cancelling and
    the outcome both lead back to it."""
    if queue is not None:
        came_from = {RETURN_FIELD: request.values.get(RETURN_FIELD, "")}
        plain = build
        build = lambda c: replace(plain(c), cancel_url=queue, hidden=came_from)  # noqa: E731
    if request.method == "GET":
        return page(conv, step, offered, build)
    if not confirmed():
        return to_confirmation(**({RETURN_FIELD: request.form[RETURN_FIELD]} if queue else {}))
    kwargs: dict[str, Any] = {}
    confirmation = build(conv)
    if confirmation.motive is not None:
        reason, problem = motive_problem(confirmation.motive)
        if problem:
            return ask(confirmation, motive_value=reason, error=problem)
        kwargs["reason"] = reason
    if queue is not None:
        return run_action(queue, verb, conv, actor(), success=success, **kwargs)
    return run(conv, step, success, verb, conv, actor(), next_step=next_step, **kwargs)


RETURN_FIELD = "retour"
QUEUES = {"a-approuver": "approvals.index"}  # ``retour`` values → the queue's endpoint


def queue_url() -> str | None:
    """The work queue the request came from (``retour=``), or None."""
    endpoint = QUEUES.get(request.values.get(RETURN_FIELD, ""))
    return url_for(endpoint) if endpoint else None


def offers(conv: Convention) -> workflow.Offers:
    """What the signed-in user is offered on ``conv`` (the page's buttons)."""
    return workflow.offers(conv, current_user)
