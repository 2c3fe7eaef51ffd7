"""Every URL rule of the application × every demo account → the expected answer.

The rules are read from ``app.url_map`` at collection time and each must have a line in
``EXPECTED``: a new route without a line fails ``test_every_route_has_an_expectation``.
GET requests with real values of pole 1's demo objects; the answer is reduced to a class:
``ok`` 200, ``forbidden`` 403, ``missing`` 404, ``method`` 405, ``redirect`` 302 elsewhere
than the login page, ``bad`` 400.
"""

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.models import (
    AccessRequest,
    ArticleTemplate,
    Message,
    OrganisingAuthority,
    Pole,
    SchoolYear,
    TeamFunction,
    User,
)
from tests.conftest import login
from tests.permissions.conftest import (
    ACCOUNTS,
    ADMIN,
    DATA_MANAGER,
    DIRECTORS,
    PO_DELEGATES,
    POLE1,
    SEAT_SIDE,
    SUPPORT,
    pole1_conventions,
    school_id,
)
from tests.security.conftest import build_path, collect_rules, is_static

RULES = [r for r in collect_rules(Path(tempfile.mkdtemp())) if not is_static(r)]

Spec = Callable[[str], str]


def everyone(kind: str) -> Spec:
    return lambda user: kind


def only(users: set[str] | list[str], yes: str = "ok", no: str = "missing") -> Spec:
    allowed = set(users)
    return lambda user: yes if user in allowed else no


def per_user(mapping: dict[str, str], default: str) -> Spec:
    return lambda user: mapping.get(user, default)


BACK_REF = {ADMIN, DATA_MANAGER}  # MANAGE_REFERENCE, VIEW_CONVENTION in the back office
BACK_ACCESS = {ADMIN, SUPPORT}  # MANAGE_USERS, REVIEW_ACCESS
# The cooperating side: another PO's (PO 1003) and the ressort's (the seat's PO 1001).
COOPERATING = {"dir-coop1", "po-coop1", "dir-ress1", "dir-ress2", "po-ress1"}
# Who sees pole 1's partnership (validated): the Administration, data managers, the seat
# side, the partner (other PO) and, as a follow-up document, the cooperating side.
SEES_PARTNERSHIP = BACK_REF | SEAT_SIDE | {"dir-part1", "po-part1"} | COOPERATING
# The draft cooperation of PO 1004 (school 2115 and its derogation): seat side only.
SEES_COOP1004 = BACK_REF | SEAT_SIDE
SEES_POLE1 = BACK_REF | set(POLE1)
FINANCING = SEAT_SIDE | {ADMIN}  # VIEW_FINANCING on pole 1


AWAITED_SIGNERS = {"po-siege1", "po-part1"}  # the partnership's POs yet to sign


def awaited_or_seeing(profile: set[str]) -> dict[str, str]:
    """The awaited signers: their confirmation page; the others of ``profile`` who see the
    partnership: back to it (not offered)."""
    return {
        **{u: "redirect" for u in SEES_PARTNERSHIP & profile},
        **{u: "ok" for u in AWAITED_SIGNERS},
    }


AWAITED_OR_SEEING = awaited_or_seeing(SEES_PARTNERSHIP)


def admin_view(allowed: set[str]) -> dict[str, Spec]:
    """The GET endpoints of one Flask-Admin model view, open to ``allowed``."""
    return {
        "index_view": only(allowed, no="forbidden"),
        "create_view": only(allowed, no="forbidden"),
        "details_view": only(allowed, no="forbidden"),
        "edit_view": only(allowed, no="forbidden"),
        "export": only(allowed, no="forbidden"),
        "export_sealed": only(allowed & {ADMIN}, no="forbidden"),
        "ajax_lookup": only(allowed, no="forbidden"),
        # Our override shuts Flask-Admin's GridFS door for everyone.
        "api_file_view": only(allowed, yes="missing", no="forbidden"),
        "ajax_update": everyone("method"),
        "action_view": everyone("method"),
        "delete_view": everyone("method"),
    }


