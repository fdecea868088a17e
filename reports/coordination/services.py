"""Writes of the coordination loop: flag → task → operation → finding → action.

Each service runs in one transaction, checks who may do it with the same policy the selectors
use, and raises ``ValidationError`` (field by field) for bad input and ``PermissionDenied`` for a
forbidden act. Notifications go through :func:`agencies.services.notification_send`; their text
names the task or operation only (never a person), so what each recipient reads is what the
task page itself shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Unpack

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from agencies.access import Category, access_for
from agencies.models import Agency, Officer, Region
from agencies.services import notification_send
from foreigners.models import Foreigner
from foreigners.selectors import visible_foreigners

from ..models import Flag, RuleSettings, Sighting
from ..selectors import visible_flags, visible_sightings
from ..services import SightingFields, sighting_submit
from .models import (
    AgencyTask,
    EnforcementAction,
    JointOperation,
    Meeting,
    MeetingAttendance,
    MeetingDecision,
    OperationFinding,
    OperationTarget,
)
from .selectors import (
    can_coordinate,
    visible_meetings,
    visible_operations,
    workable_tasks,
)

# Notification kinds (the notification centre lists them by kind).
KIND_TASK_ASSIGNED = "task.assigned"
KIND_TASK_REMINDER = "task.reminder"
KIND_TASK_OVERDUE = "task.overdue"
KIND_OPERATION_PLANNED = "operation.planned"


def _require_coordinator(user):
    access = access_for(user)
    if not can_coordinate(access):
        raise PermissionDenied(_("Only a Kanim supervisor may do this."))
    return access


def _region_in_scope(access, region: Region | None, field: str = "region") -> None:
    if region is None or not access.in_scope(region.code):
        raise ValidationError({field: _("Choose an area inside your own jurisdiction.")})


def _active_agencies(agencies: Iterable[Agency], field: str) -> list[Agency]:
    agencies = list(agencies)
    if any(not a.is_active for a in agencies):
        raise ValidationError({field: _("Choose active member agencies only.")})
    return agencies


def _agency_users(agency_ids, *, supervisors_only: bool = False):
    officers = Officer.objects.filter(
        agency_id__in=list(agency_ids), agency__is_active=True, user__is_active=True
    )
    if supervisors_only:
        officers = officers.filter(role=Officer.Role.SUPERVISOR)
    return get_user_model().objects.filter(pk__in=officers.values("user_id")).order_by("pk")


# --- Meetings ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    user,
    level: str,
    region: Region,
    held_at: dt.datetime,
    venue: str,
    chair: str,
    agenda: str,
    invited: Sequence[Agency] = (),
) -> Meeting:
    """Plan a Timpora meeting in the organiser's jurisdiction and invite member agencies."""
    access = _require_coordinator(user)
    _region_in_scope(access, region)
    if level not in Meeting.Level.values:
        raise ValidationError({"level": _("Choose a level.")})
    meeting = Meeting(
        level=level,
        region=region,
        held_at=held_at,
        venue=venue.strip(),
        chair=chair.strip(),
        agenda=agenda.strip(),
        organiser_id=access.agency_id,
        created_by=user,
    )
    meeting.full_clean(exclude=["organiser", "created_by", "region"])
    meeting.save()
    meeting.invited.set(_active_agencies(invited, "invited"))
    return meeting


def _meeting_for_update(user, meeting_id: int) -> Meeting:
    access = _require_coordinator(user)
    meeting = visible_meetings(user).select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        raise PermissionDenied(_("You may not change this meeting."))
    if meeting.organiser_id != access.agency_id and not access.in_scope(meeting.region_id):
        raise PermissionDenied(_("You may not change this meeting."))
    return meeting


@transaction.atomic
def meeting_minutes_set(*, user, meeting_id: int, minutes: str) -> Meeting:
    meeting = _meeting_for_update(user, meeting_id)
    meeting.minutes = (minutes or "").strip()
    meeting.full_clean(exclude=["organiser", "created_by", "region"])
    meeting.save(update_fields=["minutes", "updated_at"])
    return meeting


@transaction.atomic
def meeting_attendance_add(
    *, user, meeting_id: int, agency: Agency, person: str, position: str = ""
) -> MeetingAttendance:
    meeting = _meeting_for_update(user, meeting_id)
    person = (person or "").strip()
    if not person:
        raise ValidationError({"person": _("Give the name of the person present.")})
    if MeetingAttendance.objects.filter(meeting=meeting, agency=agency, person=person).exists():
        raise ValidationError({"person": _("This person is already on the attendance list.")})
    row = MeetingAttendance(
        meeting=meeting, agency=agency, person=person, position=(position or "").strip()
    )
    row.full_clean(exclude=["meeting", "agency"])
    row.save()
    return row


