"""What an access decision gives or takes away: the grants a request implies.

Pure Python (no Flask), read-only: a school's place in each pole decides the role, and
grants are described for people and the audit.
"""

from dataclasses import dataclass
from typing import Any, NoReturn

from mongoengine import Q

from app.models.access_request import KIND_ACCESS, AccessRequest
from app.models.base import DELETED_LABEL, referenced, utcnow
from app.models.organisation import OrganisingAuthority
from app.models.pole import Pole
from app.models.school import School
from app.models.user import Grant, User, new_session_token
from app.rules.audit import Outcome
from app.rules.errors import PermissionDenied
from app.rules.permissions import holds_backoffice_role
from app.rules.refs import as_id, ref_id
from app.rules.roles import (
    BACKOFFICE_ROLES,
    DIRECTOR_ROLES,
    PO_DELEGATE_ROLES,
    ROLE_LABELS,
    Role,
)
from app.services import audit

# The school's place in a pole → (director role, PO delegate role).
PLACE_ROLES: dict[str, tuple[Role, Role]] = {
    "seat": (Role.SEAT_DIRECTOR, Role.SEAT_PO_DELEGATE),
    "partner": (Role.PARTNER_DIRECTOR, Role.PARTNER_PO_DELEGATE),
    "specific_partner": (Role.SPECIFIC_DIRECTOR, Role.SPECIFIC_PO_DELEGATE),
    "cooperating": (Role.COOPERATING_DIRECTOR, Role.COOPERATING_PO_DELEGATE),
}
_PLACE_FIELDS = {
    "seat": "seat_school",
    "partner": "partner_schools",
    "specific_partner": "specific_partner_schools",
    "cooperating": "cooperating_schools",
}


def pole_places(school: Any) -> list[tuple[Pole, str]]:
    """The poles ``school`` belongs to and its place in each (seat, partner, …)."""
    school_id = getattr(school, "pk", school)
    criteria = Q()
    for field in _PLACE_FIELDS.values():
        criteria |= Q(**{field: school_id})
    places: list[tuple[Pole, str]] = []
    poles = Pole.objects(criteria).only("number", "name", *_PLACE_FIELDS.values())
    for pole in sorted(poles, key=lambda p: p.number):
        for place, field in _PLACE_FIELDS.items():
            raw = pole._data.get(field)
            ids = {as_id(v) for v in (raw if isinstance(raw, list) else [raw])}
            if school_id in ids:
                places.append((pole, place))
    return places


def _derive_grants(profile: str, school: School, po: OrganisingAuthority) -> list[Grant]:
    grants: list[Grant] = []
    for pole, place in pole_places(school):
        if profile == "coordinator":
            if place == "seat":
                grants.append(Grant(role=Role.COORDINATOR.value, pole=pole))
        elif profile == "direction":
            grants.append(Grant(role=PLACE_ROLES[place][0].value, pole=pole, school=school))
        elif profile == "po":
            grants.append(Grant(role=PLACE_ROLES[place][1].value, pole=pole, po=po))
    return grants


def grants_for_request(request: AccessRequest) -> list[Grant]:
    """The grants an approval gives (access) or takes away (revocation).

    Access: derived from the school's place in each pole — a director of a partner school
    gets ``partner_director`` on that pole, a PO delegate ``partner_po_delegate`` with the
    school's PO, a coordinator ``coordinator`` of the poles whose seat is the school.
    Revocation: the account's current grants that this school or PO covers.
    """
    school = request.school_ref
    po = request.po_ref
    if school is None or po is None:
        return []
    if request.kind == KIND_ACCESS:
        return _derive_grants(request.profile, school, po)
    account = User.objects(username=request.person.username).first()
    if account is None:
        return []
    pole_ids = {pole.pk for pole, _place in pole_places(school)}
    matching = []
    for grant in account.grants:
        role = Role(grant.role)
        if role in BACKOFFICE_ROLES:
            continue
        direction = role in DIRECTOR_ROLES and ref_id(grant, "school") == school.pk
        delegate = role in PO_DELEGATE_ROLES and ref_id(grant, "po") == po.pk
        coordinator = role == Role.COORDINATOR and ref_id(grant, "pole") in pole_ids
        wanted = {
            "direction": direction,
            "po": delegate,
            "coordinator": coordinator,
            "all": direction or delegate or coordinator,
        }
        if wanted.get(request.profile, False):
            matching.append(grant)
    return matching


def grant_key(grant: Grant) -> str:
    """A stable text key of a grant (role and scope ids), for forms and audit details."""
    parts = [grant.role] + [str(ref_id(grant, f) or "") for f in ("pole", "school", "po")]
    return "|".join(parts)


def describe_grant(grant: Grant) -> str:
    """« Direction école partenaire – pôle 1, école FASE 2103 » (for people and the audit)."""
    scope = []
    for field, label, attr in (
        ("pole", "pôle", "number"),
        ("school", "école FASE", "fase"),
        ("po", "PO FASE", "fase"),
    ):
        if ref_id(grant, field) is None:
            continue
        doc = referenced(grant, field)
        scope.append(
            f"{label} {getattr(doc, attr)}"
            if doc is not None
            else f"{label.split()[0]} {DELETED_LABEL}"
        )
    label = ROLE_LABELS.get(grant.role, grant.role)
    return f"{label} – {', '.join(scope)}" if scope else label


def is_backoffice_account(user: User) -> bool:
    """True when ``user`` holds a back-office grant (only the Administration may touch it)."""
    return holds_backoffice_role(g.role for g in user.grants)


@dataclass
class Granted:
    """What ``grant_profiles`` did: the account, the grants it did not hold yet, whether the
    account was created or reactivated, and whether its owner must (again) choose a password."""

    account: User
    new: list[Grant]
    created: bool
    needs_password: bool
    reactivated: bool = False


def grant_profiles(
    username: str,
    grants: list[Grant],
    actor: Any,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str | None = None,
    phone: str | None = None,
) -> Granted:
    """Give ``grants`` to the account ``username`` (created when missing, reactivated when
    deactivated), skipping those it holds already: the one operation behind an accepted
    access request and the ``create-user`` command. The caller records the audit event."""
    account = User.objects(username=username).first()
    created = account is None
    needs_password = created
    if account is None:
        account = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email or None,
            phone=phone,
            active=True,
            grants=[],
        )
        account.save()
    granted_by = getattr(actor, "username", None) or (actor if isinstance(actor, str) else None)
    new = [g for g in grants if not any(g.same_as(h) for h in account.grants)]
    for grant in new:
        grant.granted_at = utcnow()
        grant.granted_by = granted_by
    updates: dict[str, Any] = {}
    if new:
        updates["push_all__grants"] = new
    reactivated = not account.active
    if reactivated:
        # A former account comes back: a fresh password, chosen by its owner.
        updates.update(
            set__active=True, unset__password_hash=True, set__session_token=new_session_token()
        )
        needs_password = True
    elif not account.password_hash:
        needs_password = True
    if updates:
        User.objects(pk=account.pk).update_one(**updates)
    account.reload()
    return Granted(account, new, created, needs_password, reactivated)


def refuse_backoffice_account(action: str, actor: Any, target: str) -> NoReturn:
    """Support may not change a back-office account's access: recorded, then refused."""
    audit.record(
        action, actor, outcome=Outcome.REFUSED, target=target, details={"why": "back-office"}
    )
    raise PermissionDenied(
        "Ce compte relève du back-office : seule l'Administration peut modifier ses accès."
    )
