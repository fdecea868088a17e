"""Field masking from the same policy object the selectors use.

Every serialised field belongs to a data category (``None``: carries no personal data, e.g. the
id). A field whose category the user may not read is removed before serialisation, so it is
never sent, exported or searchable. A serializer field without a declared category is a
configuration error (deny by default: a new field must be classified before it ships).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers

from .access import Access, access_for


def readable_fields(access: Access, field_categories: dict[str, str | None]) -> set[str]:
    """The names in ``field_categories`` the user may see."""
    return {
        name
        for name, category in field_categories.items()
        if category is None or access.can_read(category)
    }


class PolicyMaskedSerializer(serializers.ModelSerializer):
    """A ModelSerializer that drops the fields whose category the requesting user cannot read.

    Subclasses declare ``field_categories = {"field": Category.X or None, ...}`` covering every
    field in ``Meta.fields``.
    """

    field_categories: dict[str, str | None] = {}

    def get_fields(self):
        fields = super().get_fields()
        unclassified = set(fields) - set(self.field_categories)
        if unclassified:
            raise ImproperlyConfigured(
                f"{type(self).__name__}: no data category for {sorted(unclassified)}"
            )
        request = self.context.get("request")
        access = access_for(getattr(request, "user", None))
        keep = readable_fields(access, self.field_categories)
        return {name: field for name, field in fields.items() if name in keep}
