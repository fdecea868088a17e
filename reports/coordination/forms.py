"""Forms of the meeting, task, operation and enforcement pages. Validation only: writes live in
:mod:`reports.coordination.services`, which re-checks everything."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.access import access_for
from agencies.models import Agency, Region, region_prefix_q
from foreigners.forms import RegionChoiceField

from ..forms import SightingForm
from .models import AgencyTask, EnforcementAction, JointOperation, Meeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def scope_regions(user, levels):
    access = access_for(user)
    return Region.objects.filter(access.region_q("code"), level__in=levels).order_by("code")


def member_agencies():
    return Agency.objects.filter(is_active=True).order_by("name")


class MeetingForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Meeting.Level.choices)
    region = RegionChoiceField(label=_("Area"), queryset=None)
    held_at = forms.DateTimeField(
        label=_("Date and time"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    venue = forms.CharField(label=_("Venue"), max_length=200)
    chair = forms.CharField(label=_("Chair"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("Invited agencies"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_regions(
            user, [Region.Level.PROVINCE, Region.Level.KOTA, Region.Level.KABUPATEN,
                   Region.Level.KECAMATAN]
        )  # fmt: skip
        self.fields["invited"].queryset = member_agencies()


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )


class AttendanceForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    person = forms.CharField(label=_("Name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = member_agencies()


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    task_assignee = forms.ModelChoiceField(
        label=_("Follow-up task for"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for a decision without a task."),
    )
    task_title = forms.CharField(label=_("Task"), max_length=200, required=False)
    task_due_on = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_assignee"].queryset = member_agencies()


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=None)
    region = RegionChoiceField(label=_("Area"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)
    flag = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = member_agencies()
        self.fields["region"].queryset = scope_regions(user, Region.Level.values)


class TaskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Not closed")), ("all", _("All"))] + list(AgencyTask.State.choices),
    )
    mine = forms.BooleanField(label=_("Only tasks for my agency"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResultForm(forms.Form):
    result = forms.CharField(
        label=_("Result"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OperationForm(forms.Form):
    title = forms.CharField(label=_("Name"), max_length=200)
    operation_date = forms.DateField(label=_("Date"), widget=DATE)
    region = RegionChoiceField(label=_("Area (kecamatan or kelurahan)"), queryset=None)
    order_number = forms.CharField(label=_("Supervision order number"), max_length=60)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating agencies"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    flags = forms.MultipleChoiceField(
        label=_("Targets: open flags"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sightings = forms.MultipleChoiceField(
        label=_("Targets: sightings"), required=False, widget=forms.CheckboxSelectMultiple
    )
    addresses = forms.CharField(
        label=_("Targets: addresses (one per line)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, flag_choices=(), sighting_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_regions(
            user, [Region.Level.KECAMATAN, Region.Level.KELURAHAN]
        )
        self.fields["participants"].queryset = member_agencies()
        self.fields["flags"].choices = list(flag_choices)
        self.fields["sightings"].choices = list(sighting_choices)


class OperationResultForm(forms.Form):
    persons_checked = forms.IntegerField(label=_("Persons checked"), min_value=0)
    violations_found = forms.IntegerField(label=_("Violations found"), min_value=0)
    actions_taken = forms.IntegerField(label=_("Actions taken"), min_value=0)
    result_summary = forms.CharField(
        label=_("Result summary"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )


class EnforcementForm(forms.Form):
    foreigner = forms.IntegerField(label=_("Foreign national (register number)"))
    kind = forms.ChoiceField(label=_("Action"), choices=EnforcementAction.Kind.choices)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("Empty: the article of the chosen action."),
    )
    case_review_on = forms.DateField(label=_("Case review (gelar kasus) date"), widget=DATE)
    decided_on = forms.DateField(label=_("Decision date"), widget=DATE)
    decision = forms.CharField(
        label=_("Decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    overstay_days = forms.IntegerField(label=_("Days overstayed"), min_value=1, required=False)
    region = RegionChoiceField(
        label=_("Place concerned (ban from places, order to reside)"),
        queryset=Region.objects.filter(
            level__in=[Region.Level.KECAMATAN, Region.Level.KELURAHAN]
        ).order_by("code"),
        required=False,
    )
    effective_until = forms.DateField(label=_("In force until"), widget=DATE, required=False)
    flags = forms.CharField(
        label=_("Linked flags (numbers, comma-separated)"), required=False, max_length=500
    )
    findings = forms.CharField(
        label=_("Linked sightings (numbers, comma-separated)"), required=False, max_length=500
    )

    def _ids(self, name):
        raw = self.cleaned_data.get(name) or ""
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if any(not p.isdigit() for p in parts):
            raise forms.ValidationError(_("Give numbers separated by commas."))
        return [int(p) for p in parts]

    def clean_flags(self):
        return self._ids("flags")

    def clean_findings(self):
        return self._ids("findings")


class FindingForm(SightingForm):
    """A finding from the field: the sighting form, with places inside the operation's area."""

    def __init__(self, *args, operation: JointOperation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(
            region_prefix_q("code", operation.region_id)
        )


class PackForm(forms.Form):
    region = RegionChoiceField(label=_("Area"), queryset=None)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope_regions(
            user,
            [Region.Level.PROVINCE, Region.Level.KOTA, Region.Level.KABUPATEN,
             Region.Level.KECAMATAN],
        )  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        if start and end and (end - start).days > 366:
            self.add_error("end", _("Choose a period of at most one year."))
        return data
