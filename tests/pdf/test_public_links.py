"""Links that leave the page name the public server: EPOLES_BASE_URL, else (local demo only)
the browser's address; production without it refuses in French instead of a wrong link."""

import re

import pytest

from app import links
from app.models import AccessRequest, Convention, StoredFile
from app.rules.errors import RuleViolation
from app.services import access, workflow
from tests.access.helpers import director_form
from tests.conftest import csrf_token
from tests.pdf.conftest import demo_convention, pdf_text, user


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"EPOLES_BASE_URL": "https://e-poles.cfwb.be/", "EPOLES_LOCAL_DEMO": False},
            "https://e-poles.cfwb.be",
        ),
        ({"EPOLES_BASE_URL": "", "EPOLES_LOCAL_DEMO": False}, None),
        ({"EPOLES_BASE_URL": "  ", "EPOLES_LOCAL_DEMO": True}, links.LOCAL_DEFAULT),
    ],
)
def test_base_url_outside_a_request(config, expected):
    assert links.base_url(config) == expected


def test_local_demo_takes_the_browsers_address(app):
    with app.test_request_context("/", base_url="http://192.168.1.20:8080"):
        assert links.base_url({"EPOLES_LOCAL_DEMO": True}) == "http://192.168.1.20:8080"
        assert links.base_url({"EPOLES_LOCAL_DEMO": False}) is None


def _sealed_text(conv: Convention) -> tuple[bytes, str]:
    data = bytes(StoredFile.objects.get(id=conv.sealed_pdf.pk).data)
    return data, pdf_text(data)


def test_the_certificate_names_the_configured_server_and_no_command(demo):
    demo.config["EPOLES_BASE_URL"] = "https://e-poles.cfwb.be"
    conv = workflow.approve(demo_convention("specific_partnership", status="signed"), user("admin"))
    _, text = _sealed_text(conv)
    assert "https://e-poles.cfwb.be/verifier" in text
    assert "127.0.0.1" not in text and "flask" not in text


def test_production_without_a_public_address_refuses_to_approve(demo):
    demo.config.update(EPOLES_BASE_URL="", EPOLES_LOCAL_DEMO=False)
    conv = demo_convention("specific_partnership", status="signed")
    files = StoredFile.objects.count()
    with pytest.raises(RuleViolation, match="EPOLES_BASE_URL"):
        workflow.approve(conv, user("admin"))
    assert Convention.objects.get(id=conv.pk).status == "signed"
    assert StoredFile.objects.count() == files


def test_the_sealed_pdf_is_dated_by_its_approval(demo):
    conv = workflow.approve(demo_convention("specific_partnership", status="signed"), user("admin"))
    data, _ = _sealed_text(conv)
    (created,) = re.findall(rb"/CreationDate \(D:(\d{14})", data)
    assert created.decode() == conv.approved_at.strftime("%Y%m%d%H%M%S")
    assert created != b"20000101000000"


def test_production_without_a_public_address_decides_no_access_request(demo, login_as):
    demo.config.update(EPOLES_BASE_URL="", EPOLES_LOCAL_DEMO=False)
    pending = access.submit_request(director_form())
    client = login_as("support")
    page = f"/support/demandes/{pending.reference}"
    response = client.post(
        f"{page}/accepter",
        data={"csrf_token": csrf_token(client, page), "confirm_identity": "yes"},
        follow_redirects=True,
    )
    assert "EPOLES_BASE_URL" in response.get_data(as_text=True)
    assert AccessRequest.objects.get(id=pending.pk).status == "pending"
