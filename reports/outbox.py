"""Hand-off from the services that change sightings to the rules that check them.

Services call :func:`sighting_rules_enqueue` inside their transaction. It writes a durable outbox
row in that same transaction and, once the transaction commits, asks Celery to run the sighting
rules. If the broker is down at that moment nothing is lost: the row stays, and the beat sweep
(:func:`sighting_outbox_process` via ``reports.sighting_outbox_sweep``) runs it later. The rules
are idempotent, so the task and the sweep racing for the same row is harmless.

The outbox names the task it publishes by its registered name (``reports.tasks`` imports this
module, not the other way round; ``ReportsConfig.ready()`` registers the tasks).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SightingRulesOutbox
from .rules import SIGHTING_RULES, RuleContext, rule_run

logger = logging.getLogger(__name__)

OUTBOX_BATCH = 500
SIGHTING_RULES_TASK = "reports.sighting_rules_process"


def task_queue() -> str:
    """The Celery queue of this deployment (read at call time: tests use their own)."""
    return settings.CELERY_TASK_DEFAULT_QUEUE


def sighting_rules_enqueue(*, sighting_id: int) -> None:
    """Make sure the sighting rules run for this sighting once the current transaction commits.

    Guarantee: if the caller's transaction commits, the rules run at least once for this
    sighting (now through the broker, or later through the outbox sweep); if it rolls back,
    nothing happens.
    """
    row = SightingRulesOutbox.objects.create(sighting_id=sighting_id)
    transaction.on_commit(partial(_publish, row.pk))


def _publish(outbox_id: int) -> None:
    try:
        # No publish retries: a request must not hang on a dead broker; the sweep covers it.
        # A signature resolves the registered task, so eager mode (tests) still applies.
        current_app.signature(SIGHTING_RULES_TASK).apply_async(
            kwargs={"outbox_ids": [outbox_id]}, queue=task_queue(), retry=False
        )
    except Exception:
        logger.warning(
            "could not enqueue sighting rules (outbox %s); the sweep will run them",
            outbox_id,
            exc_info=True,
        )


def sighting_outbox_process(
    *,
    outbox_ids: list[int] | None = None,
    older_than: dt.datetime | None = None,
    limit: int = OUTBOX_BATCH,
) -> int:
    """Run the sighting rules for pending outbox rows and delete them, in one transaction.

    Rows are claimed with FOR UPDATE SKIP LOCKED, so concurrent workers never run the same row
    at once; a crash rolls the claim back and the row is picked up again. Returns how many rows
    were processed.
    """
    with transaction.atomic():
        qs = SightingRulesOutbox.objects.select_for_update(skip_locked=True).order_by("pk")
        if outbox_ids is not None:
            qs = qs.filter(pk__in=outbox_ids)
        if older_than is not None:
            qs = qs.filter(created_at__lte=older_than)
        rows = list(qs.values_list("pk", "sighting_id")[:limit])
        if not rows:
            return 0
        ctx = RuleContext.build(sighting_ids=sorted({sighting for _pk, sighting in rows}))
        for rule in SIGHTING_RULES:
            rule_run(rule, ctx=ctx)
        SightingRulesOutbox.objects.filter(pk__in=[pk for pk, _s in rows]).delete()
    return len(rows)


def sighting_outbox_sweep(*, grace_seconds: int | None = None, max_batches: int = 200) -> int:
    """Process every outbox row older than ``grace_seconds`` (default
    ``SIGHTING_OUTBOX_GRACE_SECONDS``; younger ones are normally being handled by their own
    task). Returns how many rows were processed."""
    if grace_seconds is None:
        grace_seconds = settings.SIGHTING_OUTBOX_GRACE_SECONDS
    older_than = timezone.now() - dt.timedelta(seconds=grace_seconds)
    total = 0
    for _batch in range(max_batches):
        done = sighting_outbox_process(older_than=older_than)
        total += done
        if done < OUTBOX_BATCH:
            break
    return total
