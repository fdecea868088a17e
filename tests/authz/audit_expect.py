"""The audit dimension of the authorization matrix: every allowed case of a route that shows
personal data writes exactly one access-log row, naming the ids the response showed; every
denied case (404, 403, the login page) and every route that shows none writes no row.

Kept apart from the runner (test_matrix calls :func:`audit_check` after each request) so the
route registry stays as it is. A route that shows personal data is listed in ``AUDITED`` with the
record type it shows and how to read the ids off the response.
"""

from __future__ import annotations

from collections.abc import Callable

from agencies.models import AuditEvent

from .routes import Case, Ctx, _api_ids, _html_ids
from .routes_coordination import _html_rows


def _label_pk(case: Case, ctx: Ctx) -> set[int]:
    if case.label.startswith("photo#"):
        return {ctx.world.sighting_photos[int(case.label.split("#")[1])]}
    if "#" in case.label:
        return {int(case.label.split("#")[1])}
    if case.label == "own":  # child_edit: f_soreang's own child row
        return {ctx.world.named["f_soreang"]}
    return set()


def _page(resource: str) -> Callable:
    return lambda case, ctx, resp: _html_ids(resource)(resp)


def _api(case, ctx, resp) -> set[int]:
    return _api_ids(resp)


def _label(case, ctx, resp) -> set[int]:
    return _label_pk(case, ctx)


def _any(case, ctx, resp) -> None:
    return None  # one row; its ids are not read off this page


def _admin(case, ctx, resp):
    """Admin: the record lists and record pages are reads; index, officers, policy are not."""
    resource = case.label.split("-")[0].split("#")[0]
    if resource not in ("foreigner", "sighting", "flag"):
        return NOT_AUDITED
    return None if case.label.endswith("-list") else _label_pk(case, ctx)


NOT_AUDITED = object()

# registry key → (record type, ids shown: (case, ctx, response) -> set | None (not checked))
AUDITED: dict[str, tuple[str, Callable]] = {
    "home": ("", _any),
    "dashboard": ("", _any),
    "foreigner-list": ("foreigner", _page("foreigner")),
    "foreigner-lookup": ("foreigner", _api),
    "foreigner-detail": ("foreigner", _label),
    "foreigner-photo": ("foreigner", _label),
    "foreigner-edit": ("foreigner", _label),
    "document-create": ("foreigner", _label),
    "permit-create": ("foreigner", _label),
    "residence-create": ("foreigner", _label),
    "document-edit": ("foreigner", _label),
    "permit-edit": ("foreigner", _label),
    "residence-edit": ("foreigner", _label),
    "sighting-submitted": ("sighting", _label),
    "sighting-detail": ("sighting", _label),
    "sighting-queue": ("sighting", _page("sighting")),
    "sighting-list": ("sighting", _page("sighting")),
    "sighting-mine": ("sighting", _page("sighting")),
    "sighting-photo": ("sighting", _label),
    "flag-list": ("flag", _page("flag")),
    "flag-detail": ("flag", _label),
    "api-foreigner-list": ("foreigner", _api),
    "api-foreigner-detail": ("foreigner", _label),
    "api-foreigner-search": ("foreigner", _api),
    "api-sighting-list": ("sighting", _api),
    "api-sighting-detail": ("sighting", _label),
    "api-flag-list": ("flag", _api),
    "api-flag-detail": ("flag", _label),
    # Every export is a read (its ids: tests/reports/test_exports.py).
    "export": ("", _any),
    "operation-detail": ("jointoperation", _label),
    # A result form re-rendered with its errors shows the operation page again.
    "operation-complete": ("jointoperation", _label),
    "enforcement-list": ("enforcementaction", lambda c, x, resp: _html_rows("enforcement")(resp)),
    "enforcement-detail": ("enforcementaction", _label),
    "api-enforcement-list": ("enforcementaction", _api),
    "api-enforcement-detail": ("enforcementaction", _label),
    "admin:*": ("", _admin),
}


def audit_mark() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_check(ctx: Ctx, key: str, case: Case, response, since: int) -> str | None:
    """None if the access log got what the case's outcome says (call after the request)."""
    if case.method == "POST" and response.status_code in (301, 302):
        return None  # a write: its history is the triggers'; the check may follow the redirect
    rows = list(AuditEvent.objects.filter(id__gt=since, action=AuditEvent.READ))
    spec = AUDITED.get(key)
    kind, ids_of = spec if spec else ("", None)
    # A form posted back with errors (400) still shows its page; an API's 400 (a refused
    # criterion) shows nothing.
    shown_status = response.status_code == 200 or (
        case.method == "POST"
        and response.status_code == 400
        and not response.get("Content-Type", "").startswith("application/json")
    )
    expected = NOT_AUDITED if spec is None or not shown_status else ids_of(case, ctx, response)
    if expected is NOT_AUDITED:
        return (
            f"access-log rows written for a response that showed nothing: {rows}" if rows else None
        )
    if len(rows) != 1:
        return f"{len(rows)} access-log rows for one response showing personal data"
    row = rows[0]
    if row.user_id != ctx.p.user.pk or row.route == "":
        return f"access-log row of user {row.user_id} route {row.route!r}"
    if expected is not None and kind and case.method == "GET":
        got = set(row.shown.get(kind, []))
        if got != expected:
            return f"access log names {kind} {sorted(got)}, the response showed {sorted(expected)}"
    return None
