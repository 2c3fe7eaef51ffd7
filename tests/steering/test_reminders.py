"""``flask remind``: at fixed dates, once per person per day, idempotent."""

from datetime import date, datetime

import pytest

from app import clock
from app.models import AppSetting, Convention, OutboxMessage
from app.rules.delivery import Category
from app.rules.states import Status
from app.services import reminders
from app.services.workflow import planning
from app.services.workflow._writer import workflow_write
from tests.rules.conftest import drive
from tests.steering.helpers import inbox

POLE_TEAM = {"coord1", "dir-siege1", "po-siege1"}


def _validated_on(conv, moment: datetime) -> None:
    with workflow_write():
        Convention.objects(id=conv.pk).update_one(set__validated_at=moment)


@pytest.fixture
def validated(partnership, user, app):
    """Pole 1's partnership validated on 24 September 2026; the campaign deadline is the
    15th of October (14 days before: 1 October; 3 days before: 12 October)."""
    drive(partnership, Status.VALIDATED, user)
    _validated_on(partnership, datetime(2026, 9, 24, 9, 30))
    planning.store_due_date(partnership.pk, date(2026, 10, 15))
    OutboxMessage.objects.delete()  # the step notifications are not what is tested here
    return partnership


def reminded() -> dict[str, str]:
    return {m.username: m.body for m in OutboxMessage.objects(category=Category.REMINDER)}


def test_a_week_after_validation_and_14_days_before_the_deadline(validated):
    assert reminders.remind(date(2026, 10, 1)) == 4
    sent = reminded()
    # signers: po-siege1 and po-part1; deadline: the pole team; po-siege1 gets one message
    assert set(sent) == POLE_TEAM | {"po-part1"}
    assert "Conventions à signer (1)" in sent["po-siege1"]
    assert "Échéances proches" in sent["po-siege1"]
    assert "dans 14 jour(s)" in sent["coord1"] and "à signer" not in sent["coord1"]
    assert "Échéances" not in sent["po-part1"]
    message = inbox("po-part1")[0]
    assert message.key == "remind:po-part1:2026-10-01" and message.html
    assert "/a-signer" in message.body


def test_running_twice_the_same_day_sends_nothing_new(validated):
    assert reminders.remind(date(2026, 10, 1)) == 4
    assert reminders.remind(date(2026, 10, 1)) == 0
    assert OutboxMessage.objects(category=Category.REMINDER).count() == 4


def test_no_reminder_between_the_reminder_days(validated):
    assert reminders.remind(date(2026, 9, 24)) == 0  # the day of the validation
    assert reminders.remind(date(2026, 10, 2)) == 0
    assert reminders.remind(date(2026, 10, 8)) == 2  # two weeks: the signers only
    assert set(reminded()) == {"po-siege1", "po-part1"}


def test_the_setting_changes_the_rhythm(validated):
    AppSetting.put(reminders.EVERY_SETTING, 3)
    AppSetting.put(reminders.WARNING_SETTING, "5")
    assert reminders.remind(date(2026, 9, 27)) == 2
    assert reminders.remind(date(2026, 10, 1)) == 0  # 7 days: not a multiple of 3
    assert reminders.remind(date(2026, 10, 10)) == 3  # 5 days before: the pole team


def test_a_signer_who_signed_is_no_longer_reminded(validated, user):
    from app.services import workflow

    workflow.sign(validated, user("po-part1"))
    OutboxMessage.objects.delete()
    reminders.remind(date(2026, 10, 8))
    assert set(reminded()) == {"po-siege1"}


def test_directors_are_reminded_after_the_approval(validated, user):
    drive(validated, Status.APPROVED, user)
    with workflow_write():
        Convention.objects(id=validated.pk).update_one(set__approved_at=datetime(2026, 10, 20, 8))
    OutboxMessage.objects.delete()
    reminders.remind(date(2026, 10, 27))
    sent = reminded()
    assert {"dir-siege1", "dir-part1"} <= set(sent)
    assert "à prendre en connaissance (1)" in sent["dir-part1"]


def test_the_daily_jobs_run_once_a_day_even_with_two_workers(validated):
    day = date(2026, 10, 1)
    assert reminders.daily(day) == {"reminders": 4, "digests": 0}
    assert reminders.daily(day) is None  # the same worker, later the same day
    AppSetting.objects(key=reminders.LAST_DAILY_SETTING).delete()  # a worker that missed it
    assert reminders.daily(day) == {"reminders": 0, "digests": 0}
    assert OutboxMessage.objects(category=Category.REMINDER).count() == 4


def test_flask_remind_today_twice(validated, app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["remind", "--today", "2026-10-01"])
    assert first.exit_code == 0, first.output
    assert first.output.strip().endswith(": 4")
    second = runner.invoke(args=["remind", "--today", "2026-10-01"])
    assert second.output.strip().endswith(": 0")
    bad = runner.invoke(args=["remind", "--today", "01/10/2026"])
    assert bad.exit_code != 0 and "Date invalide" in bad.output


def test_flask_remind_reads_the_fixed_today(validated, app):
    with clock.fixed_today(date(2026, 10, 12)):
        result = app.test_cli_runner().invoke(args=["remind"])
    assert result.output.strip().endswith(": 3")  # 3 days before the deadline
