"""Keyset pagination: pages of a queryset in (key, id) order, after or before a row's id.

"Next"/"previous" cost one indexed range scan whatever the page, and no ``COUNT(*)`` runs over
millions of rows. Cursors are record ids, not the key's values, so a page URL carries no
personal data (a name, a time of observation).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet


@dataclass
class Page:
    rows: list
    next_cursor: int | None
    prev_cursor: int | None


# The head of a list looked for among the head of its whole table (head_ids): this many rows
# per row wanted, at most HEAD_WINDOW_MAX (its cost grows with its size, 10–20 µs a row).
HEAD_WINDOW_PER_ROW = 16
HEAD_WINDOW_MAX = 1_000
# A list whose head the window missed skips the window this long (per worker process).
HEAD_MISS_SECONDS = 600
HEAD_MISS_KEYS_MAX = 10_000
_head_misses: dict[bytes, float] = {}


def _plain_order(qs: QuerySet) -> tuple[str, ...] | None:
    """``qs``'s ordering when it is by the model's own columns with the id last (a total
    order the whole table can be read in), else None."""
    query = qs.query
    order = tuple(query.order_by)
    if not order and query.default_ordering:
        order = tuple(qs.model._meta.ordering)
    if not order or query.annotations or query.extra_order_by or query.distinct:
        return None
    if query.combinator or query.is_sliced:
        return None
    if not all(isinstance(item, str) for item in order):
        return None
    if order[-1].lstrip("-") not in ("id", "pk"):
        return None
    for item in order:
        name = item.lstrip("-")
        if name == "pk":
            continue
        try:
            field = qs.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not getattr(field, "concrete", False) or field.is_relation:
            return None
    return order


def head_ids(qs: QuerySet, stop: int, *, start: Q | None = None, memo: str = "") -> list | None:
    """The ids of ``qs[:stop]``, found among the first rows of the model's whole table in
    ``qs``'s order (from ``start``, the cursor of a keyset page), or None when that cannot
    answer: ``qs`` not ordered by the model's own columns, the window too small for ``stop``
    rows, or fewer than ``stop`` of ``qs``'s rows in it (``memo`` then remembers for a while
    that this list is sparse, and the window is not tried for it).

    Why: the first page of a large scope (a Kanim's three kota, ~10 % of all people) is a few
    hundred rows into the name index, but the planner prices the "seen in scope" tests as if
    it read the whole table and builds a hash of every person seen in each region of the scope
    (some 110,000 sightings, ~30 ms) to test a few hundred rows. Among a window of the table's
    head it expects few rows and tests each by its index (~7 ms). The answer is the same: every
    row of ``qs`` outside the window comes after all of the window's rows, so when the window
    holds ``stop`` of ``qs``'s rows they are its first ``stop``. A sparse scope (a camat's
    kecamatan, under 1 %) misses and pays the window once per HEAD_MISS_SECONDS."""
    order = _plain_order(qs)
    size = stop * HEAD_WINDOW_PER_ROW
    if order is None or stop < 1 or size > HEAD_WINDOW_MAX:
        return None
    now = time.monotonic()
    # Hashed: a memo holds the list's filters, as long as the user made them.
    key = hashlib.blake2b(memo.encode(), digest_size=16).digest() if memo else b""
    if key and _head_misses.get(key, 0.0) > now:
        return None
    table = qs.model._base_manager.all()
    if start is not None:
        table = table.filter(start)
    window = table.order_by(*order).values("pk")[:size]
    ids = list(qs.filter(pk__in=window).values_list("pk", flat=True)[:stop])
    if len(ids) >= stop:
        return ids
    if key:
        if len(_head_misses) >= HEAD_MISS_KEYS_MAX:
            _head_misses.clear()
        _head_misses[key] = now + HEAD_MISS_SECONDS
    return None


def rows_by_ids(qs: QuerySet, ids: list) -> list:
    """The rows of these ids, in their order, read by primary key alone with ``qs``'s related
    rows, deferred fields and prefetches (not its annotations)."""
    if not ids:
        return []
    fetch = qs.model._base_manager.filter(pk__in=ids)
    fetch.query.select_related = qs.query.select_related
    fetch.query.deferred_loading = qs.query.deferred_loading
    fetch = fetch.prefetch_related(*qs._prefetch_related_lookups)
    by_id = {row.pk: row for row in fetch}
    return [by_id[pk] for pk in ids if pk in by_id]


def rows_by_id_first(
    qs: QuerySet, limit: int, *, offset: int = 0, start: Q | None = None, memo: str = ""
) -> list:
    """``limit`` rows of ``qs`` in its order from ``offset``, found as ids first, then read by
    id (the keyset pages here, the API's numbered pages in :mod:`agencies.paging`).

    The ids need only the filter and sort columns, which an index can hold (for the list of a
    kecamatan: ``foreigner_region_name_idx``, an index-only scan of the region's range; for a
    scoped list in name order: ``foreigner_name_order_idx``, walked without the heap), where
    reading whole rows in the same statement visits the heap page of every candidate —
    thousands per kecamatan — to keep 50. The rows are then read by primary key alone: the ids
    are this request's answer of the visible, filtered set (repeating its filters on 50 ids
    let the planner walk the region's range again). Related rows and deferred fields of ``qs``
    are kept; annotations are not (no page shows them). With ``memo``, the ids are first looked
    for among the head of the table (:func:`head_ids`)."""
    stop = offset + limit
    ids = head_ids(qs, stop, start=start, memo=memo) if memo else None
    if ids is None:
        ids = list(qs.values_list("pk", flat=True)[offset:stop])
    else:
        ids = ids[offset:]
    return rows_by_ids(qs, ids)


def keyset_page(
    qs: QuerySet,
    *,
    key: str,
    size: int,
    after: int | None = None,
    before: int | None = None,
    memo: str = "",
) -> Page:
    """One page of ``size`` rows of ``qs`` in (``key``, id) order, after or before the row
    with that id (an id that does not exist gives the first page). ``memo`` names the list (its
    user and filters) for :func:`head_ids`; without it the page is one plain query.

    The anchor comes from ``qs`` itself (the visible, filtered set): an id the user may not see
    answers exactly like a missing one, so a cursor never positions a page by a hidden row's key
    (DESIGN.md §4: cursors and anchors come from the visible set)."""
    qs = qs.order_by(key, "id")
    anchor_id = after if after is not None else before
    anchor = None
    if anchor_id is not None:
        anchor = qs.filter(pk=anchor_id).values_list(key, flat=True).first()
    start = None
    if anchor is not None and after is not None:
        start = Q(**{f"{key}__gt": anchor}) | Q(**{key: anchor, "id__gt": after})
        qs = qs.filter(start)
    elif anchor is not None:
        start = Q(**{f"{key}__lt": anchor}) | Q(**{key: anchor, "id__lt": before})
        qs = qs.filter(start).order_by(f"-{key}", "-id")
    rows = rows_by_id_first(qs, size + 1, start=start, memo=memo)
    more = len(rows) > size
    rows = rows[:size]
    if before is not None:
        rows.reverse()
        next_cursor = rows[-1].pk if rows else None
        prev_cursor = rows[0].pk if (rows and more) else None
    else:
        next_cursor = rows[-1].pk if (rows and more) else None
        prev_cursor = rows[0].pk if (rows and after is not None) else None
    return Page(rows=rows, next_cursor=next_cursor, prev_cursor=prev_cursor)
