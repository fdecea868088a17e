"""Reads of meetings, tasks, operations and enforcement actions, already scoped by the policy.

Who sees what (DESIGN.md §1, issue 12):
- an agency sees the meetings it organised or was invited to, the tasks it gave or was given,
  the operations it organised or takes part in;
- an agency that supervises its whole area — the policy opens *every* flag in its scope to it
  (Kanim, Kanwil, camat under the default policy) — also sees every meeting, task and operation
  located in its scope: a camat sees those of their kecamatan;
- enforcement actions (TAK): the policy's ``enforcement`` category AND the person is visible.
The system admin sees everything; an account without an active agency sees nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from agencies.access import Access, Category, access_for
from agencies.models import region_prefix_q
from foreigners.selectors import visible_foreigners

from .models import AgencyTask, EnforcementAction, JointOperation, Meeting


def supervises_area(access: Access) -> bool:
    """Agencies whose policy opens every flag in their scope coordinate the area: they see all
    coordination records located in it."""
    return access.is_system_admin or access.sees_whole(Category.FLAG)


def can_coordinate(access: Access) -> bool:
    """Runs meetings and joint operations and gives tasks by hand (``Access.can_coordinate``)."""
    return access.can_coordinate


def _through_has_agency(model, field: str, agency_id: int) -> Q:
    through = model._meta.get_field(field).remote_field.through
    own = model._meta.model_name
    return Q(Exists(through.objects.filter(**{own: OuterRef("pk"), "agency_id": agency_id})))


def visible_meetings(user) -> QuerySet[Meeting]:
    access = access_for(user)
    if access.is_system_admin:
        return Meeting.objects.all()
    if access.agency_id is None:
        return Meeting.objects.none()
    q = Q(organiser_id=access.agency_id) | _through_has_agency(Meeting, "invited", access.agency_id)
    if supervises_area(access):
        q |= access.region_q("region")
    return Meeting.objects.filter(q)


def visible_tasks(user) -> QuerySet[AgencyTask]:
    access = access_for(user)
    if access.is_system_admin:
        return AgencyTask.objects.all()
    if access.agency_id is None:
        return AgencyTask.objects.none()
    q = Q(assignee_id=access.agency_id) | Q(assigned_by_id=access.agency_id)
    if supervises_area(access):
        q |= access.region_q("region")
    return AgencyTask.objects.filter(q)


def workable_tasks(user) -> QuerySet[AgencyTask]:
    """Tasks the user may acknowledge, report progress on and close: those given to their
    agency (any officer of it)."""
    access = access_for(user)
    if access.agency_id is None:
        return AgencyTask.objects.none()
    return AgencyTask.objects.filter(assignee_id=access.agency_id)


def visible_operations(user) -> QuerySet[JointOperation]:
    access = access_for(user)
    if access.is_system_admin:
        return JointOperation.objects.all()
    if access.agency_id is None:
        return JointOperation.objects.none()
    q = Q(organiser_id=access.agency_id) | _through_has_agency(
        JointOperation, "participants", access.agency_id
    )
    if supervises_area(access):
        q |= access.region_q("region")
    return JointOperation.objects.filter(q)


def visible_enforcement_actions(user) -> QuerySet[EnforcementAction]:
    access = access_for(user)
    if not access.can_read(Category.ENFORCEMENT):
        return EnforcementAction.objects.none()
    if access.is_system_admin:
        return EnforcementAction.objects.all()
    return EnforcementAction.objects.filter(foreigner__in=visible_foreigners(user).values("pk"))


def task_on_time_rates(
    user,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    region: str | None = None,
) -> list[dict]:
    """Per assignee agency, over the tasks the user sees that fell due in [since, until] (or were
    closed): tasks due, closed on time, closed late, still open past the due date, and the
    on-time rate (closed on time ÷ due). One aggregate query."""
    today = timezone.localdate()
    until = min(until or today, today)
    qs = visible_tasks(user).filter(due_on__lte=until)
    if since:
        qs = qs.filter(due_on__gte=since)
    if region:
        qs = qs.filter(region_prefix_q("region", region))
    # closed_at__date is the WITA date (TIME_ZONE): "on time" is by the end of the due day there.
    rows = (
        qs.values("assignee_id", "assignee__short_name", "assignee__name")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(state="closed", closed_at__date__lte=F("due_on"))),
            late=Count("id", filter=Q(state="closed", closed_at__date__gt=F("due_on"))),
            overdue=Count("id", filter=~Q(state="closed")),
        )
        .order_by("assignee__name")
    )
    result = []
    for row in rows:
        result.append(
            {
                "agency_id": row["assignee_id"],
                "agency": row["assignee__short_name"] or row["assignee__name"],
                "due": row["due"],
                "on_time": row["on_time"],
                "late": row["late"],
                "overdue": row["overdue"],
                "rate": round(100 * row["on_time"] / row["due"]) if row["due"] else None,
            }
        )
    return result


def barring_actions(today: dt.date | None = None) -> QuerySet[EnforcementAction]:
    """Enforcement actions in force that bar a person from a region (a ban from places) or tie
    them to one (an order to reside), for the sighting rules: a person seen inside a banned
    region, or outside the region they must reside in. Not scoped: the rules run for everyone."""
    today = today or timezone.localdate()
    return EnforcementAction.objects.filter(
        kind__in=[EnforcementAction.Kind.PLACE_BAN, EnforcementAction.Kind.RESIDENCE_ORDER],
        region__isnull=False,
        decided_on__lte=today,
    ).filter(Q(effective_until__isnull=True) | Q(effective_until__gte=today))