@transaction.atomic
def meeting_decision_add(
    *,
    user,
    meeting_id: int,
    text: str,
    task_assignee: Agency | None = None,
    task_title: str = "",
    task_due_on: dt.date | None = None,
) -> MeetingDecision:
    """Record a decision of the meeting and, when an assignee is given, the follow-up task it
    creates (same transaction: a decision is never half-recorded)."""
    meeting = _meeting_for_update(user, meeting_id)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the decision.")})
    wants_task = task_assignee is not None or task_title.strip() or task_due_on is not None
    if wants_task:
        errors = {}
        if task_assignee is None:
            errors["task_assignee"] = _("Choose the agency that carries out the task.")
        if task_due_on is None:
            errors["task_due_on"] = _("Give the due date of the task.")
        if errors:
            raise ValidationError(errors)
    number = (
        meeting.decisions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    decision = MeetingDecision(meeting=meeting, number=number, text=text)
    decision.full_clean(exclude=["meeting"])
    decision.save()
    if wants_task:
        task_create(
            user=user,
            title=task_title.strip() or text[:200],
            description=text,
            assignee=task_assignee,
            due_on=task_due_on,
            region=meeting.region,
            decision=decision,
        )
    return decision


# --- Tasks between agencies ---------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    user,
    title: str,
    assignee: Agency,
    due_on: dt.date,
    region: Region | None = None,
    description: str = "",
    decision: MeetingDecision | None = None,
    flag: Flag | None = None,
) -> AgencyTask:
    """Give a task to a member agency: from a meeting decision, from a flag the giver sees
    (the area is the flagged person's or sighting's), or by hand. The assignee's officers are
    notified once the task commits."""
    access = _require_coordinator(user)
    if flag is not None:
        if not visible_flags(user).filter(pk=flag.pk).exists():
            raise ValidationError({"flag": _("Choose a flag you can see.")})
        region = region or _flag_region(flag)
    errors = {}
    if assignee is None or not assignee.is_active:
        errors["assignee"] = _("Choose an active member agency.")
    if due_on is None:
        errors["due_on"] = _("Give a due date.")
    elif due_on < timezone.localdate():
        errors["due_on"] = _("The due date cannot be in the past.")
    if region is None or not access.in_scope(region.code):
        errors["region"] = _("Choose an area inside your own jurisdiction.")
    if errors:
        raise ValidationError(errors)
    origin = (
        AgencyTask.Origin.DECISION
        if decision
        else AgencyTask.Origin.FLAG
        if flag
        else AgencyTask.Origin.MANUAL
    )
    task = AgencyTask(
        title=(title or "").strip(),
        description=(description or "").strip(),
        origin=origin,
        decision=decision,
        flag=flag,
        region=region,
        assignee=assignee,
        assigned_by_id=access.agency_id,
        created_by=user,
        due_on=due_on,
    )
    task.full_clean(exclude=["decision", "flag", "region", "assignee", "assigned_by", "created_by"])
    task.save()
    recipients = _agency_users([assignee.pk])
    url = reverse("task-detail", args=[task.pk])
    transaction.on_commit(
        lambda: notification_send(
            recipients=recipients,
            kind=KIND_TASK_ASSIGNED,
            title=_task_text(
                gettext_noop("New task for your agency: %(title)s (due %(due)s)"), task
            ),
            url=url,
        )
    )
    return task


def _flag_region(flag: Flag) -> Region | None:
    code = None
    if flag.sighting_id:
        code = Sighting.objects.filter(pk=flag.sighting_id).values_list("region", flat=True).first()
    if code is None and flag.foreigner_id:
        code = (
            Foreigner.objects.filter(pk=flag.foreigner_id)
            .values_list("residence_region", flat=True)
            .first()
        )
    return Region.objects.filter(pk=code).first() if code else None


def _task_text(template: str, task: AgencyTask) -> str:
    """Notification titles are stored text: written in the portal's default language
    (Indonesian), as the other alerts are."""
    with override(settings.LANGUAGE_CODE):
        return _(template) % {"title": task.title, "due": task.due_on.strftime("%d-%m-%Y")}


