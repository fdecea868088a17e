from django.contrib import admin

from agencies.admin import PersonalRecordAdminMixin, ScopedAdminMixin

from .models import Foreigner, Movement, Residence, Sponsor, StayPermit, TravelDocument


class ByForeignerScopedMixin:
    """Rows of a foreigner: shown only for foreigners the user may see."""

    def get_queryset(self, request):
        visible = Foreigner.objects.visible_to(request.user)
        return super().get_queryset(request).filter(foreigner__in=visible.values("pk"))


class TravelDocumentInline(admin.TabularInline):
    model = TravelDocument
    extra = 0


class StayPermitInline(admin.TabularInline):
    model = StayPermit
    extra = 0
    fk_name = "foreigner"
    autocomplete_fields = ["sponsor", "extends"]


class ResidenceInline(admin.TabularInline):
    model = Residence
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(Foreigner)
class ForeignerAdmin(PersonalRecordAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "nationality", "sex", "birth_date", "residence_region"]
    list_filter = ["nationality", "sex"]
    search_fields = ["search_name"]
    list_select_related = ["residence_region"]
    inlines = [TravelDocumentInline, StayPermitInline, ResidenceInline]
    show_full_result_count = False


@admin.register(TravelDocument)
class TravelDocumentAdmin(PersonalRecordAdminMixin, ByForeignerScopedMixin, admin.ModelAdmin):
    list_display = ["number", "issuing_country", "kind", "expires_on", "foreigner"]
    list_filter = ["kind"]
    search_fields = ["=number"]
    raw_id_fields = ["foreigner"]
    show_full_result_count = False


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        # Sponsors are employment data outside any one foreigner's scope: system admin only.
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.none()

    list_display = ["name", "kind", "nib", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "=nib", "=nik"]
    autocomplete_fields = ["region"]


@admin.register(StayPermit)
class StayPermitAdmin(PersonalRecordAdminMixin, ByForeignerScopedMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "visa_index",
        "valid_from",
        "valid_until",
        "status",
        "foreigner",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["=number"]
    raw_id_fields = ["foreigner", "extends"]
    autocomplete_fields = ["sponsor"]
    show_full_result_count = False


@admin.register(Residence)
class ResidenceAdmin(PersonalRecordAdminMixin, ByForeignerScopedMixin, admin.ModelAdmin):
    list_display = ["foreigner", "address", "region", "from_date", "to_date"]
    raw_id_fields = ["foreigner"]
    autocomplete_fields = ["region"]
    show_full_result_count = False


@admin.register(Movement)
class MovementAdmin(PersonalRecordAdminMixin, ByForeignerScopedMixin, admin.ModelAdmin):
    list_display = ["foreigner", "kind", "occurred_on", "port"]
    list_filter = ["kind"]
    raw_id_fields = ["foreigner", "travel_document", "recorded_by"]
    show_full_result_count = False
