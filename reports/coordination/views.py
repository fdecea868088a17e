"""Meeting, task, operation and enforcement pages (phone-friendly, Indonesian first).

Thin: records come from the ``visible_*`` selectors (an invisible record answers 404, whatever
the role), a visible record the role may not change answers 403, writes go through
:mod:`reports.coordination.services`, bad input re-renders the form with its messages (400).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import access_for
from agencies.audit import audit_read, shown_rows
from agencies.form_errors import form_errors_add

from ..models import Flag, ReportJob
from ..selectors import visible_flags, visible_sightings, with_person_visibility
from ..services import sighting_fields
from ..tasks import report_job_run
from . import services
from .forms import (
    AttendanceForm,
    DecisionForm,
    EnforcementForm,
    FindingForm,
    MeetingForm,
    MinutesForm,
    NoteForm,
    OperationForm,
    OperationResultForm,
    PackForm,
    ResultForm,
    TaskFilterForm,
    TaskForm,
)
from .models import AgencyTask, JointOperation, MeetingDecision, OperationFinding
from .selectors import (
    can_coordinate,
    task_on_time_rates,
    visible_enforcement_actions,
    visible_meetings,
    visible_operations,
    visible_tasks,
    workable_tasks,
)

LIST_PAGE = 100


def _record_action(request, record, form, form_key, call, done_message, detail, page):
    """A POST on a record's detail page: ``call(record, cleaned_data)`` on valid input, then back
    to the page (``detail``, a URL name) with ``done_message``. Refused input re-renders the
    page (``page``) with 400 and ``form`` under ``form_key``; a plain button (``form`` None) has
    nowhere to show a refusal, so it comes back to the page as a message."""
    if form is None or form.is_valid():
        try:
            call(record, form.cleaned_data if form else {})
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(detail, pk=record.pk)
            form_errors_add(form, exc)
        else:
            messages.success(request, done_message)
            return redirect(detail, pk=record.pk)
    return page(request, record, status=400, **{form_key: form})


def _coordinator(request):
    if not can_coordinate(access_for(request.user)):
        raise PermissionDenied
    return access_for(request.user)


# --- Meetings ----------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request):
    meetings = visible_meetings(request.user).select_related("region", "organiser")[:LIST_PAGE]
    return render(
        request,
        "reports/meeting_list.html",
        {"meetings": meetings, "can_create": can_coordinate(access_for(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    _coordinator(request)
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("The meeting was planned."))
            return redirect("meeting-detail", pk=meeting.pk)
    status = 400 if form.is_bound else 200
    return render(request, "reports/meeting_form.html", {"form": form}, status=status)


def _get_meeting(request, pk: int):
    return get_object_or_404(
        visible_meetings(request.user)
        .select_related("region", "organiser", "created_by")
        .prefetch_related(
            "invited",
            "attendance__agency",
            Prefetch(
                "decisions",
                queryset=MeetingDecision.objects.prefetch_related("tasks__assignee"),
            ),
        ),
        pk=pk,
    )


def _meeting_page(request, meeting, status=200, **forms):
    access = access_for(request.user)
    can_edit = can_coordinate(access) and (
        meeting.organiser_id == access.agency_id or access.in_scope(meeting.region_id)
    )
    return render(
        request,
        "reports/meeting_detail.html",
        {
            "meeting": meeting,
            "can_edit": can_edit,
            "minutes_form": forms.get("minutes_form")
            or MinutesForm(initial={"minutes": meeting.minutes}),
            "attendance_form": forms.get("attendance_form") or AttendanceForm(),
            "decision_form": forms.get("decision_form") or DecisionForm(),
        },
        status=status,
    )


@login_required
@require_GET
def meeting_detail(request, pk: int):
    return _meeting_page(request, _get_meeting(request, pk))


def _meeting_action(request, pk, form_class, form_key, call, done_message):
    meeting = _get_meeting(request, pk)
    return _record_action(
        request,
        meeting,
        form_class(request.POST),
        form_key,
        call,
        done_message,
        "meeting-detail",
        _meeting_page,
    )


def _edit_gate(request, meeting_pk: int) -> None:
    """Visible meeting (else 404) that the user may edit (else 403)."""
    meeting = _get_meeting(request, meeting_pk)
    access = _coordinator(request)
    if meeting.organiser_id != access.agency_id and not access.in_scope(meeting.region_id):
        raise PermissionDenied


@login_required
@require_POST
def meeting_minutes(request, pk: int):
    _edit_gate(request, pk)
    return _meeting_action(
        request,
        pk,
        MinutesForm,
        "minutes_form",
        lambda m, d: services.meeting_minutes_set(
            user=request.user, meeting_id=m.pk, minutes=d["minutes"]
        ),
        _("The minutes were saved."),
    )


@login_required
@require_POST
def meeting_attendance(request, pk: int):
    _edit_gate(request, pk)
    return _meeting_action(
        request,
        pk,
        AttendanceForm,
        "attendance_form",
        lambda m, d: services.meeting_attendance_add(user=request.user, meeting_id=m.pk, **d),
        _("The attendance was recorded."),
    )


@login_required
@require_POST
def meeting_decision(request, pk: int):
    _edit_gate(request, pk)
    return _meeting_action(
        request,
        pk,
        DecisionForm,
        "decision_form",
        lambda m, d: services.meeting_decision_add(user=request.user, meeting_id=m.pk, **d),
        _("The decision was recorded."),
    )


# --- Tasks -------------------------------------------------------------------------------------


@login_required
@require_GET
def task_list(request):
    """The task inbox: tasks given to the user's agency first, then the others they see."""
    access = access_for(request.user)
    form = TaskFilterForm(request.GET or None)
    qs = visible_tasks(request.user).select_related("assignee", "assigned_by", "region")
    state, mine = "", False
    if form.is_valid():
        state, mine = form.cleaned_data.get("state") or "", form.cleaned_data.get("mine")
    if not state:
        qs = qs.filter(state__in=AgencyTask.OPEN_STATES)
    elif state != "all":
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(assignee_id=access.agency_id)
    tasks = list(qs.order_by("due_on", "id")[:LIST_PAGE])
    return render(
        request,
        "reports/task_list.html",
        {
            "form": form,
            "tasks": tasks,
            "my_agency": access.agency_id,
            "can_create": can_coordinate(access),
            "rates": task_on_time_rates(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request):
    _coordinator(request)
    flag = None
    flag_id = request.POST.get("flag") or request.GET.get("flag")
    if flag_id:
        flag = get_object_or_404(
            visible_flags(request.user),
            # at most 18 digits: a bigint; a longer string is no flag (and int() of 100,000
            # digits raises)
            pk=int(flag_id) if str(flag_id).isdigit() and len(str(flag_id)) <= 18 else 0,
        )
    form = TaskForm(request.POST or None, user=request.user, initial={"flag": flag and flag.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                user=request.user,
                title=data["title"],
                description=data.get("description") or "",
                assignee=data["assignee"],
                due_on=data["due_on"],
                region=data.get("region"),
                flag=flag,
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(
                request, _("The task was sent to %(agency)s.") % {"agency": task.assignee}
            )
            return redirect("task-detail", pk=task.pk)
    status = 400 if form.is_bound else 200
    return render(request, "reports/task_form.html", {"form": form, "flag": flag}, status=status)


def _get_task(request, pk: int) -> AgencyTask:
    return get_object_or_404(
        visible_tasks(request.user).select_related(
            "assignee", "assigned_by", "region", "decision__meeting", "flag",
            "acknowledged_by", "closed_by", "created_by",
        ),
        pk=pk,
    )  # fmt: skip


def _task_page(request, task, status=200, **forms):
    return render(
        request,
        "reports/task_detail.html",
        {
            "task": task,
            "can_work": workable_tasks(request.user).filter(pk=task.pk).exists(),
            "flag_visible": bool(task.flag_id)
            and visible_flags(request.user).filter(pk=task.flag_id).exists(),
            "meeting_visible": bool(task.decision_id)
            and visible_meetings(request.user).filter(pk=task.decision.meeting_id).exists(),
            "note_form": forms.get("note_form") or NoteForm(),
            "result_form": forms.get("result_form") or ResultForm(),
        },
        status=status,
    )


@login_required
@require_GET
def task_detail(request, pk: int):
    return _task_page(request, _get_task(request, pk))


def _task_action(request, pk, form_class, form_key, call, done_message):
    task = _get_task(request, pk)
    if not workable_tasks(request.user).filter(pk=task.pk).exists():
        raise PermissionDenied
    form = form_class(request.POST) if form_class else None
    return _record_action(
        request, task, form, form_key, call, done_message, "task-detail", _task_page
    )


@login_required
@require_POST
def task_acknowledge(request, pk: int):
    return _task_action(
        request,
        pk,
        None,
        "",
        lambda t, d: services.task_acknowledge(user=request.user, task_id=t.pk),
        _("Receipt of the task was confirmed."),
    )


@login_required
@require_POST
def task_progress(request, pk: int):
    return _task_action(
        request,
        pk,
        NoteForm,
        "note_form",
        lambda t, d: services.task_progress(user=request.user, task_id=t.pk, note=d["note"]),
        _("The progress was recorded."),
    )


@login_required
@require_POST
def task_close(request, pk: int):
    return _task_action(
        request,
        pk,
        ResultForm,
        "result_form",
        lambda t, d: services.task_close(user=request.user, task_id=t.pk, result=d["result"]),
        _("The task was closed."),
    )


# --- Joint operations --------------------------------------------------------------------------


@login_required
@require_GET
def operation_list(request):
    operations = (
        visible_operations(request.user)
        .select_related("region", "organiser")
        .annotate(finding_count=Count("findings"))[:LIST_PAGE]
    )
    return render(
        request,
        "reports/operation_list.html",
        {"operations": operations, "can_create": can_coordinate(access_for(request.user))},
    )


def _target_choices(request):
    flags = (
        with_person_visibility(visible_flags(request.user), request.user)
        .filter(state__in=Flag.OPEN_STATES)
        .order_by("-severity", "-opened_at")[:50]
    )
    sightings = visible_sightings(request.user).order_by("-observed_at")[:50]
    return (
        [(str(f.pk), f"#{f.pk} {f.rule}") for f in flags],
        [(str(s.pk), f"{s.reference} {s.place}") for s in sightings],
    )


@login_required
@require_http_methods(["GET", "POST"])
def operation_create(request):
    _coordinator(request)
    flag_choices, sighting_choices = _target_choices(request)
    form = OperationForm(
        request.POST or None,
        user=request.user,
        flag_choices=flag_choices,
        sighting_choices=sighting_choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operation = services.operation_create(
                user=request.user,
                title=data["title"],
                operation_date=data["operation_date"],
                region=data["region"],
                order_number=data["order_number"],
                participants=list(data.get("participants") or []),
                flag_ids=[int(x) for x in data.get("flags") or []],
                sighting_ids=[int(x) for x in data.get("sightings") or []],
                addresses=(data.get("addresses") or "").splitlines(),
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("The joint operation was planned."))
            return redirect("operation-detail", pk=operation.pk)
    status = 400 if form.is_bound else 200
    return render(request, "reports/operation_form.html", {"form": form}, status=status)


def _get_operation(request, pk: int) -> JointOperation:
    return get_object_or_404(
        visible_operations(request.user)
        .select_related("region", "organiser", "created_by")
        .prefetch_related("participants"),
        pk=pk,
    )


def _operation_page(request, operation, status=200, result_form=None):
    access = access_for(request.user)
    sightings = visible_sightings(request.user)
    findings = list(
        OperationFinding.objects.filter(operation=operation, sighting__in=sightings)
        .select_related("sighting__region", "sighting__reporting_agency")
        .order_by("id")
    )
    flags = visible_flags(request.user)
    targets = [
        {
            "target": t,
            "visible": (t.kind == "flag" and flags.filter(pk=t.flag_id).exists())
            or (t.kind == "sighting" and sightings.filter(pk=t.sighting_id).exists())
            or t.kind == "address",
        }
        for t in operation.targets.all()
    ]
    # The findings and the visible flag and sighting targets are records shown (by reference).
    shown_targets = [row["target"] for row in targets if row["visible"]]
    audit_read(
        request,
        shown={
            "jointoperation": [operation.pk],
            "sighting": [f.sighting_id for f in findings]
            + [t.sighting_id for t in shown_targets if t.kind == "sighting"],
            "flag": [t.flag_id for t in shown_targets if t.kind == "flag"],
        },
    )
    return render(
        request,
        "reports/operation_detail.html",
        {
            "operation": operation,
            "findings": findings,
            "hidden_findings": operation.findings.count() - len(findings),
            "targets": targets,
            "can_record": services.can_record_findings(request.user, operation),
            "can_complete": can_coordinate(access)
            and operation.organiser_id == access.agency_id
            and operation.state == JointOperation.State.PLANNED,
            "result_form": result_form or OperationResultForm(),
        },
        status=status,
    )


@login_required
@require_GET
def operation_detail(request, pk: int):
    return _operation_page(request, _get_operation(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def operation_finding(request, pk: int):
    """Record a finding from a phone during the operation (the sighting form, in its area)."""
    operation = _get_operation(request, pk)
    if not services.can_record_findings(request.user, operation):
        raise PermissionDenied
    form = FindingForm(
        request.POST or None, request.FILES or None, user=request.user, operation=operation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.operation_finding_record(
                user=request.user,
                operation_id=operation.pk,
                **sighting_fields(data),
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("The finding was recorded."))
            return redirect("operation-detail", pk=operation.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "reports/operation_finding_form.html",
        {"form": form, "operation": operation},
        status=status,
    )


@login_required
@require_POST
def operation_complete(request, pk: int):
    operation = _get_operation(request, pk)
    access = _coordinator(request)
    if operation.organiser_id != access.agency_id:
        raise PermissionDenied
    return _record_action(
        request,
        operation,
        OperationResultForm(request.POST),
        "result_form",
        lambda o, d: services.operation_complete(user=request.user, operation_id=o.pk, **d),
        _("The results were recorded."),
        "operation-detail",
        _operation_page,
    )


# --- Enforcement actions (TAK) -----------------------------------------------------------------


def _enforcement_shown(actions) -> dict[str, list[int]]:
    """The actions and the people they name where the name is shown (``person_visible``)."""
    return {
        "enforcementaction": [a.pk for a in actions],
        "foreigner": [a.foreigner_id for a in actions if getattr(a, "person_visible", False)],
    }


@login_required
@require_GET
def enforcement_list(request):
    actions = list(
        with_person_visibility(
            visible_enforcement_actions(request.user).select_related("foreigner", "agency"),
            request.user,
        )[:LIST_PAGE]
    )
    audit_read(request, shown=_enforcement_shown(actions))
    return render(
        request,
        "reports/enforcement_list.html",
        {"actions": actions, "can_create": services.can_record_enforcement(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enforcement_create(request):
    if not services.can_record_enforcement(request.user):
        raise PermissionDenied
    initial = {}
    if (person := request.GET.get("foreigner", "")).isdigit():
        initial["foreigner"] = int(person)
    form = EnforcementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.enforcement_action_record(
                user=request.user,
                foreigner_id=data["foreigner"],
                kind=data["kind"],
                legal_basis=data.get("legal_basis") or "",
                case_review_on=data["case_review_on"],
                decided_on=data["decided_on"],
                decision=data["decision"],
                overstay_days=data.get("overstay_days"),
                flag_ids=data.get("flags") or [],
                finding_ids=data.get("findings") or [],
                region=data.get("region"),
                effective_until=data.get("effective_until"),
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("The enforcement action was recorded."))
            return redirect("enforcement-detail", pk=action.pk)
    status = 400 if form.is_bound else 200
    return render(request, "reports/enforcement_form.html", {"form": form}, status=status)


@login_required
@require_GET
def enforcement_detail(request, pk: int):
    action = get_object_or_404(
        with_person_visibility(
            visible_enforcement_actions(request.user), request.user
        ).select_related("foreigner", "agency", "created_by"),
        pk=pk,
    )
    flags = list(visible_flags(request.user).filter(enforcement_actions=action))
    findings = list(visible_sightings(request.user).filter(enforcement_actions=action))
    audit_read(request, shown={**_enforcement_shown([action]), **shown_rows(flags, findings)})
    return render(
        request,
        "reports/enforcement_detail.html",
        {"action": action, "flags": flags, "findings": findings},
    )


# --- The meeting pack --------------------------------------------------------------------------


def _last_quarter() -> dict:
    today = timezone.localdate()
    first_of_quarter = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    end = first_of_quarter - dt.timedelta(days=1)
    start = end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1)
    return {"start": start, "end": end}


@login_required
@require_http_methods(["GET", "POST"])
def pack_create(request):
    """One click: a Celery task builds the PDF and XLSX; the job page shows the progress bar."""
    access = access_for(request.user)
    if not access.is_active:
        raise PermissionDenied
    form = PackForm(request.POST or None, user=request.user, initial=_last_quarter())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = ReportJob.objects.create(
            user=request.user,
            kind=ReportJob.Kind.PACK,
            params={
                "region": data["region"].code,
                "start": data["start"].isoformat(),
                "end": data["end"].isoformat(),
            },
        )
        transaction.on_commit(lambda: report_job_run.delay(job.pk))
        return redirect("report-job", pk=job.pk)
    status = 400 if form.is_bound else 200
    return render(request, "reports/pack_form.html", {"form": form}, status=status)
