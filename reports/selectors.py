"""Reads of sightings and flags, already scoped by the access policy."""

from django.db.models import Q, QuerySet

from agencies.access import Category, access_for
from foreigners.selectors import visible_foreigners

from .models import Flag, Sighting


def visible_sightings(user) -> QuerySet[Sighting]:
    access = access_for(user)
    if not access.can_read(Category.SIGHTING):
        return Sighting.objects.none()
    return Sighting.objects.filter(access.region_q("region"))


def visible_flags(user) -> QuerySet[Flag]:
    """Flags routed to the user's agency kind whose person (or sighting) the user may see."""
    access = access_for(user)
    if not access.can_read(Category.FLAG):
        return Flag.objects.none()
    qs = Flag.objects.all()
    if not access.is_system_admin:
        qs = qs.filter(routed_to__contains=[access.agency_kind])
    return qs.filter(
        Q(foreigner__in=visible_foreigners(user)) | Q(sighting__in=visible_sightings(user))
    )
