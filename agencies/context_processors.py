"""Puts the user's :class:`~agencies.access.Access` in every template as ``access``."""

from django.utils.functional import SimpleLazyObject

from .access import access_for


def access(request):
    return {"access": SimpleLazyObject(lambda: access_for(getattr(request, "user", None)))}
