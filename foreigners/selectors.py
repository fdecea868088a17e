"""Reads of foreign-national records, already scoped by the access policy.

The one enforcement point for foreigners: pages, API, exports, search, counts and the admin all
start from :func:`visible_foreigners`. Visibility is computed in SQL (one statement with indexed
EXISTS subqueries), never by filtering rows in Python.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from agencies.access import Access, Category, access_for

from .models import (
    Foreigner,
    ForeignerGroupObjectPermission,
    ForeignerUserObjectPermission,
)


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
    current residence in scope, OR a sighting of them in scope, OR a live share."""
    # The sightings table belongs to reports (which depends on us): reach it through the
    # reverse relation instead of importing it.
    sighting_model = Foreigner._meta.get_field("sightings").related_model
    q = access.region_q("residence_region") | Q(
        Exists(sighting_model.objects.filter(access.region_q("region"), foreigner=OuterRef("pk")))
    )
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
