"""Keyset pagination: pages of a queryset in (key, id) order, after or before a row's id.

"Next"/"previous" cost one indexed range scan whatever the page, and no ``COUNT(*)`` runs over
millions of rows. Cursors are record ids, not the key's values, so a page URL carries no
personal data (a name, a time of observation).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass
class Page:
    rows: list
    next_cursor: int | None
    prev_cursor: int | None


def _rows_by_id_first(qs: QuerySet, limit: int) -> list:
    """The first ``limit`` rows of ``qs`` in its order, found as ids first, then read by id.

    The ids need only the filter and sort columns, which an index can hold (for the list of a
    kecamatan: ``foreigner_region_name_idx``, an index-only scan of the region's range), where
    reading whole rows in the same statement visits the heap page of every candidate —
    thousands per kecamatan — to keep 50. The rows are then read by primary key alone: the ids
    are this request's answer of the visible, filtered set (repeating its filters on 50 ids
    let the planner walk the region's range again). Related rows and deferred fields of ``qs``
    are kept; annotations are not (no page shows them)."""
    ids = list(qs.values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    fetch = qs.model._base_manager.filter(pk__in=ids)
    fetch.query.select_related = qs.query.select_related
    fetch.query.deferred_loading = qs.query.deferred_loading
    by_id = {row.pk: row for row in fetch}
    return [by_id[pk] for pk in ids if pk in by_id]


def keyset_page(
    qs: QuerySet, *, key: str, size: int, after: int | None = None, before: int | None = None
) -> Page:
    """One page of ``size`` rows of ``qs`` in (``key``, id) order, after or before the row
    with that id (an id that does not exist gives the first page).

    The anchor comes from ``qs`` itself (the visible, filtered set): an id the user may not see
    answers exactly like a missing one, so a cursor never positions a page by a hidden row's key
    (DESIGN.md §4: cursors and anchors come from the visible set)."""
    qs = qs.order_by(key, "id")
    anchor_id = after if after is not None else before
    anchor = None
    if anchor_id is not None:
        anchor = qs.filter(pk=anchor_id).values_list(key, flat=True).first()
    if anchor is not None and after is not None:
        qs = qs.filter(Q(**{f"{key}__gt": anchor}) | Q(**{key: anchor, "id__gt": after}))
    elif anchor is not None:
        qs = qs.filter(Q(**{f"{key}__lt": anchor}) | Q(**{key: anchor, "id__lt": before}))
        qs = qs.order_by(f"-{key}", "-id")
    rows = _rows_by_id_first(qs, size + 1)
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
