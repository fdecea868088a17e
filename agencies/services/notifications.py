"""Writes to the in-portal notifications (the only way any app creates one)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Notification

TITLE_MAX = 200


@dataclass(frozen=True)
class NewNotification:
    """One notification to create with :func:`notifications_send`."""

    recipient_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""


def notification_send(*, recipients, kind: str, title: str, body: str = "", url: str = "") -> int:
    """Create one in-portal notification per recipient (a user queryset or iterable) in one
    INSERT. Returns how many were created."""
    return notifications_send(
        notifications=[
            NewNotification(recipient_id=user.pk, kind=kind, title=title, body=body, url=url)
            for user in recipients
        ]
    )


def notifications_send(*, notifications: Iterable[NewNotification]) -> int:
    """Create notifications that differ per row (title, body, url) in one INSERT. Titles are
    cut to the column's length. Returns how many were created."""
    rows = [
        Notification(
            recipient_id=n.recipient_id,
            kind=n.kind,
            title=n.title[:TITLE_MAX],
            body=n.body,
            url=n.url,
        )
        for n in notifications
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)
