"""Read-only API over sightings and flags: scoped by the selectors, masked by policy."""

from __future__ import annotations

from django.db.models import Q
from rest_framework import serializers, viewsets

from agencies.access import Category, access_for
from agencies.audit import AuditedReadMixin
from agencies.masking import PolicyMaskedSerializer
from agencies.models import is_region_code, region_prefix_q

from .api_submit import SightingSubmitMixin
from .evidence import reason_visible, visible_evidence
from .figures import flag_evidence_live
from .models import Flag, RuleSettings, Sighting
from .selectors import visible_flags, visible_sightings

C = Category


def _region_param(request) -> str:
    code = request.query_params.get("kecamatan", "")
    return code if is_region_code(code) else ""


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
    # The id only: the person's data comes from the foreigner endpoint, under its policy.
    "foreigner": C.IDENTITY,
}


class SightingSerializer(PolicyMaskedSerializer):
    field_categories = SIGHTING_FIELDS

    class Meta:
        model = Sighting
        fields = list(SIGHTING_FIELDS)


class SightingViewSet(SightingSubmitMixin, AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Sightings the user may see. Filters: ``?kecamatan=73.72.03&nationality=CHN``.
    ``POST`` submits one (reports.api_submit)."""

    serializer_class = SightingSerializer
    audit_type = "sighting"

    def get_queryset(self):
        qs = visible_sightings(self.request.user)
        if code := _region_param(self.request):
            qs = qs.filter(region_prefix_q("region", code))
        if nationality := self.request.query_params.get("nationality", "")[:3].upper():
            qs = qs.filter(
                Q(apparent_nationality=nationality) | Q(foreigner__nationality=nationality)
            )
        return qs


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
    # Evidence quotes permit, document and residence facts: each key is masked by its own
    # category (reports.evidence.EVIDENCE).
    "evidence": C.FLAG,
}


class FlagSerializer(PolicyMaskedSerializer):
    field_categories = FLAG_FIELDS
    evidence = serializers.SerializerMethodField()

    def get_evidence(self, flag) -> dict:
        # One settings row per response, not per flag.
        settings = self.context.setdefault("rule_settings", RuleSettings.load())
        live = flag_evidence_live(flag, settings=settings)
        return dict(visible_evidence(self._access(), live))

    def _access(self):
        return access_for(getattr(self.context.get("request"), "user", None))

    def to_representation(self, flag):
        data = super().to_representation(flag)
        # The reason sentences quote the evidence: hidden where any of it is (see get_evidence).
        if not reason_visible(self._access(), flag.evidence):
            for field in ("reason", "reason_en"):
                if field in data:
                    data[field] = None
        return data

    class Meta:
        model = Flag
        fields = list(FLAG_FIELDS)


class FlagViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Flags routed to the user's agency whose subject the user may see.
    Filters: ``?kecamatan=73.72.03&nationality=CHN`` (of the flagged person)."""

    serializer_class = FlagSerializer
    audit_type = "flag"

    def get_queryset(self):
        qs = visible_flags(self.request.user)
        if code := _region_param(self.request):
            qs = qs.filter(region_prefix_q("foreigner__residence_region", code))
        if nationality := self.request.query_params.get("nationality", "")[:3].upper():
            qs = qs.filter(foreigner__nationality=nationality)
        return qs
