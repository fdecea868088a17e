"""Forms of the foreign-national pages. Validation only: the writes live in services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.access import access_for, cached_for_scope
from agencies.models import Region

from .models import Foreigner, Residence, StayPermit, TravelDocument, normalize_document_number


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def regions_in_scope(user, levels=(Region.Level.KECAMATAN, Region.Level.KELURAHAN)):
    """Regions inside the user's geographic scope, at the given levels."""
    return Region.objects.filter(access_for(user).region_q("code"), level__in=levels).order_by(
        "code"
    )


def kecamatan_choices(user) -> list[tuple[str, str]]:
    """The kecamatan of the user's scope as (code, "name (code)") choices, for every area
    picker (the lists' filters, the dashboard); computed once per scope and access version
    (agencies.access.cached_for_scope)."""
    return cached_for_scope(
        "kecamatan-choices",
        access_for(user),
        lambda: [
            (r.code, f"{r.name} ({r.code})")
            for r in regions_in_scope(user, levels=[Region.Level.KECAMATAN])
        ],
    )


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        indent = "— " if obj.level == Region.Level.KELURAHAN else ""
        return f"{indent}{obj.name} ({obj.code})"


class DocumentNumberSearchForm(forms.Form):
    """Search by passport number: posted, never put in a URL (it would end up in logs and
    browser history)."""

    document_number = forms.CharField(
        label=_("Passport or travel document number"), max_length=20, min_length=5
    )


class ForeignerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Foreigner
        fields = [
            "family_name",
            "given_names",
            "sex",
            "birth_date",
            "birth_place",
            "nationality",
            "occupation",
            "photo",
        ]
        widgets = {
            "birth_date": DateInput(),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/*"}),
        }

    def __init__(self, *args, can_edit_employment: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        if not can_edit_employment:
            del self.fields["occupation"]

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value < dt.date(1900, 1, 1):
            raise forms.ValidationError(_("Enter a date of birth after 1900."))
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value


class TokenMixin:
    """Carries the ``updated_at`` a child record was loaded with, for stale-edit detection."""

    def init_token(self):
        self.fields["token"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk and not self.is_bound:
            self.fields["token"].initial = self.instance.updated_at.isoformat()

    def token_value(self):
        raw = self.cleaned_data.get("token") or ""
        try:
            return dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return None


class DocumentForm(TokenMixin, forms.ModelForm):
    class Meta:
        model = TravelDocument
        fields = ["kind", "number", "issuing_country", "issued_on", "expires_on"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()

    def clean_number(self):
        return normalize_document_number(self.cleaned_data.get("number"))


class PermitForm(TokenMixin, forms.ModelForm):
    class Meta:
        model = StayPermit
        fields = [
            "kind",
            "visa_index",
            "number",
            "issued_on",
            "valid_from",
            "valid_until",
            "purpose",
            "status",
            "cancelled_on",
            "extends",
        ]
        widgets = {
            "issued_on": DateInput(),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "cancelled_on": DateInput(),
        }

    def __init__(self, *args, foreigner: Foreigner, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()
        previous = StayPermit.objects.filter(foreigner=foreigner)
        if self.instance.pk:
            previous = previous.exclude(pk=self.instance.pk)
        self.fields["extends"].queryset = previous
        self.fields["extends"].help_text = _("For an extension: the permit it extends.")


class FirstResidenceForm(forms.ModelForm):
    """The first residence, taken with a new foreign national (prefix ``residence``): a record
    is in its creator's scope from the start, so the page it lands on can show it."""

    class Meta:
        model = Residence
        fields = ["address", "region", "from_date", "latitude", "longitude"]
        widgets = {"from_date": DateInput()}
        field_classes = {"region": RegionChoiceField}
        labels = {"region": _("Kelurahan")}

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "residence")
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user, levels=[Region.Level.KELURAHAN])
        self.fields["region"].empty_label = _("Choose a kelurahan")
        self.fields["from_date"].required = True
        self.fields["from_date"].help_text = _("Since when the person lives there.")


class ResidenceForm(TokenMixin, forms.ModelForm):
    class Meta:
        model = Residence
        fields = ["address", "region", "latitude", "longitude", "from_date", "to_date"]
        widgets = {"from_date": DateInput(), "to_date": DateInput()}
        field_classes = {"region": RegionChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()
        self.fields["region"].queryset = regions_in_scope(user)
        self.fields["to_date"].help_text = _("Leave empty for the current residence.")
