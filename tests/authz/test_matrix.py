"""The authorization matrix: every principal × every routed URL × every object class, checked
against the independent oracle (tests/authz/oracle.py).

Principals: each agency kind × role (officer, supervisor, agency admin), camat of kecamatan A and
of kecamatan B, a disabled account, an officer of an inactive agency, an account without officer
profile, anonymous, the system admin. Object classes: in scope, out of scope, seen in scope,
shared to me, shared to my agency, share expired, share revoked, own report.
List pages must show exactly the oracle's set; detail pages allow or 404 as it says; masked
values never appear. A route without an entry in tests/authz/routes.py fails the suite.
"""

from __future__ import annotations

import pytest
from django.urls import URLResolver, get_resolver

from .audit_expect import audit_check, audit_mark
from .oracle import sees_foreigner
from .routes import ROUTES, Ctx, encode
from .summary import record_figures
from .world import SECRET, build_world, make_principal, principal_specs

SPECS = principal_specs()
FIGURES = {"principals": 0, "routes": 0, "cases": 0, "get": 0, "post": 0, "unexpected": 0}


def route_names(resolver=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += route_names(pattern, ns)
        else:
            names.append(namespace + (pattern.name or f"<unnamed {pattern.pattern}>"))
    return names


def entry_for(name: str):
    if name in ROUTES:
        return ROUTES[name]
    if ":" in name:
        return ROUTES.get(name.split(":")[0] + ":*")
    return None


def test_every_route_has_a_matrix_entry():
    missing = sorted({n for n in route_names() if entry_for(n) is None})
    assert not missing, f"add these URL names to tests/authz/routes.py: {missing}"


@pytest.fixture(scope="module", autouse=True)
def report_figures():
    yield
    if FIGURES["principals"]:
        record_figures("authorization matrix", FIGURES, same=("routes",))
        # The module may be set up again on this worker (the run interleaves the long tests):
        # what is recorded is added up, so start again from zero.
        FIGURES.update({key: 0 for key in FIGURES if key != "routes"})


def _registry_key(name: str) -> str:
    return name if name in ROUTES else name.split(":")[0] + ":*"


def _no_leak(ctx: Ctx, response) -> str | None:
    """Whatever the page, a shown page never carries the name of a person the user may not see
    nor a value of a category the user may not read."""
    if response.status_code != 200 or ctx.p.superuser:
        return None
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/html", "application/json")):
        return None
    body = response.content.decode().lower()
    for pk, fact in ctx.world.foreigners.items():
        if fact.token in body and not sees_foreigner(ctx.p, fact):
            return f"name of invisible foreigner#{pk} rendered"
    for category, value in SECRET.items():
        if not ctx.p.reads(category) and value.lower() in body:
            return f"masked {category} value {value!r} rendered"
    return None


def _run(ctx: Ctx, client) -> list[str]:
    errors: list[str] = []
    names = sorted({_registry_key(n) for n in route_names()})
    cases = [(name, case) for name in names for case in ROUTES[name](ctx, name)]
    # Actions last: they change the world the reads are checked against.
    cases.sort(key=lambda item: item[1].method != "GET")
    for name, case in cases:
        call = client.get if case.method == "GET" else client.post
        since = audit_mark()
        response = call(case.url, **encode(case))
        error = case.check(response) or (_no_leak(ctx, response) if case.method == "GET" else None)
        error = error or audit_check(ctx, name, case, response, since)
        FIGURES["cases"] += 1
        FIGURES["get" if case.method == "GET" else "post"] += 1
        if error:
            errors.append(f"{ctx.p.label} {name} [{case.label}] {case.url}: {error}")
    FIGURES["routes"] = len(names)
    return errors


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.parametrize(("label", "opts"), SPECS, ids=[label for label, _ in SPECS])
def test_authorization_matrix(label, opts, regions, client, media):
    principal = make_principal(label, opts)
    world = build_world(principal)
    if principal.user is not None:
        client.force_login(principal.user)
    errors = _run(Ctx(principal, world, client), client)
    FIGURES["principals"] += 1
    FIGURES["unexpected"] += len(errors)
    assert not errors, "\n".join(errors[:40])
