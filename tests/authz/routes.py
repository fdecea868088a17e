"""The route registry of the authorization matrix: every URL name the project routes → how to
build its requests for each object class, and what the oracle expects.

HOW TO ADD A ROUTE (another engineer adding a page or endpoint):
1. Add one entry to ``ROUTES`` below, keyed by the URL name (``namespace:name`` for namespaced
   routes). ``tests/authz/test_matrix.py::test_every_route_has_a_matrix_entry`` fails until you do.
2. Pick the builder that says what the route is:
   - ``public()`` — anyone, signed in or not (health check, login page).
   - ``signed_in()`` — any signed-in account; anonymous is sent to the login page.
   - ``html_list("foreigner"|"sighting"|"flag")`` — a list page: it must show *exactly* the
     oracle's records. The test reads the rows from the links to their detail pages (or a
     ``data-<resource>-id="<pk>"`` attribute). Paginated pages must show every world record on
     page 1 (the world is small).
   - ``html_detail("foreigner"|...)`` — a detail page per record: 200 where the oracle allows,
     404 elsewhere, and no masked value (document number, permit number, address, occupation)
     in the HTML when its category is not readable.
   - ``api_list`` / ``api_detail`` — the same for JSON endpoints (``results[].id``).
   - ``officer_page()`` / ``supervisor_page()`` — pages for active officers / supervisors, 404
     for everyone else. ``post_only(...)`` — a POST action, tested with ``post_case``.
   - Record forms and actions (portal): ``foreigner_edit()``, ``child_create(kind)``,
     ``sighting_action(...)``, ``flag_action(...)`` … built on ``_gate``: signed out → login,
     invisible record → 404, visible but not allowed to the role → 403, allowed → 200 / 302.
     The oracle's write policy is ``Principal.writes`` / ``reviews`` / ``works_flag``.
   - Every shown page is also checked for the name of a person the principal may not see and
     for values of categories it may not read (``test_matrix._no_leak``), whatever the route.
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

from agencies.models import Notification
from reports.models import Sighting
from tests.factories import UserFactory

from .oracle import Principal, sees_flag, sees_foreigner, sees_sighting, works_flag


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


_DETAIL = {"foreigner": "foreigner-detail", "sighting": "sighting-detail", "flag": "flag-detail"}


def _html_ids(resource: str):
    """Records a page lists: rows marked ``data-<resource>-id`` or links to their detail page."""
    detail = re.escape(reverse(_DETAIL[resource], args=[999999])).replace("999999", r"(\d+)")
    pattern = re.compile(rf'data-{resource}-id="(\d+)"|href="{detail}"')
    return lambda resp: {int(a or b) for a, b in pattern.findall(resp.content.decode())}


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


def _refused(field: str):
    """A 400 whose body names the refused criterion (the API's field-by-field errors)."""

    def check(resp):
        if resp.status_code != 400:
            return f"status {resp.status_code}, expected 400"
        if field not in resp.json():
            return f"400 without an error on {field!r}: {resp.content[:200]!r}"
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


def html_list(resource: str, query: str = "") -> Builder:
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
        yield Case("list", "GET", reverse(name) + query, check)

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
    """An active officer (not the system admin) may ask for parts of a record they see; a record
    they cannot see answers exactly as a missing one (404: no existence oracle)."""

    def cases(ctx, name):
        for resource in ("foreigner", "sighting"):
            for pk in records(ctx, resource):
                allowed = ctx.p.is_officer and sees(ctx, resource, pk)
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
        if not ctx.p.reads("identity"):
            # A criterion of a category the user may not read is refused, not answered empty.
            yield Case("by-name", "POST", url, _refused("name"), {"name": "test"}, True)
            return
        yield Case("by-name", "POST", url, _ids_check(expected, _api_ids), {"name": "test"}, True)
        soreang = ctx.world.named["f_soreang"]
        doc = {"document_number": "maskdoc1234"}
        if ctx.p.reads("document"):
            want = {soreang} & expected
            yield Case("by-document", "POST", url, _ids_check(want, _api_ids), doc, True)
        else:
            yield Case("by-document", "POST", url, _refused("document_number"), doc, True)

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


# --- portal pages and actions (foreigners/views.py, reports/views.py) -----------------------
#
# Write routes check the capability the policy gives the role, then the record: signed out →
# login page; a record the user may not see → 404 (whatever the role); a visible record (or a
# page without record) the role may not change → 403; allowed → the form (200) or, posted with
# valid data, a redirect (302). Pages closed to the whole role (create/edit forms) answer 403
# before looking the record up, which reveals nothing about it.


def _gate(ctx: Ctx, *, visible=True, capable=True, ok=200, capability_first=False):
    if not signed_in(ctx.p):
        return _to_login
    if capability_first and not capable:
        return _status(403)
    if not visible:
        return _status(404)
    if not capable:
        return _status(403)
    return _status(ok)


def _all(*checks):
    def check(resp):
        for c in checks:
            error = c(resp)
            if error:
                return error
        return None

    return check


def _ids_in_page(resource: str, expected: set[int]):
    """Only for a 200: the records of ``resource`` the page links to are exactly ``expected``."""
    extract = _html_ids(resource)

    def check(resp):
        if resp.status_code != 200:
            return None
        got = extract(resp)
        if got != expected:
            return (
                f"{resource} links: unexpected allows {sorted(got - expected)}, "
                f"unexpected denies {sorted(expected - got)}"
            )
        return None

    return check


def home_kelurahan(p: Principal) -> str:
    """A kelurahan inside the principal's scope (forms only offer those)."""
    from .world import SOREANG, UJUNG

    for code in (SOREANG, UJUNG):
        if p.superuser or p.in_scope(code):
            return code
    return SOREANG


def _named(ctx: Ctx, name: str) -> int:
    return ctx.world.named[name]


def foreigner_list_extra() -> Builder:
    """The list's search (name, kecamatan filter) and the posted passport-number search."""

    def cases(ctx, name):
        p = ctx.p
        url = reverse(name)
        visible = {pk for pk in ctx.world.foreigners if sees(ctx, "foreigner", pk)}
        if not signed_in(p):
            yield Case("search", "GET", url + "?q=test", _to_login)
            yield Case("by-document", "POST", url, _to_login, {"document_number": "MASKDOC1234"})
            return
        rows = _html_ids("foreigner")
        yield Case("search", "GET", url + "?q=test", _ids_check(visible, rows))
        kec = "73.72.03"
        if not p.reads("residence"):
            want = set()  # refused (a form error), never silently applied or ignored
        elif p.superuser or p.in_scope(kec):
            want = {pk for pk in visible if (ctx.world.foreigners[pk].residence or "")[:8] == kec}
        else:
            want = set()  # not one of the user's kecamatan: a form error, no rows
        yield Case("kecamatan", "GET", f"{url}?kecamatan={kec}", _ids_check(want, rows))
        soreang = _named(ctx, "f_soreang")
        data = {"document_number": "maskdoc 1234"}
        if p.reads("document"):
            yield Case("by-document", "POST", url, _ids_check({soreang} & visible, rows), data)
        else:
            yield Case("by-document", "POST", url, _status(403), data)

    return cases


def foreigner_detail() -> Builder:
    """html_detail plus the sightings and alerts it lists: exactly the visible ones."""

    def cases(ctx, name):
        w = ctx.world
        for case in html_detail("foreigner")(ctx, name):
            pk = int(case.label.split("#")[1])
            sightings = {
                s
                for s, fact in w.sightings.items()
                if fact.foreigner == pk and sees(ctx, "sighting", s)
            }
            flags = {
                f for f, fact in w.flags.items() if fact.foreigner == pk and sees(ctx, "flag", f)
            }
            case.check = _all(
                case.check, _ids_in_page("sighting", sightings), _ids_in_page("flag", flags)
            )
            yield case

    return cases


def sighting_detail() -> Builder:
    """html_detail plus its alerts and the person: linked only where the person is visible."""

    def cases(ctx, name):
        w = ctx.world
        for case in html_detail("sighting")(ctx, name):
            pk = int(case.label.split("#")[1])
            flags = {
                f for f, fact in w.flags.items() if fact.sighting == pk and sees(ctx, "flag", f)
            }
            person = w.sightings[pk].foreigner
            people = {person} if person and sees(ctx, "foreigner", person) else set()
            case.check = _all(
                case.check, _ids_in_page("flag", flags), _ids_in_page("foreigner", people)
            )
            yield case

    return cases


def foreigner_lookup() -> Builder:
    """The name picker (JSON, ten at most): one lookup per person by a word of the name, and
    one by a word they all share."""

    def cases(ctx, name):
        url = reverse(name)
        if not signed_in(ctx.p):
            yield Case("all", "GET", url + "?q=test", _to_login)
            return
        visible = {pk for pk in ctx.world.foreigners if sees(ctx, "foreigner", pk)}

        def capped(resp):
            if resp.status_code != 200:
                return f"status {resp.status_code}"
            got = _api_ids(resp)
            if not got <= visible or len(got) != min(10, len(visible)):
                return (
                    f"unexpected allows {sorted(got - visible)}, "
                    f"{len(got)} rows for {len(visible)} visible"
                )
            return None

        yield Case("all", "GET", url + "?q=test", capped)
        for pk, fact in ctx.world.foreigners.items():
            want = {pk} if pk in visible else set()
            yield Case(
                f"foreigner#{pk}", "GET", f"{url}?q={fact.token}", _ids_check(want, _api_ids)
            )

    return cases


def foreigner_photo() -> Builder:
    def cases(ctx, name):
        for pk in ctx.world.foreigners:
            allowed = sees(ctx, "foreigner", pk) and pk in ctx.world.foreigner_photos
            yield Case(f"foreigner#{pk}", "GET", reverse(name, args=[pk]), page_gate(ctx, allowed))

    return cases


def sighting_photo() -> Builder:
    def cases(ctx, name):
        for photo, sighting in ctx.world.sighting_photos.items():
            allowed = sees(ctx, "sighting", sighting)
            yield Case(
                f"photo#{photo}", "GET", reverse(name, args=[photo]), page_gate(ctx, allowed)
            )
        yield Case("missing", "GET", reverse(name, args=[10**9]), page_gate(ctx, False))

    return cases


FOREIGNER_POST = {
    "family_name": "Baru",
    "given_names": "Ana",
    "sex": "F",
    "birth_date": "1990-02-03",
    "birth_place": "Perth",
    "nationality": "AUS",
    "version": "1",
}


def _lands_on_visible(ctx: Ctx):
    """After a create, the page the redirect names shows the new record to its creator."""

    def check(resp):
        if resp.status_code != 302:
            return None
        got = ctx.client.get(resp["Location"]).status_code
        return None if got == 200 else f"redirect to {resp['Location']} answered {got}"

    return check


def foreigner_create() -> Builder:
    def cases(ctx, name):
        can = ctx.p.writes("identity")
        yield Case("form", "GET", reverse(name), _gate(ctx, capable=can))
        from .world import UJUNG

        # With the first residence (required): a kelurahan in every capable principal's scope.
        data = {
            **FOREIGNER_POST,
            "residence-address": "Jl. Baru 1",
            "residence-region": UJUNG,
            "residence-from_date": "2025-01-01",
        }
        gate = _all(_gate(ctx, capable=can, ok=302), _lands_on_visible(ctx))
        yield Case("create", "POST", reverse(name), gate, data)

    return cases


# Posted to the person of the write actions (f_ujung: in every Parepare scope, no children)
# and to f_nowhere (no residence: only the system admin sees it).
WRITE_TARGETS = ("f_ujung", "f_nowhere")


def foreigner_edit() -> Builder:
    def cases(ctx, name):
        can = ctx.p.writes("identity")
        for pk in ctx.world.foreigners:
            gate = _gate(
                ctx, visible=sees(ctx, "foreigner", pk), capable=can, capability_first=True
            )
            yield Case(
                f"foreigner#{pk}",
                "GET",
                reverse(name, args=[pk]),
                _masked(ctx, "foreigner", pk, gate),
            )
        for target in WRITE_TARGETS:
            pk = _named(ctx, target)
            gate = _gate(
                ctx, visible=sees(ctx, "foreigner", pk), capable=can, ok=302, capability_first=True
            )
            yield Case(f"save {target}", "POST", reverse(name, args=[pk]), gate, FOREIGNER_POST)

    return cases


def _child_data(kind: str, ctx: Ctx, *, existing: bool, pk: int = 0) -> dict:
    from .world import SECRET, SOREANG, UJUNG

    if kind == "document":
        return {
            "kind": "passport",
            "number": SECRET["document"] if existing else f"NEWDOC{pk}",
            "issuing_country": "CHN",
            "issued_on": "2020-01-01",
            "expires_on": "2031-01-01",
        }
    if kind == "permit":
        return {
            "kind": "ITAS",
            "visa_index": "E23",
            "number": SECRET["permit.detail"] if existing else f"NEWPERMIT{pk}",
            "issued_on": "2025-01-01" if existing else "2026-01-05",
            "valid_from": "2025-01-01" if existing else "2026-01-05",
            "valid_until": "2027-01-01",
            "purpose": "work",
            "status": "active",
        }
    return {
        "address": SECRET["residence"] if existing else "Jalan Baru 1",
        "region": SOREANG if existing else UJUNG,
        "from_date": "2025-01-01" if existing else "2026-02-01",
    }


def child_create(kind: str) -> Builder:
    def cases(ctx, name):
        can = ctx.p.writes(kind)
        for pk in ctx.world.foreigners:
            gate = _gate(
                ctx, visible=sees(ctx, "foreigner", pk), capable=can, capability_first=True
            )
            yield Case(
                f"foreigner#{pk}",
                "GET",
                reverse(name, args=[pk]),
                _masked(ctx, "foreigner", pk, gate),
            )
        for target in WRITE_TARGETS:
            pk = _named(ctx, target)
            data = _child_data(kind, ctx, existing=False, pk=pk)
            gate = _gate(
                ctx, visible=sees(ctx, "foreigner", pk), capable=can, ok=302, capability_first=True
            )
            yield Case(f"add to {target}", "POST", reverse(name, args=[pk]), gate, dict(data))

    return cases


def child_edit(kind: str) -> Builder:
    """f_soreang's own document / permit / residence; the same child under another person's
    URL is a 404 for everyone who may edit at all."""

    def cases(ctx, name):
        can = ctx.p.writes(kind)
        soreang, child = _named(ctx, "f_soreang"), ctx.world.children[kind]
        visible = sees(ctx, "foreigner", soreang)
        url = reverse(name, args=[soreang, child])
        gate = _gate(ctx, visible=visible, capable=can, capability_first=True)
        yield Case("own", "GET", url, _masked(ctx, "foreigner", soreang, gate))
        other = _named(ctx, "f_ujung")
        yield Case(
            "other-person",
            "GET",
            reverse(name, args=[other, child]),
            _gate(ctx, visible=False, capable=can, capability_first=True),
        )
        gate = _gate(ctx, visible=visible, capable=can, ok=302, capability_first=True)
        yield Case("save", "POST", url, gate, _child_data(kind, ctx, existing=True))

    return cases


def sighting_create() -> Builder:
    def cases(ctx, name):
        can = ctx.p.submits_sightings
        yield Case("form", "GET", reverse(name), _gate(ctx, capable=can))
        data = {
            "region": home_kelurahan(ctx.p),
            "place": "Pasar Lakessi",
            "observed_at": "2026-11-01T10:00",
            "activity": "work",
            "description": "Two men working at a stall",
            "person": "unknown",
            "apparent_nationality": "CHN",
            "person_count": "2",
        }
        yield Case("submit", "POST", reverse(name), _gate(ctx, capable=can, ok=302), data)

    return cases


def sighting_mine() -> Builder:
    """ "My reports": the principal's own reports among the visible ones; 404 for whoever does
    not submit sightings."""

    def cases(ctx, name):
        p = ctx.p
        if not signed_in(p):
            check = _to_login
        elif not p.submits_sightings:
            check = _status(404)
        else:
            own = set(
                Sighting.objects.filter(
                    pk__in=list(ctx.world.sightings), reporter=p.user
                ).values_list("pk", flat=True)
            )
            want = {pk for pk in own if sees(ctx, "sighting", pk)}
            check = _ids_check(want, _html_ids("sighting"))
        yield Case("mine", "GET", reverse(name), check)

    return cases


def notification_open() -> Builder:
    """Opening one's own notification goes to its link; anyone else's is a 404."""

    def cases(ctx, name):
        someone = UserFactory()
        theirs = Notification.objects.create(recipient=someone, kind="share.granted", title="x")
        yield Case("someone-elses", "POST", reverse(name, args=[theirs.pk]), page_gate(ctx, False))
        if signed_in(ctx.p):
            mine = Notification.objects.create(
                recipient=ctx.p.user, kind="share.granted", title="x", url="/"
            )
            yield Case("mine", "POST", reverse(name, args=[mine.pk]), page_gate(ctx, True, 302))

    return cases


def sighting_queue() -> Builder:
    """The review queue (pending sightings, all of the world's): reviewers only."""

    def cases(ctx, name):
        p = ctx.p
        if not signed_in(p):
            check = _to_login
        elif not p.reviews:
            check = _status(403)
        else:
            want = {pk for pk in ctx.world.sightings if sees(ctx, "sighting", pk)}
            check = _ids_check(want, _html_ids("sighting"))
        yield Case("queue", "GET", reverse(name), check)

    return cases


def sighting_action(capable: Callable[[Ctx], bool], data: Callable[[Ctx], dict], sample=None):
    def cases(ctx, name):
        pks = [_named(ctx, n) for n in sample] if sample else list(ctx.world.sightings)
        for pk in pks:
            gate = _gate(ctx, visible=sees(ctx, "sighting", pk), capable=capable(ctx), ok=302)
            yield Case(f"sighting#{pk}", "POST", reverse(name, args=[pk]), gate, data(ctx))

    return cases


def flag_action(data: dict) -> Builder:
    def cases(ctx, name):
        w = ctx.world
        for pk, fact in w.flags.items():
            gate = _gate(
                ctx, visible=sees(ctx, "flag", pk), capable=works_flag(ctx.p, fact, w), ok=302
            )
            yield Case(f"flag#{pk}", "POST", reverse(name, args=[pk]), gate, dict(data))

    return cases


def dashboard() -> Builder:
    """Every figure counts only what the user may open: the totals equal the oracle's."""

    def cases(ctx, name):
        p, w = ctx.p, ctx.world
        if not signed_in(p):
            yield Case("figures", "GET", reverse(name), _to_login)
            return

        def check(resp):
            if resp.status_code != 200:
                return f"status {resp.status_code}"
            f = resp.context["f"]
            want = {
                "foreigners": sum(sees(ctx, "foreigner", pk) for pk in w.foreigners),
                "open flags": sum(sees(ctx, "flag", pk) for pk in w.flags),
                "sightings": sum(sees(ctx, "sighting", pk) for pk in w.sightings),
            }
            got = {"foreigners": f["total_foreigners"]}
            if "open_flags_by_rule" in f:
                got["open flags"] = sum(row["n"] for row in f["open_flags_by_rule"])
            elif want["open flags"]:
                return "open flags not shown to a reader of flags"
            else:
                got["open flags"] = 0
            if "sightings_per_week" in f:
                got["sightings"] = sum(row["n"] for row in f["sightings_per_week"])
            else:
                got["sightings"] = 0
            if got != want:
                return f"dashboard figures {got}, oracle {want}"
            return None

        yield Case("figures", "GET", reverse(name), check)

    return cases


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
    # Sign-in's second step and enrolment (accounts/urls.py): for the signed-in only. The tests
    # sign in with force_login and no device, so the code page sends them on to enrol.
    "otp-verify": custom(
        lambda ctx: iter(
            [
                Case(
                    "get",
                    "GET",
                    reverse("otp-verify"),
                    _status(302) if signed_in(ctx.p) else _to_login,
                )
            ]
        )
    ),
    "otp-enrol": signed_in_page(),
    "otp-backup-codes": custom(
        lambda ctx: iter(
            [
                Case(
                    "get",
                    "GET",
                    reverse("otp-backup-codes"),
                    _status(405) if signed_in(ctx.p) else _to_login,
                )
            ]
        )
    ),
    # Password reset by email: public pages that show no record.
    "password_reset": public(),
    "password_reset_done": public(),
    "password_reset_complete": public(),
    "password_reset_confirm": custom(
        lambda ctx: iter(
            [
                Case(
                    "invalid-link",
                    "GET",
                    reverse("password_reset_confirm", args=["MQ", "set-password"]),
                    _status((200, 302)),
                )
            ]
        )
    ),
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
    # The notification centre: one's own notifications only.
    "notification-list": signed_in_page(),
    "notification-open": notification_open(),
    "notification-read-all": post_case(
        "read-all", lambda ctx: reverse("notification-read-all"), lambda ctx: True
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
    # Portal pages (foreigners/urls.py)
    "foreigner-list": lambda ctx, name: (
        c for b in (html_list("foreigner"), foreigner_list_extra()) for c in b(ctx, name)
    ),
    "foreigner-detail": foreigner_detail(),
    "foreigner-lookup": foreigner_lookup(),
    "foreigner-photo": foreigner_photo(),
    "foreigner-create": foreigner_create(),
    "foreigner-edit": foreigner_edit(),
    "document-create": child_create("document"),
    "document-edit": child_edit("document"),
    "permit-create": child_create("permit"),
    "permit-edit": child_edit("permit"),
    "residence-create": child_create("residence"),
    "residence-edit": child_edit("residence"),
    # Portal pages (reports/urls.py)
    "sighting-create": sighting_create(),
    "sighting-submitted": html_detail("sighting"),
    "sighting-queue": sighting_queue(),
    "sighting-list": html_list("sighting"),
    "sighting-mine": sighting_mine(),
    "sighting-detail": sighting_detail(),
    "sighting-photo": sighting_photo(),
    "sighting-review": sighting_action(
        lambda ctx: ctx.p.reviews, lambda ctx: {"decision": "verified", "note": "ok"}
    ),
    "sighting-link": sighting_action(
        lambda ctx: ctx.p.reviews,
        lambda ctx: {"foreigner": ctx.world.named["f_soreang"]},
        sample=("s_soreang_work", "s_barru_political", "sighting_shared_user"),
    ),
    "sighting-comment": sighting_action(lambda ctx: True, lambda ctx: {"body": "Seen again."}),
    "flag-list": html_list("flag"),
    "flag-detail": html_detail("flag"),
    "flag-acknowledge": flag_action({}),
    "flag-resolve": flag_action({"note": "Checked in the field."}),
    "dashboard": dashboard(),
}


# Meetings, tasks, operations, TAK (issue 12): entries in their own module.
from .routes_coordination import COORDINATION_ROUTES  # noqa: E402

ROUTES.update(COORDINATION_ROUTES)


def encode(case: Case):
    if case.json_body:
        return {"data": json.dumps(case.data), "content_type": "application/json"}
    return {"data": case.data or {}}
