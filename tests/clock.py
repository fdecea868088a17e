"""Times for tests that must not depend on the hour the suite runs at.

CI often runs near midnight in the portal's zone (WITA, UTC+8): "an hour ago" is then yesterday,
and a test that counts days from it or expects it in this week answers differently at 00:30
than at 10:00. These helpers give a moment earlier than now that is still on today's date.
"""

import datetime as dt

from django.utils import timezone


def earlier_today(hours: float = 1) -> dt.datetime:
    """``hours`` before now, or halfway between local midnight and now when that is earlier."""
    now = timezone.now()
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    wanted = now - dt.timedelta(hours=hours)
    return wanted if wanted >= midnight else midnight + (now - midnight) / 2
