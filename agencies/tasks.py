"""Celery wrappers over agencies services (thin: the service holds the logic)."""

from celery import shared_task

from .services import shares_expire


@shared_task(name="agencies.shares_expire")
def shares_expire_task() -> int:
    """Hourly: end every record share past its expiry (set-based, idempotent)."""
    return shares_expire()
