"""Policy-aware filter sets: the one read path of every list (DESIGN.md §4 "One read path per
resource").

Each resource has one :class:`PolicyFilterSet` (django-filter) shared by its HTML list, its API
list and search, and exports. Every filter and every sort key declares the data category it
reveals: a filter on a category the user may not read is a side channel (asking "who lives in
kelurahan X?" reveals the residence even when the residence column is masked), so it is
**refused** with a message on that field — a form error on a page, a 400 with a field-by-field
body in the API — never silently applied or silently ignored. A filter without a declared
category is a configuration error (deny by default), and ``tests/authz`` walks every filter set.

Lives in ``agencies`` (the policy) and knows no foreigner or sighting model: the resource apps
subclass it next to their selectors.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from .access import Access, access_for
from .categories import Category

# Every PolicyFilterSet subclass with a model, for the test that walks them all.
FILTERSETS: list[type[PolicyFilterSet]] = []

CATEGORY_LABELS = dict(Category.CHOICES)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorts by the chosen keys, then by id: rows that tie on the keys come in one order whatever
    else the table holds, so a page's order never depends on rows the reader cannot see (nor on
    the planner's choice of plan)."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*qs.query.order_by, "id")


class PolicyFilterForm(forms.Form):
    """The filter form: field validation as usual, then the policy's refusals on top."""

    refusals = None  # set by the filter set: () -> {field: message}
    periods: tuple[tuple[str, str], ...] = ()  # set by the filter set: (start, end) field pairs

    def clean(self):
        data = super().clean()
        for start, end in self.periods:
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(
                    end if end in self.fields else None,
                    _("The end of the period is before its start."),
                )
        for name, message in (self.refusals() if self.refusals else {}).items():
            self.add_error(name if name in self.fields else None, message)
        return data


class PolicyFilterSet(django_filters.FilterSet):
    """A FilterSet over a queryset already scoped by ``visible_to(user)``, whose filters each
    declare the category they reveal.

    Subclasses declare:
    - ``filter_categories``: filter name → category (``None``: reveals nothing personal);
    - ``ordering_categories``: sort key of the ``ordering`` filter → category;
    - ``scoped_filters``: filters whose value is a region code of a region-bound category (a
      residence): refused outside the user's scope, where that category is not readable;
    - ``body_only``: filters whose value must travel in a POST body, never a URL (passport
      numbers end up in logs and browser history);
    - ``aliases``: other parameter name → filter name, for links and clients that still use an
      older name of a filter (the filter's own name wins when both are given);
    - ``periods``: (start, end) filter pairs: an end before its start is a form error.
    """

    filter_categories: dict[str, str | None] = {}
    ordering_categories: dict[str, str | None] = {}
    scoped_filters: frozenset[str] = frozenset()
    body_only: frozenset[str] = frozenset()
    aliases: dict[str, str] = {}
    periods: tuple[tuple[str, str], ...] = ()

    class Meta:
        form = PolicyFilterForm

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Runs before django-filter's metaclass sets ``_meta``: read the Meta declared here.
        if getattr(cls.__dict__.get("Meta"), "model", None) is not None:
            FILTERSETS.append(cls)

    def __init__(self, data=None, queryset=None, *, user, in_body: bool = False, **kwargs):
        super().__init__(self._unaliased(data), queryset, **kwargs)
        unclassified = set(self.filters) - set(self.filter_categories)
        if unclassified:
            raise ImproperlyConfigured(
                f"{type(self).__name__}: no data category for filters {sorted(unclassified)}"
            )
        self.user = user
        self.access: Access = access_for(user)
        self.in_body = in_body

    @classmethod
    def _unaliased(cls, data):
        """``data`` with each alias given under its filter's name (a copy when it changes)."""
        present = [(a, n) for a, n in cls.aliases.items() if data and a in data and n not in data]
        if not present:
            return data
        data = data.copy()
        for alias, name in present:
            if hasattr(data, "setlist"):
                data.setlist(name, data.getlist(alias))
            else:
                data[name] = data[alias]
        return data

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            form.refusals = self.refusals
            form.periods = self.periods
        return self._form

    def _raw(self, name: str) -> list[str]:
        if not self.data:
            return []
        getlist = getattr(self.data, "getlist", None)
        values = getlist(name) if getlist else [self.data.get(name)]
        flat = []
        for value in values:
            flat += value if isinstance(value, list | tuple) else [value]
        return [str(v).strip() for v in flat if v not in (None, "") and str(v).strip()]

    def refusals(self) -> dict[str, str]:
        """The filters present in the data that the user may not use, with the reason."""
        errors: dict[str, str] = {}
        for name, category in self.filter_categories.items():
            values = self._raw(name)
            if not values:
                continue
            if name == "ordering":
                for key in (v.lstrip("-") for value in values for v in value.split(",")):
                    cat = self.ordering_categories.get(key)
                    if key in self.ordering_categories and cat and not self.access.can_read(cat):
                        errors[name] = self._refusal(cat)
                continue
            if name in self.body_only and not self.in_body:
                errors[name] = str(
                    _("Send this criterion in the body of a POST request, never in a URL.")
                )
            elif category and not self.access.can_read(category):
                errors[name] = self._refusal(category)
            elif name in self.scoped_filters and not all(self.access.in_scope(v) for v in values):
                errors[name] = str(_("Choose a region inside your agency's area."))
        return errors

    @staticmethod
    def _refusal(category: str) -> str:
        return str(
            _("Your agency may not filter or sort by this: it would reveal %(category)s.")
            % {"category": CATEGORY_LABELS.get(category, category)}
        )

    def offered(self) -> list[str]:
        """The filters a page should offer this user (the others would be refused)."""
        return [
            name
            for name, category in self.filter_categories.items()
            if name in self.filters
            and name not in self.body_only
            and (category is None or self.access.can_read(category))
        ]

    def result(self):
        """``(queryset, errors)``: the filtered queryset, or none of it and the errors (a
        field → messages dict) when any criterion is invalid or refused."""
        if self.is_bound and not self.form.is_valid():
            errors = {k: [str(m) for m in v] for k, v in self.form.errors.items()}
            return self.queryset.none(), errors
        return self.qs, {}
