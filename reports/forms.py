"""Forms of the sighting, review and alert pages. Validation only: writes live in services."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.choices import FixedSelect
from agencies.models import Region
from agencies.validators import validate_date_in_range, validate_event_time
from foreigners.countries import COUNTRY_UNKNOWN_CHOICES
from foreigners.forms import RegionChoiceField, kecamatan_choices, regions_in_scope
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
        choices=COUNTRY_UNKNOWN_CHOICES,
        widget=FixedSelect,
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


class AreaChoiceField(forms.ChoiceField):
    """A kecamatan from the choices, or a kelurahan inside one of them (a dashboard figure of a
    kelurahan drills down to the lists with that kelurahan: codes are materialised paths)."""

    def valid_value(self, value):
        if super().valid_value(value):
            return True
        value = str(value)
        kecamatan = value[:8]
        return (
            len(value) == 13
            and super().valid_value(kecamatan)
            and Region.objects.filter(code=value, level=Region.Level.KELURAHAN).exists()
        )


class PeriodAreaForm(forms.Form):
    """Period and area filters shared by the alert and sighting lists and the dashboard, so a
    dashboard figure's link lands on the list with the same period and area."""

    # date: when the alert opened / the sighting was observed (no personal data)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    date_to = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    # category residence (a person's kecamatan) / sighting (where it was seen): the field is
    # removed for a user who may not read it (see __init__)
    kecamatan = AreaChoiceField(label=_("Kecamatan"), required=False)

    def __init__(self, *args, user, area: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # ISO values whatever the language: <input type=date> accepts nothing else.
        for name in ("date_from", "date_to"):
            self.fields[name].widget.format = "%Y-%m-%d"
        if area:
            self.fields["kecamatan"].choices = [("", _("Any")), *kecamatan_choices(user)]
        else:
            del self.fields["kecamatan"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


# The dashboard's default period (its 12-week chart) and its longest one.
DASHBOARD_WEEKS = 12
DASHBOARD_MAX_DAYS = 366


def _default_start(end: dt.date) -> dt.date:
    """The first day of the default period ending on ``end``: DASHBOARD_WEEKS weeks."""
    return end - dt.timedelta(weeks=DASHBOARD_WEEKS, days=-1)


class DashboardForm(PeriodAreaForm):
    """The dashboard's period (default: the last twelve weeks, at most a year, ending at the
    latest today) and area (a kecamatan of the user's scope, and optionally one of its
    kelurahan; a camat's scope is their own kecamatan). ``period`` and ``area`` are what every
    figure is computed for: the defaults while the form has errors."""

    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False)

    def __init__(self, *args, user, area: bool, **kwargs):
        super().__init__(*args, user=user, area=area, **kwargs)
        self.today = timezone.localdate()
        if not area:
            del self.fields["kelurahan"]
            return
        choices = [("", _("Any"))]
        kecamatan = self.data.get("kecamatan") or ""
        if kecamatan and self.fields["kecamatan"].valid_value(kecamatan):
            choices += [
                (r.code, f"{r.name} ({r.code})")
                for r in regions_in_scope(user, levels=[Region.Level.KELURAHAN]).filter(
                    code__startswith=f"{kecamatan[:8]}."
                )
            ]
        self.fields["kelurahan"].choices = choices

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if end and end > self.today:
            self.add_error("date_to", _("The period cannot end after today."))
        end = end or self.today
        if start and start <= end and (end - start).days >= DASHBOARD_MAX_DAYS:
            self.add_error(
                "date_from",
                _("A period spans at most %(days)s days.") % {"days": DASHBOARD_MAX_DAYS},
            )
        return data

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("date_to") or self.today
        start = data.get("date_from") or _default_start(end)
        if (end - start).days >= DASHBOARD_MAX_DAYS:
            start = end - dt.timedelta(days=DASHBOARD_MAX_DAYS - 1)
        return start, end

    @property
    def area(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("kelurahan") or data.get("kecamatan") or ""

    @property
    def is_default(self) -> bool:
        """Whether this is the default view: the default period, no area (kept warm by
        reports.dashboard_cache)."""
        return not self.area and self.period == (_default_start(self.today), self.today)


class FlagResolveForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
