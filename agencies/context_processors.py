"""Puts the user's :class:`~agencies.access.Access` in every template as ``access``, and the
unread notification count as ``unread_notifications``."""

from django.utils.functional import SimpleLazyObject

from .access import access_for
from .selectors import UNREAD_BADGE_CAP, notifications_unread_count


def access(request):
    return {"access": SimpleLazyObject(lambda: access_for(getattr(request, "user", None)))}


def notifications(request):
    """The unread count of the bell in the top bar (up to ``unread_badge_cap``, then "99+"),
    counted only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: notifications_unread_count(user)),
        "unread_badge_cap": UNREAD_BADGE_CAP,
    }