def _task_for_work(user, task_id: int) -> AgencyTask:
    task = workable_tasks(user).select_for_update().filter(pk=task_id).first()
    if task is None:
        raise PermissionDenied(_("This task is not given to your agency."))
    return task


@transaction.atomic
def task_acknowledge(*, user, task_id: int) -> AgencyTask:
    """The assignee confirms receipt: the receipt time and who acknowledged are kept. Idempotent
    (the first receipt stands)."""
    task = _task_for_work(user, task_id)
    if task.state == AgencyTask.State.CLOSED:
        raise ValidationError(_("This task is already closed."))
    if task.state == AgencyTask.State.OPEN:
        task.state = AgencyTask.State.ACKNOWLEDGED
        task.acknowledged_at = timezone.now()
        task.acknowledged_by = user
        task.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    return task


@transaction.atomic
def task_progress(*, user, task_id: int, note: str) -> AgencyTask:
    """Record how the work is going (acknowledges the task if it was not yet)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what has been done so far.")})
    task = task_acknowledge(user=user, task_id=task_id)
    stamp = timezone.localtime().strftime("%d-%m-%Y %H:%M")
    task.progress_note = f"{task.progress_note}\n[{stamp}] {note}".strip()[:4000]
    task.save(update_fields=["progress_note"])
    return task


@transaction.atomic
def task_close(*, user, task_id: int, result: str) -> AgencyTask:
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Say what the result of the task is.")})
    task = task_acknowledge(user=user, task_id=task_id)
    task.state = AgencyTask.State.CLOSED
    task.closed_at = max(timezone.now(), task.acknowledged_at)
    task.closed_by = user
    task.result = result
    task.full_clean(exclude=["decision", "flag", "region", "assignee", "assigned_by", "created_by"])
    task.save(update_fields=["state", "closed_at", "closed_by", "result"])
    return task


def tasks_remind(*, now: dt.datetime | None = None) -> int:
    """Remind the assignee's officers of each open task due within
    ``TASK_REMINDER_DAYS`` days. Each task is reminded once: the claim is a compare-and-swap on
    ``reminded_at`` under ``SKIP LOCKED``, so overlapping runs never send twice. Returns the
    number of tasks reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=settings.TASK_REMINDER_DAYS)
    with transaction.atomic():
        tasks = list(
            AgencyTask.objects.select_for_update(skip_locked=True)
            .filter(
                state__in=AgencyTask.OPEN_STATES,
                reminded_at__isnull=True,
                due_on__gte=today,
                due_on__lte=horizon,
            )
            .order_by("pk")
        )
        AgencyTask.objects.filter(pk__in=[t.pk for t in tasks]).update(reminded_at=now)
        for task in tasks:
            notification_send(
                recipients=_agency_users([task.assignee_id]),
                kind=KIND_TASK_REMINDER,
                title=_task_text(gettext_noop("Reminder: task due %(due)s: %(title)s"), task),
                url=reverse("task-detail", args=[task.pk]),
            )
    return len(tasks)


