"""Forms of the access pages: request access, decide a request, share a record."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .categories import Category
from .models import Agency
from .services import MAX_SHARE_DAYS


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _default_until() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


CATEGORY_LABELS = dict(Category.CHOICES)


def category_choices(codes) -> list[tuple[str, str]]:
    return [(code, CATEGORY_LABELS.get(code, code)) for code in codes]


class AccessRequestForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("What you need to see"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these parts of the record are opened, and only until the expiry."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you need this record (UU 27/2022: data is processed for a purpose)."),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices(categories)
        self.fields["categories"].required = bool(categories)


class ExpiryField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Until"))
        kwargs.setdefault("initial", _default_until)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        today = timezone.localdate()
        if value and value < today:
            raise forms.ValidationError(_("Choose today or a later date."))
        if value and value > today + dt.timedelta(days=MAX_SHARE_DAYS):
            raise forms.ValidationError(_("A share lasts at most a year."))


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    until = ExpiryField(required=False)
    categories = forms.MultipleChoiceField(
        label=_("Open only"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick what the requester does not need; you cannot add to the request."),
    )

    def __init__(self, *args, asked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices(asked)
        self.fields["categories"].initial = list(asked)

    def expires_at(self) -> dt.datetime:
        return _end_of_day(self.cleaned_data.get("until") or _default_until())


class ShareForm(forms.Form):
    username = forms.CharField(
        label=_("Officer (user name)"),
        required=False,
        max_length=150,
        help_text=_("Share with one officer, or choose an agency below."),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.filter(is_active=True)
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    until = ExpiryField()
    categories = forms.MultipleChoiceField(
        label=_("Also open"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Parts of the record the grantee's own policy does not show."),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices(categories)
        if not categories:
            del self.fields["categories"]

    def clean(self):
        data = super().clean()
        username, agency = data.get("username", "").strip(), data.get("agency")
        if bool(username) == bool(agency):
            raise forms.ValidationError(_("Choose exactly one officer or one agency."))
        if username:
            user = (
                get_user_model()
                .objects.filter(username=username, is_active=True, officer__isnull=False)
                .first()
            )
            if user is None:
                self.add_error("username", _("No active officer has this user name."))
            data["user"] = user
        return data

    def expires_at(self) -> dt.datetime:
        return _end_of_day(self.cleaned_data["until"])
