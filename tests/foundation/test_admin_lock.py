"""A validated convention stays locked through every Flask-Admin write path."""

import pytest

from app.models import Convention, Pole
from app.models.convention import LOCKED_MESSAGE
from app.services.workflow._writer import workflow_write
from tests.conftest import csrf_token, login

LOCKED_TEXT = "validée et verrouillée"


def make_convention(status: str) -> Convention:
    pole = Pole.objects.get(number=1)
    seat = pole.seat_school
    with workflow_write():  # test data, as the workflow would have written it
        conv = Convention(
            kind="cooperation",
            pole=pole,
            pole_number=pole.number,
            slot=f"cooperation:test-{status}",
            seat_school=seat,
            seat_po=seat.po,
            school_year="2026-2027",
        ).save()
        if status != "draft":
            Convention.objects(id=conv.pk).update_one(set__status=status)
    return Convention.objects.get(id=conv.pk)


@pytest.fixture
def admin_client(demo, client):
    login(client, "admin")
    return client


def test_edit_form_refuses_locked_convention(admin_client):
    conv = make_convention("validated")
    url = f"/admin/conventions_admin/edit/?id={conv.pk}"
    token = csrf_token(admin_client, url)
    response = admin_client.post(
        url, data={"csrf_token": token, "school_year": "2030-2031"}, follow_redirects=True
    )
    assert LOCKED_TEXT in response.get_data(as_text=True)
    assert Convention.objects.get(id=conv.pk).school_year == "2026-2027"


def test_edit_form_changes_draft_convention(admin_client):
    conv = make_convention("draft")
    url = f"/admin/conventions_admin/edit/?id={conv.pk}"
    token = csrf_token(admin_client, url)
    admin_client.post(url, data={"csrf_token": token, "school_year": "2027-2028"})
    assert Convention.objects.get(id=conv.pk).school_year == "2027-2028"
    from app.models import AuditEvent

    event = AuditEvent.objects(action="convention.set_school_year", convention=conv.pk).get()
    assert event.actor == "admin" and event.outcome == "ok"
    assert event.details == {"before": "2026-2027", "after": "2027-2028"}


@pytest.mark.parametrize(
    ("year", "message"),
    [("2030-2032", "deux années qui se suivent"), ("2040-2041", "pas au calendrier")],
)
def test_edit_form_refuses_a_bad_school_year(admin_client, year, message):
    conv = make_convention("draft")
    url = f"/admin/conventions_admin/edit/?id={conv.pk}"
    token = csrf_token(admin_client, url)
    response = admin_client.post(
        url, data={"csrf_token": token, "school_year": year}, follow_redirects=True
    )
    assert message in response.get_data(as_text=True)
    assert Convention.objects.get(id=conv.pk).school_year == "2026-2027"


def test_inline_edit_refuses_locked_convention(admin_client):
    conv = make_convention("signed")
    token = csrf_token(admin_client, "/admin/conventions_admin/")
    response = admin_client.post(
        "/admin/conventions_admin/ajax/update/",
        data={"csrf_token": token, "list_form_pk": str(conv.pk), "school_year": "1999-2000"},
    )
    assert response.status_code == 400
    assert LOCKED_TEXT in response.get_data(as_text=True)
    assert Convention.objects.get(id=conv.pk).school_year == "2026-2027"


def test_inline_edit_forbidden_to_data_manager(demo, client):
    conv = make_convention("draft")
    login(client, "gestionnaire")
    token = csrf_token(client, "/admin/conventions_admin/")
    response = client.post(
        "/admin/conventions_admin/ajax/update/",
        data={"csrf_token": token, "list_form_pk": str(conv.pk), "school_year": "1999-2000"},
    )
    assert response.status_code in (403, 404)
    assert Convention.objects.get(id=conv.pk).school_year == "2026-2027"


def test_bulk_delete_refuses_locked_convention(admin_client):
    locked = make_convention("approved")
    draft = make_convention("draft")
    token = csrf_token(admin_client, "/admin/conventions_admin/")
    response = admin_client.post(
        "/admin/conventions_admin/action/",
        data={"csrf_token": token, "action": "delete", "rowid": [str(locked.pk), str(draft.pk)]},
        follow_redirects=True,
    )
    assert LOCKED_TEXT in response.get_data(as_text=True)
    assert Convention.objects(id=locked.pk).count() == 1
    assert Convention.objects(id=draft.pk).count() == 0


def test_delete_button_refuses_locked_convention(admin_client):
    conv = make_convention("validated")
    token = csrf_token(admin_client, "/admin/conventions_admin/")
    response = admin_client.post(
        "/admin/conventions_admin/delete/",
        data={"csrf_token": token, "confirm": "oui", "id": str(conv.pk)},
        follow_redirects=True,
    )
    assert LOCKED_TEXT in response.get_data(as_text=True)
    assert Convention.objects(id=conv.pk).count() == 1


def test_locked_message_is_french():
    assert "verrouillée" in LOCKED_MESSAGE


def test_delete_button_deletes_a_draft_through_the_workflow_with_its_audit_event(admin_client):
    from app.models import AuditEvent

    conv = make_convention("draft")
    token = csrf_token(admin_client, "/admin/conventions_admin/")
    admin_client.post(
        "/admin/conventions_admin/delete/",
        data={"csrf_token": token, "confirm": "oui", "id": str(conv.pk)},
        follow_redirects=True,
    )
    assert Convention.objects(id=conv.pk).count() == 0
    event = AuditEvent.objects(action="convention.delete", convention=conv.pk).get()
    assert event.actor == "admin" and event.outcome == "ok" and event.status_before == "draft"