ADMIN_VIEWS = {
    "poles_admin": admin_view(BACK_REF),
    "schools_admin": admin_view(BACK_REF),
    "pos_admin": admin_view(BACK_REF),
    "conventions_admin": admin_view(BACK_REF),
    "templates_admin": admin_view({ADMIN}),
    "users_admin": admin_view(BACK_ACCESS),
    "access_requests_admin": admin_view(BACK_ACCESS),
    "outbox_admin": admin_view(BACK_ACCESS),
    "messages_admin": admin_view({ADMIN}),
    "functions_admin": admin_view({ADMIN}),
    "school_years_admin": admin_view({ADMIN}),
    "api_clients_admin": admin_view({ADMIN}),
}
# API clients: created on « Nouveau client » (the token shown once), never edited; revoked
# by a POST per row, confirmed first.
ADMIN_VIEWS["api_clients_admin"]["create_client"] = only({ADMIN}, no="forbidden")
# GET: the confirmation page of a client not revoked yet (the matrix's id is none: back).
ADMIN_VIEWS["api_clients_admin"]["revoke"] = only({ADMIN}, yes="redirect", no="forbidden")
for _name in ("create_view", "edit_view", "details_view"):
    ADMIN_VIEWS["api_clients_admin"][_name] = only({ADMIN}, yes="redirect", no="forbidden")
ADMIN_VIEWS["api_clients_admin"]["ajax_lookup"] = only({ADMIN}, yes="missing", no="forbidden")
ADMIN_VIEWS["school_years_admin"]["ajax_lookup"] = only({ADMIN}, yes="missing", no="forbidden")
# The functions catalogue has no reference picker.
ADMIN_VIEWS["functions_admin"]["ajax_lookup"] = only({ADMIN}, yes="missing", no="forbidden")
# Conventions are created by the workflow only; the Administration alone edits the year.
ADMIN_VIEWS["conventions_admin"]["create_view"] = only(BACK_REF, yes="redirect", no="forbidden")
ADMIN_VIEWS["conventions_admin"]["edit_view"] = per_user(
    {ADMIN: "ok", DATA_MANAGER: "redirect"}, "forbidden"
)
# Access requests and the outbox are read-only records, reviewed on the support pages.
for _view in ("access_requests_admin", "outbox_admin"):
    for _name in ("create_view", "edit_view", "details_view"):
        ADMIN_VIEWS[_view][_name] = only(BACK_ACCESS, yes="redirect", no="forbidden")
# A view without reference pickers has no lookup to answer.
for _view in ("pos_admin", "conventions_admin", "templates_admin", "users_admin"):
    ADMIN_VIEWS[_view]["ajax_lookup"] = only(
        BACK_REF if _view != "users_admin" else BACK_ACCESS, yes="missing", no="forbidden"
    )
for _view in ("access_requests_admin", "outbox_admin"):
    ADMIN_VIEWS[_view]["ajax_lookup"] = only(BACK_ACCESS, yes="missing", no="forbidden")
ADMIN_VIEWS["templates_admin"]["ajax_lookup"] = only({ADMIN}, yes="missing", no="forbidden")

