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

The list pages by keyset on its order (``search_name, id``): see :mod:`agencies.pagination`.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from pghistory.models import Events

from agencies.access import Access, Category, access_for
from agencies.pagination import keyset_page

from .models import (
    Foreigner,
    ForeignerGroupObjectPermission,
    ForeignerUserObjectPermission,
    Movement,
    Residence,
    StayPermit,
    TravelDocument,
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


def visible_foreigners(
    user, *, shares: bool = True, base: QuerySet[Foreigner] | None = None
) -> QuerySet[Foreigner]:
    """Foreign nationals the user may see: identity readable AND (current residence in scope OR
    seen in scope OR shared with the user or their agency).

    ``shares=False`` leaves shares out: what the user sees by their own scope (who may re-share).
    ``base`` narrows an existing queryset (``Foreigner.objects.….visible_to(user)``). One SQL
    statement; never filtered row by row in Python.
    """
    qs = Foreigner.objects.all() if base is None else base
    access = access_for(user)
    if not access.can_read(Category.IDENTITY):
        return qs.none()
    if access.is_system_admin:
        return qs
    return qs.filter(foreigner_scope_q(access, shares=shares))


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


def foreigner_page(qs: QuerySet[Foreigner], *, after: int | None = None, before: int | None = None):
    """One page of the foreigner list in (search_name, id) order (keyset, see
    :mod:`agencies.pagination`)."""
    return keyset_page(qs, key="search_name", size=PAGE_SIZE, after=after, before=before)


def person_history(foreigner: Foreigner):
    """The history events of a person and of the rows that belong to them (documents, permits,
    residences, movements): an ``Events`` queryset for :func:`agencies.history.timeline`, which
    keeps what the reader may read."""
    return Events.objects.references(foreigner)


# The rows that belong to a person (their history is the person's); sightings and flags have
# their own scope and their own pages.
PERSON_ROWS = (Foreigner, TravelDocument, StayPermit, Residence, Movement)
