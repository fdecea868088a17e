"""Read-only API over foreign nationals: scoped by :func:`visible_foreigners`, masked by policy.

The document-number search is a POST (``/api/v1/foreigners/search/``) so passport numbers never
appear in URLs, proxy logs or browser history.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from agencies.access import Category, access_for
from agencies.audit import AuditedReadMixin
from agencies.masking import PolicyMaskedSerializer
from agencies.models import REGION_CODE_RE, is_region_code

from .models import Foreigner, Residence, StayPermit, TravelDocument
from .selectors import foreigner_search

C = Category


class TravelDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TravelDocument
        fields = ["kind", "number", "issuing_country", "issued_on", "expires_on"]


class StayPermitSerializer(serializers.ModelSerializer):
    class Meta:
        model = StayPermit
        fields = ["kind", "visa_index", "number", "valid_from", "valid_until", "status"]


class ResidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Residence
        fields = ["address", "region", "latitude", "longitude", "from_date", "to_date"]


class ForeignerSerializer(PolicyMaskedSerializer):
    field_categories = {
        "id": None,
        "family_name": C.IDENTITY,
        "given_names": C.IDENTITY,
        "sex": C.IDENTITY,
        "birth_date": C.IDENTITY,
        "nationality": C.IDENTITY,
        "occupation": C.EMPLOYMENT,
        "residence_region": C.RESIDENCE,
    }

    class Meta:
        model = Foreigner
        fields = [
            "id",
            "family_name",
            "given_names",
            "sex",
            "birth_date",
            "nationality",
            "occupation",
            "residence_region",
        ]


class ForeignerDetailSerializer(ForeignerSerializer):
    field_categories = {
        **ForeignerSerializer.field_categories,
        "birth_place": C.IDENTITY,
        "documents": C.DOCUMENT,
        "permits": C.PERMIT,
        "residences": C.RESIDENCE,
    }
    documents = TravelDocumentSerializer(many=True, read_only=True)
    permits = StayPermitSerializer(many=True, read_only=True)
    residences = ResidenceSerializer(many=True, read_only=True)

    class Meta(ForeignerSerializer.Meta):
        fields = [
            *ForeignerSerializer.Meta.fields,
            "birth_place",
            "documents",
            "permits",
            "residences",
        ]


class ForeignerSearchSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    document_number = serializers.RegexField(
        r"^[A-Za-z0-9< ]{0,24}$", required=False, allow_blank=True
    )
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=3)
    kecamatan = serializers.RegexField(REGION_CODE_RE, required=False, allow_blank=True)


class ForeignerViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Foreign nationals the user may see. Filters: ``?kecamatan=73.72.03&nationality=CHN``."""

    serializer_class = ForeignerSerializer
    audit_type = "foreigner"
    throttle_scope = None  # "lookup" on the search action

    def get_queryset(self):
        params = self.request.query_params
        qs = foreigner_search(
            self.request.user,
            nationality=params.get("nationality", ""),
            kecamatan=params.get("kecamatan", "")
            if is_region_code(params.get("kecamatan"))
            else "",
        )
        if self.action == "retrieve":
            access = access_for(self.request.user)
            # Only the nested lists the user may read are fetched (one query each).
            if access.can_read(C.DOCUMENT):
                qs = qs.prefetch_related("documents")
            if access.can_read(C.PERMIT):
                qs = qs.prefetch_related("permits")
            if access.can_read(C.RESIDENCE):
                qs = qs.prefetch_related(
                    Prefetch("residences", Residence.objects.order_by("-from_date"))
                )
        return qs

    def get_serializer_class(self):
        return ForeignerDetailSerializer if self.action == "retrieve" else ForeignerSerializer

    @extend_schema(request=ForeignerSearchSerializer, responses=ForeignerSerializer(many=True))
    # Name and passport lookups have their own, lower rate (accounts.throttles.LookupThrottle).
    @action(detail=False, methods=["post"], throttle_scope="lookup")
    def search(self, request):
        """Search by name, document number (where the policy lets you read documents),
        nationality and kecamatan; criteria travel in the body, never in the URL."""
        form = ForeignerSearchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        criteria = form.validated_data
        if criteria.get("document_number") and not access_for(request.user).can_read(C.DOCUMENT):
            raise PermissionDenied(_("Your agency may not search by document number."))
        qs = foreigner_search(request.user, **criteria)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            ForeignerSerializer(page, many=True, context=self.get_serializer_context()).data
        )
