"""The access log (UU 27/2022 Pasal 31): one insert-only, hash-chained row per processing of
personal data. Reads are declared with :func:`agencies.audit.audit_read`; this is the write."""

from __future__ import annotations

from collections.abc import Mapping

from ..access import access_for
from ..models import AuditEvent


def audit_record(
    *,
    user,
    action: str,
    subject_type: str = "",
    subject_id: int | None = None,
    detail: dict | None = None,
    route: str = "",
    shown: Mapping[str, set[int]] | None = None,
    purpose: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Insert one row of the access log (a read, a share, a request). The database gives it its
    place in the hash chain; rows are never updated or deleted."""
    access = access_for(user)
    return AuditEvent.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        agency_id=access.agency_id,
        action=action[:40],
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
        route=route[:100],
        shown=_as_json(shown or {}),
        purpose=purpose[:300],
        ip=ip,
    )


def _as_json(shown: Mapping[str, set[int]]) -> dict[str, list[int]]:
    return {key: sorted(ids) for key, ids in sorted(shown.items()) if ids}
