"""The back-office views of access management: read-only, for support and Administration."""

import re

import pytest

from app.models import OutboxMessage, User
from app.services import access
from tests.access.helpers import director_form
from tests.conftest import login


@pytest.mark.parametrize(
    ("username", "expected"), [("support", 200), ("admin", 200), ("gestionnaire", 403)]
)
def test_outbox_and_requests_views(demo, client, username, expected):
    req = access.submit_request(director_form())
    access.approve_request(req, User.objects.get(username="admin"))
    login(client, username)
    outbox = client.get("/admin/outbox_admin/")
    assert outbox.status_code == expected
    requests = client.get("/admin/access_requests_admin/")
    assert requests.status_code == expected
    if expected == 200:
        assert "camille.lambotte@meuse.example" in outbox.get_data(as_text=True)
        assert req.reference in requests.get_data(as_text=True)
        message = OutboxMessage.objects.get()
        detail = client.get(f"/admin/outbox_admin/details/?id={message.pk}")
        page = detail.get_data(as_text=True)
        token = re.search(r"/mot-de-passe/([\w-]+)", message.body).group(1)
        assert "/mot-de-passe/" in page and "lien à usage unique masqué" in page
        assert token not in page and token not in outbox.get_data(as_text=True)
        assert client.get(f"/admin/outbox_admin/edit/?id={message.pk}").status_code != 200
