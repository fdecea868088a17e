"""The built querysets of the read path's scopes, kept in the process for the current minute.

``visible_foreigners(user)`` and ``visible_sightings(user)`` build a WHERE clause of several
``EXISTS`` (residence in scope, a sighting in each region of the scope, a live share to the
user, to the agency): about a millisecond of Django's query building per call, and a person
page makes four such calls (its flags and sightings each name the person and the sighting
scope again). The result depends only on the user's :class:`~agencies.access.Access` (its
every field: the key is its ``repr``), on which variant is asked for (with shares or without)
and on the moment that decides whether a share is still live. So the queryset is built once
and each caller gets a clone (``QuerySet.all()``: filtering a clone never changes the kept
one; Django relabels a queryset used as a subquery on a copy).

**The moment** is :func:`share_cutoff`: now, rounded up to the whole minute. A share is live
while its ``expires_at`` is later than that, so it ends up to a minute before its expiry,
never after it; every reader of shares uses the same cutoff (``foreigners.row_access``,
``agencies.selectors``), so a record and its fields disappear together. When the minute turns,
the kept querysets are dropped; at most ``MEMO_MAX`` are kept (the users of one process in one
minute), then the memo starts over.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone

MEMO_MAX = 256

_lock = threading.Lock()
_memo: dict[tuple, QuerySet] = {}
_memo_cutoff: dt.datetime | None = None


def share_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """``now`` rounded up to the whole minute: shares expiring by then count as expired."""
    now = now or timezone.now()
    floor = now.replace(second=0, microsecond=0)
    return floor if floor == now else floor + dt.timedelta(minutes=1)


def scoped(
    kind: str, qs: QuerySet, access, scope_q: Callable[..., Q], *, shares: bool, keep: bool
) -> QuerySet:
    """``qs.filter(scope_q(access, shares=shares, cutoff=…))``; with ``keep`` (``qs`` is the
    model's whole table, as ``kind`` names it), a clone of the one built for this access,
    variant and minute."""
    if not keep:
        return qs.filter(scope_q(access, shares=shares))
    return _kept(
        kind,
        access,
        shares,
        lambda cutoff: qs.filter(scope_q(access, shares=shares, cutoff=cutoff)),
    )


def _kept(kind: str, access, variant, build: Callable[[dt.datetime], QuerySet]) -> QuerySet:
    """A clone of ``build(cutoff)`` for this access and variant, built once per minute."""
    global _memo_cutoff
    cutoff = share_cutoff()
    key = (kind, variant, repr(access))
    with _lock:
        if cutoff != _memo_cutoff:
            _memo.clear()
            _memo_cutoff = cutoff
        qs = _memo.get(key)
    if qs is None:
        qs = build(cutoff)
        with _lock:
            if _memo_cutoff == cutoff:
                if len(_memo) >= MEMO_MAX:
                    _memo.clear()
                _memo[key] = qs
    return qs.all()


def forget() -> None:
    """Drop every kept queryset (tests that change code paths the key does not see)."""
    with _lock:
        _memo.clear()
