"""The issue's walk-through, as the Administration does it on ``make run``: the dashboard shows
pole 1 by stage and its late ones, a convention is approved from « À approuver », another is
sent back once all have signed, and the outbox holds the mails each step produced."""

from datetime import date
from html import unescape

from app import clock
from app.models import Convention, OutboxMessage, Pole, User
from app.rules.states import Kind, Status
from app.services import workflow
from tests.conftest import csrf_token


def _user(username: str) -> User:
    # Not the rules' ``user`` fixture: it loads the reference data again over ``staged``.
    return User.objects.get(username=username)


def _subjects(username: str) -> list[str]:
    return [m.subject for m in OutboxMessage.objects(username=username).order_by("created_at")]


def test_admin_steers_pole_1_from_the_dashboard(staged, login_as):
    pole = Pole.objects.get(number=1)
    specific = Convention.objects.get(
        pole=pole, kind=Kind.SPECIFIC_PARTNERSHIP, status=Status.SIGNED
    )
    partnership = Convention.objects.get(pole=pole, kind=Kind.PARTNERSHIP)
    OutboxMessage.objects.delete()
    with clock.fixed_today(date(2026, 10, 20)):  # after the campaign deadline
        admin = login_as("admin")
        home = unescape(admin.get("/admin/").get_data(as_text=True))
        assert 'data-pole="1"' in home.split('data-testid="by-pole"')[1]
        late = home.split('data-testid="late"')[1].split("</table>")[0]
        assert f'data-convention="{partnership.pk}"' in late

        # « À approuver » lists the signed one; approving it seals it and tells the parties.
        queue = admin.get("/admin/a-approuver/").get_data(as_text=True)
        assert f'data-convention="{specific.pk}"' in queue
        token = csrf_token(admin, "/admin/a-approuver/")
        approved = admin.post(
            f"/conventions/{specific.pk}/approuver",
            data={"csrf_token": token, "retour": "a-approuver", "confirm": "oui"},
            follow_redirects=True,
        )
        assert "est approuvée" in unescape(approved.get_data(as_text=True))
        assert Convention.objects.get(id=specific.pk).status == Status.APPROVED
        assert any("Convention approuvée" in s for s in _subjects("coord1"))
        assert any("Convention approuvée" in s for s in _subjects("dir-siege1"))

        # The partnership's two POs sign: the Administration is told it awaits approval …
        workflow.sign(Convention.objects.get(id=partnership.pk), _user("po-siege1"))
        workflow.sign(Convention.objects.get(id=partnership.pk), _user("po-part1"))
        assert any("Convention à approuver" in s for s in _subjects("admin"))

        # … and sends it back from the queue with a reason: the pole is told.
        admin.post(
            f"/conventions/{partnership.pk}/renvoyer",
            data={
                "csrf_token": token,
                "retour": "a-approuver",
                "reason": "L'article 3 ne donne pas les horaires.",
                "confirm": "oui",
            },
        )
        back = Convention.objects.get(id=partnership.pk)
        assert back.status == Status.DRAFT and back.signatures == []
        sent_back = [s for s in _subjects("coord1") if "renvoyée pour modification" in s]
        assert len(sent_back) == 1

        # The outbox page shows what each step wrote.
        outbox = unescape(admin.get("/admin/outbox_admin/").get_data(as_text=True))
        for subject in ("Convention approuvée", "Convention à approuver", "renvoyée"):
            assert subject in outbox
