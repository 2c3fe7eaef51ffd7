"""Every back-office view × every bulk action × every role, sent as the attack: name rows by
id in ``POST /admin/<view>/action/``, including rows the role may not see. Only rows inside
the view's scope change; everything else stays byte for byte the same.

Flask-Admin's stock ``action_delete`` loaded rows with ``in_bulk`` (raw collection, no
``get_query()`` filter): ``support`` could delete the ``admin`` account by its id.
"""

from html import unescape
from typing import Any

import pytest
from flask import Flask

from app.models import (
    ArticleTemplate,
    Convention,
    Message,
    OrganisingAuthority,
    OutboxMessage,
    Pole,
    School,
    SchoolYear,
    User,
)
from app.models.financing import TeamFunction
from app.rules.financing import GROUPS
from app.services import access, api_clients
from app.views.admin.base import SecureModelView
from tests.access.helpers import director_form
from tests.conftest import csrf_token, login
from tests.security.conftest import db_fingerprint

# The accounts tried: every back-office profile, two pole profiles, and nobody.
ROLES = ["admin", "gestionnaire", "support", "coord1", "po-coop1", None]


def _new_po(fase: int) -> OrganisingAuthority:
    return OrganisingAuthority(fase=fase, name=f"PO jetable {fase}").save()


def _new_school(fase: int) -> School:
    return School(
        fase=fase,
        name=f"École jetable {fase}",
        po=_new_po(fase + 1),
        zone=1,
        education="specialized",
        types=[1],
    ).save()


def targets() -> dict[str, dict[str, Any]]:
    """Per view endpoint, rows nothing else refers to, named by what they are."""
    seat = _new_school(990001)
    pole = Pole(number=99, name="Pôle jetable", seat_school=seat, zone=1).save()
    draft = Convention.objects.get(
        pole=Pole.objects.get(number=1), kind="cooperation", status="draft"
    )
    template = ArticleTemplate(
        kind="partnership", key="99", number=99, position=99, title="Jetable", nature="C"
    ).save()
    message = Message(title="Jetable", body="Texte", audience="all").save()
    outbox = OutboxMessage(to="x@example.org", subject="Jetable", body="Texte").save()
    pole_account = User(username="jetable-pole", grants=[]).save()
    return {
        "poles_admin": {"row": pole},
        "schools_admin": {"row": _new_school(990010)},
        "pos_admin": {"row": _new_po(990020)},
        "conventions_admin": {"row": draft},
        "templates_admin": {"row": template},
        "users_admin": {
            "pole account": pole_account,
            "back-office account": User.objects.get(username="gestionnaire"),
        },
        "access_requests_admin": {"row": access.submit_request(director_form())},
        "outbox_admin": {"row": outbox},
        "messages_admin": {"row": message},
        # No one deletes a school year (its conventions belong to it): never in ALLOWED.
        "school_years_admin": {"row": SchoolYear.objects.get(label="2022-2023")},
        # Clients are revoked one by one, never deleted: never in ALLOWED.
        "api_clients_admin": {"row": api_clients.create("Jetable", None, None)[0]},
        "functions_admin": {
            "row": TeamFunction(
                code="jetable", label="Jetable", group=next(iter(GROUPS)), points=1
            ).save()
        },
    }


# (endpoint, target, role) → may delete. Everything not listed: refused, nothing changes.
ALLOWED = {
    ("poles_admin", "row", "admin"),
    ("poles_admin", "row", "gestionnaire"),
    ("schools_admin", "row", "admin"),
    ("schools_admin", "row", "gestionnaire"),
    ("pos_admin", "row", "admin"),
    ("pos_admin", "row", "gestionnaire"),
    ("conventions_admin", "row", "admin"),
    ("templates_admin", "row", "admin"),
    ("users_admin", "pole account", "admin"),
    ("users_admin", "pole account", "support"),
    ("users_admin", "back-office account", "admin"),
    ("messages_admin", "row", "admin"),
}


def admin_views(app: Flask) -> list[SecureModelView]:
    return [v for v in app.extensions["epoles_admin"]._views if isinstance(v, SecureModelView)]


def test_every_model_view_is_covered(app):
    assert {v.endpoint for v in admin_views(app)} == set(
        [
            "poles_admin",
            "schools_admin",
            "pos_admin",
            "conventions_admin",
            "templates_admin",
            "users_admin",
            "access_requests_admin",
            "outbox_admin",
            "messages_admin",
            "functions_admin",
            "school_years_admin",
            "api_clients_admin",
        ]
    )


def test_every_action_loads_rows_through_the_scoped_query(app):
    # Actions are found by Flask-Admin on the class; each must be ours, not the stock one.
    for view in admin_views(app):
        for name, (handler, *_rest) in view._actions_data.items():
            assert handler.__func__ is getattr(SecureModelView, f"action_{name}"), (
                view.endpoint,
                name,
            )


def _actions(app: Flask) -> list[tuple[str, str, str]]:
    return [(v.endpoint, v.url, name) for v in admin_views(app) for name in v._actions_data]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_bulk_action_touches_only_rows_in_scope(demo, app, client, role):
    rows = targets()
    if role:
        assert login(client, role).status_code == 302
    token = csrf_token(client, "/login")
    for endpoint, url, action in _actions(app):
        assert action == "delete", "a new bulk action needs its expected outcomes here"
        for target, row in rows[endpoint].items():
            model = type(row)
            before = db_fingerprint()
            response = client.post(
                f"{url}/action/",
                data={"csrf_token": token, "action": action, "rowid": str(row.pk)},
            )
            assert response.status_code in (302, 403), (endpoint, target, role)
            exists = model.objects(pk=row.pk).only("id").first() is not None
            if (endpoint, target, role) in ALLOWED:
                assert not exists, (endpoint, target, role)
                follow = unescape(client.get(response.location).get_data(as_text=True))
                assert "1 enregistrement a été supprimé." in follow
            else:
                assert exists, (endpoint, target, role)
                after = db_fingerprint()
                changed = {k for k in after if before.get(k) != after[k]} - {"audit_events"}
                assert not changed, (endpoint, target, role, changed)


def test_support_cannot_bulk_delete_the_admin_account(demo, client):
    """The exact request of the report: support names the admin's id in a bulk delete."""
    admin = User.objects.get(username="admin")
    login(client, "support")
    token = csrf_token(client, "/admin/users_admin/")
    before = db_fingerprint()
    response = client.post(
        "/admin/users_admin/action/",
        data={"csrf_token": token, "action": "delete", "rowid": str(admin.pk)},
        follow_redirects=True,
    )
    html = unescape(response.get_data(as_text=True))
    assert "Aucun enregistrement n'a été supprimé." in html
    assert "détruit" not in html
    assert User.objects(username="admin").first() is not None
    assert {k for k, v in db_fingerprint().items() if before.get(k) != v} <= {"audit_events"}


def test_malformed_and_unknown_ids_delete_nothing(demo, client):
    login(client, "admin")
    token = csrf_token(client, "/admin/users_admin/")
    before = db_fingerprint()
    response = client.post(
        "/admin/users_admin/action/",
        data={
            "csrf_token": token,
            "action": "delete",
            "rowid": ["not-an-id", "0123456789abcdef01234567", '{"$ne": null}'],
        },
        follow_redirects=True,
    )
    html = unescape(response.get_data(as_text=True))
    assert "Aucun enregistrement n'a été supprimé." in html
    assert "3 introuvables ou hors de votre périmètre." in html
    assert db_fingerprint() == before
