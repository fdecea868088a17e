"""Read-only API over foreign nationals: scoped by :func:`visible_foreigners`, masked by policy.

The document-number search is a POST (``/api/v1/foreigners/search/``) so passport numbers never
appear in URLs, proxy logs or browser history.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from agencies.access import Category
from agencies.audit import AuditedReadMixin
from agencies.history import writes_no_history
from agencies.masking import PolicyMaskedSerializer

from .filters import foreigners_filtered
from .models import Foreigner, Residence, StayPermit, TravelDocument
from .row_access import foreigner_rows_access
from .selectors import visible_foreigners

C = Category


class TravelDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TravelDocument
        fields = ["kind", "number", "issuing_country", "issued_on", "expires_on"]


class StayPermitSerializer(PolicyMaskedSerializer):
    """Field-level: type and validity (``permit.status``) vs number and visa index
    (``permit.detail``); the camat reads only the first by default."""

    field_categories = {
        "kind": C.PERMIT_STATUS,
        "valid_from": C.PERMIT_STATUS,
        "valid_until": C.PERMIT_STATUS,
        "status": C.PERMIT_STATUS,
        "visa_index": C.PERMIT,
        "number": C.PERMIT,
    }

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
    region_fields = {"residence_region": C.RESIDENCE}

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
        # The list is there for either part; each permit's fields are masked by part.
        "permits": C.PERMIT_STATUS,
        "residences": C.RESIDENCE,
    }
    documents = TravelDocumentSerializer(many=True, read_only=True)
    permits = StayPermitSerializer(many=True, read_only=True)
    residences = serializers.SerializerMethodField()

    def get_residences(self, foreigner) -> list[dict]:
        """Each residence keeps its own scope: shown where the user may read that row."""
        row = self.context["row_access"]
        return ResidenceSerializer(
            [r for r in foreigner.residences.all() if row.reads_region(C.RESIDENCE, r.region_id)],
            many=True,
            context=self.context,
        ).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        row = self.context["row_access"]
        if "permits" not in data and row.can_read(C.PERMIT):
            data["permits"] = StayPermitSerializer(
                instance.permits.all(), many=True, context=self.context
            ).data
        return data

    class Meta(ForeignerSerializer.Meta):
        fields = [
            *ForeignerSerializer.Meta.fields,
            "birth_place",
            "documents",
            "permits",
            "residences",
        ]


class ForeignerSearchSerializer(serializers.Serializer):
    """The body of ``POST /api/v1/foreigners/search/`` (documents the schema; the criteria are
    validated and refused by :class:`~foreigners.filters.ForeignerFilterSet`)."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=24)
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=3)
    kecamatan = serializers.CharField(required=False, allow_blank=True, max_length=13)
    permit_kind = serializers.CharField(required=False, allow_blank=True)
    permit_status = serializers.CharField(required=False, allow_blank=True)


class RowSharesMixin:
    """Serialises each row with the categories live shares open on it (one query a page)."""

    def row_shares(self, rows) -> dict:
        return {}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("row_shares", {})
        return context

    def get_serializer(self, *args, **kwargs):
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None:
            rows = instance if isinstance(instance, list | tuple) else [instance]
            kwargs["context"] = {
                **self.get_serializer_context(),
                "row_shares": self.row_shares(rows),
            }
        return super().get_serializer(*args, **kwargs)


class ForeignerViewSet(RowSharesMixin, AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Foreign nationals the user may see, through the one filter set of foreign nationals
    (``foreigners.filters``): ``?kecamatan=73.72.03&nationality=CHN&permit_kind=ITAS``. A
    criterion of a category the user may not read answers 400 with a field-by-field body."""

    serializer_class = ForeignerSerializer
    audit_type = "foreigner"
    throttle_scope = None  # "lookup" on the search action
    head_window = True  # its first page: agencies.pagination.head_ids
    filter_backends: list = []

    def row_shares(self, rows) -> dict:
        return {
            pk: row.shared
            for pk, row in foreigner_rows_access(self.request.user, [r.pk for r in rows]).items()
        }

    def get_queryset(self):
        if self.action == "retrieve":
            qs = visible_foreigners(self.request.user)
            # Nested lists fetched once each; what a row may show is decided per row.
            return qs.prefetch_related(
                "documents",
                Prefetch("permits", StayPermit.objects.order_by("valid_from", "id")),
                Prefetch("residences", Residence.objects.order_by("-from_date")),
            )
        qs, errors = foreigners_filtered(self.request.user, self.request.query_params)
        if errors:
            raise ValidationError(errors)
        return qs

    def get_serializer_class(self):
        return ForeignerDetailSerializer if self.action == "retrieve" else ForeignerSerializer

    @writes_no_history
    @extend_schema(request=ForeignerSearchSerializer, responses=ForeignerSerializer(many=True))
    # Name and passport lookups have their own, lower rate (accounts.throttles.LookupThrottle).
    @action(detail=False, methods=["post"], throttle_scope="lookup")
    def search(self, request):
        """Search by name, document number, nationality, kecamatan and permit: the same filter
        set as the list (criteria in the body, never in the URL). A criterion of a category
        the user may not read answers 400 with a field-by-field body."""
        data = request.data if isinstance(request.data, dict) else {}
        qs, errors = foreigners_filtered(request.user, data, in_body=True)
        if errors:
            raise ValidationError(errors)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
