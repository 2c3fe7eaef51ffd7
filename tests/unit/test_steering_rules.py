"""Send back, decline, notification delivery and reminder days on plain values."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from app.rules import dashboard
from app.rules.delivery import Category
from app.rules.errors import InvalidState, RuleViolation
from app.rules.notifications import (
    Delivery,
    deadline_warning,
    delivery_for,
    parse_days,
    reminder_due,
    reminder_key,
)
from app.rules.refusals import (
    REASON_MISSING,
    TEXT_MAX,
    check_decline,
    check_send_back,
    clean_text,
    current_declines,
    declined_by,
    last_sent_back,
)


def test_send_back_only_from_signed():
    check_send_back("signed")
    for status, message in [
        ("validated", "rouvrez"),
        ("approved", "déjà approuvée"),
        ("acknowledged", "déjà approuvée"),
        ("draft", "pas signée"),
        ("list_validated", "pas signée"),
    ]:
        with pytest.raises(InvalidState, match=message):
            check_send_back(status)


def test_decline_only_while_validated_unsigned_and_once():
    check_decline("validated", signed=False, already_declined=False)
    with pytest.raises(InvalidState, match="déjà signé"):
        check_decline("validated", signed=True, already_declined=False)
    with pytest.raises(InvalidState, match="déjà enregistré"):
        check_decline("validated", signed=False, already_declined=True)
    with pytest.raises(InvalidState, match="pas encore validée"):
        check_decline("draft", signed=False, already_declined=False)
    with pytest.raises(InvalidState, match="déjà signé"):
        check_decline("signed", signed=False, already_declined=False)


def test_texts_are_trimmed_required_and_bounded():
    assert clean_text("  motif \n", REASON_MISSING) == "motif"
    with pytest.raises(RuleViolation, match="motif du renvoi"):
        clean_text(" \n ", REASON_MISSING)
    with pytest.raises(RuleViolation, match="trop long"):
        clean_text("x" * (TEXT_MAX + 1), REASON_MISSING)


def test_declines_of_the_current_round_only():
    first, second = datetime(2026, 9, 1, 10), datetime(2026, 9, 20, 10)
    history = [
        SimpleNamespace(kind="declined", round=first, po="A", _data={"po": "A"}),
        SimpleNamespace(kind="sent_back", round=None, at=datetime(2026, 9, 10)),
        SimpleNamespace(kind="declined", round=second, po="B", _data={"po": "B"}),
    ]
    assert [e.po for e in current_declines(history, second)] == ["B"]
    assert declined_by(history, second, "B") and not declined_by(history, second, "A")
    assert current_declines(history, None) == []
    assert last_sent_back(history).at == datetime(2026, 9, 10)
    assert last_sent_back([]) is None


@pytest.mark.parametrize(
    ("preference", "category", "expected"),
    [
        ("immediate", Category.WORKFLOW, Delivery.SEND),
        (None, Category.WORKFLOW, Delivery.SEND),
        ("digest", Category.WORKFLOW, Delivery.HOLD),
        ("digest", Category.REMINDER, Delivery.HOLD),
        ("none", Category.WORKFLOW, Delivery.SKIP),
        ("none", Category.REMINDER, Delivery.SKIP),
        ("none", Category.SECURITY, Delivery.SEND),
        ("digest", Category.SECURITY, Delivery.SEND),
    ],
)
def test_delivery_follows_the_preference_except_security(preference, category, expected):
    assert delivery_for(preference, category) == expected


def test_reminder_days_every_n_days_after_the_step():
    since = date(2026, 9, 24)
    assert not reminder_due(since, since, 7)
    assert reminder_due(since, date(2026, 10, 1), 7)
    assert not reminder_due(since, date(2026, 10, 2), 7)
    assert reminder_due(since, date(2026, 10, 8), 7)
    assert not reminder_due(None, date(2026, 10, 8), 7)
    assert not reminder_due(since, date(2026, 10, 1), 0)  # 0: reminders off


def test_deadline_warnings_on_the_chosen_days_only():
    due = date(2026, 10, 15)
    assert deadline_warning(due, date(2026, 10, 1), (14, 3)) == 14
    assert deadline_warning(due, date(2026, 10, 12), (14, 3)) == 3
    assert deadline_warning(due, date(2026, 10, 13), (14, 3)) is None
    assert deadline_warning(due, date(2026, 10, 16), (14, 3)) is None
    assert deadline_warning(None, date(2026, 10, 1), (14, 3)) is None


def test_one_reminder_key_per_person_and_day():
    assert reminder_key("po-part1", date(2026, 10, 1)) == "remind:po-part1:2026-10-01"
    assert reminder_key("po-part1", date(2026, 10, 1)) != reminder_key(
        "po-part1", date(2026, 10, 2)
    )


def test_warning_days_setting():
    assert parse_days("3, 14", (7,)) == (14, 3)
    assert parse_days("14;3;3", (7,)) == (14, 3)
    assert parse_days("deux", (7,)) == (7,)
    assert parse_days("", (7,)) == (7,)
    assert parse_days("0, 400", (7,)) == (7,)


@pytest.mark.parametrize(
    ("status", "pos", "schools", "expected"),
    [
        ("validated", ["PO A", "PO B"], [], "la signature de : PO A, PO B"),
        ("validated", ["A", "B", "C", "D", "E"], [], "la signature de : A, B, C et 2 autre(s)"),
        ("validated", ["A", "B", "C"], [], "la signature de : A, B, C"),
        ("validated", [], [], dashboard.WAITING_FOR["validated"]),
        ("approved", [], ["École X"], "la prise de connaissance de la direction de : École X"),
        ("approved", ["PO A"], [], dashboard.WAITING_FOR["approved"]),
        ("draft", ["PO A"], ["École X"], dashboard.WAITING_FOR["draft"]),
        ("signed", [], [], "l'Administration (approbation)"),
    ],
)
def test_waiting_for_names_the_parties_of_the_stage(status, pos, schools, expected):
    assert dashboard.waiting_for(status, pos, schools) == expected


def test_one_late_reminder_per_person_per_day():
    from app.rules.notifications import late_reminder_key, reminder_key

    day = date(2026, 10, 20)
    assert late_reminder_key("coord1", day) == "remind-late:coord1:2026-10-20"
    assert late_reminder_key("coord1", day) != late_reminder_key("coord1", date(2026, 10, 21))
    assert late_reminder_key("coord1", day) != late_reminder_key("coord2", day)
    # the daily reminder of the same person the same day is another message
    assert late_reminder_key("coord1", day) != reminder_key("coord1", day)
