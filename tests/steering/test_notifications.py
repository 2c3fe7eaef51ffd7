"""Each step tells the next party through the outbox, as each person chose."""

from datetime import date

from app.models import OutboxMessage, User
from app.rules.delivery import Category, MessageStatus
from app.rules.states import Status
from app.services import notify, outbox, workflow
from tests.rules.conftest import drive
from tests.steering.helpers import inbox, recipients


def test_list_validated_tells_the_future_signers(partnership):
    # the fixture validated the list of the partnership (seat PO, partner PO 1002)
    assert recipients("Liste des écoles validée") == {"po-siege1", "po-part1"}


def test_validated_asks_each_po_delegate_to_sign(partnership, user):
    workflow.validate(partnership, user("coord1"))
    assert recipients("Convention à signer") == {"po-siege1", "po-part1"}
    mail = inbox("po-part1", "Convention à signer")[0]
    assert mail.category == Category.WORKFLOW and mail.status == MessageStatus.PENDING
    assert mail.to == User.objects.get(username="po-part1").email
    assert "/a-signer#convention-" in mail.body and "signer" in mail.html
    assert mail.topic == f"convention:{partnership.pk}"


def test_all_signed_asks_the_administration_and_only_once(partnership, user):
    drive(partnership, Status.VALIDATED, user)
    workflow.sign(partnership, user("po-siege1"))
    assert recipients("Convention à approuver") == set()  # one signature still missing
    workflow.sign(partnership, user("po-part1"))
    assert recipients("Convention à approuver") == {"admin"}
    assert "/admin/a-approuver" in inbox("admin", "à approuver")[0].body


def test_approved_tells_the_directors_and_the_pole(partnership, user):
    drive(partnership, Status.SIGNED, user)
    workflow.approve(partnership, user("admin"))
    told = recipients("Convention approuvée")
    assert {"dir-siege1", "dir-part1", "coord1", "po-siege1"} <= told
    assert "admin" not in told and "po-part1" not in told and "coord2" not in told
    assert "/a-prendre-connaissance" in inbox("dir-part1", "approuvée")[0].body


def test_digest_preference_holds_and_none_skips(partnership, user):
    User.objects(username="po-siege1").update_one(set__notifications="digest")
    User.objects(username="po-part1").update_one(set__notifications="none")
    workflow.validate(partnership, user("coord1"))
    held = inbox("po-siege1", "Convention à signer")
    assert [m.status for m in held] == [MessageStatus.HELD]
    assert inbox("po-part1", "Convention à signer") == []


def test_security_mail_ignores_the_preference(demo):
    User.objects(username="po-part1").update_one(set__notifications="none")
    po_part = User.objects.get(username="po-part1")
    notify.deliver(
        [po_part],
        "Votre mot de passe",
        "digest",
        topic="security",
        category=Category.SECURITY,
        messages=[],
        today=date(2026, 11, 2),
    )
    assert [m.status for m in inbox("po-part1")] == [MessageStatus.PENDING]


def test_the_daily_digest_gathers_held_messages_once(partnership, user):
    User.objects(username="po-siege1").update_one(set__notifications="digest")
    workflow.validate(partnership, user("coord1"))
    day = date(2026, 11, 3)
    assert notify.send_digests(day) >= 1
    digest = inbox("po-siege1", "résumé")
    assert len(digest) == 1 and digest[0].status == MessageStatus.PENDING
    assert "Convention à signer" in digest[0].body
    assert digest[0].key == f"digest:po-siege1:{day.isoformat()}"
    assert [m.status for m in inbox("po-siege1", "Convention à signer")] == [MessageStatus.DIGESTED]
    # the same day again: nothing new
    assert notify.send_digests(day) == 0
    assert len(inbox("po-siege1", "résumé")) == 1


def test_a_keyed_message_is_written_once(demo):
    first = outbox.queue("a@example.org", "Rappel", "Corps", key="remind:x:2026-11-02")
    second = outbox.queue("a@example.org", "Rappel", "Corps", key="remind:x:2026-11-02")
    assert first is not None and second is None
    assert OutboxMessage.objects(key="remind:x:2026-11-02").count() == 1


def test_the_demo_loader_tells_nobody(staged):
    # the demo replays a campaign's history: no workflow mail is written
    assert OutboxMessage.objects(category=Category.WORKFLOW).count() == 0
