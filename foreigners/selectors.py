"""Reads of foreign-national records, already scoped by the access policy."""

from django.db.models import QuerySet

from agencies.access import Category, access_for

from .models import Foreigner


def visible_foreigners(user) -> QuerySet[Foreigner]:
    """Foreign nationals the user may see: identity readable, current residence in scope.

    One SQL statement; never filtered row by row in Python.
    """
    access = access_for(user)
    if not access.can_read(Category.IDENTITY):
        return Foreigner.objects.none()
    return Foreigner.objects.filter(access.region_q("residence_region"))
