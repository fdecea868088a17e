"""The supervisor dashboard's figures, cached for at most ``DASHBOARD_CACHE_SECONDS`` and kept
warm by Celery.

Each figure is an aggregate over everything the user may see: at national scale a Kanim's
dashboard scans hundreds of thousands of rows several times (docs/PERFORMANCE.md). Issue 14
allows dashboard aggregates to be up to five minutes old, so they are computed once and kept
that long (never longer: the entry's lifetime is five minutes minus the time it took to
compute).

**One entry per view of the data, not per user.** What the figures count depends on the user's
:class:`~agencies.access.Access` (agency, policy levels and subsets, geographic scope, the
agency's share group) and on the shares made to the user personally. Officers whose access is
the same and who hold no live personal share see exactly the same figures, so they share one
entry (keyed by a fingerprint of that access); an officer with a live personal share gets an
entry of their own. The role is not part of the figures (it changes what a user may do, not what
they may read). The key also holds the access version token (``agencies.access``): a change of
policy, officer, agency or jurisdiction starts from fresh figures on the next request.

**Kept warm.** Each request for the default view (the default period, no area) records its
fingerprint and one user holding it; the ``reports.dashboards_refresh`` task (beat, every
``DASHBOARD_REFRESH_SECONDS``) recomputes the entries seen in the last
``DASHBOARD_WARM_SECONDS``, so the officers of an active agency do not wait for the aggregates.
The record is a hint: two requests writing it at once may drop one entry, which then waits for
its next request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from agencies.access import ACCESS_VERSION_KEY, access_for
from agencies.selectors import has_personal_shares

from .dashboard import dashboard_figures

log = logging.getLogger(__name__)

# {fingerprint: (user id, last seen as a UNIX time)} of the default views requested lately.
WARM_KEY = "dashboard:warm"
# A view's "last seen" is written again only when older than this (not on every request).
WARM_TOUCH_SECONDS = 60


def fingerprint(user) -> str:
    """What the figures of ``user`` depend on: the access without user and role, or the user
    when they hold a personal share."""
    if has_personal_shares(user):
        return f"u{user.pk}"
    access = access_for(user)
    parts = (
        access.is_system_admin,
        access.agency_id,
        access.agency_kind,
        sorted(access.levels.items()),
        sorted(access.subsets.items()),
        access.scope_codes,
        access.group_id,
    )
    return "s" + hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _key(version, print_: str, date_from: dt.date, date_to: dt.date, area: str) -> str:
    return (
        f"dashboard:{print_}:{version}:{timezone.localdate().isoformat()}"
        f":{date_from.isoformat()}:{date_to.isoformat()}:{area}"
    )


def _fill(key: str, compute) -> dict:
    """``compute()``, kept under ``key`` until five minutes after the computation started at
    most (its figures are as of that moment)."""
    started = time.monotonic()
    figures = compute()
    left = int(settings.DASHBOARD_CACHE_SECONDS - (time.monotonic() - started))
    if left >= 1:
        try:
            cache.set(key, figures, timeout=left)
        except Exception:
            log.warning("cache unreachable; dashboard %s not kept", key)
    return figures


def _remember(print_: str, user) -> None:
    """Record that the default view of ``print_`` was asked for now (see the module's text)."""
    try:
        seen = cache.get(WARM_KEY) or {}
        now = time.time()
        if now - seen.get(print_, (None, 0))[1] < WARM_TOUCH_SECONDS:
            return
        horizon = now - settings.DASHBOARD_WARM_SECONDS
        seen = {k: v for k, v in seen.items() if v[1] >= horizon}
        seen[print_] = (user.pk, now)
        cache.set(WARM_KEY, seen, timeout=settings.DASHBOARD_WARM_SECONDS)
    except Exception:
        log.warning("cache unreachable; dashboard view not recorded")


def dashboard_figures_cached(
    user, *, date_from: dt.date, date_to: dt.date, area: str = "", default: bool = False
) -> dict:
    """:func:`dashboard_figures` for ``user``, the period and the area, at most
    ``DASHBOARD_CACHE_SECONDS`` old. ``default``: this is the default view (the default period,
    no area), which the refresh task keeps warm."""
    seconds = settings.DASHBOARD_CACHE_SECONDS

    def compute():
        return dashboard_figures(user, date_from=date_from, date_to=date_to, area=area)

    # Inside a transaction (a test's, or a caller's) the figures must reflect its own
    # uncommitted rows: neither read nor fill the cache there.
    if seconds <= 0 or connection.in_atomic_block:
        return compute()
    try:
        version = cache.get(ACCESS_VERSION_KEY)
        print_ = fingerprint(user)
        key = _key(version, print_, date_from, date_to, area)
        figures = cache.get(key) if version is not None else None
    except Exception:  # the cache is unreachable: compute, as without it
        log.warning("cache unreachable; computing the dashboard of user %s", user.pk)
        return compute()
    if version is None:  # no token to key the figures by: compute, keep nothing
        return compute()
    if default:
        _remember(print_, user)
    return figures if figures is not None else _fill(key, compute)


def dashboards_refresh() -> int:
    """Recompute the default view of every fingerprint asked for in the last
    ``DASHBOARD_WARM_SECONDS`` whose user still holds it, the most recently asked for first;
    return how many were computed. It stops starting new ones after four fifths of
    ``DASHBOARD_REFRESH_SECONDS``, so one run ends before the next begins (the rest wait for
    their next request or run)."""
    from .forms import DashboardForm

    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return 0
    try:
        version = cache.get(ACCESS_VERSION_KEY)
        seen = cache.get(WARM_KEY) or {}
    except Exception:
        log.warning("cache unreachable; dashboards not refreshed")
        return 0
    if version is None:
        return 0
    horizon = time.time() - settings.DASHBOARD_WARM_SECONDS
    users = get_user_model().objects.filter(is_active=True)
    done = 0
    deadline = time.monotonic() + settings.DASHBOARD_REFRESH_SECONDS * 0.8
    latest_first = sorted(seen.items(), key=lambda item: (-item[1][1], item[0]))
    for print_, (user_id, last_seen) in latest_first:
        if time.monotonic() >= deadline or last_seen < horizon:
            break  # out of time, or every view left is older than the horizon
        user = users.filter(pk=user_id).first()
        if user is None or fingerprint(user) != print_:
            continue  # gone, or the user's access changed: the next request records it
        date_from, date_to = DashboardForm(None, user=user, area=False).period
        _fill(
            _key(version, print_, date_from, date_to, ""),
            partial(dashboard_figures, user, date_from=date_from, date_to=date_to),
        )
        done += 1
    return done
