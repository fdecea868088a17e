"""The audit log (UU 27/2022 Pasal 31): rows are only ever inserted."""

from __future__ import annotations

from ..access import access_for
from ..models import AuditEvent


def audit_record(
    *, user, action: str, subject_type: str = "", subject_id: int | None = None, detail=None
):
    """Record one processing of personal data (a read of a detail page, a search, an export, a
    share). Call it from views after the access check passed. UU 27/2022 (PDP) Pasal 31 requires
    the controller to record processing activities; rows are only ever inserted."""
    access = access_for(user)
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        agency_id=access.agency_id,
        action=action[:40],
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
    )
