"""Reads of the agencies app for pages: the signed-in user's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def notifications_of(user, *, unread: bool = False, kind: str = "") -> QuerySet[Notification]:
    """The user's notifications, newest first; only their own (never a colleague's)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def notifications_unread_count(user) -> int:
    """Served by the partial index ``notification_unread_idx``."""
    return notifications_of(user, unread=True).count()
