from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from agencies.admin import ScopedAdminMixin

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


class ResidenceInlineFormSet(BaseInlineFormSet):
    """At most one current residence among the rows submitted together.

    Each row's own constraint check cannot see the other new rows (nor, for a new foreign
    national, any row at all), so two current rows would reach the database's partial unique
    index and fail with an IntegrityError instead of a message.
    """

    def clean(self):
        super().clean()
        current = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and not form.cleaned_data.get("to_date")
        ]
        if len(current) > 1:
            raise ValidationError(
                _("Only one residence can be current: give the others an end date (until).")
            )


class ResidenceInline(admin.TabularInline):
    model = Residence
    formset = ResidenceInlineFormSet
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(Foreigner)
class ForeignerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "nationality", "sex", "birth_date", "residence_region"]
    list_filter = ["nationality", "sex"]
    search_fields = ["search_name"]
    list_select_related = ["residence_region"]
    inlines = [TravelDocumentInline, StayPermitInline, ResidenceInline]
    show_full_result_count = False


@admin.register(TravelDocument)
class TravelDocumentAdmin(ByForeignerScopedMixin, admin.ModelAdmin):
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
class StayPermitAdmin(ByForeignerScopedMixin, admin.ModelAdmin):
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
class ResidenceAdmin(ByForeignerScopedMixin, admin.ModelAdmin):
    list_display = ["foreigner", "address", "region", "from_date", "to_date"]
    raw_id_fields = ["foreigner"]
    autocomplete_fields = ["region"]
    show_full_result_count = False


@admin.register(Movement)
class MovementAdmin(ByForeignerScopedMixin, admin.ModelAdmin):
    list_display = ["foreigner", "kind", "occurred_on", "port"]
    list_filter = ["kind"]
    raw_id_fields = ["foreigner", "travel_document", "recorded_by"]
    show_full_result_count = False