EXPECTED: dict[str, Spec] = {
    # Public pages and the account's own pages.
    "auth.login": everyone("redirect"),
    "auth.logout": everyone("ok"),  # GET shows the confirmation; logging out is a POST
    "auth.forgot_password": everyone("ok"),  # the form; a signed-in user may ask too
    "auth.change_password": everyone("ok"),  # one's own password, whatever the profile
    "main.health": everyone("ok"),
    "main.favicon": everyone("ok"),
    "main.home": everyone("ok"),
    "help.information": everyone("ok"),
    "help.guide": everyone("ok"),
    "help.toggle": everyone("method"),
    "pdf.verify": everyone("ok"),
    "legal.notices": everyone("ok"),
    "legal.accessibility": everyone("ok"),
    "legal.contact": everyone("ok"),
    "access.request_access": everyone("ok"),
    "access.request_revocation": everyone("ok"),
    "access.set_password": everyone("ok"),
    # Support staff.
    "access.queue": only(BACK_ACCESS, no="forbidden"),
    "access.detail": only(BACK_ACCESS, no="forbidden"),
    "access.attachment": only(BACK_ACCESS, yes="missing", no="forbidden"),
    "access.accounts": only(BACK_ACCESS, no="forbidden"),
    "access.account": only(BACK_ACCESS, no="forbidden"),
    # Accepting the demo's access request needs no confirmation page: back to the request.
    "access.approve": only(BACK_ACCESS, yes="redirect", no="forbidden"),
    "access.reject": everyone("method"),
    # Revoking confirms first (GET ?grant=…); without a held grant: back to the account.
    "access.revoke": only(BACK_ACCESS, yes="redirect", no="forbidden"),
    "access.deactivate": only(BACK_ACCESS, no="forbidden"),
    # Pole pages.
    "poles.select": per_user(
        {ADMIN: "ok", DATA_MANAGER: "ok", "coord1": "ok", SUPPORT: "missing"}, "redirect"
    ),
    "structure.index": per_user(
        {ADMIN: "redirect", DATA_MANAGER: "redirect", SUPPORT: "missing"}, "redirect"
    ),
    "structure.pole": only(SEES_POLE1),
    "structure.add_school": only(BACK_REF | SEAT_SIDE),
    "structure.export": only(SEES_POLE1),
    "conventions.show": only(SEES_PARTNERSHIP),
    # The partnership is validated: its articles are read on the convention page.
    "conventions.article": only(SEES_PARTNERSHIP, yes="redirect"),
    "conventions.derogation": only(SEES_COOP1004),
    # Irreversible steps answer GET with their confirmation page (app.views.confirm) when the
    # step is offered; the partnership is validated and not fully signed: only reopening is.
    "conventions.validate_list": only(SEES_PARTNERSHIP, yes="redirect"),
    "conventions.reopen_list": only(SEES_PARTNERSHIP, yes="redirect"),
    "conventions.validate": only(SEES_PARTNERSHIP, yes="redirect"),
    "conventions.approve": only(SEES_PARTNERSHIP, yes="redirect"),
    "conventions.reopen": per_user(
        {ADMIN: "ok", **{u: "redirect" for u in SEES_PARTNERSHIP - {ADMIN}}}, "missing"
    ),
    "datamgmt.reopen_list": only(BACK_REF, yes="redirect"),
    # Signing and declining are offered to the two POs the partnership awaits; from the
    # queues, to PO delegates and directors only.
    "conventions.sign": per_user(AWAITED_OR_SEEING, "missing"),
    "conventions.decline": per_user(AWAITED_OR_SEEING, "missing"),
    "conventions.acknowledge": only(SEES_PARTNERSHIP, yes="redirect"),
    "conventions.send_back": only(SEES_PARTNERSHIP, yes="redirect"),
    "signing.sign": per_user(awaited_or_seeing(PO_DELEGATES), "missing"),
    "signing.decline": per_user(awaited_or_seeing(PO_DELEGATES), "missing"),
    "signing.acknowledge": only(SEES_PARTNERSHIP & DIRECTORS, yes="redirect"),
    "pdf.convention": only(SEES_PARTNERSHIP),
    "pdf.school_list": only(SEES_PARTNERSHIP),
    "signing.to_sign": only(PO_DELEGATES),
    "signing.to_acknowledge": only(DIRECTORS),
    "datamgmt.index": only(BACK_REF),
    "datamgmt.pole": only(BACK_REF),
    "directory.upload": only(BACK_REF),
    # Financing (issue 13): the seat side of the pole and the Administration.
    "financing.pole": only(FINANCING),
    "financing.counts": only(FINANCING),
    "financing.close": everyone("method"),
    "financing.simulations": only(FINANCING),
    "financing.scenario": only(FINANCING),
    "financing.delete": everyone("method"),
    # Nothing chosen: back to the list, with a message.
    "financing.compare": only(FINANCING, yes="redirect"),
    "financing.compare_pdf": only(FINANCING, yes="redirect"),
    "financing.compare_xlsx": only(FINANCING, yes="redirect"),
    "financing.pdf": only(FINANCING),
    "financing.xlsx": only(FINANCING),
    # Back office.
    "admin.index": only(BACK_REF | {SUPPORT}, no="forbidden"),
    "financing_admin.index": only({ADMIN}, no="forbidden"),
    "financing_admin.parameters": only({ADMIN}, no="forbidden"),
    # The bearer API: a browser's session opens nothing there.
    "api.openapi": everyone("ok"),
    "api.conventions": everyone("401"),
    "api.convention": everyone("401"),
    "api.convention_pdf": everyone("401"),
    "api.poles": everyone("401"),
    "api.schools": everyone("401"),
    "api.organising_authorities": everyone("401"),
    # Steering (issue 12): the approval queue; everyone's notification preference.
    "approvals.index": only({ADMIN}, no="forbidden"),
    "late_reminders.index": only({ADMIN}, no="forbidden"),
    "late_reminders.send": everyone("method"),  # POST only; its access is tested apart
    "account.notifications": everyone("ok"),
}
_FIN_HOME = {ADMIN, *SEAT_SIDE, "coord2"}
EXPECTED["financing.index"] = only(_FIN_HOME, yes="redirect")
POST_ONLY_PREFIXES = ("conventions.", "signing.", "datamgmt.", "directory.")
for _rule in RULES:
    if _rule.endpoint.split(".")[0] in ADMIN_VIEWS:
        view, name = _rule.endpoint.split(".", 1)
        EXPECTED[_rule.endpoint] = ADMIN_VIEWS[view][name]
    elif (
        _rule.endpoint.startswith(POST_ONLY_PREFIXES)
        and "GET" not in _rule.methods
        and _rule.endpoint not in EXPECTED
    ):
        EXPECTED[_rule.endpoint] = everyone("method")

