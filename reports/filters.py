"""The one read path of sightings and flags: one policy-aware filter set each, for the HTML
lists, the API lists and exports (DESIGN.md §4). Criteria about the person a sighting or flag
names are answered only through the people the user may see."""

from __future__ import annotations

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.access import Category
from agencies.filtering import PolicyFilterSet, StableOrderingFilter
from agencies.models import REGION_CODE_RE, region_prefix_q
from foreigners.countries import COUNTRY_CHOICES
from foreigners.selectors import visible_foreigners

from .models import Flag, Sighting
from .selectors import visible_flags, visible_sightings

C = Category
REGION_VALIDATORS = [RegexValidator(REGION_CODE_RE, _("Use a Kemendagri code such as 73.72.03."))]


def _nationality(value: str) -> str:
    return (value or "").strip().upper()[:3]


class SightingFilterSet(PolicyFilterSet):
    kecamatan = django_filters.CharFilter(
        label=_("Kecamatan"), method="filter_region", validators=REGION_VALIDATORS
    )
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"), choices=COUNTRY_CHOICES, method="filter_nationality"
    )
    activity = django_filters.ChoiceFilter(
        label=_("Activity"), choices=Sighting.Activity.choices, field_name="activity"
    )
    review_status = django_filters.ChoiceFilter(
        label=_("Review status"), choices=Sighting.ReviewStatus.choices, field_name="review_status"
    )
    observed_from = django_filters.DateFilter(
        label=_("Observed from"), field_name="observed_at", lookup_expr="date__gte"
    )
    observed_until = django_filters.DateFilter(
        label=_("Observed until"), field_name="observed_at", lookup_expr="date__lte"
    )
    ordering = StableOrderingFilter(
        label=_("Sort by"), fields=(("observed_at", "observed_at"), ("reference", "reference"))
    )

    filter_categories = {
        # The sighting's own place: part of the sighting the user already sees.
        "kecamatan": C.SIGHTING,
        # The apparent nationality (sighting) or the identified person's (identity, and only
        # for people the user may see).
        "nationality": C.SIGHTING,
        "activity": C.SIGHTING,
        "review_status": C.SIGHTING,
        "observed_from": C.SIGHTING,
        "observed_until": C.SIGHTING,
        "ordering": C.SIGHTING,
    }
    ordering_categories = {"observed_at": C.SIGHTING, "reference": C.SIGHTING}

    class Meta(PolicyFilterSet.Meta):
        model = Sighting
        fields: list[str] = []

    def filter_region(self, qs, name, value):
        return qs.filter(region_prefix_q("region", value))

    def filter_nationality(self, qs, name, value):
        code = _nationality(value)
        people = visible_foreigners(self.user).filter(nationality=code).values("pk")
        return qs.filter(Q(apparent_nationality=code) | Q(foreigner__in=people))


class FlagFilterSet(PolicyFilterSet):
    rule = django_filters.CharFilter(label=_("Rule"), max_length=40, field_name="rule")
    severity = django_filters.TypedChoiceFilter(
        label=_("Severity at least"),
        choices=Flag.Severity.choices,
        coerce=int,
        field_name="severity",
        lookup_expr="gte",
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("all", _("All")), *Flag.State.choices],
        method="filter_state",
    )
    kecamatan = django_filters.CharFilter(
        label=_("Kecamatan"), method="filter_kecamatan", validators=REGION_VALIDATORS
    )
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"), choices=COUNTRY_CHOICES, method="filter_nationality"
    )
    ordering = StableOrderingFilter(
        label=_("Sort by"), fields=(("severity", "severity"), ("opened_at", "opened_at"))
    )

    filter_categories = {
        "rule": C.FLAG,
        "severity": C.FLAG,
        "state": C.FLAG,
        # The flagged person's current residence: refused outside the user's scope.
        "kecamatan": C.RESIDENCE,
        "nationality": C.IDENTITY,
        "ordering": C.FLAG,
    }
    ordering_categories = {"severity": C.FLAG, "opened_at": C.FLAG}
    scoped_filters = frozenset({"kecamatan"})

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


def sightings_filtered(user, params) -> tuple[QuerySet[Sighting], dict[str, list[str]]]:
    """Visible sightings matching ``params``, and the errors (then the queryset is empty)."""
    return SightingFilterSet(params, visible_sightings(user), user=user).result()


def flags_filtered(user, params) -> tuple[QuerySet[Flag], dict[str, list[str]]]:
    """Visible flags matching ``params``, and the errors (then the queryset is empty)."""
    return FlagFilterSet(params, visible_flags(user), user=user).result()