def tasks_escalate(*, now: dt.datetime | None = None) -> int:
    """Escalate each task still open after its due date (WITA) to the supervisors of the
    assignee and of the agency that gave it (the Kanim). Once per task, claimed like
    :func:`tasks_remind`. Returns the number of tasks escalated."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        tasks = list(
            AgencyTask.objects.select_for_update(skip_locked=True)
            .filter(state__in=AgencyTask.OPEN_STATES, escalated_at__isnull=True, due_on__lt=today)
            .order_by("pk")
        )
        AgencyTask.objects.filter(pk__in=[t.pk for t in tasks]).update(escalated_at=now)
        for task in tasks:
            notification_send(
                recipients=_agency_users(
                    {task.assignee_id, task.assigned_by_id}, supervisors_only=True
                ),
                kind=KIND_TASK_OVERDUE,
                title=_task_text(gettext_noop("Overdue task (due %(due)s): %(title)s"), task),
                url=reverse("task-detail", args=[task.pk]),
            )
    return len(tasks)


# --- Joint operations --------------------------------------------------------------------------


@transaction.atomic
def operation_create(
    *,
    user,
    title: str,
    operation_date: dt.date,
    region: Region,
    order_number: str,
    participants: Sequence[Agency] = (),
    flag_ids: Sequence[int] = (),
    sighting_ids: Sequence[int] = (),
    addresses: Sequence[str] = (),
) -> JointOperation:
    """Plan a joint operation in a kecamatan or kelurahan of the organiser's jurisdiction, under
    a written supervision order, with its targets: open flags and sightings the planner sees,
    and addresses. Participants are notified on commit."""
    access = _require_coordinator(user)
    _region_in_scope(access, region)
    errors = {}
    if region.level not in (Region.Level.KECAMATAN, Region.Level.KELURAHAN):
        errors["region"] = _("Choose a kecamatan or a kelurahan.")
    order_number = (order_number or "").strip()
    if not order_number:
        errors["order_number"] = _("Give the number of the written supervision order.")
    elif JointOperation.objects.filter(
        organiser_id=access.agency_id, order_number=order_number
    ).exists():
        errors["order_number"] = _("Another operation already uses this order number.")
    flags = list(visible_flags(user).filter(pk__in=list(flag_ids), state__in=Flag.OPEN_STATES))
    if len(flags) != len(set(flag_ids)):
        errors["flags"] = _("Choose open flags you can see.")
    sightings = list(visible_sightings(user).filter(pk__in=list(sighting_ids)))
    if len(sightings) != len(set(sighting_ids)):
        errors["sightings"] = _("Choose sightings you can see.")
    if errors:
        raise ValidationError(errors)
    operation = JointOperation(
        title=(title or "").strip(),
        operation_date=operation_date,
        region=region,
        order_number=order_number,
        organiser_id=access.agency_id,
        created_by=user,
    )
    operation.full_clean(exclude=["organiser", "created_by", "region"])
    operation.save()
    participants = _active_agencies(participants, "participants")
    operation.participants.set(participants)
    OperationTarget.objects.bulk_create(
        [OperationTarget(operation=operation, kind="flag", flag=f) for f in flags]
        + [OperationTarget(operation=operation, kind="sighting", sighting=s) for s in sightings]
        + [
            OperationTarget(operation=operation, kind="address", address=a.strip()[:300])
            for a in addresses
            if a.strip()
        ]
    )
    recipients = _agency_users([a.pk for a in participants])
    url = reverse("operation-detail", args=[operation.pk])
    with override(settings.LANGUAGE_CODE):
        title_text = _("Joint operation on %(date)s: %(title)s") % {
            "date": operation_date.strftime("%d-%m-%Y"),
            "title": operation.title,
        }
    transaction.on_commit(
        lambda: notification_send(
            recipients=recipients, kind=KIND_OPERATION_PLANNED, title=title_text, url=url
        )
    )
    return operation


def can_record_findings(user, operation: JointOperation) -> bool:
    """Officers of the organiser or a participating agency, and the camat of the area, who may
    submit sightings, record findings of a planned operation."""
    access = access_for(user)
    if access.agency_id is None or not access.can_write(Category.SIGHTING):
        return False
    if operation.state != JointOperation.State.PLANNED:
        return False
    if operation.organiser_id == access.agency_id:
        return True
    if operation.participants.filter(pk=access.agency_id).exists():
        return True
    return access.agency_kind == Agency.Kind.KECAMATAN and access.in_scope(operation.region_id)


@transaction.atomic
def operation_finding_record(
    *, user, operation_id: int, **fields: Unpack[SightingFields]
) -> OperationFinding:
    """Record a finding from the field: a sighting submitted through
    :func:`reports.services.sighting_submit` (its rules and checks run: the place must be in the
    reporter's area, photos are cleaned, the sighting rules run on commit), linked to the
    operation. The place must also lie inside the operation's area."""
    operation = visible_operations(user).select_for_update().filter(pk=operation_id).first()
    if operation is None or not can_record_findings(user, operation):
        raise PermissionDenied(_("You may not record findings for this operation."))
    area = operation.region_id
    region = fields["region"]
    if region is None or not (region.code == area or region.code.startswith(area + ".")):
        raise ValidationError({"region": _("Choose a place inside the operation's area.")})
    sighting = sighting_submit(reporter=user, **fields)
    return OperationFinding.objects.create(operation=operation, sighting=sighting)


@transaction.atomic
def operation_complete(
    *,
    user,
    operation_id: int,
    persons_checked: int,
    violations_found: int,
    actions_taken: int,
    result_summary: str,
) -> JointOperation:
    """Record the results of the operation (persons checked, violations found, actions taken
    and a summary); the operation stops taking findings."""
    access = _require_coordinator(user)
    operation = visible_operations(user).select_for_update().filter(pk=operation_id).first()
    if operation is None or operation.organiser_id != access.agency_id:
        raise PermissionDenied(_("Only the organising agency records the results."))
    errors = {}
    for name, value in (
        ("persons_checked", persons_checked),
        ("violations_found", violations_found),
        ("actions_taken", actions_taken),
    ):
        if value is None or value < 0:
            errors[name] = _("Give a number (0 or more).")
    if not errors and violations_found > persons_checked:
        errors["violations_found"] = _("More violations than persons checked.")
    if not (result_summary or "").strip():
        errors["result_summary"] = _("Write a summary of the results.")
    if errors:
        raise ValidationError(errors)
    operation.persons_checked = persons_checked
    operation.violations_found = violations_found
    operation.actions_taken = actions_taken
    operation.result_summary = result_summary.strip()
    operation.state = JointOperation.State.DONE
    operation.completed_at = timezone.now()
    operation.full_clean(exclude=["organiser", "created_by", "region"])
    operation.save()
    return operation


# --- Enforcement actions (TAK) -----------------------------------------------------------------


def can_record_enforcement(user) -> bool:
    access = access_for(user)
    return access.agency_id is not None and access.can_write(Category.ENFORCEMENT)


@transaction.atomic
def enforcement_action_record(
    *,
    user,
    foreigner_id: int,
    kind: str,
    case_review_on: dt.date,
    decided_on: dt.date,
    decision: str,
    legal_basis: str = "",
    overstay_days: int | None = None,
    fine_amount: int | None = None,
    flag_ids: Sequence[int] = (),
    finding_ids: Sequence[int] = (),
    region: Region | None = None,
    effective_until: dt.date | None = None,
) -> EnforcementAction:
    """Record a TAK decided after a case review, against a person the recorder sees, linked to
    flags and findings (sightings) the recorder sees. The legal basis defaults to the article of
    the action (UU 6/2011 Art. 75(2), Art. 78(1) for the overstay fee)."""
    if not can_record_enforcement(user):
        raise PermissionDenied(_("Your agency may not record enforcement actions."))
    access = access_for(user)
    foreigner = visible_foreigners(user).filter(pk=foreigner_id).first()
    errors = {}
    if foreigner is None:
        errors["foreigner"] = _("Choose a person from the register.")
    if kind not in EnforcementAction.Kind.values:
        errors["kind"] = _("Choose an action.")
    if case_review_on and decided_on and decided_on < case_review_on:
        errors["decided_on"] = _("The decision cannot come before the case review.")
    if decided_on and decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    if not (decision or "").strip():
        errors["decision"] = _("Write the decision.")
    place_kinds = (EnforcementAction.Kind.PLACE_BAN, EnforcementAction.Kind.RESIDENCE_ORDER)
    if kind in place_kinds and region is None:
        errors["region"] = _("Name the kecamatan or kelurahan the action concerns.")
    if effective_until and decided_on and effective_until < decided_on:
        errors["effective_until"] = _("The action cannot end before it was decided.")
    if kind == EnforcementAction.Kind.OVERSTAY_FINE:
        if not overstay_days or overstay_days < 1:
            errors["overstay_days"] = _("Give the number of days overstayed.")
        elif fine_amount is None:
            per_day = _overstay_fine_per_day()
            fine_amount = overstay_days * per_day
    flags = list(visible_flags(user).filter(pk__in=list(flag_ids)))
    if len(flags) != len(set(flag_ids)):
        errors["flags"] = _("Choose flags you can see.")
    findings = list(visible_sightings(user).filter(pk__in=list(finding_ids)))
    if len(findings) != len(set(finding_ids)):
        errors["findings"] = _("Choose sightings you can see.")
    if errors:
        raise ValidationError(errors)
    action = EnforcementAction(
        foreigner=foreigner,
        kind=kind,
        legal_basis=(legal_basis or "").strip() or EnforcementAction.LEGAL_BASIS[kind],
        case_review_on=case_review_on,
        decided_on=decided_on,
        decision=decision.strip(),
        overstay_days=overstay_days if kind == EnforcementAction.Kind.OVERSTAY_FINE else None,
        fine_amount=fine_amount if kind == EnforcementAction.Kind.OVERSTAY_FINE else None,
        agency_id=access.agency_id,
        created_by=user,
        region=region,
        effective_until=effective_until,
    )
    action.full_clean(exclude=["foreigner", "agency", "created_by", "region"])
    action.save()
    action.flags.set(flags)
    action.findings.set(findings)
    return action


def _overstay_fine_per_day() -> int:
    return RuleSettings.load().overstay_fine_per_day
