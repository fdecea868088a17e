"""Field-level reads of one foreign-national record: the policy's categories ∪ the categories
live shares open on that record (DESIGN.md §4.3), as :class:`agencies.access.RowAccess`.

A share is a guardian row (user or agency group) carrying the categories it opens and its
expiry; both are read here in SQL, so approving, narrowing, expiring and revoking show on the
very next request (nothing of it is cached; a share counts until the minute of its expiry,
as the scope's own test: agencies.scope_memo)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from agencies.access import Access, RowAccess, access_for
from agencies.scope_memo import share_cutoff

from .models import ForeignerGroupObjectPermission, ForeignerUserObjectPermission


def shared_categories(
    access: Access, user_model, group_model, ids: Iterable[int]
) -> dict[int, frozenset[str]]:
    """Record id → the categories live shares to the user or their agency open on it (one
    query per grantee table)."""
    ids = list(ids)
    found: dict[int, set[str]] = {}
    if not ids or access.user_id is None:
        return {}
    now = share_cutoff()  # as the scope's share test (agencies.scope_memo)
    grantee = Q(user_id=access.user_id)
    tables = [(user_model, grantee)]
    if access.group_id is not None:
        tables.append((group_model, Q(group_id=access.group_id)))
    for model, who in tables:
        rows = model.objects.filter(who, content_object_id__in=ids, expires_at__gt=now)
        for pk, categories in rows.values_list("content_object_id", "categories"):
            found.setdefault(pk, set()).update(categories or ())
    return {pk: frozenset(c) for pk, c in found.items()}


def foreigner_rows_access(user, ids: Iterable[int]) -> dict[int, RowAccess]:
    """Foreigner id → what the user may read of that record."""
    access = access_for(user)
    ids = list(ids)
    shared = shared_categories(
        access, ForeignerUserObjectPermission, ForeignerGroupObjectPermission, ids
    )
    return {pk: RowAccess(access, shared.get(pk, frozenset())) for pk in ids}


def foreigner_row_access(user, foreigner_id: int) -> RowAccess:
    return foreigner_rows_access(user, [foreigner_id])[foreigner_id]
