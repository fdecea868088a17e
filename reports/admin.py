from django.contrib import admin

from agencies.admin import ScopedAdminMixin

from .models import Flag, Sighting, SightingPhoto
from .selectors import visible_flags, visible_sightings


class SightingPhotoInline(admin.TabularInline):
    model = SightingPhoto
    extra = 0


@admin.register(Sighting)
class SightingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    selector = visible_sightings
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
    selector = visible_flags
    list_display = ["rule", "severity", "state", "subject_type", "subject_id", "opened_at"]
    list_filter = ["rule", "severity", "state"]
    raw_id_fields = ["foreigner", "permit", "document", "sighting", "closed_by"]
    show_full_result_count = False
