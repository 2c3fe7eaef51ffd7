"""Account takeover through an access request, sent as the attack: support deactivates
``dir-part1``; an anonymous request for username ``dir-part1`` with the attacker's e-mail is
accepted by support. Before: the set-password link went to the attacker, who then logged in
as ``dir-part1`` with its history. Now: support sees both e-mails side by side with a
warning, must confirm explicitly, and the link goes only to the e-mail on file."""

from html import unescape

from app.models import AccessRequest, AuditEvent, OutboxMessage, User
from app.services import access
from tests.access.helpers import director_form
from tests.access.test_flow import REFERENCE_RE, submit
from tests.conftest import csrf_token, login
from tests.security.conftest import db_fingerprint

ATTACKER = "pirate@example.org"


def _attack(app) -> str:
    support = User.objects.get(username="support")
    access.revoke_user(User.objects.get(username="dir-part1"), support)
    visitor = app.test_client()
    html = submit(
        visitor,
        "/acces/demande",
        director_form(person_username="dir-part1", person_email=ATTACKER),
    ).get_data(as_text=True)
    return REFERENCE_RE.search(html).group(1)


def _support(app):
    client = app.test_client()
    login(client, "support")
    return client


def test_accepting_without_confirmation_changes_nothing(demo, app):
    reference = _attack(app)
    support = _support(app)
    page = unescape(support.get(f"/support/demandes/{reference}").get_data(as_text=True))
    on_file = User.objects.get(username="dir-part1").email
    assert 'data-testid="identity-warning"' in page
    assert ATTACKER in page and on_file in page
    assert "diffère" in page and "désactivé" in page
    token = csrf_token(support, f"/support/demandes/{reference}")
    before = db_fingerprint()
    response = support.post(
        f"/support/demandes/{reference}/accepter", data={"csrf_token": token}, follow_redirects=True
    )
    assert "cochez la confirmation" in unescape(response.get_data(as_text=True))
    changed = {k for k, v in db_fingerprint().items() if before.get(k) != v}
    assert changed <= {"audit_events"}
    assert not User.objects.get(username="dir-part1").active
    assert AccessRequest.objects.get(reference=reference).status == "pending"
    assert OutboxMessage.objects(to=ATTACKER).count() == 0


def test_confirmed_reactivation_mails_only_the_address_on_file_and_is_audited(demo, app):
    reference = _attack(app)
    on_file = User.objects.get(username="dir-part1").email
    support = _support(app)
    token = csrf_token(support, f"/support/demandes/{reference}")
    support.post(
        f"/support/demandes/{reference}/accepter",
        data={"csrf_token": token, "confirm_identity": "yes"},
    )
    account = User.objects.get(username="dir-part1")
    assert account.active and account.email == on_file
    assert OutboxMessage.objects(to=ATTACKER).count() == 0
    mail = OutboxMessage.objects(topic=f"request:{reference}").get()
    assert mail.to == on_file and "/mot-de-passe/" in mail.body
    event = AuditEvent.objects(action="account_reactivated").get()
    assert event.details["email_requested"] == ATTACKER and event.details["confirmed"]


def test_same_email_active_account_needs_no_confirmation(demo, app):
    account = User.objects.get(username="dir-part1")
    visitor = app.test_client()
    html = submit(
        visitor,
        "/acces/demande",
        director_form(person_username="dir-part1", person_email=account.email.upper()),
    ).get_data(as_text=True)
    reference = REFERENCE_RE.search(html).group(1)
    support = _support(app)
    page = support.get(f"/support/demandes/{reference}").get_data(as_text=True)
    assert 'data-testid="identity-warning"' not in page


def test_rejection_of_a_request_for_an_existing_account_goes_to_the_address_on_file(demo, app):
    reference = _attack(app)
    on_file = User.objects.get(username="dir-part1").email
    access.reject_request(
        AccessRequest.objects.get(reference=reference),
        "Identité non vérifiée.",
        User.objects.get(username="support"),
    )
    assert OutboxMessage.objects(to=ATTACKER).count() == 0
    assert OutboxMessage.objects(topic=f"request:{reference}").get().to == on_file
