"""Writes to the in-portal notifications (the only way any app creates one)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone

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


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (again: no change) and return it; another
    user's notification does not exist for them (Http404)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient=user)
            .first()
        )
        if notification is None:
            raise Http404
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
