"""Forms of the sighting, review and alert pages. Validation only: writes live in services."""

from __future__ import annotations

import re
import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.validators import validate_event_time
from foreigners.countries import COUNTRY_CHOICES
from foreigners.forms import RegionChoiceField
from foreigners.models import Foreigner

from .models import Sighting
from .services import MAX_PHOTOS, sighting_regions

SUBMISSION_KEY_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input (https://docs.djangoproject.com/en/stable/topics/http/file-uploads/#uploading-multiple-files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(n)d photos."), params={"n": MAX_PHOTOS}, code="too_many"
            )
        return files


class SightingForm(forms.Form):
    PERSON_KNOWN = "known"
    PERSON_UNKNOWN = "unknown"

    region = RegionChoiceField(label=_("Kelurahan / kecamatan"), queryset=None)
    place = forms.CharField(label=_("Place / address"), max_length=300)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-180,
        max_value=180,
    )
    observed_at = forms.DateTimeField(
        label=_("Time observed"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[validate_event_time],
    )
    # No activity is pre-selected: an unchanged form must not report "work" (it would feed
    # the activity-mismatch rule); the reporter has to choose.
    activity = forms.ChoiceField(
        label=_("Activity"),
        choices=[("", _("— choose the activity —"))] + Sighting.Activity.choices,
    )
    description = forms.CharField(
        label=_("What was seen"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    person = forms.ChoiceField(
        label=_("The person"),
        choices=[
            (PERSON_UNKNOWN, _("Not identified: describe the person")),
            (PERSON_KNOWN, _("A registered foreign national")),
        ],
        widget=forms.RadioSelect,
        initial=PERSON_UNKNOWN,
    )
    foreigner = forms.IntegerField(
        label=_("Registered foreign national (record number)"), required=False, min_value=1
    )
    apparent_nationality = forms.ChoiceField(
        label=_("Apparent nationality"),
        required=False,
        choices=[("", _("Unknown"))] + list(COUNTRY_CHOICES),
    )
    apparent_sex = forms.ChoiceField(
        label=_("Apparent sex"),
        required=False,
        choices=[("", _("Unknown"))] + list(Foreigner.Sex.choices),
    )
    person_count = forms.IntegerField(
        label=_("Number of persons"), min_value=1, max_value=500, initial=1
    )
    unidentified_description = forms.CharField(
        label=_("Description of the person(s)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultiplePhotoField(
        label=_("Photos (up to 5)"),
        required=False,
    )
    # One-time token of this form: a retried POST (weak link, double tap) finds the sighting
    # the first one made instead of making another (reports.services.sighting_submit).
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        regions = sighting_regions(user)
        self.fields["region"].queryset = regions
        if not self.is_bound:
            self.fields["observed_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
            self.fields["submission_key"].initial = secrets.token_urlsafe(24)

    def clean_submission_key(self) -> str:
        # A token this form did not make (tampered, truncated) is no token: a fresh submission.
        key = self.cleaned_data.get("submission_key") or ""
        return key if SUBMISSION_KEY_RE.fullmatch(key) else ""

    def clean(self):
        data = super().clean()
        if data.get("person") == self.PERSON_KNOWN:
            if not data.get("foreigner"):
                self.add_error("foreigner", _("Choose the registered person."))
        else:
            data["foreigner"] = None
        # Everything else about a sighting is checked by reports.services.sighting_submit.
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Sighting.ReviewStatus.VERIFIED, _("Verify")),
            (Sighting.ReviewStatus.DISMISSED, _("Dismiss")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (required to dismiss)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == Sighting.ReviewStatus.DISMISSED
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("Give the reason for dismissing this sighting."))
        return data


class LinkForm(forms.Form):
    foreigner = forms.IntegerField(
        label=_("Registered foreign national (record number)"), min_value=1
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FlagResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
