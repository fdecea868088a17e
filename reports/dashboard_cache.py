"""The supervisor dashboard's figures, cached per user for at most ``DASHBOARD_CACHE_SECONDS``.

Each figure is an aggregate over everything the user may see: at national scale a Kanim's
dashboard scans hundreds of thousands of rows several times (docs/PERFORMANCE.md). Issue 14
allows dashboard aggregates to be up to five minutes old, so they are computed once per user and
kept that long. The key holds the access version token (``agencies.access``): a change of
policy, officer, agency or jurisdiction starts from fresh figures on the next request, as it
does for the access itself. Per user, not per scope: shares make two officers of one agency see
different sets.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from agencies.access import ACCESS_VERSION_KEY

from .dashboard import dashboard_figures

log = logging.getLogger(__name__)


def dashboard_figures_cached(user, *, date_from: dt.date, date_to: dt.date, area: str = "") -> dict:
    """:func:`dashboard_figures` for ``user``, the period and the area, at most
    ``DASHBOARD_CACHE_SECONDS`` old (one entry per user, period and area)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS

    def compute():
        return dashboard_figures(user, date_from=date_from, date_to=date_to, area=area)

    # Inside a transaction (a test's, or a caller's) the figures must reflect its own
    # uncommitted rows: neither read nor fill the cache there.
    if seconds <= 0 or connection.in_atomic_block:
        return compute()
    try:
        version = cache.get(ACCESS_VERSION_KEY)
        key = (
            f"dashboard:{user.pk}:{version}:{timezone.localdate().isoformat()}"
            f":{date_from.isoformat()}:{date_to.isoformat()}:{area}"
        )
        figures = cache.get(key) if version is not None else None
    except Exception:  # the cache is unreachable: compute, as without it
        log.warning("cache unreachable; computing the dashboard of user %s", user.pk)
        return compute()
    if figures is None:
        figures = compute()
        if version is not None:
            try:
                cache.set(key, figures, timeout=seconds)
            except Exception:
                log.warning("cache unreachable; dashboard of user %s not kept", user.pk)
    return figures
