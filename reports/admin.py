from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.admin import ScopedAdminMixin

from .models import Flag, RuleSettings, Sighting, SightingPhoto, WatchWindow


class SightingPhotoInline(admin.TabularInline):
    model = SightingPhoto
    extra = 0


@admin.register(Sighting)
class SightingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "observed_at",
        "region",
        "activity",
        "review_status",
        "reporting_agency",
    ]
    list_filter = ["activity", "review_status"]
    search_fields = ["=reference", "place"]
    raw_id_fields = ["foreigner", "reporter", "reviewed_by"]
    autocomplete_fields = ["region", "reporting_agency"]
    readonly_fields = ["reference"]
    inlines = [SightingPhotoInline]
    show_full_result_count = False


@admin.register(Flag)
class FlagAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["rule", "severity", "state", "subject_type", "subject_id", "opened_at"]
    list_filter = ["rule", "severity", "state"]
    raw_id_fields = ["foreigner", "permit", "document", "sighting", "closed_by"]
    show_full_result_count = False


@admin.register(RuleSettings)
class RuleSettingsAdmin(admin.ModelAdmin):
    """The rule thresholds: one row, edited by the system admin (superuser)."""

    fieldsets = [
        (
            _("Permit expiring (days before the end)"),
            {"fields": ["expiring_notice_days", "expiring_warning_days", "expiring_urgent_days"]},
        ),
        (_("Overstay"), {"fields": ["overstay_deport_after_days", "overstay_fine_per_day"]}),
        (
            _("Seen outside the registered kecamatan"),
            {"fields": ["outside_area_min_sightings", "outside_area_window_days"]},
        ),
        (
            _("Activity allowed by the visa index"),
            {"fields": ["work_visa_prefixes", "religious_visa_prefixes"]},
        ),
        (_("Alerts"), {"fields": ["notify_officers"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser and not RuleSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(WatchWindow)
class WatchWindowAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "region", "is_active"]
    list_filter = ["is_active"]
    autocomplete_fields = ["region"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
