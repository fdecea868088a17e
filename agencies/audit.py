"""The access log (UU 27/2022 PDP Pasal 31: the controller records every processing of personal
data): one insert-only, hash-chained row per response that shows personal data, and one per
change of a share or an access request.

How a read route uses it::

    audit_read(request, shown={"foreigner": [f.pk for f in page]})

Call it once the response is decided (after the access checks, with the ids really shown, an
empty list when a search found nothing). Inside a request the ids are collected on the request
and :class:`AuditMiddleware` writes **one** row when the response leaves — whatever the number of
calls, and none when the response is a denial (404, 403, a redirect to the login page). A
declaration made after the response has left the middleware (a streamed download that records
what it sent once it has sent it) is written at once. Outside a request (a Celery export, a
management command) pass ``request=None`` and ``user=`` instead: the row is written at once.

Rows hold ids and the route, never a personal value. The database refuses to update or delete
them, and links each to the previous one by hash (migration ``0005_audit_access_log``);
:func:`audit_verify` finds the first broken link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from axes.helpers import get_client_ip_address
from django.db import connection, models

from .access import Access, Category
from .models import AuditEvent
from .services.audit import audit_record

Shown = Mapping[str | type[models.Model], Iterable[int]]

# Responses that show what the view declared: pages, API bodies, files, and a form re-rendered
# with its errors (400) around the record. 401/403/404/405 and redirects show nothing.
_SHOWN_STATUS = range(200, 300)
_RERENDER_STATUS = 400
PURPOSE_HEADER = "X-Purpose"


def _type_name(key: str | type[models.Model]) -> str:
    return key if isinstance(key, str) else key._meta.model_name


def _merge(into: dict[str, set[int]], shown: Shown) -> None:
    for key, ids in shown.items():
        into.setdefault(_type_name(key), set()).update(int(pk) for pk in ids)


def shown_rows(*row_lists: Iterable[models.Model]) -> dict[type[models.Model], list[int]]:
    """``shown`` for :func:`audit_read` from lists of model instances, grouped by model."""
    shown: dict[type[models.Model], list[int]] = {}
    for rows in row_lists:
        for row in rows:
            shown.setdefault(type(row), []).append(row.pk)
    return shown


def _client_ip(request) -> str | None:
    # The same client address the login lockout trusts (PROXY_COUNT proxies of ours).
    return get_client_ip_address(request)


@dataclass
class _Pending:
    shown: dict[str, set[int]]
    route: str = ""
    purpose: str = ""
    detail: dict = field(default_factory=dict)
    declared: bool = False


def audit_read(
    request=None,
    *,
    shown: Shown,
    route: str | None = None,
    purpose: str | None = None,
    detail: Mapping | None = None,
    user=None,
) -> AuditEvent | None:
    """Record that ``shown`` (record type or model → ids) was shown to the request's user.

    ``detail`` says how, where the route alone does not (an export: its resource, format and
    filters; never a personal value).

    In a request: collected, and written as one row by :class:`AuditMiddleware` when a response
    that shows data leaves (returns None). Without a request: written now for ``user``."""
    pending = getattr(request, "_timpora_audit", None) if request is not None else None
    if pending is not None:
        _merge(pending.shown, shown)
        pending.declared = True
        pending.route = route or pending.route
        pending.purpose = purpose or pending.purpose
        pending.detail.update(detail or {})
        return None
    ids: dict[str, set[int]] = {}
    _merge(ids, shown)
    if request is not None:
        return _write_read(
            request, _Pending(ids, route or _route(request), purpose or "", dict(detail or {}))
        )
    return audit_record(
        user=user,
        action=AuditEvent.READ,
        route=route or "",
        shown=ids,
        purpose=purpose or "",
        detail=dict(detail or {}),
    )


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "") or request.path


def _write_read(request, pending: _Pending) -> AuditEvent | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    purpose = pending.purpose or request.headers.get(PURPOSE_HEADER, "")
    return audit_record(
        user=user,
        action=AuditEvent.READ,
        route=pending.route or _route(request),
        shown=pending.shown,
        purpose=purpose.strip(),
        detail=pending.detail,
        ip=_client_ip(request),
    )


class AuditMiddleware:
    """Writes the one access-log row of a response that showed what its view declared with
    :func:`audit_read`. Goes after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending = request._timpora_audit = _Pending(shown={})
        try:
            response = self.get_response(request)
        finally:
            # Declared from now on (while a streamed body is sent): written at once.
            del request._timpora_audit
        if pending.declared and (
            response.status_code in _SHOWN_STATUS or response.status_code == _RERENDER_STATUS
        ):
            _write_read(request, pending)
        return response


class AuditedReadMixin:
    """For DRF viewsets: the rows of each page (list, search) and the object of a detail
    response are declared to :func:`audit_read` under ``audit_type``."""

    audit_type: str = ""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            audit_read(self.request._request, shown={self.audit_type: [o.pk for o in page]})
        return page

    def get_object(self):
        obj = super().get_object()
        audit_read(self.request._request, shown={self.audit_type: [obj.pk]})
        return obj


# --- reading and checking the log --------------------------------------------------------------


def may_see_accesses(access: Access) -> bool:
    """The "who accessed this record" panel is a read of the audit category (DESIGN.md §4):
    shown to supervisors whose policy reads it (and to the system admin)."""
    return access.is_supervisor and access.can_read(Category.AUDIT)


def record_accesses(access: Access, subject_type: str, subject_id: int, *, limit: int = 50):
    """The newest reads that showed one record, as far as ``access`` may know them: the reads
    by officers of the reader's own agency; every read only for the system admin.

    Why not every agency's reads: that another agency read a person follows from that agency's
    view of them — a residence or a sighting inside its area, a share, a flag routed to it —
    which is data the reader may not read (the camat of Ujung opening a person tells that the
    person lives or was seen in Ujung). Each agency's supervisors answer for their own officers'
    reads (UU 27/2022 PDP Pasal 31), so that is what the panel shows them; the log as a whole is
    the system admin's. The ``limit`` counts rows shown, never the others."""
    if not may_see_accesses(access):
        return AuditEvent.objects.none()
    rows = AuditEvent.objects.filter(
        action=AuditEvent.READ, shown__contains={subject_type: [subject_id]}
    )
    if not access.is_system_admin:
        rows = rows.filter(agency_id=access.agency_id)
    return rows.select_related("user", "agency").order_by("-id")[:limit]


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken_at: int | None = None  # id of the first row whose link or content does not hold
    reason: str = ""
    head: str = ""  # the newest row's hash: note it elsewhere to detect a truncated tail


def audit_verify() -> ChainReport:
    """Walk the chain in id order in the database: the first row whose stored hash is not the
    hash of its content, or whose link is not the previous row's hash."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id, content_ok, link_ok FROM (
              SELECT id,
                     row_hash = agencies_audit_hash(e) AS content_ok,
                     prev_hash = coalesce(lag(row_hash) OVER (ORDER BY id), '') AS link_ok
              FROM agencies_auditevent e
            ) chain
            WHERE NOT (content_ok AND link_ok)
            ORDER BY id LIMIT 1
            """
        )
        broken = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), (SELECT row_hash FROM agencies_auditevent ORDER BY id DESC LIMIT 1)"
            " FROM agencies_auditevent"
        )
        rows, head = cursor.fetchone()
    if broken is None:
        return ChainReport(rows=rows, head=head or "")
    pk, content_ok, _link_ok = broken
    reason = "link" if content_ok else "content"
    return ChainReport(rows=rows, broken_at=pk, reason=reason, head=head or "")
