"""The one read path of sightings and flags: one policy-aware filter set each, for the HTML
lists, the API lists and exports (DESIGN.md §4). Criteria about the person a sighting or flag
names are answered only through the people the user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.access import Category
from agencies.filtering import PolicyFilterSet, StableOrderingFilter
from agencies.models import REGION_CODE_RE, region_prefix_q
from agencies.validators import validate_date_in_range
from foreigners.countries import COUNTRY_FORM_CHOICES
from foreigners.selectors import visible_foreigners

from .models import Flag, Sighting
from .selectors import (
    sparse_flag_candidates,
    sparse_sighting_candidates,
    visible_flags,
    visible_sightings,
)

C = Category
REGION_VALIDATORS = [RegexValidator(REGION_CODE_RE, _("Use a Kemendagri code such as 73.72.03."))]


def _nationality(value: str) -> str:
    return (value or "").strip().upper()[:3]


def _period(label, field_name: str, lookup_expr: str):
    # ISO values whatever the language: <input type=date> accepts nothing else.
    return django_filters.DateFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup_expr,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
    )


class SightingFilterSet(PolicyFilterSet):
    """Filters of the sighting lists ("Sightings", "My reports", the review queue), the
    sighting API and the sighting export."""

    # The reporter's own handle on a report.
    q = django_filters.CharFilter(
        label=_("Reference number"), max_length=20, field_name="reference", lookup_expr="icontains"
    )
    status = django_filters.ChoiceFilter(
        label=_("Review status"),
        choices=Sighting.ReviewStatus.choices,
        field_name="review_status",
        empty_label=_("Any"),
    )
    activity = django_filters.ChoiceFilter(
        label=_("Activity"),
        choices=Sighting.Activity.choices,
        field_name="activity",
        empty_label=_("Any"),
    )
    date_from = _period(_("From"), "observed_at", "date__gte")
    date_to = _period(_("Until"), "observed_at", "date__lte")
    kecamatan = django_filters.CharFilter(
        label=_("Kecamatan"), method="filter_region", validators=REGION_VALIDATORS
    )
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"),
        choices=COUNTRY_FORM_CHOICES,
        method="filter_nationality",
        empty_label=_("Any"),
    )
    mine = django_filters.BooleanFilter(
        label=_("Only my reports"), widget=forms.CheckboxInput, method="filter_mine"
    )
    ordering = StableOrderingFilter(
        label=_("Sort by"), fields=(("observed_at", "observed_at"), ("reference", "reference"))
    )

    filter_categories = {
        "q": C.SIGHTING,
        "status": C.SIGHTING,
        "activity": C.SIGHTING,
        # When it was observed (WITA days) and where: part of the sighting the user sees.
        "date_from": C.SIGHTING,
        "date_to": C.SIGHTING,
        "kecamatan": C.SIGHTING,
        # The apparent nationality (sighting) or the identified person's (identity, and only
        # for people the user may see).
        "nationality": C.SIGHTING,
        # The user's own reports.
        "mine": C.SIGHTING,
        "ordering": C.SIGHTING,
    }
    ordering_categories = {"observed_at": C.SIGHTING, "reference": C.SIGHTING}
    # The API's first names of these filters.
    aliases = {"review_status": "status", "observed_from": "date_from", "observed_until": "date_to"}
    periods = (("date_from", "date_to"),)

    class Meta(PolicyFilterSet.Meta):
        model = Sighting
        fields: list[str] = []

    def filter_region(self, qs, name, value):
        return qs.filter(region_prefix_q("region", value))

    def filter_nationality(self, qs, name, value):
        code = _nationality(value)
        people = visible_foreigners(self.user).filter(nationality=code).values("pk")
        return qs.filter(Q(apparent_nationality=code) | Q(foreigner__in=people))

    def filter_mine(self, qs, name, value):
        return qs.filter(reporter=self.user) if value else qs


class FlagFilterSet(PolicyFilterSet):
    """Filters of the alert list, the flag API and the flag export."""

    rule = django_filters.CharFilter(label=_("Rule"), max_length=40, field_name="rule")
    severity = django_filters.TypedChoiceFilter(
        label=_("Severity at least"),
        # A typed choice has no empty label of its own.
        choices=[("", _("Any")), *Flag.Severity.choices],
        coerce=int,
        field_name="severity",
        lookup_expr="gte",
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("all", _("All")), *Flag.State.choices],
        method="filter_state",
        empty_label=_("Open or acknowledged"),
    )
    date_from = _period(_("From"), "opened_at", "date__gte")
    date_to = _period(_("Until"), "opened_at", "date__lte")
    kecamatan = django_filters.CharFilter(
        label=_("Kecamatan"), method="filter_kecamatan", validators=REGION_VALIDATORS
    )
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"),
        choices=COUNTRY_FORM_CHOICES,
        method="filter_nationality",
        empty_label=_("Any"),
    )
    ordering = StableOrderingFilter(
        label=_("Sort by"), fields=(("severity", "severity"), ("opened_at", "opened_at"))
    )

    filter_categories = {
        "rule": C.FLAG,
        "severity": C.FLAG,
        "state": C.FLAG,
        # When the flag opened (WITA days).
        "date_from": C.FLAG,
        "date_to": C.FLAG,
        # The flagged person's current residence: refused outside the user's scope.
        "kecamatan": C.RESIDENCE,
        "nationality": C.IDENTITY,
        "ordering": C.FLAG,
    }
    ordering_categories = {"severity": C.FLAG, "opened_at": C.FLAG}
    scoped_filters = frozenset({"kecamatan"})
    periods = (("date_from", "date_to"),)

    class Meta(PolicyFilterSet.Meta):
        model = Flag
        fields: list[str] = []

    def filter_state(self, qs, name, value):
        return qs if value == "all" else qs.filter(state=value)

    def filter_kecamatan(self, qs, name, value):
        people = visible_foreigners(self.user).filter(region_prefix_q("residence_region", value))
        return qs.filter(foreigner__in=people.values("pk"))

    def filter_nationality(self, qs, name, value):
        people = visible_foreigners(self.user).filter(nationality=_nationality(value))
        return qs.filter(foreigner__in=people.values("pk"))


def sighting_filterset(user, params) -> SightingFilterSet:
    """The filter set over the user's visible sightings (a page also shows its form). A small
    scope names its candidate sightings first
    (:func:`~reports.selectors.sparse_sighting_candidates`): the same rows."""
    qs = visible_sightings(user)
    candidates = sparse_sighting_candidates(user)
    if candidates is not None:
        qs = qs.filter(pk__in=candidates)
    return SightingFilterSet(params, qs, user=user)


def sightings_filtered(user, params) -> tuple[QuerySet[Sighting], dict[str, list[str]]]:
    """Visible sightings matching ``params``, and the errors (then the queryset is empty)."""
    return sighting_filterset(user, params).result()


def flag_filterset(user, params) -> FlagFilterSet:
    """The filter set over the flags the user sees (a page also shows its form). A small scope
    names its candidate flags first (:func:`~reports.selectors.sparse_flag_candidates`): the
    same rows, without walking every flag of the country in the list's order."""
    qs = visible_flags(user)
    candidates = sparse_flag_candidates(user)
    if candidates is not None:
        qs = qs.filter(pk__in=candidates)
    return FlagFilterSet(params, qs, user=user)


def flags_filtered(user, params) -> tuple[QuerySet[Flag], dict[str, list[str]]]:
    """Visible flags matching ``params``, and the errors (then the queryset is empty)."""
    return flag_filterset(user, params).result()
