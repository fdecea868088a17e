"""Reads of foreign-national records, already scoped by the access policy.

The one enforcement point for foreigners: pages, API, exports, search, counts and the admin all
start from :func:`visible_foreigners`. Visibility is computed in SQL (one statement with indexed
EXISTS subqueries), never by filtering rows in Python.

Name matching is *word-prefix*: every word typed must start a word of the name, in any order,
ignoring case and accents ("mull jo" finds "Jörg Müller"). It runs on a GIN index over the words
of ``search_name`` (``to_tsvector('simple', …)`` with ``word:*`` prefix queries), which core
PostgreSQL provides; true infix matching ("üller") would need pg_trgm, which the embedded
PostgreSQL lacks, and an unindexed ``LIKE '%…%'`` scans every row at national scale. Officers
type the beginnings of names, so word-prefix matches how they search.

Filtering (search criteria, sort keys) is :mod:`foreigners.filters`, the one policy-aware filter
set of foreign nationals. Pagination is keyset on the list's order (``search_name, id``): "next"/"previous" cost one
indexed range scan whatever the page, and no ``COUNT(*)`` runs over millions of rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from agencies.access import Access, Category, access_for

from .models import (
    Foreigner,
    ForeignerGroupObjectPermission,
    ForeignerUserObjectPermission,
    StayPermit,
    normalize_name,
)
from .registry import scope_contributors

PAGE_SIZE = 25

PERMIT_STATUS_VALID = "valid"
PERMIT_STATUS_EXPIRED = "expired"
PERMIT_STATUS_CANCELLED = "cancelled"
PERMIT_STATUS_NONE = "none"


def share_q(access: Access, user_model, group_model, codename: str) -> Q:
    """Rows shared with the user or their agency by a live guardian row (expiry checked in SQL,
    so a share past its expiry is invisible before the hourly job deletes it)."""
    now = timezone.now()
    live = {"content_object": OuterRef("pk"), "permission__codename": codename}
    q = Q(Exists(user_model.objects.filter(user_id=access.user_id, expires_at__gt=now, **live)))
    if access.group_id is not None:
        q |= Q(
            Exists(group_model.objects.filter(group_id=access.group_id, expires_at__gt=now, **live))
        )
    return q


def foreigner_scope_q(access: Access, *, shares: bool = True) -> Q:
    """The WHERE clause of :func:`visible_foreigners` for an access that reads identity:
    current residence in scope, OR what the registered scope contributors add (reports: a
    sighting of them in scope), OR a live share."""
    q = access.region_q("residence_region")
    for contributor in scope_contributors():
        q |= contributor(access)
    if shares:
        q |= share_q(
            access, ForeignerUserObjectPermission, ForeignerGroupObjectPermission, "view_foreigner"
        )
    return q


def visible_foreigners(user, *, shares: bool = True) -> QuerySet[Foreigner]:
    """Foreign nationals the user may see: identity readable AND (current residence in scope OR
    seen in scope OR shared with the user or their agency).

    ``shares=False`` leaves shares out: what the user sees by their own scope (who may re-share).
    One SQL statement; never filtered row by row in Python.
    """
    access = access_for(user)
    if not access.can_read(Category.IDENTITY):
        return Foreigner.objects.none()
    if access.is_system_admin:
        return Foreigner.objects.all()
    return Foreigner.objects.filter(foreigner_scope_q(access, shares=shares))


# --- Search ------------------------------------------------------------------------------------


def name_words(text: str) -> list[str]:
    """The normalised words of a search text, stripped of anything tsquery would parse."""
    return [w for w in (re.sub(r"[^\w]", "", word) for word in normalize_name(text).split()) if w]


def name_filter(qs: QuerySet[Foreigner], text: str) -> QuerySet[Foreigner]:
    words = name_words(text)
    if not words:
        return qs
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
    # The expression must equal the index's (foreigner_name_words_idx) for PostgreSQL to use it.
    return qs.annotate(name_words=SearchVector("search_name", config="simple")).filter(
        name_words=query
    )


def _valid_permit_exists(today: dt.date) -> Exists:
    return Exists(
        StayPermit.objects.filter(
            foreigner=OuterRef("pk"),
            status=StayPermit.Status.ACTIVE,
            valid_from__lte=today,
            valid_until__gte=today,
        )
    )


def permit_status_q(status: str, today: dt.date) -> Q:
    any_permit = Exists(StayPermit.objects.filter(foreigner=OuterRef("pk")))
    valid = _valid_permit_exists(today)
    if status == PERMIT_STATUS_VALID:
        return Q(valid)
    if status == PERMIT_STATUS_EXPIRED:
        return Q(any_permit) & ~Q(valid)
    if status == PERMIT_STATUS_CANCELLED:
        return Q(
            Exists(
                StayPermit.objects.filter(
                    foreigner=OuterRef("pk"), status=StayPermit.Status.CANCELLED
                )
            )
        )
    if status == PERMIT_STATUS_NONE:
        return ~Q(any_permit)
    return Q()


# --- Pagination --------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list
    next_cursor: int | None
    prev_cursor: int | None


def keyset_page(
    qs: QuerySet[Foreigner], *, after: int | None = None, before: int | None = None
) -> Page:
    """One page of ``qs`` in (search_name, id) order, after or before the row with that id.

    Cursors are record ids, not names, so a page URL carries no personal data.
    """
    # Anchors come from the listed (visible, filtered) set: an invisible or missing id answers
    # alike (the first page), so a cursor never positions a page by a hidden person's name.
    visible, qs = qs, qs.order_by("search_name", "id")
    if after is not None:
        anchor = visible.filter(pk=after).values_list("search_name", flat=True).first()
        if anchor is not None:
            qs = qs.filter(Q(search_name__gt=anchor) | Q(search_name=anchor, id__gt=after))
    elif before is not None:
        anchor = visible.filter(pk=before).values_list("search_name", flat=True).first()
        if anchor is not None:
            qs = qs.filter(
                Q(search_name__lt=anchor) | Q(search_name=anchor, id__lt=before)
            ).order_by("-search_name", "-id")
    rows = list(qs[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if before is not None:
        rows.reverse()
        next_cursor = rows[-1].pk if rows else None
        prev_cursor = rows[0].pk if (rows and more) else None
    else:
        next_cursor = rows[-1].pk if (rows and more) else None
        prev_cursor = rows[0].pk if (rows and after is not None) else None
    return Page(rows=rows, next_cursor=next_cursor, prev_cursor=prev_cursor)
