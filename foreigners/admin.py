from django.contrib import admin

from agencies.access import Category, access_for
from agencies.admin import PersonalRecordAdminMixin, ScopedAdminMixin
from agencies.models import Agency

from . import services
from .models import (
    EntryBan,
    Foreigner,
    Movement,
    Residence,
    Sktt,
    Sponsor,
    StayPermit,
    TravelDocument,
    VisaIndex,
)


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

    list_display = ["name", "kind", "nib", "region", "registered_by"]
    list_filter = ["kind"]
    search_fields = ["name", "=nib", "=nik"]
    autocomplete_fields = ["region", "registered_by"]


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
    list_display = ["foreigner", "kind", "occurred_on", "port", "visa_kind"]
    list_filter = ["kind", "visa_kind"]
    raw_id_fields = ["foreigner", "travel_document", "recorded_by"]
    show_full_result_count = False


@admin.register(Sktt)
class SkttAdmin(PersonalRecordAdminMixin, ByForeignerScopedMixin, admin.ModelAdmin):
    list_display = ["foreigner", "number", "issued_on", "valid_until"]
    raw_id_fields = ["foreigner"]
    show_full_result_count = False


@admin.register(VisaIndex)
class VisaIndexAdmin(admin.ModelAdmin):
    """The visa-index reference table: read by the activity rules, edited by the system admin
    only (a change applies from the next run of the rules)."""

    list_display = [
        "code",
        "permit_kind",
        "name",
        "may_work",
        "may_religious_work",
        "family",
        "investment",
        "retirement",
        "tourism",
        "study",
    ]
    list_filter = ["permit_kind", "may_work", "may_religious_work"]
    search_fields = ["code", "name", "name_en"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


def _kanim_enforcement(request) -> bool:
    """The system admin, or a Kanim / Kanwil staff user whose agency may write enforcement
    data (the entry-ban list is the Kanim's)."""
    user = request.user
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    access = access_for(user)
    return (
        user.is_staff
        and access.agency_kind in (Agency.Kind.IMIGRASI, Agency.Kind.KANWIL)
        and access.can_write(Category.ENFORCEMENT)
    )


@admin.register(EntryBan)
class EntryBanAdmin(admin.ModelAdmin):
    """The entry-ban list kept by the Kanim; writes go through the services. A ban is lifted
    (``lifted on``), never deleted, so the record of it stays."""

    list_display = [
        "__str__",
        "nationality",
        "document_country",
        "document_number",
        "listed_on",
        "until",
        "lifted_on",
    ]
    list_filter = ["nationality"]
    search_fields = ["search_name", "=document_number", "decision_number"]
    readonly_fields = ["listed_by"]
    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return _kanim_enforcement(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _kanim_enforcement(request)

    def has_add_permission(self, request) -> bool:
        return _kanim_enforcement(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _kanim_enforcement(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in form.cleaned_data}
        if change:
            saved = services.entry_ban_update(ban_id=obj.pk, data=data)
        else:
            saved = services.entry_ban_add(listed_by=request.user, data=data)
        obj.pk = saved.pk
