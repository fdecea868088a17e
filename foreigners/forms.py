"""Forms of the foreign-national pages. Validation only: the writes live in services."""

from __future__ import annotations

import datetime as dt
import html

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from agencies.access import access_for
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


def _escaped(value) -> str:
    """``conditional_escape`` without its lazy wrapper (called hundreds of times per page)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class FastSelect(forms.Select):
    """A ``<select>`` rendered in Python: the template-per-option rendering of Django's widget
    costs ~0.1 ms per option, and the search form carries ~250 countries on every list page.
    The options are written straight from ``choices`` (the selection rule of Django's
    ``ChoiceWidget.optgroups``, groups flattened) without building a context dict per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        selected_values = widget["value"]  # format_value(): a list of strings
        has_selected = False
        parts = []
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, list | tuple):
                group = option_label
            else:
                group = ((option_value, option_label),)
            for subvalue, sublabel in group:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    subvalue
                ) in selected_values
                has_selected |= selected
                parts.append(
                    f'<option value="{_escaped(subvalue)}"{" selected" if selected else ""}>'
                    f"{_escaped(sublabel)}</option>"
                )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),
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
        widgets = {"from_date": DateInput(), "region": FastSelect}
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
