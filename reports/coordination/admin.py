"""Admin of the coordination records: read-only (the admin writes through the services or not at
all; the portal pages call the services), scoped by the same selectors."""

from django.contrib import admin

from agencies.admin import ReadOnlyMixin, ScopedAdminMixin

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
    visible_enforcement_actions,
    visible_meetings,
    visible_operations,
    visible_tasks,
)


class AttendanceInline(ReadOnlyMixin, admin.TabularInline):
    model = MeetingAttendance
    extra = 0


class DecisionInline(ReadOnlyMixin, admin.TabularInline):
    model = MeetingDecision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    selector = visible_meetings
    list_display = ["held_at", "level", "region", "venue", "organiser"]
    list_filter = ["level"]
    inlines = [AttendanceInline, DecisionInline]


@admin.register(AgencyTask)
class AgencyTaskAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    selector = visible_tasks
    list_display = ["title", "assignee", "due_on", "state", "acknowledged_at", "closed_at"]
    list_filter = ["state", "origin"]
    raw_id_fields = ["flag", "decision"]


class TargetInline(ReadOnlyMixin, admin.TabularInline):
    model = OperationTarget
    extra = 0
    raw_id_fields = ["flag", "sighting"]


class FindingInline(ReadOnlyMixin, admin.TabularInline):
    model = OperationFinding
    extra = 0
    raw_id_fields = ["sighting"]


@admin.register(JointOperation)
class JointOperationAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    selector = visible_operations
    list_display = ["operation_date", "title", "order_number", "region", "state"]
    list_filter = ["state"]
    inlines = [TargetInline, FindingInline]


@admin.register(EnforcementAction)
class EnforcementActionAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    selector = visible_enforcement_actions
    list_display = ["decided_on", "kind", "foreigner", "agency"]
    list_filter = ["kind"]
    raw_id_fields = ["foreigner", "flags", "findings"]
