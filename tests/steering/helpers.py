"""Reading the outbox in the steering tests."""

from app.models import OutboxMessage


def inbox(username: str, subject_part: str = "") -> list[OutboxMessage]:
    """The messages written for ``username`` (whatever their status), oldest first."""
    return [
        m
        for m in OutboxMessage.objects(username=username).order_by("created_at")
        if subject_part in m.subject
    ]


def recipients(subject_part: str) -> set[str]:
    return {m.username for m in OutboxMessage.objects if subject_part in m.subject}
