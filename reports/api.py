"""Read-only API over sightings and flags: scoped by the selectors, masked by policy."""

from __future__ import annotations

from django.utils import translation
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from agencies.access import Category, access_for
from agencies.audit import AuditedReadMixin
from agencies.masking import PolicyMaskedSerializer

from .api_submit import SightingSubmitMixin
from .evidence import visible_evidence
from .figures import flag_evidence_live
from .filters import flags_filtered, sightings_filtered
from .models import Flag, RuleSettings, Sighting
from .reasons import flag_reason_for
from .selectors import (
    flag_quoted_visible,
    visible_flags,
    visible_sightings,
    with_person_visibility,
    with_record_visibility,
)

C = Category

SIGHTING_FIELDS = {
    "id": None,
    "reference": C.SIGHTING,
    "observed_at": C.SIGHTING,
    "region": C.SIGHTING,
    "place": C.SIGHTING,
    "latitude": C.SIGHTING,
    "longitude": C.SIGHTING,
    "activity": C.SIGHTING,
    "description": C.SIGHTING,
    "review_status": C.SIGHTING,
    "apparent_nationality": C.SIGHTING,
    "apparent_sex": C.SIGHTING,
    "person_count": C.SIGHTING,
    # The id only, and only of a person the user may see (else null, as for an unidentified
    # person): the person's data comes from the foreigner endpoint, under its policy.
    "foreigner": C.IDENTITY,
}


class SightingSerializer(PolicyMaskedSerializer):
    field_categories = SIGHTING_FIELDS

    def to_representation(self, sighting):
        data = super().to_representation(sighting)
        if "foreigner" in data and not getattr(sighting, "person_visible", False):
            data["foreigner"] = None
        return data

    class Meta:
        model = Sighting
        fields = list(SIGHTING_FIELDS)


def _raise_errors(errors) -> None:
    if errors:
        raise ValidationError(errors)


class SightingViewSet(SightingSubmitMixin, AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Sightings the user may see, through the one filter set of sightings
    (``reports.filters``): ``?kecamatan=73.72.03&nationality=CHN&activity=work``.
    ``POST`` submits one (reports.api_submit)."""

    serializer_class = SightingSerializer
    audit_type = "sighting"
    filter_backends: list = []

    def get_queryset(self):
        if self.action == "retrieve":
            qs = visible_sightings(self.request.user)
        else:
            qs, errors = sightings_filtered(self.request.user, self.request.query_params)
            _raise_errors(errors)
        return with_person_visibility(qs, self.request.user)


FLAG_FIELDS = {
    "id": None,
    "rule": C.FLAG,
    "severity": C.FLAG,
    "state": C.FLAG,
    "subject_type": C.FLAG,
    "subject_id": C.FLAG,
    "foreigner": C.FLAG,
    "sighting": C.FLAG,
    "reason": C.FLAG,
    "reason_en": C.FLAG,
    "opened_at": C.FLAG,
    "closed_at": C.FLAG,
    # Evidence quotes permit, document, residence and sighting facts: each key is masked by its
    # own category and the visibility of the record it quotes (reports.evidence).
    "evidence": C.FLAG,
}


class FlagSerializer(PolicyMaskedSerializer):
    field_categories = FLAG_FIELDS
    evidence = serializers.SerializerMethodField()

    def _live(self, flag) -> dict:
        # One settings row per response, not per flag.
        settings = self.context.setdefault("rule_settings", RuleSettings.load())
        return flag_evidence_live(flag, settings=settings)

    def get_evidence(self, flag) -> dict:
        return dict(
            visible_evidence(
                self._access(), self._live(flag), quoted_visible=flag_quoted_visible(flag)
            )
        )

    def _access(self):
        return access_for(getattr(self.context.get("request"), "user", None))

    def to_representation(self, flag):
        data = super().to_representation(flag)
        # Ids of records the reader may not see are not sent (a flag can be visible through its
        # sighting while its person is not).
        person = getattr(flag, "person_visible", False)
        sighting = flag_quoted_visible(flag)
        if "foreigner" in data and not person:
            data["foreigner"] = None
        if "sighting" in data and not sighting:
            data["sighting"] = None
        if "subject_id" in data and not (
            (flag.subject_type == "foreigner" and person)
            or (flag.subject_type == "sighting" and sighting)
            or (flag.subject_type in ("permit", "document") and person)
        ):
            data["subject_id"] = None
        # The reasons are rendered from the evidence in each language, and hidden where they
        # quote what the reader may not read (reports.reasons.flag_reason_for).
        live = self._live(flag)
        for field, language in (("reason", "id"), ("reason_en", "en")):
            if field in data:
                with translation.override(language):
                    data[field] = flag_reason_for(
                        self._access(), flag, evidence=live, quoted_visible=sighting
                    )
        return data

    class Meta:
        model = Flag
        fields = list(FLAG_FIELDS)


class FlagViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Flags routed to the user's agency whose subject the user may see, through the one filter
    set of flags (``reports.filters``): ``?kecamatan=73.72.03&nationality=CHN`` (of the flagged
    person, refused where the user may not read residences there)."""

    serializer_class = FlagSerializer
    audit_type = "flag"
    filter_backends: list = []

    def get_queryset(self):
        if self.action == "retrieve":
            qs = visible_flags(self.request.user)
        else:
            qs, errors = flags_filtered(self.request.user, self.request.query_params)
            _raise_errors(errors)
        return with_record_visibility(qs, self.request.user)
