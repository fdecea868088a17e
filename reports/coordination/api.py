"""Read-only API over meetings, tasks, operations and enforcement actions: scoped by the same
selectors as the pages, masked by policy (a field's data category decides whether it is sent)."""

from __future__ import annotations

from rest_framework import viewsets

from agencies.access import Category, access_for
from agencies.audit import AuditedReadMixin, audit_read
from agencies.masking import PolicyMaskedSerializer

from .models import AgencyTask, EnforcementAction, JointOperation, Meeting
from .selectors import (
    visible_enforcement_actions,
    visible_meetings,
    visible_operations,
    visible_tasks,
)

C = Category

# Coordination records carry no personal data of their own (``None``); links to flags and
# sightings are masked by those categories, and the rows they point to keep their own scope.
MEETING_FIELDS = {
    "id": None,
    "level": None,
    "region": None,
    "held_at": None,
    "venue": None,
    "chair": None,
    "agenda": None,
    "minutes": None,
    "organiser": None,
    "invited": None,
}
TASK_FIELDS = {
    "id": None,
    "title": None,
    "description": None,
    "origin": None,
    "decision": None,
    "flag": C.FLAG,
    "region": None,
    "assignee": None,
    "assigned_by": None,
    "created_at": None,
    "due_on": None,
    "state": None,
    "acknowledged_at": None,
    "closed_at": None,
    "result": None,
}
OPERATION_FIELDS = {
    "id": None,
    "title": None,
    "operation_date": None,
    "region": None,
    "order_number": None,
    "organiser": None,
    "participants": None,
    "state": None,
    "persons_checked": None,
    "violations_found": None,
    "actions_taken": None,
    "result_summary": None,
}
ENFORCEMENT_FIELDS = {
    "id": None,
    # The id only: the person's data comes from the foreigner endpoint, under its policy.
    "foreigner": C.IDENTITY,
    "kind": C.ENFORCEMENT,
    "legal_basis": C.ENFORCEMENT,
    "case_review_on": C.ENFORCEMENT,
    "decided_on": C.ENFORCEMENT,
    "decision": C.ENFORCEMENT,
    "overstay_days": C.ENFORCEMENT,
    "fine_amount": C.ENFORCEMENT,
    "agency": C.ENFORCEMENT,
    "region": C.ENFORCEMENT,
    "effective_until": C.ENFORCEMENT,
}


def _serializer(model_, fields_):
    class Serializer(PolicyMaskedSerializer):
        field_categories = fields_

        class Meta:
            model = model_
            fields = list(fields_)

    Serializer.__name__ = f"{model_.__name__}Serializer"
    return Serializer


MeetingSerializer = _serializer(Meeting, MEETING_FIELDS)
TaskSerializer = _serializer(AgencyTask, TASK_FIELDS)
OperationSerializer = _serializer(JointOperation, OPERATION_FIELDS)
EnforcementActionSerializer = _serializer(EnforcementAction, ENFORCEMENT_FIELDS)


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Timpora meetings the user's agency organised or was invited to, or held in an area it
    supervises."""

    serializer_class = MeetingSerializer

    def get_queryset(self):
        return (
            visible_meetings(self.request.user)
            .prefetch_related("invited")
            .order_by("-held_at", "-id")
        )


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Tasks between agencies the user sees. Filter: ``?state=open|acknowledged|closed``."""

    serializer_class = TaskSerializer

    def get_queryset(self):
        qs = visible_tasks(self.request.user).order_by("due_on", "id")
        state = self.request.query_params.get("state", "")
        if state in AgencyTask.State.values:
            qs = qs.filter(state=state)
        return qs


class OperationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OperationSerializer

    def get_queryset(self):
        return (
            visible_operations(self.request.user)
            .prefetch_related("participants")
            .order_by("-operation_date", "-id")
        )


class EnforcementActionViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    """Enforcement actions (TAK): the policy's ``enforcement`` category and a visible person.
    Each response is a read of the actions and of the people they name (access log)."""

    serializer_class = EnforcementActionSerializer
    audit_type = "enforcementaction"

    def get_queryset(self):
        return visible_enforcement_actions(self.request.user).order_by("-decided_on", "-id")

    def _people_shown(self, actions) -> None:
        if access_for(self.request.user).can_read(C.IDENTITY):
            audit_read(
                self.request._request, shown={"foreigner": [a.foreigner_id for a in actions]}
            )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._people_shown(page)
        return page

    def get_object(self):
        action = super().get_object()
        self._people_shown([action])
        return action
