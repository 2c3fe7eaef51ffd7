"""Back-office messages tell the truth: nothing says « détruit » or « enregistré » when
nothing was. The attack: bulk-delete a locked convention and read the green banner."""

from html import unescape

import pytest

from app.models import Convention
from tests.conftest import csrf_token, login
from tests.foundation.test_admin_lock import make_convention
from tests.security.conftest import db_fingerprint


@pytest.fixture
def admin_client(demo, client):
    login(client, "admin")
    return client


def _changed(before: dict[str, str]) -> set[str]:
    return {k for k, v in db_fingerprint().items() if before.get(k) != v} - {"audit_events"}


def test_bulk_delete_of_a_locked_convention_says_nothing_was_deleted(admin_client):
    locked = make_convention("approved")
    token = csrf_token(admin_client, "/admin/conventions_admin/")
    before = db_fingerprint()
    response = admin_client.post(
        "/admin/conventions_admin/action/",
        data={"csrf_token": token, "action": "delete", "rowid": str(locked.pk)},
        follow_redirects=True,
    )
    html = unescape(response.get_data(as_text=True))
    assert "validée et verrouillée" in html
    assert "Aucun enregistrement n'a été supprimé." in html
    assert "1 refusé" in html
    assert "détruit" not in html and "alert-success" not in html
    assert not _changed(before)
    assert Convention.objects(id=locked.pk).count() == 1


def test_partial_bulk_delete_counts_what_was_really_deleted(admin_client):
    locked = make_convention("validated")
    draft = make_convention("draft")
    token = csrf_token(admin_client, "/admin/conventions_admin/")
    response = admin_client.post(
        "/admin/conventions_admin/action/",
        data={"csrf_token": token, "action": "delete", "rowid": [str(locked.pk), str(draft.pk)]},
        follow_redirects=True,
    )
    html = unescape(response.get_data(as_text=True))
    assert "1 enregistrement a été supprimé. 1 refusé" in html
    assert "détruit" not in html


def test_refused_single_delete_says_no_success(admin_client):
    conv = make_convention("signed")
    token = csrf_token(admin_client, "/admin/conventions_admin/")
    before = db_fingerprint()
    response = admin_client.post(
        "/admin/conventions_admin/delete/",
        data={"csrf_token": token, "confirm": "oui", "id": str(conv.pk)},
        follow_redirects=True,
    )
    html = unescape(response.get_data(as_text=True))
    assert "validée et verrouillée" in html
    assert "détruit" not in html and "alert-success" not in html
    assert not _changed(before)


def test_refused_edit_says_nothing_was_saved(admin_client):
    conv = make_convention("validated")
    url = f"/admin/conventions_admin/edit/?id={conv.pk}"
    token = csrf_token(admin_client, url)
    before = db_fingerprint()
    response = admin_client.post(
        url, data={"csrf_token": token, "school_year": "2030-2031"}, follow_redirects=True
    )
    html = unescape(response.get_data(as_text=True))
    assert "validée et verrouillée" in html
    assert "enregistré" not in html and "alert-success" not in html
    assert not _changed(before)