# Query strings of the Flask-Admin endpoints: a real object of each collection.
AJAX_FIELDS = {
    "poles_admin": ("seat_school", "Sainte"),
    "schools_admin": ("po", "Liège"),
    "messages_admin": ("school", "Tilleuls"),
}


def _admin_ids(convs: dict[str, Any], reference: str) -> dict[str, Any]:
    return {
        "poles_admin": Pole.objects.get(number=1).pk,
        "schools_admin": school_id(2103),
        "pos_admin": OrganisingAuthority.objects.get(fase=1002).pk,
        "conventions_admin": convs["partnership"].pk,
        "templates_admin": ArticleTemplate.objects.first().pk,
        "users_admin": User.objects.get(username="dir-part1").pk,
        "access_requests_admin": AccessRequest.objects.get(reference=reference).pk,
        "outbox_admin": None,
        "messages_admin": Message.objects.first().pk,
        "functions_admin": TeamFunction.objects.first().pk,
        "school_years_admin": SchoolYear.objects.get(label="2026-2027").pk,
    }


def classify(response: Any) -> str:
    code = response.status_code
    if code == 302:
        return "login" if "/login" in response.location else "redirect"
    return {200: "ok", 400: "bad", 403: "forbidden", 404: "missing", 405: "method"}.get(
        code, str(code)
    )


def path_for(rule: Any, given: dict[str, str], ids: dict[str, Any]) -> str:
    endpoint = rule.endpoint
    local = dict(given)
    if endpoint == "conventions.derogation":
        local["convention_id"] = given["coop1004"]
        local["school_id"] = given["school_2115"]
    path = build_path(rule, local)
    view = endpoint.split(".")[0]
    if view in ids:
        name = endpoint.split(".", 1)[1]
        if name in ("details_view", "edit_view") and ids[view] is not None:
            path += f"?id={ids[view]}"
        elif name == "ajax_lookup":
            field, query = AJAX_FIELDS.get(view, ("name", "a"))
            path += f"?name={field}&query={query}"
    return path


@pytest.fixture
def matrix_values(values: dict[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    from app.models import OutboxMessage

    convs = pole1_conventions()
    local = dict(values)
    local["convention_id"] = str(convs["partnership"].pk)
    local["school_id"] = str(school_id(2103))
    local["key"] = "4"
    local["fmt"] = "xlsx"
    local["coop1004"] = str(convs["coop1004"].pk)
    local["school_2115"] = str(school_id(2115))
    ids = _admin_ids(convs, values["reference"])
    outbox = OutboxMessage.objects.first()
    ids["outbox_admin"] = outbox.pk if outbox else None
    return local, ids


def test_every_route_has_an_expectation():
    missing = sorted({r.endpoint for r in RULES} - set(EXPECTED))
    assert not missing, f"routes without an expected answer per profile: {missing}"


@pytest.mark.parametrize("username", ACCOUNTS)
def test_url_matrix(demo, matrix_values, username):
    given, ids = matrix_values
    client = demo.test_client()
    assert login(client, username).status_code == 302
    wrong = []
    # Logging out last: the other rules need the session.
    rules = sorted(RULES, key=lambda r: r.endpoint == "auth.logout")
    for rule in rules:
        if rule.endpoint not in EXPECTED:
            continue
        view = rule.endpoint.split(".")[0]
        if rule.endpoint.endswith(("details_view", "edit_view")) and ids.get(view, 0) is None:
            continue  # no object of that kind in the demo data
        path = path_for(rule, given, ids)
        response = client.get(path)
        got = classify(response)
        expected = EXPECTED[rule.endpoint](username)
        if got != expected:
            wrong.append(f"{rule.endpoint} {path}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
