"""Writes of the agencies app, one module per concern. The names below are re-exported so
callers can say ``from agencies.services import share_grant``."""

from .access_requests import access_request_create, access_request_decide, owning_agency
from .accounts import agency_group, agency_supervisors, officer_create
from .audit import audit_record
from .notifications import NewNotification, notification_send, notifications_send
from .policy import policy_seed, policy_set
from .regions import REGIONS_CSV, regions_load
from .shares import (
    MAX_SHARE_DAYS,
    share_grant,
    share_revoke,
    shares_expire,
    subject_url,
    subject_visible,
)

__all__ = [
    "MAX_SHARE_DAYS",
    "NewNotification",
    "REGIONS_CSV",
    "access_request_create",
    "access_request_decide",
    "agency_group",
    "agency_supervisors",
    "audit_record",
    "notification_send",
    "notifications_send",
    "officer_create",
    "owning_agency",
    "policy_seed",
    "policy_set",
    "regions_load",
    "share_grant",
    "share_revoke",
    "shares_expire",
    "subject_url",
    "subject_visible",
]
