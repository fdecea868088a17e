"""Reads of foreign-national records, already scoped by the access policy.

The one enforcement point for foreigners: pages, API, exports, search, counts and the admin all
start from :func:`visible_foreigners`. Visibility is computed in SQL (one statement with indexed
EXISTS subqueries), never by filtering rows in Python.

Name matching is *tolerant* and ranked (:func:`name_filter`): every word typed must match a word
of the name, in any order, ignoring case and accents, either by its beginning ("mull jo" finds
"Jörg Müller") or by its phonetic key (:mod:`foreigners.phonetic`: "Amelia Evens" finds "Amelia
Evans", "Mohamad" finds "Muhammad" and "Mohammadi"). Both run on one GIN index over the name's
words and keys; literal matches rank above phonetic ones.

The list pages by keyset on its order (``search_name, id``, or the rank first for a name search):
see :mod:`agencies.pagination`.
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, LPad
from pghistory.models import Events

from agencies.access import Access, Category, access_for
from agencies.pagination import keyset_page
from agencies.scope_memo import scoped, share_cutoff

from .models import (
    NAME_SEARCH_VECTOR,
    Foreigner,
    ForeignerGroupObjectPermission,
    ForeignerUserObjectPermission,
    Movement,
    Residence,
    StayPermit,
    TravelDocument,
    normalize_name,
)
from .phonetic import KEY_MARK, word_key
from .registry import scope_contributors

PAGE_SIZE = 25

PERMIT_STATUS_VALID = "valid"
PERMIT_STATUS_EXPIRED = "expired"
PERMIT_STATUS_CANCELLED = "cancelled"
PERMIT_STATUS_NONE = "none"


def share_q(
    access: Access, user_model, group_model, codename: str, *, cutoff: dt.datetime | None = None
) -> Q:
    """Rows shared with the user or their agency by a live guardian row (expiry checked in SQL,
    so a share past its expiry is invisible before the hourly job deletes it). Live means
    expiring after ``cutoff``, by default :func:`agencies.scope_memo.share_cutoff` (now, rounded
    up to the minute)."""
    now = cutoff or share_cutoff()
    live = {"content_object": OuterRef("pk"), "permission__codename": codename}
    q = Q(Exists(user_model.objects.filter(user_id=access.user_id, expires_at__gt=now, **live)))
    if access.group_id is not None:
        q |= Q(
            Exists(group_model.objects.filter(group_id=access.group_id, expires_at__gt=now, **live))
        )
    return q


def foreigner_scope_q(
    access: Access, *, shares: bool = True, cutoff: dt.datetime | None = None
) -> Q:
    """The WHERE clause of :func:`visible_foreigners` for an access that reads identity:
    current residence in scope, OR what the registered scope contributors add (reports: a
    sighting of them in scope), OR a share live after ``cutoff`` (see :func:`share_q`)."""
    q = access.region_q("residence_region")
    for contributor in scope_contributors():
        q |= contributor(access)
    if shares:
        q |= share_q(
            access,
            ForeignerUserObjectPermission,
            ForeignerGroupObjectPermission,
            "view_foreigner",
            cutoff=cutoff,
        )
    return q


def visible_foreigners(
    user, *, shares: bool = True, base: QuerySet[Foreigner] | None = None
) -> QuerySet[Foreigner]:
    """Foreign nationals the user may see: identity readable AND (current residence in scope OR
    seen in scope OR shared with the user or their agency).

    ``shares=False`` leaves shares out: what the user sees by their own scope (who may re-share).
    ``base`` narrows an existing queryset (``Foreigner.objects.….visible_to(user)``). One SQL
    statement; never filtered row by row in Python. Without ``base``, the built queryset is
    kept for the minute (:mod:`agencies.scope_memo`) and each call gets a clone.
    """
    qs = Foreigner.objects.all() if base is None else base
    access = access_for(user)
    if not access.can_read(Category.IDENTITY):
        return qs.none()
    if access.is_system_admin:
        return qs
    return scoped("foreigners", qs, access, foreigner_scope_q, shares=shares, keep=base is None)


# --- Search ------------------------------------------------------------------------------------


# More words than a name has would only slow the query down.
NAME_WORDS_MAX = 8
# The order of a name search, kept by the keyset pages: the rank first, then the name.
NAME_ORDER = "name_order"


def name_words(text: str) -> list[str]:
    """The normalised words of a search text, stripped of anything tsquery would parse."""
    words = (re.sub(r"[\W_]", "", word) for word in normalize_name(text).split())
    return [w for w in words if w][:NAME_WORDS_MAX]


def name_tsquery(words: list[str]) -> str:
    """The text search query (``to_tsquery('simple', …)``) of :func:`name_words`: each word as
    a prefix of a name word or by its phonetic key, all words required."""
    terms = []
    for word in words:
        key = word_key(word)
        terms.append(f"({word}:* | {KEY_MARK}{key})" if key else f"{word}:*")
    return " & ".join(terms)


def name_filter(qs: QuerySet[Foreigner], text: str) -> QuerySet[Foreigner]:
    """People whose name matches every word of ``text``, best first.

    A word matches a name word that starts with it or sounds like it (same phonetic key). The
    rank counts 2 per word matched literally and 1 per word matched by sound only, so "Amelia
    Evens" lists Amelia Evens before Amelia Evans, and both before Emilia Evans. The result is
    ordered by (rank, name, id), as :data:`NAME_ORDER` and ``id``; one indexed lookup
    (foreigner_name_search_idx) finds the candidates, the rank is computed on those only.
    """
    words = name_words(text)
    if not words:
        return qs
    query = SearchQuery(name_tsquery(words), search_type="raw", config="simple")
    literal = (
        When(
            name_search=SearchQuery(f"{word}:*", search_type="raw", config="simple"),
            then=Value(2),
        )
        for word in words
    )
    rank = sum(
        (Case(when, default=Value(1), output_field=IntegerField()) for when in literal),
        start=Value(0),
    )
    # A string that sorts like (-rank, search_name), so the keyset pager can use it as its key.
    order = Concat(
        LPad(Cast(Value(99) - rank, CharField()), 2, Value("0")),
        Value(" "),
        "search_name",
        output_field=CharField(),
    )
    return (
        qs.annotate(name_search=NAME_SEARCH_VECTOR)
        .filter(name_search=query)
        .annotate(name_rank=rank, **{NAME_ORDER: order})
        .order_by(NAME_ORDER, "id")
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


def foreigner_page(
    qs: QuerySet[Foreigner],
    *,
    after: int | None = None,
    before: int | None = None,
    memo: str = "",
):
    """One page of the foreigner list in (search_name, id) order, or best match first after a
    name search (keyset, see :mod:`agencies.pagination`; ``memo`` names the list for its
    head window)."""
    key = NAME_ORDER if NAME_ORDER in qs.query.annotations else "search_name"
    return keyset_page(qs, key=key, size=PAGE_SIZE, after=after, before=before, memo=memo)


def person_history(foreigner: Foreigner):
    """The history events of a person and of the rows that belong to them (documents, permits,
    residences, movements): an ``Events`` queryset for :func:`agencies.history.timeline`, which
    keeps what the reader may read."""
    return Events.objects.references(foreigner)


# The rows that belong to a person (their history is the person's); sightings and flags have
# their own scope and their own pages.
PERSON_ROWS = (Foreigner, TravelDocument, StayPermit, Residence, Movement)
