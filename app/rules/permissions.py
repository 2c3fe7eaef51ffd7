"""The permission table (role → actions) and the one check every path uses: ``can``.

Two questions, answered separately:
- *what* a role may do at all: the ``PERMISSIONS`` table below, plain data;
- *on which objects*: the grant's scope (pole, school, PO) must cover the object.
*When* an action is possible (the convention's status) is the workflow's business.

The same scope clauses build the MongoDB filters of list pages (``convention_filter``), so
that what a list shows and what ``can`` allows cannot drift apart.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from app.rules.parties import (
    acknowledging_school_ids,
    signatory_po_ids,
)
from app.rules.refs import as_id, ref_id
from app.rules.roles import (
    BACKOFFICE_ROLES,
    SEAT_SIDE_ROLES,
    Role,
)
from app.rules.states import Kind, SchoolRole


class Action(StrEnum):
    VIEW_POLE = "pole.view"
    VIEW_CONVENTION = "convention.view"
    EDIT_SCHOOL_LIST = "convention.edit_school_list"
    VALIDATE_SCHOOL_LIST = "convention.validate_school_list"
    EDIT_ARTICLES = "convention.edit_articles"
    VALIDATE = "convention.validate"
    SIGN = "convention.sign"
    APPROVE = "convention.approve"
    ACKNOWLEDGE = "convention.acknowledge"
    REOPEN = "convention.reopen"
    MANAGE_STRUCTURE = "pole.manage_structure"
    MANAGE_REFERENCE = "reference.manage"
    MANAGE_TEMPLATES = "templates.manage"
    MANAGE_USERS = "users.manage"
    REVIEW_ACCESS = "access.review"
    GRANT_BACKOFFICE = "access.grant_backoffice"
    MANAGE_MESSAGES = "messages.manage"
    VIEW_AUDIT = "audit.view"
    ENTER_BACKOFFICE = "backoffice.enter"
    VIEW_FINANCING = "financing.view"
    ENTER_COUNTS = "financing.enter_counts"
    CLOSE_COUNTS = "financing.close_counts"
    SIMULATE_TEAM = "financing.simulate"
    MANAGE_FINANCING = "financing.manage"
    IMPORT_DIRECTORY = "directory.import"
    MANAGE_CALENDAR = "calendar.manage"  # school years, their calendars and deadlines
    EXPORT_SEALED_PDFS = "conventions.export_sealed_pdfs"
    MANAGE_API_CLIENTS = "api.manage_clients"
    SEND_BACK = "convention.send_back"  # signed → draft, with a reason (Administration)
    DECLINE = "convention.decline"  # a PO delegate concerned declines to sign
    STEER_CAMPAIGN = "campaign.steer"  # the dashboard of the campaign, reminders to poles


A = Action
# Editing the lists and articles and validating them belong to the seat side (user guide §7);
# the back office may fix a list (a missing school) but never validates one.
_SEAT_SIDE = frozenset(
    {
        A.VIEW_POLE,
        A.VIEW_CONVENTION,
        A.EDIT_SCHOOL_LIST,
        A.VALIDATE_SCHOOL_LIST,
        A.EDIT_ARTICLES,
        A.VALIDATE,
    }
)

# Financing (issue 13): the pole's coordinator and seat director enter the pupil counts and
# build team scenarios; the seat PO delegate reads and simulates; the Administration corrects
# the counts, closes them, and sets the parameters and the functions catalogue.
_FINANCING = frozenset({A.VIEW_FINANCING, A.SIMULATE_TEAM})

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.COORDINATOR: _SEAT_SIDE | _FINANCING | {A.ENTER_COUNTS},
    Role.SEAT_DIRECTOR: _SEAT_SIDE | _FINANCING | {A.ACKNOWLEDGE, A.ENTER_COUNTS},
    Role.SEAT_PO_DELEGATE: _SEAT_SIDE | _FINANCING | {A.SIGN, A.DECLINE},
    Role.PARTNER_DIRECTOR: frozenset({A.VIEW_POLE, A.VIEW_CONVENTION, A.ACKNOWLEDGE}),
    Role.PARTNER_PO_DELEGATE: frozenset({A.VIEW_POLE, A.VIEW_CONVENTION, A.SIGN, A.DECLINE}),
    Role.SPECIFIC_DIRECTOR: frozenset({A.VIEW_POLE, A.VIEW_CONVENTION, A.ACKNOWLEDGE}),
    Role.SPECIFIC_PO_DELEGATE: frozenset({A.VIEW_POLE, A.VIEW_CONVENTION, A.SIGN, A.DECLINE}),
    Role.COOPERATING_DIRECTOR: frozenset({A.VIEW_POLE, A.VIEW_CONVENTION, A.ACKNOWLEDGE}),
    Role.COOPERATING_PO_DELEGATE: frozenset({A.VIEW_POLE, A.VIEW_CONVENTION, A.SIGN, A.DECLINE}),
    Role.ADMINISTRATION: frozenset(
        {
            A.ENTER_BACKOFFICE,
            A.VIEW_POLE,
            A.VIEW_CONVENTION,
            A.EDIT_SCHOOL_LIST,
            A.APPROVE,
            A.REOPEN,
            A.SEND_BACK,
            A.STEER_CAMPAIGN,
            A.MANAGE_STRUCTURE,
            A.MANAGE_REFERENCE,
            A.MANAGE_TEMPLATES,
            A.MANAGE_USERS,
            A.REVIEW_ACCESS,
            A.GRANT_BACKOFFICE,
            A.MANAGE_MESSAGES,
            A.VIEW_AUDIT,
            A.VIEW_FINANCING,
            A.ENTER_COUNTS,
            A.CLOSE_COUNTS,
            A.MANAGE_FINANCING,
            A.IMPORT_DIRECTORY,
            A.MANAGE_CALENDAR,
            A.EXPORT_SEALED_PDFS,
            A.MANAGE_API_CLIENTS,
        }
    ),
    Role.DATA_MANAGER: frozenset(
        {
            A.ENTER_BACKOFFICE,
            A.VIEW_POLE,
            A.VIEW_CONVENTION,
            A.EDIT_SCHOOL_LIST,
            A.MANAGE_STRUCTURE,
            A.MANAGE_REFERENCE,
            A.IMPORT_DIRECTORY,
        }
    ),
    Role.SUPPORT: frozenset({A.ENTER_BACKOFFICE, A.MANAGE_USERS, A.REVIEW_ACCESS}),
}

# Which counterpart roles belong to which kind of convention, and which school role they hold.
_COUNTERPART: dict[Role, tuple[frozenset[str], str]] = {
    Role.PARTNER_DIRECTOR: (frozenset({Kind.PARTNERSHIP, Kind.RESSORT}), SchoolRole.PARTNER),
    Role.PARTNER_PO_DELEGATE: (frozenset({Kind.PARTNERSHIP, Kind.RESSORT}), SchoolRole.PARTNER),
    Role.COOPERATING_DIRECTOR: (
        frozenset({Kind.COOPERATION, Kind.RESSORT}),
        SchoolRole.COOPERATING,
    ),
    Role.COOPERATING_PO_DELEGATE: (
        frozenset({Kind.COOPERATION, Kind.RESSORT}),
        SchoolRole.COOPERATING,
    ),
    Role.SPECIFIC_DIRECTOR: (
        frozenset({Kind.SPECIFIC_PARTNERSHIP}),
        SchoolRole.SPECIFIC_PARTNER,
    ),
    Role.SPECIFIC_PO_DELEGATE: (
        frozenset({Kind.SPECIFIC_PARTNERSHIP}),
        SchoolRole.SPECIFIC_PARTNER,
    ),
}
# "Documents de suivi": cooperation conventions and the ressort give access to the pole's
# partnership and specific partnership conventions, read-only.
_FOLLOW_UP_KINDS = [Kind.PARTNERSHIP, Kind.SPECIFIC_PARTNERSHIP]
_FOLLOW_UP_ROLES = frozenset(
    {
        Role.COOPERATING_DIRECTOR,
        Role.COOPERATING_PO_DELEGATE,
        Role.PARTNER_DIRECTOR,
        Role.PARTNER_PO_DELEGATE,
    }
)


def active_grants(user: Any) -> list[Any]:
    """The grants of an active user (an inactive or missing user has none)."""
    if user is None or not getattr(user, "active", False):
        return []
    return list(getattr(user, "grants", None) or [])


def roles_of(user: Any) -> set[Role]:
    return {Role(g.role) for g in active_grants(user)}


def has_role(user: Any, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def roles_allowed(action: Action | str) -> frozenset[Role]:
    """The roles the table allows ``action`` to (a page's gate)."""
    return frozenset(role for role, actions in PERMISSIONS.items() if Action(action) in actions)


def role_allows(role: str, action: Action) -> bool:
    return Action(action) in PERMISSIONS.get(Role(role), frozenset())


def can(user: Any, action: Action | str, obj: Any = None) -> bool:
    """May ``user`` do ``action`` on ``obj``? ``obj=None`` asks whether any object could do."""
    action = Action(action)
    for grant in active_grants(user):
        if role_allows(grant.role, action) and _grant_covers(grant, action, obj):
            return True
    return False


def _grant_covers(grant: Any, action: Action, obj: Any) -> bool:
    role = Role(grant.role)
    if obj is None or role in BACKOFFICE_ROLES:
        return True
    kind_of_obj = type(obj).__name__
    if kind_of_obj == "Pole":
        return ref_id(grant, "pole") == obj.pk
    if kind_of_obj == "Convention":
        return _covers_convention(grant, role, action, obj)
    return False


def _covers_convention(grant: Any, role: Role, action: Action, conv: Any) -> bool:
    if ref_id(grant, "pole") != ref_id(conv, "pole"):
        return False
    if action in (Action.SIGN, Action.DECLINE):
        return _may_sign_for(grant, role, conv) is not None
    if action == Action.ACKNOWLEDGE:
        return _may_acknowledge_for(grant, role, conv) is not None
    if action == Action.VIEW_CONVENTION:
        values = _convention_values(conv)
        return any(_matches(values, clause) for clause in _view_clauses(grant, role))
    # Editing, validating: the seat side of the pole.
    return role in SEAT_SIDE_ROLES


def signing_po_id(user: Any, conv: Any) -> Any:
    """The PO for which ``user`` would sign ``conv`` (the first one not signed yet), or None."""
    signed = {ref_id(s, "po") for s in (conv.signatures or [])}
    return _first_open_party(user, conv, Action.SIGN, _may_sign_for, signed)


def acknowledging_school_id(user: Any, conv: Any) -> Any:
    """The school for which ``user`` would acknowledge ``conv`` (first not done), or None."""
    done = {ref_id(a, "school") for a in (conv.acknowledgments or [])}
    return _first_open_party(user, conv, Action.ACKNOWLEDGE, _may_acknowledge_for, done)


def _first_open_party(
    user: Any,
    conv: Any,
    action: Action,
    party_of: Callable[[Any, Role, Any], Any],
    done: set[Any],
) -> Any:
    """The first party (PO or school) ``user`` may act for on ``conv`` whose step is not done
    yet; else the first one already done (so the page can say so), or None."""
    fallback = None
    for grant in active_grants(user):
        if not role_allows(grant.role, action):
            continue
        if ref_id(grant, "pole") != ref_id(conv, "pole"):
            continue
        party = party_of(grant, Role(grant.role), conv)
        if party is None:
            continue
        if party not in done:
            return party
        fallback = fallback or party
    return fallback


def party_role(user: Any, action: Action, conv: Any, party: Any) -> Role | None:
    """The role of the grant through which ``user`` signs (``Action.SIGN``) or acknowledges
    (``Action.ACKNOWLEDGE``) ``conv`` for ``party`` (a PO or a school), or None.

    The capacity printed on the signature and the sealed PDF comes from this grant, not from
    any grant naming the same party: one PO or school may appear in several of the user's
    grants (seat delegate and partner delegate, partner and cooperating director).
    """
    may = _may_sign_for if Action(action) == Action.SIGN else _may_acknowledge_for
    for grant in active_grants(user):
        if not role_allows(grant.role, action):
            continue
        if ref_id(grant, "pole") != ref_id(conv, "pole"):
            continue
        if party is not None and may(grant, Role(grant.role), conv) == party:
            return Role(grant.role)
    return None


def _may_sign_for(grant: Any, role: Role, conv: Any) -> Any:
    po = ref_id(grant, "po")
    if po is None or po not in signatory_po_ids(conv):
        return None
    seat_po = ref_id(conv, "seat_po")
    if role == Role.SEAT_PO_DELEGATE:
        return po if po == seat_po else None
    kinds, _ = _COUNTERPART.get(role, (frozenset(), None))
    if conv.kind not in kinds:
        return None
    # A ressort is signed by the one PO it concerns, which is the seat's.
    if po == seat_po and conv.kind != Kind.RESSORT:
        return None
    return po


def _may_acknowledge_for(grant: Any, role: Role, conv: Any) -> Any:
    school = ref_id(grant, "school")
    if school is None or school not in acknowledging_school_ids(conv):
        return None
    if role == Role.SEAT_DIRECTOR:
        return school if school == ref_id(conv, "seat_school") else None
    kinds, school_role = _COUNTERPART.get(role, (frozenset(), None))
    if conv.kind not in kinds:
        return None
    for entry in conv.schools or []:
        if ref_id(entry, "school") == school and entry.role == school_role:
            return school
    return None


# --- Scope clauses shared by ``can`` and the list filters ------------------------------


def _view_clauses(grant: Any, role: Role) -> list[dict[str, Any]]:
    """MongoDB filters on the conventions collection that a grant may view."""
    if role in (Role.ADMINISTRATION, Role.DATA_MANAGER):
        return [{}]
    if role in BACKOFFICE_ROLES:
        return []
    pole = ref_id(grant, "pole")
    if pole is None:
        return []
    if role in SEAT_SIDE_ROLES:
        return [{"pole": pole}]
    kinds, _ = _COUNTERPART[role]
    clauses: list[dict[str, Any]] = []
    school, po = ref_id(grant, "school"), ref_id(grant, "po")
    if school is not None:
        clauses.append({"pole": pole, "kind": {"$in": sorted(kinds)}, "schools.school": school})
    if po is not None:
        clauses.append({"pole": pole, "kind": {"$in": sorted(kinds)}, "schools.po": po})
    if role in _FOLLOW_UP_ROLES and clauses:
        clauses.append({"pole": pole, "kind": {"$in": list(_FOLLOW_UP_KINDS)}})
    return clauses


def convention_filter(user: Any) -> dict[str, Any] | None:
    """The MongoDB filter of the conventions ``user`` may view; None means none at all."""
    clauses: list[dict[str, Any]] = []
    for grant in active_grants(user):
        role = Role(grant.role)
        if not role_allows(role, Action.VIEW_CONVENTION):
            continue
        for clause in _view_clauses(grant, role):
            if clause == {}:
                return {}
            clauses.append(clause)
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def holds_backoffice_role(roles: Iterable[str]) -> bool:
    """Does an account with these grant roles belong to the back office?"""
    return any(Role(role) in BACKOFFICE_ROLES for role in roles)


def may_manage_account(actor: Any, account: Any) -> bool:
    """Support staff manage pole profiles; back-office accounts are the Administration's."""
    return not holds_backoffice_role(g.role for g in account.grants) or can(
        actor, Action.GRANT_BACKOFFICE
    )


def account_filter(actor: Any) -> dict[str, Any]:
    """The MongoDB filter of the accounts ``actor`` may see and manage (``may_manage_account``
    as a query): without the right to grant back-office profiles, no back-office account."""
    if can(actor, Action.GRANT_BACKOFFICE):
        return {}
    return {"grants.role": {"$nin": [r.value for r in BACKOFFICE_ROLES]}}


def pole_ids(user: Any) -> set[Any] | None:
    """The poles ``user`` works on; None means every pole (back office)."""
    ids: set[Any] = set()
    for grant in active_grants(user):
        role = Role(grant.role)
        if role in BACKOFFICE_ROLES:
            if role_allows(role, Action.VIEW_POLE):
                return None
            continue
        pole = ref_id(grant, "pole")
        if pole is not None:
            ids.add(pole)
    return ids


def _convention_values(conv: Any) -> dict[str, set[Any]]:
    entries = conv.schools or []
    return {
        "pole": {ref_id(conv, "pole")},
        "kind": {str(conv.kind)},
        "schools.school": {ref_id(e, "school") for e in entries},
        "schools.po": {ref_id(e, "po") for e in entries},
    }


def _matches(values: dict[str, set[Any]], clause: dict[str, Any]) -> bool:
    for field, expected in clause.items():
        wanted: Iterable[Any] = expected["$in"] if isinstance(expected, dict) else [expected]
        if not values.get(field, set()) & {as_id(w) for w in wanted}:
            return False
    return True
