"""The one read path of foreign nationals: one policy-aware filter set for the HTML list and
search, the API list and search, the name picker and exports (DESIGN.md §4)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import Category
from agencies.filtering import PolicyFilterSet, StableOrderingFilter
from agencies.models import REGION_CODE_RE, region_range_q
from agencies.validators import validate_date_in_range

from .countries import COUNTRY_FORM_CHOICES
from .models import Foreigner, StayPermit, TravelDocument, normalize_document_number
from .selectors import (
    PERMIT_STATUS_CANCELLED,
    PERMIT_STATUS_EXPIRED,
    PERMIT_STATUS_NONE,
    PERMIT_STATUS_VALID,
    name_filter,
    permit_status_q,
    visible_foreigners,
)

C = Category
PERMIT_STATUS_CHOICES = [
    (PERMIT_STATUS_VALID, _("Valid today")),
    (PERMIT_STATUS_EXPIRED, _("Expired, no valid permit")),
    (PERMIT_STATUS_CANCELLED, _("Has a cancelled permit")),
    (PERMIT_STATUS_NONE, _("No permit recorded")),
]


class ForeignerFilterSet(PolicyFilterSet):
    """Filters of the foreign-national lists. Query-parameter names are the API's contract."""

    q = django_filters.CharFilter(label=_("Name"), max_length=100, method="filter_name")
    # The API search's name for the same criterion.
    name = django_filters.CharFilter(label=_("Name"), max_length=200, method="filter_name")
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"), choices=COUNTRY_FORM_CHOICES, method="filter_nationality"
    )
    permit_kind = django_filters.ChoiceFilter(
        label=_("Permit kind"), choices=StayPermit.Kind.choices, method="filter_permit_kind"
    )
    permit_status = django_filters.ChoiceFilter(
        label=_("Permit status"), choices=PERMIT_STATUS_CHOICES, method="filter_permit_status"
    )
    kecamatan = django_filters.CharFilter(
        label=_("Kecamatan"),
        method="filter_kecamatan",
        validators=[RegexValidator(REGION_CODE_RE, _("Use a Kemendagri code such as 73.72.03."))],
    )
    document_number = django_filters.CharFilter(
        label=_("Passport or travel document number"),
        max_length=24,
        method="filter_document_number",
    )
    # An active permit ending within N days (the dashboard's "expiring" figure drills down here).
    expiring_within = django_filters.NumberFilter(
        label=_("Permit ends within (days)"),
        method="filter_expiring_within",
        min_value=1,
        max_value=366,
    )
    # The day the permit criteria are judged on (default today): the dashboard's figures of a
    # past period drill down with its last day.
    as_of = django_filters.DateFilter(
        label=_("On the day"),
        method="filter_as_of",
        # ISO whatever the language: <input type=date> accepts nothing else.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_in_range],
    )
    ordering = StableOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("search_name", "name"),
            ("birth_date", "birth_date"),
            ("nationality", "nationality"),
        ),
    )

    filter_categories = {
        "q": C.IDENTITY,
        "name": C.IDENTITY,
        "nationality": C.IDENTITY,
        "permit_kind": C.PERMIT_STATUS,
        "permit_status": C.PERMIT_STATUS,
        "expiring_within": C.PERMIT_STATUS,
        "as_of": C.PERMIT_STATUS,
        "kecamatan": C.RESIDENCE,
        "document_number": C.DOCUMENT,
        "ordering": C.IDENTITY,
    }
    ordering_categories = {
        "name": C.IDENTITY,
        "birth_date": C.IDENTITY,
        "nationality": C.IDENTITY,
    }
    scoped_filters = frozenset({"kecamatan"})
    body_only = frozenset({"document_number"})

    class Meta(PolicyFilterSet.Meta):
        model = Foreigner
        fields: list[str] = []

    def filter_name(self, qs, name, value):
        return name_filter(qs, value)

    def filter_nationality(self, qs, name, value):
        return qs.filter(nationality=value.upper())

    def _day(self) -> dt.date:
        return self.form.cleaned_data.get("as_of") or timezone.localdate()

    def filter_as_of(self, qs, name, value):
        return qs  # read by the permit criteria (_day)

    def filter_permit_kind(self, qs, name, value):
        return qs.filter(
            Exists(
                StayPermit.objects.filter(
                    foreigner=OuterRef("pk"), kind=value, status=StayPermit.Status.ACTIVE
                )
            )
        )

    def filter_permit_status(self, qs, name, value):
        return qs.filter(permit_status_q(value, self._day()))

    def filter_expiring_within(self, qs, name, value):
        day = self._day()
        return qs.filter(
            Exists(
                StayPermit.objects.filter(
                    foreigner=OuterRef("pk"),
                    status=StayPermit.Status.ACTIVE,
                    valid_until__gte=day,
                    valid_until__lte=day + dt.timedelta(days=int(value)),
                )
            )
        )

    def filter_kecamatan(self, qs, name, value):
        return qs.filter(region_range_q("residence_region", value))

    def filter_document_number(self, qs, name, value):
        number = normalize_document_number(value)
        return qs.filter(
            Exists(TravelDocument.objects.filter(foreigner=OuterRef("pk"), number=number))
        )


def foreigners_filtered(
    user, params, *, in_body: bool = False
) -> tuple[QuerySet[Foreigner], dict[str, list[str]]]:
    """Visible foreign nationals matching ``params`` (a QueryDict or dict), and the errors
    (field → messages) when a criterion is invalid or refused; then the queryset is empty."""
    filterset = ForeignerFilterSet(params, visible_foreigners(user), user=user, in_body=in_body)
    return filterset.result()
