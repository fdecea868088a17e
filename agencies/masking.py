"""Field masking from the same policy object the selectors use.

Every serialised field belongs to a data category (``None``: carries no personal data, e.g. the
id). A field whose category the user may not read is removed before serialisation, so it is
never sent, exported or searchable. A serializer field without a declared category is a
configuration error (deny by default: a new field must be classified before it ships).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers

from .access import Access, RowAccess, access_for


def readable_fields(access: Access, field_categories: dict[str, str | None]) -> set[str]:
    """The names in ``field_categories`` the user may see."""
    return {
        name
        for name, category in field_categories.items()
        if category is None or access.can_read(category)
    }


def _top_level(serializer) -> bool:
    parent = serializer.parent
    if isinstance(parent, serializers.ListSerializer):
        parent = parent.parent
    return parent is None


class PolicyMaskedSerializer(serializers.ModelSerializer):
    """A ModelSerializer that drops the fields whose category the requesting user cannot read.

    Subclasses declare ``field_categories = {"field": Category.X or None, ...}`` covering every
    field in ``Meta.fields``. Readability is decided per row (:class:`RowAccess`): the policy's
    categories ∪ those live shares open on that record (``context["row_shares"]``: record id →
    categories, filled by the view for the rows it serialises); nested serializers use their
    parent row's. ``region_fields`` name fields holding a region code of a region-bound category
    (a residence): readable only inside the user's scope unless a share opens the category.
    """

    field_categories: dict[str, str | None] = {}
    region_fields: dict[str, str] = {}

    def row_access(self, instance) -> RowAccess:
        if not _top_level(self) and "row_access" in self.context:
            return self.context["row_access"]
        request = self.context.get("request")
        access = access_for(getattr(request, "user", None))
        shared = self.context.get("row_shares", {}).get(getattr(instance, "pk", None))
        return RowAccess(access, shared or frozenset())

    def to_representation(self, instance):
        row = self.row_access(instance)
        if _top_level(self):
            self.context["row_access"] = row
        self._row = row
        data = super().to_representation(instance)
        for name, category in self.region_fields.items():
            if data.get(name) is not None and not row.reads_region(category, data[name]):
                data[name] = None
        return data

    @property
    def _readable_fields(self):
        # Fields of categories the row does not open are skipped before their value is read.
        row = getattr(self, "_row", None)
        for field in super()._readable_fields:
            category = self.field_categories.get(field.field_name)
            if category is not None and (row is None or not row.can_read(category)):
                continue
            yield field

    def get_fields(self):
        fields = super().get_fields()
        unclassified = set(fields) - set(self.field_categories)
        if unclassified:
            raise ImproperlyConfigured(
                f"{type(self).__name__}: no data category for {sorted(unclassified)}"
            )
        # Every classified field is built; each row then keeps what it may show (to_representation).
        return fields
