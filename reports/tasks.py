"""Celery tasks: thin wrappers over the rule runner, the sighting outbox and the alerts.

Every task is idempotent, acknowledged late (a worker killed mid-task gets it redelivered),
and retried with exponential backoff on database and broker errors.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from .dashboard_cache import dashboards_refresh
from .exports import export_job_run
from .models import ReportJob
from .outbox import SIGHTING_RULES_TASK, sighting_outbox_process, sighting_outbox_sweep
from .rules import rules_run
from .services.alerts import flags_alert, flags_digest_send
from .services.held_photos import held_photos_purge

RETRYING = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError, BrokerError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="reports.rules_daily_scan", soft_time_limit=1800, time_limit=2100, **RETRYING)
def rules_daily_scan(codes: list[str] | None = None) -> dict:
    """Run every rule over everything (each rule commits on its own), then alert."""
    results = rules_run(codes=codes)
    alerted = flags_alert()
    return {
        "rules": {r.rule: {"opened": r.opened, "closed": r.closed} for r in results},
        "alerted": alerted,
    }


@shared_task(name=SIGHTING_RULES_TASK, soft_time_limit=120, time_limit=180, **RETRYING)
def sighting_rules_process(outbox_ids: list[int] | None = None) -> int:
    """Run the sighting rules for the given outbox rows (enqueued on commit), then alert."""
    done = sighting_outbox_process(outbox_ids=outbox_ids)
    flags_alert()
    return done


@shared_task(name="reports.sighting_outbox_sweep", soft_time_limit=540, time_limit=600, **RETRYING)
def sighting_outbox_sweep_task() -> int:
    """Beat, every minute: run what the broker never delivered (it was down, or the task died)."""
    done = sighting_outbox_sweep()
    if done:
        flags_alert()
    return done


@shared_task(name="reports.flags_digest_daily", soft_time_limit=600, time_limit=900, **RETRYING)
def flags_digest_daily() -> int:
    return flags_digest_send()


@shared_task(name="reports.held_photos_purge", soft_time_limit=540, time_limit=600, **RETRYING)
def held_photos_purge_task() -> int:
    """Beat, hourly: delete photos held for a sighting form that was never resent."""
    return held_photos_purge()


# Its run ends before the next one is due (dashboards_refresh keeps to four fifths of it).
@shared_task(
    name="reports.dashboards_refresh",
    soft_time_limit=settings.DASHBOARD_REFRESH_SECONDS,
    time_limit=settings.DASHBOARD_REFRESH_SECONDS + 40,
    **RETRYING,
)
def dashboards_refresh_task() -> int:
    """Beat, every DASHBOARD_REFRESH_SECONDS: recompute the dashboards asked for lately, so
    their officers find them computed (reports.dashboard_cache)."""
    return dashboards_refresh()


@shared_task(name="reports.report_job_run", soft_time_limit=1800, time_limit=2100, **RETRYING)
def report_job_run(job_id: int) -> None:
    """Build a large export or a meeting pack in the background (reports.models.ReportJob)."""
    # The pack loads the PDF library: imported on use, not by every worker start.
    from .coordination.pack import pack_job_run

    if ReportJob.objects.filter(pk=job_id, kind=ReportJob.Kind.PACK).exists():
        pack_job_run(job_id=job_id)
    else:
        export_job_run(job_id=job_id)
