"""Celery tasks of the coordination loop: thin wrappers over the services (idempotent: each
reminder and escalation is claimed once in the database)."""

from __future__ import annotations

from celery import shared_task

from ..tasks import RETRYING
from . import services


@shared_task(name="reports.tasks_remind", soft_time_limit=300, time_limit=360, **RETRYING)
def tasks_remind() -> int:
    """Beat, hourly: remind assignees of tasks due within TASK_REMINDER_DAYS."""
    return services.tasks_remind()


@shared_task(name="reports.tasks_escalate", soft_time_limit=300, time_limit=360, **RETRYING)
def tasks_escalate() -> int:
    """Beat, hourly: escalate overdue tasks to the supervisors of both agencies."""
    return services.tasks_escalate()
