"""The Administration reminds late poles from the dashboard: choose, preview, send once a day."""

from html import unescape

import pytest

from app.models import AuditEvent, Convention, OutboxMessage, User
from app.rules.states import Kind, Status
from tests.conftest import csrf_token
from tests.rules.conftest import drive


def _user(username: str) -> User:
    # Not the rules' ``user`` fixture: it loads the reference data again over ``staged``.
    return User.objects.get(username=username)


def _outbox_late() -> list[OutboxMessage]:
    return list(OutboxMessage.objects(topic="reminder:late"))


def test_the_dashboard_offers_the_late_poles_ticked(campaign, login_as):
    html = login_as("admin").get("/admin/").get_data(as_text=True)
    form = html.split('data-testid="remind-form"')[1].split("</form>")[0]
    assert 'name="pole" value="1"' in form and "checked" in form
    assert 'value="30"' not in form  # pole 30 has nothing late


def test_the_late_table_names_who_each_convention_waits_for(campaign, login_as):
    html = unescape(login_as("admin").get("/admin/").get_data(as_text=True))
    late = html.split('data-testid="late"')[1].split("</table>")[0]
    # pole 1's validated partnership awaits its POs' delegates, named
    assert "la signature de : " in late
    assert "Convention de partenariat" in late and "None" not in late


def test_the_preview_shows_who_receives_what_and_writes_nothing(campaign, login_as):
    page = login_as("admin").get("/admin/rappels/?annee=2026-2027&pole=1")
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    recipients = html.split('data-testid="recipients"')[1].split("</table>")[0]
    for who in ("coord1", "dir-siege1", "po-siege1"):
        assert f'data-username="{who}"' in recipients
    assert 'data-username="po-part1"' not in recipients  # not the seat side
    preview = html.split('data-testid="preview"')[1].split("</pre>")[0]
    assert "l'échéance de communication est dépassée" in preview
    assert "Convention de partenariat" in preview and "15 octobre 2026" in preview
    assert not _outbox_late()


def test_sending_writes_one_message_per_person_once_a_day(campaign, login_as):
    client = login_as("admin")
    form = {"annee": "2026-2027", "pole": ["1"], "csrf_token": csrf_token(client, "/")}
    page = client.post("/admin/rappels/envoyer", data=form, follow_redirects=True)
    assert "Rappel écrit dans la boîte d'envoi pour 3 personne(s)." in unescape(page.text)
    sent = _outbox_late()
    assert sorted(m.username for m in sent) == ["coord1", "dir-siege1", "po-siege1"]
    assert all(m.status == "pending" and "en retard" in m.subject for m in sent)
    (event,) = AuditEvent.objects(action="campaign.remind_late_poles")
    assert event.actor == "admin" and event.details == {"poles": [1], "written": 3}

    again = client.post("/admin/rappels/envoyer", data=form, follow_redirects=True)
    assert "rien de nouveau" in unescape(again.text)
    assert len(_outbox_late()) == 3
    preview = client.get("/admin/rappels/?annee=2026-2027&pole=1").get_data(as_text=True)
    assert "déjà rappelé aujourd" in unescape(preview)


def test_a_pole_with_nothing_late_is_refused_in_french(campaign, login_as):
    client = login_as("admin")
    preview = client.get("/admin/rappels/?annee=2026-2027&pole=30&pole=x")
    assert 'data-testid="nothing-late"' in preview.text
    form = {"annee": "2026-2027", "pole": ["30", "abc"], "csrf_token": csrf_token(client, "/")}
    page = client.post("/admin/rappels/envoyer", data=form, follow_redirects=True)
    assert "Aucun des pôles choisis n'a de convention en retard" in unescape(page.text)
    assert not _outbox_late() and not AuditEvent.objects(action="campaign.remind_late_poles")


def test_sending_needs_the_csrf_token(campaign, login_as):
    client = login_as("admin")
    page = client.post("/admin/rappels/envoyer", data={"annee": "2026-2027", "pole": "1"})
    assert page.status_code == 400 and not _outbox_late()


@pytest.mark.parametrize("who", ["coord1", "po-siege1", "gestionnaire", "support"])
def test_pole_and_other_back_office_users_may_not_remind(campaign, login_as, who):
    client = login_as(who)
    assert client.get("/admin/rappels/?pole=1").status_code == 403
    form = {"annee": "2026-2027", "pole": "1", "csrf_token": csrf_token(client, "/")}
    assert client.post("/admin/rappels/envoyer", data=form).status_code == 403
    assert not _outbox_late()


def test_a_convention_signed_since_is_no_longer_late(campaign, login_as):
    partnership = Convention.objects.get(pole=campaign, kind=Kind.PARTNERSHIP)
    drive(partnership, Status.SIGNED, _user)
    html = unescape(login_as("admin").get("/admin/rappels/?pole=1").get_data(as_text=True))
    assert "Convention de partenariat<" not in html.split('data-testid="late-poles"')[1]


@pytest.mark.parametrize("who", ["coord1", "gestionnaire", "support"])
def test_the_service_refuses_whoever_may_not_steer(campaign, who):
    """The same table decides outside the web (a CLI or API caller), before anything."""
    from app.rules.errors import PermissionDenied
    from app.services import reminders

    with pytest.raises(PermissionDenied):
        reminders.remind_late_poles("2026-2027", [1], _user(who))
    assert not _outbox_late() and not AuditEvent.objects(action="campaign.remind_late_poles")
