"""What each irreversible step of a convention says before it is taken (``app.views.confirm``).

Validating the list, validating the convention (it locks), signing, declining to sign,
sending back, approving (it seals), acknowledging, reopening the convention or its list: the
page names what will follow with this convention's parties. A step is taken from the
convention's page or from a work queue (« À approuver », « À signer », « À prendre
connaissance »): one route each, ``take``, whichever page it starts from.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from app.auth import actor
from app.models import Convention, OrganisingAuthority, School
from app.models.base import names_by_id, names_in_order
from app.rules import parties
from app.rules.refusals import COMMENT_MISSING, REASON_MISSING
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
from app.views.context import convention_or_404
from app.views.conventions._common import back, run, step_url, still_awaited

CONTACT = "poles.territoriaux@cfwb.be"
NOT_OFFERED = "Cette étape ne vous est pas proposée sur cette convention à son statut actuel ({})."


def _names(names: list[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]


def _signatory_names(conv: Convention) -> list[str]:
    ids = parties.signatory_po_ids(conv)
    pos = names_by_id(OrganisingAuthority, ids)
    return [pos[i] for i in ids if i in pos]


def po_name(po_id: Any) -> str:
    """The name of the PO ``po_id`` (« votre pouvoir organisateur » when unknown)."""
    po = OrganisingAuthority.objects(id=po_id).only("name").first() if po_id else None
    return po.name if po else "votre pouvoir organisateur"


def _school_name(school_id: Any) -> str:
    school = School.objects(id=school_id).only("name").first() if school_id else None
    return school.name if school else "votre école"


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


def sign(conv: Convention) -> Confirmation:
    mine = offers(conv).sign_for
    po = po_name(mine)
    others = [i for i in parties.missing_signatures(conv) if i != mine]
    after = names_in_order(OrganisingAuthority, others, "un pouvoir organisateur")
    return Confirmation(
        title="Signer la convention ?",
        consequences=[
            f"Votre signature au nom de {po} sera enregistrée, avec la date et l'heure : vous "
            "attestez avoir lu l'intégralité de la convention et l'approuver.",
            f"Signature encore attendue ensuite : {_names(after)}."
            if after
            else "Votre signature est la dernière attendue : la convention passera à "
            "l'approbation de l'Administration.",
            "Une signature ne se retire pas ; seule une réouverture de la convention par "
            "l'Administration l'annulerait.",
        ],
        button=f"Signer au nom de {po}",
        **_base(conv, 3),
    )


def decline(conv: Convention) -> Confirmation:
    po = po_name(offers(conv).decline_for)
    return Confirmation(
        title="Refuser de signer la convention ?",
        consequences=[
            f"Votre refus de signer au nom de {po} sera enregistré et le pôle lira votre "
            "commentaire.",
            "La convention reste validée : les signatures déjà données restent acquises, et "
            "vous pourrez encore la signer.",
            "Vous ne pourrez pas refuser une seconde fois avant une nouvelle validation.",
        ],
        button="Refuser de signer",
        tone="danger",
        motive=Motive(
            label="Pourquoi refusez-vous de signer ? (le pôle lira ce commentaire)",
            hint="Le commentaire est envoyé au pôle et enregistré dans l'historique.",
            name="comment",
            rule_label="Le commentaire",
            missing=COMMENT_MISSING,
        ),
        **_base(conv, 3),
    )


def send_back(conv: Convention) -> Confirmation:
    signed = [s.po_name or s.name or s.username for s in conv.signatures]
    return Confirmation(
        title="Renvoyer la convention au pôle ?",
        consequences=[
            "La convention repartira en brouillon : le pôle pourra de nouveau modifier la liste "
            "des écoles et les articles, puis devra la valider à nouveau.",
            f"Les signatures déjà données seront annulées ({_names(signed)}) : chaque délégué "
            "devra signer de nouveau."
            if signed
            else "Aucune signature n'est encore donnée.",
            "Le pôle recevra le motif du renvoi.",
        ],
        button="Renvoyer au pôle",
        tone="danger",
        motive=Motive(
            label="Motif du renvoi au pôle (il le lira pour corriger la convention)",
            hint="Le motif est envoyé au pôle et enregistré dans l'historique.",
            missing=REASON_MISSING,
        ),
        **_base(conv, 3),
    )


def acknowledge(conv: Convention) -> Confirmation:
    mine = offers(conv).acknowledge_for
    others = [i for i in parties.missing_acknowledgments(conv) if i != mine]
    after = names_in_order(School, others, "une école")
    return Confirmation(
        title="Prendre connaissance de la convention ?",
        consequences=[
            f"La prise de connaissance de la convention par la direction de "
            f"{_school_name(mine)} sera "
            "enregistrée, avec la date et l'heure : vous attestez avoir pris connaissance de "
            "l'intégralité de la convention approuvée.",
            f"Prise de connaissance encore attendue ensuite : {_names(after)}."
            if after
            else "Votre école est la dernière attendue : la prise de connaissance de la "
            "convention sera complète.",
        ],
        button="Prendre connaissance",
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


@dataclass(frozen=True)
class Queue:
    """The work queue a step is taken from: cancelling and a refusal lead back to ``url``,
    success to ``done`` (default ``url``); ``carried`` travels through the page (``retour=``)."""

    url: str
    done: str | None = None
    carried: Mapping[str, str] = field(default_factory=dict)


def page(
    conv: Convention,
    step: int,
    offered: bool,
    build: Callable[[Convention], Confirmation],
    queue: Queue | None = None,
) -> ResponseReturnValue:
    """The confirmation page, or back to ``step`` (or the queue) with why when the step is
    not offered."""
    if not offered:
        flash(NOT_OFFERED.format(STATUS_LABELS.get(conv.status, conv.status)), "info")
        return redirect(queue.url) if queue else back(conv, step)
    return ask(build(conv))


def take(
    conv: Convention,
    step: int,
    offered: bool,
    build: Callable[[Convention], Confirmation],
    success: str | Callable[[Any], str],
    verb: Callable[..., Any],
    next_step: int | None = None,
    queue: Queue | None = None,
) -> ResponseReturnValue:
    """One irreversible step's route: GET its confirmation page; a POST without the
    confirmation back to it (with the motive typed on the page it came from, the
    confirmation page itself, the motive carried into it); confirmed, the motive checked
    (when the step takes one, passed as ``reason=``), then the verb (flash, redirect to
    ``step`` or ``next_step``, or to the ``queue`` the step was taken from)."""
    if queue is not None:
        plain = build
        build = lambda c: replace(  # noqa: E731
            plain(c), cancel_url=queue.url, hidden=dict(queue.carried)
        )
    if request.method == "GET":
        return page(conv, step, offered, build, queue)
    confirmation = build(conv)
    motive = confirmation.motive
    if not confirmed():
        typed = request.form.get(motive.name, "") if motive is not None else ""
        if typed.strip():
            return ask(confirmation, motive_value=typed)
        return to_confirmation(**(dict(queue.carried) if queue else {}))
    kwargs: dict[str, Any] = {}
    if motive is not None:
        reason, problem = motive_problem(motive)
        if problem:
            return ask(confirmation, motive_value=reason, error=problem)
        kwargs["reason"] = reason
    if queue is not None:
        return run_action(
            queue.done or queue.url,
            verb,
            conv,
            actor(),
            success=success,
            failure_to=queue.url,
            **kwargs,
        )
    return run(conv, step, success, verb, conv, actor(), next_step=next_step, **kwargs)


def with_awaited(success: str) -> Callable[[Convention], str]:
    """``success`` followed by who the convention still awaits (said after each signature)."""
    return lambda done: f"{success} {still_awaited(done)}".strip()


@dataclass(frozen=True)
class Step:
    """One irreversible step of a convention as its route takes it (``take_step``): GET
    ``/conventions/<id>/<path>`` asks, the confirmed POST takes it (``signatures.route``)."""

    endpoint: str  # the route's name in the ``conventions`` blueprint
    path: str  # its URL after the convention's id
    number: int  # the step of the convention's page it is taken from
    offered: Callable[[workflow.Offers], bool]
    build: Callable[[Convention], Confirmation]
    success: Callable[[Convention], str | Callable[[Any], str]]  # the message, once done
    verb: Callable[..., Any]  # verb(conv, actor) or, with a motive, verb(conv, actor, reason)
    next_step: int | None = None


def take_step(conv: Convention, step: Step, queue: Queue | None = None) -> ResponseReturnValue:
    """``take`` for one of the steps below."""
    return take(
        conv,
        step.number,
        step.offered(offers(conv)),
        step.build,
        step.success(conv),
        step.verb,
        next_step=step.next_step,
        queue=queue,
    )


def route(
    bp: Blueprint,
    step: Step,
    *,
    rule: str | None = None,
    queue: Callable[[str], Queue | None] | None = None,
    gate: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
) -> None:
    """Declare the route that takes ``step`` on ``bp``, named ``step.endpoint``: GET asks (its
    confirmation page), the confirmed POST takes it, on the convention of the URL (404
    outside the user's scope).

    By default the rule is ``/<convention_id>/<step.path>`` and the step leads back to the
    queue named by ``retour=`` (``came_from``); a work queue's own route gives its ``rule``,
    its ``queue`` (from the convention's id) and its page ``gate`` (``views.gates.requires``).
    """

    def view(convention_id: str) -> ResponseReturnValue:
        conv = convention_or_404(convention_id, current_user)
        return take_step(conv, step, queue(convention_id) if queue else came_from())

    view.__name__ = step.endpoint
    view.__doc__ = f"GET: what « {step.endpoint} » will do; POST confirmed: take the step."
    gated = gate(view) if gate else view
    bp.add_url_rule(
        rule or f"/<convention_id>/{step.path}",
        step.endpoint,
        login_required(gated),
        methods=["GET", "POST"],
    )


def _send_back(conv: Convention, user: Any, reason: str) -> Convention:
    return workflow.send_back(conv, reason, user)


def _decline(conv: Convention, user: Any, reason: str) -> Convention:
    return workflow.decline(conv, reason, user)


VALIDATE_LIST = Step(
    "validate_list",
    "valider-liste",
    1,
    lambda o: o.validate_list,
    validate_list,
    lambda conv: "La liste des écoles est validée. Complétez maintenant les articles.",
    workflow.validate_school_list,
    next_step=2,
)
REOPEN_LIST = Step(
    "reopen_list",
    "rouvrir-liste",
    1,
    lambda o: o.reopen_list,
    reopen_list,
    lambda conv: "La liste des écoles est rouverte : elle peut de nouveau être modifiée.",
    workflow.reopen_school_list,
)
VALIDATE = Step(
    "validate",
    "valider",
    2,
    lambda o: o.validate,
    validate,
    lambda conv: (
        "La convention est validée et verrouillée. Les délégués des pouvoirs "
        "organisateurs peuvent maintenant la signer."
    ),
    workflow.validate,
    next_step=3,
)
SIGN = Step(
    "sign",
    "signer",
    3,
    lambda o: o.sign_for is not None,
    sign,
    lambda conv: with_awaited(
        f"Votre signature au nom de {po_name(offers(conv).sign_for)} a été enregistrée : "
        f"« {conv.title} »."
    ),
    workflow.sign,
)
DECLINE = Step(
    "decline",
    "refuser-de-signer",
    3,
    lambda o: o.decline_for is not None,
    decline,
    lambda conv: (
        f"Votre refus de signer « {conv.title} » est enregistré ; le pôle lira votre commentaire."
    ),
    _decline,
)
SEND_BACK = Step(
    "send_back",
    "renvoyer",
    3,
    lambda o: o.send_back,
    send_back,
    lambda conv: (
        f"La convention « {conv.title} » (pôle {conv.pole_number}) est renvoyée au "
        "pôle pour modification : elle revient au brouillon."
    ),
    _send_back,
    next_step=1,
)
APPROVE = Step(
    "approve",
    "approuver",
    3,
    lambda o: o.approve,
    approve,
    lambda conv: "La convention est approuvée : sa version PDF protégée est disponible.",
    workflow.approve,
)
ACKNOWLEDGE = Step(
    "acknowledge",
    "prendre-connaissance",
    3,
    lambda o: o.acknowledge_for is not None,
    acknowledge,
    lambda conv: with_awaited(f"Votre prise de connaissance a été enregistrée : « {conv.title} »."),
    workflow.acknowledge,
)
REOPEN = Step(
    "reopen",
    "rouvrir",
    3,
    lambda o: o.reopen,
    reopen,
    lambda conv: "La convention est rouverte : le siège peut de nouveau modifier les articles.",
    workflow.reopen,
    next_step=2,
)


RETURN_FIELD = "retour"
QUEUES = {"a-approuver": "approvals.index"}  # ``retour`` values → the queue's endpoint


def came_from() -> Queue | None:
    """The work queue the request came from (``retour=``, carried through the page), or
    None."""
    value = request.values.get(RETURN_FIELD, "")
    endpoint = QUEUES.get(value)
    return Queue(url_for(endpoint), carried={RETURN_FIELD: value}) if endpoint else None


def offers(conv: Convention) -> workflow.Offers:
    """What the signed-in user is offered on ``conv`` (the page's buttons)."""
    return workflow.offers(conv, current_user)
