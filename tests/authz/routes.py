"""The route registry of the authorization matrix: every URL name the project routes → how to
build its requests for each object class, and what the oracle expects.

HOW TO ADD A ROUTE (another engineer adding a page or endpoint):
1. Add one entry to ``ROUTES`` below, keyed by the URL name (``namespace:name`` for namespaced
   routes). ``tests/authz/test_matrix.py::test_every_route_has_a_matrix_entry`` fails until you do.
2. Pick the builder that says what the route is:
   - ``public()`` — anyone, signed in or not (health check, login page).
   - ``signed_in()`` — any signed-in account; anonymous is sent to the login page.
   - ``html_list("foreigner"|"sighting"|"flag")`` — a list page: it must show *exactly* the
     oracle's records. Mark each row with ``data-<resource>-id="<pk>"`` (e.g.
     ``<tr data-foreigner-id="{{ f.pk }}">``); the test reads those attributes. Paginated pages
     must show every world record on page 1 (the world is small).
   - ``html_detail("foreigner"|...)`` — a detail page per record: 200 where the oracle allows,
     404 elsewhere, and no masked value (document number, permit number, address, occupation)
     in the HTML when its category is not readable.
   - ``api_list`` / ``api_detail`` — the same for JSON endpoints (``results[].id``).
   - ``officer_page()`` / ``supervisor_page()`` — pages for active officers / supervisors, 404
     for everyone else. ``post_only(...)`` — a POST action, tested with ``post_case``.
   - ``custom(fn)`` — anything else: ``fn(ctx)`` yields :class:`Case` objects.
   If the page takes kwargs, pass ``kwargs=lambda ctx, pk: {...}``.
3. Run ``pytest tests/authz -q``; an unexpected allow or deny names principal, route and case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import reverse

from .oracle import Principal, sees_flag, sees_foreigner, sees_sighting


@dataclass
class Ctx:
    p: Principal
    world: object
    client: object


@dataclass
class Case:
    label: str
    method: str
    url: str
    check: Callable  # (response) -> str | None (an error) ; raise nothing
    data: dict | None = None
    json_body: bool = False


def sees(ctx: Ctx, resource: str, pk: int, *, shares: bool = True) -> bool:
    w, p = ctx.world, ctx.p
    if resource == "foreigner":
        return sees_foreigner(p, w.foreigners[pk], shares=shares)
    if resource == "sighting":
        return sees_sighting(p, w.sightings[pk], shares=shares)
    return sees_flag(p, w.flags[pk], w)


def records(ctx: Ctx, resource: str) -> dict:
    return {
        "foreigner": ctx.world.foreigners,
        "sighting": ctx.world.sightings,
        "flag": ctx.world.flags,
    }[resource]


def signed_in(p: Principal) -> bool:
    # A disabled account cannot hold a session: Django treats it as anonymous.
    return not p.anonymous and p.user is not None and p.user.is_active


# --- checks --------------------------------------------------------------------------------


def _status(expected: int | tuple[int, ...]):
    expected = expected if isinstance(expected, tuple) else (expected,)

    def check(resp):
        if resp.status_code not in expected:
            return f"status {resp.status_code}, expected {expected}"
        return None

    return check


def _to_login(resp):
    if resp.status_code != 302 or "/masuk/" not in resp.get("Location", ""):
        return f"expected a redirect to the login page, got {resp.status_code}"
    return None


def page_gate(ctx: Ctx, allowed: bool, ok: int = 200):
    """Expectation of a signed-in page: anonymous → login, allowed → ok, else 404."""
    if not signed_in(ctx.p):
        return _to_login
    return _status(ok if allowed else 404)


def api_gate(ctx: Ctx, allowed: bool, ok: int = 200):
    if not signed_in(ctx.p):
        return _status((401, 403))
    return _status(ok if allowed else 404)


def _ids_check(expected: set[int], extract):
    def check(resp):
        if resp.status_code != 200:
            return f"status {resp.status_code}"
        got = extract(resp)
        if got != expected:
            return (
                f"unexpected allows {sorted(got - expected)}, "
                f"unexpected denies {sorted(expected - got)}"
            )
        return None

    return check


def _api_ids(resp) -> set[int]:
    data = resp.json()
    rows = data["results"] if isinstance(data, dict) else data
    return {row["id"] for row in rows}


def _html_ids(resource: str):
    pattern = re.compile(rf'data-{resource}-id="(\d+)"')
    return lambda resp: {int(m) for m in pattern.findall(resp.content.decode())}


def _masked(ctx: Ctx, resource: str, pk: int, inner, *, require_shown: bool = False):
    """Status as ``inner`` says and, when shown, no value of a category the user cannot read."""
    secrets = getattr(records(ctx, resource)[pk], "secrets", {}) or {}

    def check(resp):
        error = inner(resp)
        if error or resp.status_code != 200:
            return error
        body = resp.content.decode()
        for category, value in secrets.items():
            if not ctx.p.reads(category) and value in body:
                return f"masked {category} value {value!r} rendered"
            if ctx.p.reads(category) and value not in body and require_shown:
                return f"readable {category} value {value!r} missing"
        return None

    return check


# --- builders ------------------------------------------------------------------------------

Builder = Callable[[Ctx, str], Iterator[Case]]


def public() -> Builder:
    def cases(ctx, name):
        yield Case("public", "GET", reverse(name), _status(200))

    return cases


def signed_in_page() -> Builder:
    def cases(ctx, name):
        yield Case("signed-in", "GET", reverse(name), page_gate(ctx, True))

    return cases


def api_signed_in() -> Builder:
    def cases(ctx, name):
        yield Case("signed-in", "GET", reverse(name), api_gate(ctx, True))

    return cases


def api_list(resource: str) -> Builder:
    def cases(ctx, name):
        expected = {pk for pk in records(ctx, resource) if sees(ctx, resource, pk)}
        check = _ids_check(expected, _api_ids) if signed_in(ctx.p) else api_gate(ctx, False)
        yield Case("list", "GET", reverse(name) + "?page_size=500", check)

    return cases


def api_detail(resource: str) -> Builder:
    def cases(ctx, name):
        for pk in records(ctx, resource):
            allowed = sees(ctx, resource, pk)
            yield Case(
                f"{resource}#{pk}",
                "GET",
                reverse(name, args=[pk]),
                _masked(ctx, resource, pk, api_gate(ctx, allowed), require_shown=True),
            )

    return cases


def html_list(resource: str) -> Builder:
    def cases(ctx, name):
        expected = {pk for pk in records(ctx, resource) if sees(ctx, resource, pk)}
        if signed_in(ctx.p) and ctx.p.active:
            check = _ids_check(expected, _html_ids(resource))
        elif signed_in(ctx.p):
            # No officer profile / inactive agency: an empty list or a 404, never a row.

            def check(r):
                if r.status_code == 404 or not _html_ids(resource)(r):
                    return None
                return "rows shown to an account without access"

        else:
            check = _to_login
        yield Case("list", "GET", reverse(name), check)

    return cases


def html_detail(resource: str) -> Builder:
    def cases(ctx, name):
        for pk in records(ctx, resource):
            allowed = sees(ctx, resource, pk)
            yield Case(
                f"{resource}#{pk}",
                "GET",
                reverse(name, args=[pk]),
                _masked(ctx, resource, pk, page_gate(ctx, allowed)),
            )

    return cases


def officer_page() -> Builder:
    def cases(ctx, name):
        yield Case("officer", "GET", reverse(name), page_gate(ctx, ctx.p.active))

    return cases


def supervisor_page() -> Builder:
    def cases(ctx, name):
        yield Case("supervisor", "GET", reverse(name), page_gate(ctx, ctx.p.is_supervisor))

    return cases


def access_request_new() -> Builder:
    """Any active officer (not the system admin) may ask for any existing record."""

    def cases(ctx, name):
        allowed = ctx.p.is_officer
        for resource in ("foreigner", "sighting"):
            for pk in records(ctx, resource):
                yield Case(
                    f"{resource}#{pk}",
                    "GET",
                    reverse(name, args=[resource, pk]),
                    page_gate(ctx, allowed),
                )
        yield Case(
            "missing", "GET", reverse(name, args=["foreigner", 10**9]), page_gate(ctx, False)
        )
        yield Case("bad-type", "GET", reverse(name, args=["flag", 1]), page_gate(ctx, False))

    return cases


def share_new() -> Builder:
    """A supervisor may share what they see through their own scope (not through a share)."""

    def cases(ctx, name):
        for resource in ("foreigner", "sighting"):
            for pk in records(ctx, resource):
                allowed = ctx.p.is_supervisor and sees(ctx, resource, pk, shares=False)
                yield Case(
                    f"{resource}#{pk}",
                    "GET",
                    reverse(name, args=[resource, pk]),
                    page_gate(ctx, allowed),
                )

    return cases


def api_search() -> Builder:
    """POST search: by name returns exactly the visible set; by document number only where
    documents are readable (403 elsewhere), and never beyond the visible set."""

    def cases(ctx, name):
        url = reverse(name) + "?page_size=500"
        expected = {pk for pk in ctx.world.foreigners if sees(ctx, "foreigner", pk)}
        if not signed_in(ctx.p):
            yield Case("by-name", "POST", url, api_gate(ctx, False), {"name": ""}, True)
            return
        yield Case("by-name", "POST", url, _ids_check(expected, _api_ids), {"name": "test"}, True)
        soreang = ctx.world.named["f_soreang"]
        doc = {"document_number": "maskdoc1234"}
        if ctx.p.reads("document"):
            want = {soreang} & expected
            yield Case("by-document", "POST", url, _ids_check(want, _api_ids), doc, True)
        else:
            yield Case("by-document", "POST", url, _status(403), doc, True)

    return cases


def post_case(
    label: str,
    url: Callable[[Ctx], str],
    allowed: Callable[[Ctx], bool],
    data: dict | None = None,
    ok: int = 302,
) -> Builder:
    def cases(ctx, name):
        yield Case(label, "POST", url(ctx), page_gate(ctx, allowed(ctx), ok), data or {})

    return cases


def admin_cases(ctx: Ctx) -> Iterator[Case]:
    """A sample of the admin: index, scoped changelists and change pages of each record.
    System admin: everything; agency admin (staff): index and own officers, no record;
    everyone else: the admin login page."""
    p = ctx.p
    staff = signed_in(p) and p.user.is_staff

    def gate(allowed):
        if not staff:
            return lambda r: (
                None
                if r.status_code == 302 and "/admin/login/" in r["Location"]
                else f"expected the admin login, got {r.status_code}"
            )  # noqa: E731
        return _status(200) if allowed else _status((302, 403, 404))

    yield Case("admin-index", "GET", reverse("admin:index"), gate(True))
    yield Case(
        "officers",
        "GET",
        reverse("admin:agencies_officer_changelist"),
        gate(p.superuser or (p.role == "agency_admin" and p.active)),
    )
    yield Case("policy", "GET", reverse("admin:agencies_policyrule_changelist"), gate(p.superuser))
    for resource, app in (
        ("foreigner", "foreigners"),
        ("sighting", "reports"),
        ("flag", "reports"),
    ):
        yield Case(
            f"{resource}-list",
            "GET",
            reverse(f"admin:{app}_{resource}_changelist"),
            gate(p.superuser),
        )
        for pk in records(ctx, resource):
            yield Case(
                f"{resource}#{pk}",
                "GET",
                reverse(f"admin:{app}_{resource}_change", args=[pk]),
                gate(p.superuser),
            )


def custom(fn: Callable[[Ctx], Iterator[Case]]) -> Builder:
    return lambda ctx, name: fn(ctx)


def _decide_allowed(ctx: Ctx) -> bool:
    return ctx.p.superuser or (ctx.p.is_supervisor and ctx.p.agency_id is not None)


ROUTES: dict[str, Builder] = {
    "healthz": public(),
    # Signed-in visitors are sent on to the home page.
    "login": custom(
        lambda ctx: iter(
            [Case("login", "GET", reverse("login"), _status(302 if signed_in(ctx.p) else 200))]
        )
    ),
    "home": signed_in_page(),
    # POST-only helpers of Django itself: GET must not change anything.
    "logout": custom(lambda ctx: iter([Case("get", "GET", reverse("logout"), _status(405))])),
    "set_language": custom(
        lambda ctx: iter([Case("get", "GET", reverse("set_language"), _status((204, 302)))])
    ),
    "admin:*": custom(admin_cases),
    # Access layer pages (agencies/urls.py)
    "access-request-new": access_request_new(),
    "access-request-list": officer_page(),
    "share-list": supervisor_page(),
    "share-new": share_new(),
    "access-request-decide": post_case(
        "decline",
        lambda ctx: reverse("access-request-decide", args=[ctx.world.access_request.pk]),
        _decide_allowed,
        {"decision": "decline", "note": "no"},
    ),
    "share-revoke": post_case(
        "revoke-others-share",
        lambda ctx: reverse("share-revoke", args=[ctx.world.revocable_share.pk]),
        lambda ctx: ctx.p.superuser,
    ),
    # API (timpora/api_urls.py)
    "api-schema": api_signed_in(),
    "api-foreigner-list": api_list("foreigner"),
    "api-foreigner-detail": api_detail("foreigner"),
    "api-foreigner-search": api_search(),
    "api-sighting-list": api_list("sighting"),
    "api-sighting-detail": api_detail("sighting"),
    "api-flag-list": api_list("flag"),
    "api-flag-detail": api_detail("flag"),
    # Portal pages (portal branch): entries ready for the names agreed in the brief.
    "foreigner-list": html_list("foreigner"),
    "foreigner-detail": html_detail("foreigner"),
    "sighting-list": html_list("sighting"),
    "sighting-detail": html_detail("sighting"),
    "flag-list": html_list("flag"),
    "flag-detail": html_detail("flag"),
}


def encode(case: Case):
    if case.json_body:
        return {"data": json.dumps(case.data), "content_type": "application/json"}
    return {"data": case.data or {}}
