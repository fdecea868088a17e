"""The side-channel dimension of the authorization matrix (issue 8): a differential test.

For each principal, two worlds that differ **only in values the principal may not read** must
answer every list route, API list and search, with every filter, search and sort parameter, every
nested row, flag evidence, dashboard figure and map marker, cursor and request-access route,
byte for byte the same (after removing the CSRF token, the only volatile part of a page). World B
is world A with those values changed in place inside a savepoint, rolled back afterwards, so one
world serves the whole module.

What "may not read" means comes from the oracle (tests/authz/oracle.py, DESIGN.md §4), per row:
a person the principal does not see (every value of it); a category the policy does not open on a
person it sees (documents; permit detail and permit status apart; employment); a residence
outside the principal's scope (the camat reads residences of the own kecamatan only); a sighting
it does not see (and the person a visible sighting names, when that person is invisible); flags
it does not see, and the evidence keys of a visible flag quoting what it may not read.

Principals: every agency kind (roles rotate: the role changes what a user may do, not what they
may read), the camat of kecamatan A and B, an account without profile and the system admin.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, RecordShare
from foreigners.models import (
    Foreigner,
    ForeignerUserObjectPermission,
    Residence,
    StayPermit,
    TravelDocument,
)
from reports.models import Flag, Sighting

from .oracle import FactForeigner, FactSighting, Principal, sees_foreigner, sees_sighting
from .world import grant_rows, make_principal

SOREANG, SOREANG_2 = "73.72.03.1001", "73.72.03.1002"
UJUNG, BACUKIKI = "73.72.02.1001", "73.72.01.1004"
BARRU, SIDRAP = "73.11", "73.15"
# Where a residence may move in world B: the first region whose "in the principal's scope" is the
# same as the old one (visibility does not change, only the masked place).
MOVES = [SOREANG, SOREANG_2, UJUNG, BACUKIKI, SIDRAP, BARRU, "73.12"]
ROLES = ["officer", "supervisor", "agency_admin"]


def principal_specs() -> list[tuple[str, dict]]:
    kinds = [k for k in Agency.Kind.values if k != "kecamatan"]
    specs = [
        (f"{kind}-{ROLES[i % 3]}", {"kind": kind, "role": ROLES[i % 3]})
        for i, kind in enumerate(kinds)
    ]
    specs += [
        ("camat-A-officer", {"kind": "kecamatan", "role": "officer", "kecamatan": "73.72.03"}),
        (
            "camat-B-supervisor",
            {"kind": "kecamatan", "role": "supervisor", "kecamatan": "73.72.02"},
        ),
        ("no-profile", {"no_profile": True}),
        ("system-admin", {"superuser": True}),
    ]
    return specs


@dataclass
class Person:
    obj: Foreigner
    fact: FactForeigner
    document: TravelDocument
    permit: StayPermit
    residence: Residence


@dataclass
class World:
    people: dict[str, Person] = field(default_factory=dict)
    sightings: dict[str, tuple[Sighting, FactSighting]] = field(default_factory=dict)
    flags: dict[str, Flag] = field(default_factory=dict)
    shared_with: dict[int, set[str]] = field(default_factory=dict)  # foreigner pk -> categories


_seq = iter(range(1, 10**6))


def _person(world: World, name: str, residence: str, nationality: str) -> Person:
    n = next(_seq)
    f = Foreigner.objects.create(
        family_name=name,
        given_names=f"Given{n}",
        sex="M",
        birth_date=dt.date(1970 + n % 30, 1 + n % 12, 1),
        nationality=nationality,
        occupation=f"Trade {n}",
        residence_region_id=residence,
    )
    document = TravelDocument.objects.create(
        foreigner=f,
        number=f"DOC{n:06d}",
        issuing_country=nationality,
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2031, 1, 1),
    )
    today = timezone.localdate()
    permit = StayPermit.objects.create(
        foreigner=f,
        kind="ITAS",
        visa_index="E23",
        number=f"PRM{n:06d}",
        issued_on=today - dt.timedelta(days=100),
        valid_from=today - dt.timedelta(days=100),
        valid_until=today + dt.timedelta(days=20),
    )
    residence_row = Residence.objects.create(
        foreigner=f, address=f"Jalan {n}", region_id=residence, from_date=dt.date(2024, 1, 1)
    )
    person = Person(f, FactForeigner(f.pk, residence), document, permit, residence_row)
    world.people[name] = person
    return person


def _sighting(world: World, name: str, region: str, activity: str, agency, reporter, person=None):
    s = Sighting.objects.create(
        reporter=reporter,
        reporting_agency=agency,
        observed_at=timezone.now() - dt.timedelta(days=next(_seq) % 20),
        region_id=region,
        place=f"Place {name}",
        activity=activity,
        description=f"Seen {name}",
        foreigner=person.obj if person else None,
        apparent_nationality="CHN" if person is None else "",
    )
    fact = FactSighting(s.pk, region, activity, agency.pk, person.obj.pk if person else None)
    if person is not None:
        person.fact.sighting_regions.append(region)
    world.sightings[name] = (s, fact)
    return s


def _flag(world: World, name: str, person: Person, sighting: Sighting | None, evidence: dict):
    flag = Flag.objects.create(
        rule=f"test.{name}",
        subject_type="foreigner",
        subject_id=person.obj.pk,
        foreigner=person.obj,
        sighting=sighting,
        permit=person.permit,
        routed_to=list(Agency.Kind.values),
        reason=f"reason {name}",
        opened_at=timezone.now(),
        evidence=evidence,
    )
    world.flags[name] = flag
    return flag


def build(principals: list[Principal]) -> World:
    world = World()
    reporter = make_principal("reporter", {"kind": "polres", "role": "officer"})
    other = Agency.objects.get(pk=reporter.agency_id)
    f_in = _person(world, "in", SOREANG, "CHN")
    f_seen = _person(world, "seen", BARRU, "AUS")
    _person(world, "ujung", UJUNG, "CHN")
    f_hidden = _person(world, "hidden", BARRU, "NLD")
    _person(world, "hidden2", BARRU, "DEU")
    f_shared = _person(world, "shared", BARRU, "JPN")
    _person(world, "sidrap", SIDRAP, "CHN")
    s_seen = _sighting(world, "seen", SOREANG, "work", other, reporter.user, f_seen)
    s_away = _sighting(world, "away", UJUNG, "religious", other, reporter.user)
    _sighting(world, "tourist", SOREANG, "tourism", other, reporter.user)
    # Seen far away, naming a person the principals do not see: shared with every principal,
    # so a visible sighting names an invisible person.
    s_barru = _sighting(world, "barru", BARRU, "social", other, reporter.user, f_hidden)
    # The person keeps being invisible: the Barru sighting is outside every scope but the Kanwil's.
    week = timezone.now() + dt.timedelta(days=7)
    for p in principals:
        if p.user is None or p.superuser:
            continue
        grant_rows(
            subject_type="sighting",
            pk=s_barru.pk,
            granter=reporter.user,
            user=p.user,
            expires_at=week,
        )
        p.shares.add(("sighting", s_barru.pk))
        share = grant_rows(
            subject_type="foreigner",
            pk=f_shared.obj.pk,
            granter=reporter.user,
            user=p.user,
            expires_at=week,
        )
        # The share opens documents on that one record, nothing else.
        RecordShare.objects.filter(pk=share.pk).update(categories=["document"])
        ForeignerUserObjectPermission.objects.filter(share=share).update(categories=["document"])
        p.shares.add(("foreigner", f_shared.obj.pk))
    world.shared_with[f_shared.obj.pk] = {"document"}
    _flag(
        world,
        "quoting",
        f_in,
        s_away,
        {"reference": s_away.reference, "region": UJUNG, "activity": "religious", "as_of": "x"},
    )
    _flag(
        world,
        "elsewhere",
        f_seen,
        s_seen,
        {
            "registered_kecamatan": BARRU,
            "kecamatan": ["73.72.03"],
            "sightings": 1,
            "visa_index": "E23",
            "days_left": 20,
        },
    )
    _flag(world, "hidden", f_hidden, s_barru, {"reference": s_barru.reference, "days_left": 3})
    return world


# --- what a principal may read, per row (the oracle's words) ----------------------------------


def _shared(p: Principal, world: World, person: Person) -> set[str]:
    if ("foreigner", person.obj.pk) in p.shares:
        return world.shared_with.get(person.obj.pk, set())
    return set()


def _reads(p: Principal, world: World, person: Person, category: str) -> bool:
    return sees_foreigner(p, person.fact) and (
        p.reads(category) or category in _shared(p, world, person)
    )


def mutate(p: Principal, world: World) -> None:
    """World B: every value ``p`` may not read changed, nothing it may read touched."""
    for person in world.people.values():
        f, visible = person.obj, sees_foreigner(p, person.fact)
        if not visible:
            Foreigner.objects.filter(pk=f.pk).update(
                nationality="BRA" if f.nationality != "BRA" else "ARG",
                birth_date=dt.date(1950, 6, 6),
                family_name=f"{f.family_name}x",
            )
        if not _reads(p, world, person, "employment"):
            Foreigner.objects.filter(pk=f.pk).update(occupation="Changed occupation")
        if not _reads(p, world, person, "document"):
            TravelDocument.objects.filter(pk=person.document.pk).update(
                number=f"ZZCHG{person.document.pk}"
            )
        if not _reads(p, world, person, "permit.detail"):
            StayPermit.objects.filter(pk=person.permit.pk).update(
                number=f"CHG{person.permit.pk}", visa_index="C1"
            )
        if not _reads(p, world, person, "permit.status"):
            StayPermit.objects.filter(pk=person.permit.pk).update(
                kind="ITK",
                status="cancelled",
                valid_until=person.permit.valid_until - dt.timedelta(days=60),
            )
        code = person.residence.region_id
        readable = visible and p.reads_region("residence", code, _shared(p, world, person))
        if not readable:
            scoped = p.in_scope(code)
            moved = next(r for r in MOVES if r != code and p.in_scope(r) == scoped)
            Residence.objects.filter(pk=person.residence.pk).update(
                address="Jalan Lain 99", region_id=moved
            )
            Foreigner.objects.filter(pk=f.pk).update(residence_region_id=moved)
    for s, fact in world.sightings.values():
        if not sees_sighting(p, fact):
            Sighting.objects.filter(pk=s.pk).update(
                place="Changed place", description="Changed", apparent_nationality="KOR"
            )
        elif fact.foreigner == world.people["hidden"].obj.pk and not sees_foreigner(
            p, world.people["hidden"].fact
        ):
            # The person a visible sighting names is invisible: another invisible person.
            Sighting.objects.filter(pk=s.pk).update(foreigner=world.people["hidden2"].obj)
    for flag in world.flags.values():
        evidence = dict(flag.evidence)
        quoted = flag.sighting_id and next(
            fact for s, fact in world.sightings.values() if s.pk == flag.sighting_id
        )
        if quoted and not sees_sighting(p, quoted):
            for key in ("reference", "region", "activity"):
                if key in evidence:
                    evidence[key] = f"changed-{key}"
        if "visa_index" in evidence and not p.reads("permit.detail"):
            evidence["visa_index"] = "C9"
        if "days_left" in evidence and not p.reads("permit.status"):
            evidence["days_left"] = 99
        if "registered_kecamatan" in evidence and not p.reads_region(
            "residence", evidence["registered_kecamatan"]
        ):
            evidence["registered_kecamatan"] = next(
                r for r in MOVES if r != evidence["registered_kecamatan"] and not p.in_scope(r)
            )
        if evidence != flag.evidence:
            # The reason sentence quotes the evidence: it changes with it.
            Flag.objects.filter(pk=flag.pk).update(evidence=evidence, reason="changed reason")


# --- the requests -------------------------------------------------------------------------


def requests(world: World) -> list[tuple[str, str, str, dict | None]]:
    """(label, method, url, body): every list, filter, search and sort parameter with values
    taken from world A, the detail pages and API of every record, flags, dashboard, cursors."""
    f_in, f_seen = world.people["in"], world.people["seen"]
    hidden = world.people["hidden"]
    foreigner_params = [
        "",
        "q=given",
        f"nationality={hidden.obj.nationality}",
        "nationality=CHN",
        "permit_kind=ITAS",
        "permit_status=valid",
        "permit_status=expired",
        "kecamatan=73.72.03",
        "kecamatan=73.11",
        "ordering=birth_date",
        "ordering=-nationality",
        f"after={hidden.obj.pk}",
        f"after={f_seen.obj.pk}",
    ]
    out = []
    for q in foreigner_params:
        out.append((f"list?{q}", "GET", f"{reverse('foreigner-list')}?{q}", None))
        out.append((f"api?{q}", "GET", f"{reverse('api-foreigner-list')}?{q}", None))
    for body in (
        {"document_number": f_in.document.number},
        {"document_number": world.people["shared"].document.number},
        {"name": "given", "kecamatan": "73.72.03"},
        {"permit_kind": "ITAS"},
        {"nationality": hidden.obj.nationality},
    ):
        out.append((f"search {body}", "POST", reverse("api-foreigner-search"), body))
        out.append((f"list POST {body}", "POST", reverse("foreigner-list"), body))
    out.append(("lookup", "GET", f"{reverse('foreigner-lookup')}?q=given", None))
    for q in ("", f"nationality={hidden.obj.nationality}", "kecamatan=73.72.03", "activity=work"):
        out.append((f"sightings?{q}", "GET", f"{reverse('api-sighting-list')}?{q}", None))
    for q in ("", "kecamatan=73.72.03", "kecamatan=73.11", "nationality=CHN", "severity=10"):
        out.append((f"flags?{q}", "GET", f"{reverse('api-flag-list')}?{q}", None))
        out.append((f"flag list?{q}", "GET", f"{reverse('flag-list')}?{q}", None))
    for person in world.people.values():
        pk = person.obj.pk
        out.append((f"detail {pk}", "GET", reverse("foreigner-detail", args=[pk]), None))
        out.append((f"api detail {pk}", "GET", reverse("api-foreigner-detail", args=[pk]), None))
    for s, _fact in world.sightings.values():
        out.append((f"sighting {s.pk}", "GET", reverse("sighting-detail", args=[s.pk]), None))
        out.append(
            (f"api sighting {s.pk}", "GET", reverse("api-sighting-detail", args=[s.pk]), None)
        )
    for flag in world.flags.values():
        out.append((f"flag {flag.pk}", "GET", reverse("flag-detail", args=[flag.pk]), None))
        out.append((f"api flag {flag.pk}", "GET", reverse("api-flag-detail", args=[flag.pk]), None))
    out.append(("dashboard", "GET", reverse("dashboard"), None))
    return out


CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+')
# The access panel's rows of the pass itself: their ids come from a sequence that a rollback does
# not rewind, their times from the clock (who read, by which route, stays compared).
AUDIT_ROW = re.compile(rb'(<li data-audit-id=")\d+">[^<\xe2]*')
# The signed-in user's own name in the top bar: the same on both pages, but its sequence number
# ("camat-A-18") must not be taken for a record id the comparison blanks out.
WHO = re.compile(rb'(<span class="who">)[^<]*')


def answer(client, method: str, url: str, body) -> tuple[int, bytes]:
    if method == "GET":
        response = client.get(url)
    elif url.startswith("/api/"):
        response = client.post(url, body, content_type="application/json")
    else:
        response = client.post(url, body)
    content = WHO.sub(rb"\1-", CSRF.sub(rb"\1-", response.content))
    return response.status_code, AUDIT_ROW.sub(rb'\1-">', content)


def blank_id(body: bytes, pk: int) -> bytes:
    """``body`` with the record id ``pk`` as a whole number replaced by ``ID`` (not inside a
    word or a longer number: an id of 18 must not turn ``/i18n/`` into ``/iIDn/``)."""
    return re.sub(rb"(?<![0-9A-Za-z])" + str(pk).encode() + rb"(?![0-9A-Za-z])", b"ID", body)


def _diff(a: bytes, b: bytes) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"A …{a[max(0, i - 80) : i + 80]!r}… B …{b[max(0, i - 80) : i + 80]!r}…"


SPECS = principal_specs()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_specs_cover_every_agency_kind_and_role():
    kinds = {opts.get("kind") for _label, opts in SPECS}
    assert kinds >= set(Agency.Kind.values)
    assert {opts.get("role") for _label, opts in SPECS} >= set(ROLES)


# The principals in groups, one test each, so parallel workers share the passes (the world is
# the same in every group: it is built for all principals).
GROUP = 4
GROUPS = range(0, len(SPECS), GROUP)


@pytest.mark.parametrize("first", GROUPS, ids=[SPECS[i][0] for i in GROUPS])
def test_worlds_differing_only_in_what_a_principal_may_not_read_answer_the_same(
    first, regions, client, media
):
    principals = [make_principal(label, opts) for label, opts in SPECS]
    world = build(principals)
    routes = requests(world)
    errors: list[str] = []
    for p in principals[first : first + GROUP]:
        client.logout()
        if p.user is not None:
            client.force_login(p.user)
        # Each pass's own reads go to the access log, which the access panel of its later pages
        # lists: both worlds start from the same log.
        sid = transaction.savepoint_create()
        before = [answer(client, m, url, body) for _label, m, url, body in routes]
        transaction.savepoint_rollback(sid)
        sid = transaction.savepoint_create()
        mutate(p, world)
        after = [answer(client, m, url, body) for _label, m, url, body in routes]
        transaction.savepoint_rollback(sid)
        for (label, _m, url, _b), a, b in zip(routes, before, after, strict=True):
            if a != b:
                errors.append(f"{p.label} {label} ({url}): {a[0]} vs {b[0]}: {_diff(a[1], b[1])}")
    assert not errors, f"{len(errors)} side channels:\n" + "\n".join(errors[:30])


def test_cursors_and_request_routes_answer_alike_for_invisible_and_missing(regions, client, media):
    """``?after=`` an invisible id positions nothing (as a missing id), and every route keyed by
    a record id answers an invisible record exactly as a missing one."""
    p = make_principal(
        "camat-A", {"kind": "kecamatan", "role": "supervisor", "kecamatan": "73.72.03"}
    )
    world = build([p])
    client.force_login(p.user)
    hidden, missing = world.people["hidden"].obj.pk, 10**9
    assert not sees_foreigner(p, world.people["hidden"].fact)
    routes = [
        lambda pk: f"{reverse('foreigner-list')}?after={pk}",
        lambda pk: f"{reverse('foreigner-list')}?before={pk}",
        lambda pk: f"{reverse('sighting-queue')}?after={pk}",
        lambda pk: reverse("access-request-new", args=["foreigner", pk]),
        lambda pk: reverse("share-new", args=["foreigner", pk]),
        lambda pk: reverse("foreigner-detail", args=[pk]),
        lambda pk: reverse("foreigner-photo", args=[pk]),
        lambda pk: reverse("api-foreigner-detail", args=[pk]),
    ]
    for route in routes:
        a = answer(client, "GET", route(hidden), None)
        b = answer(client, "GET", route(missing), None)
        assert a[0] == b[0], route(hidden)
        a_body, b_body = blank_id(a[1], hidden), blank_id(b[1], missing)
        assert a_body == b_body, f"{route(hidden)}: {_diff(a_body, b_body)}"
    s_away = world.sightings["away"][0].pk
    a = answer(client, "GET", reverse("access-request-new", args=["sighting", s_away]), None)
    assert a[0] == 404
