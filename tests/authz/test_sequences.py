"""Property-based test of the access layer over time: random sequences of grant / revoke /
expire / the expiry job / move residence / deactivate and reactivate (accounts and agencies).
After every step, what each principal sees (``visible_foreigners``, ``visible_sightings``)
equals the independent oracle (tests/authz/oracle.py); at the end of each sequence the foreigner
list page and one detail page per record agree with it too.

The steps go through the real services (``share_grant``, ``share_revoke``, ``shares_expire``,
``residence_create``); "expire" moves a share's expiry into the past, as the clock would.
Figures (sequences, steps, checks, mismatches) go to test-artifacts/authz-summary.txt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.models import Agency, Officer, RecordShare, Region
from agencies.services import share_grant, share_revoke, shares_expire
from foreigners.models import (
    Foreigner,
    ForeignerGroupObjectPermission,
    ForeignerUserObjectPermission,
)
from foreigners.selectors import visible_foreigners
from foreigners.services import residence_create
from reports.models import Sighting, SightingGroupObjectPermission, SightingUserObjectPermission
from reports.selectors import visible_sightings

from .oracle import FactForeigner, FactSighting, Principal, sees_foreigner, sees_sighting
from .summary import record_figures
from .world import BARRU, SIDRAP, SOREANG, UJUNG

EXAMPLES = 25
MAX_STEPS = 12
BACUKIKI = "73.72.01.1004"
MOVES = (SOREANG, UJUNG, BACUKIKI, SIDRAP, BARRU)
FIGURES = {"sequences": 0, "steps": 0, "selector_checks": 0, "page_checks": 0, "mismatches": 0}

# (label, agency label, kind, role, kecamatan)
PRINCIPALS = [
    ("polres-1", "polres", "polres", "officer", None),
    ("polres-2", "polres", "polres", "supervisor", None),
    ("camat-A", "camat-A", "kecamatan", "officer", "73.72.03"),
    ("camat-B", "camat-B", "kecamatan", "officer", "73.72.02"),
    ("kemenag", "kemenag", "kemenag", "officer", None),
    ("kejari", "kejari", "kejari", "officer", None),
    ("kanim", "kanim", "imigrasi", "officer", None),
]
AGENCIES = {
    "polres": ("polres", "73.72", []),
    "camat-A": ("kecamatan", "73.72.03", []),
    "camat-B": ("kecamatan", "73.72.02", []),
    "kemenag": ("kemenag", "73.72", []),
    "kejari": ("kejari", "73.72", []),
    "kanim": ("imigrasi", "73.72", ["73.72", "73.15"]),
}
# (residence) of the people; (region, activity, person index, reported by) of the sightings.
PEOPLE = (SOREANG, UJUNG, SIDRAP, BARRU, BACUKIKI)
SIGHTINGS = (
    (SOREANG, "work", 0, None),
    (UJUNG, "religious", None, None),
    (BARRU, "social", 3, None),
    (SIDRAP, "business", None, None),
    (BARRU, "religious", 4, "kemenag"),
)
GRANTEES = [label for label, *_ in PRINCIPALS] + [f"agency:{a}" for a in AGENCIES]


@dataclass
class Seq:
    """The live objects of one sequence and the oracle's facts about them."""

    users: dict[str, object] = field(default_factory=dict)
    principals: dict[str, Principal] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    agency_active: dict[str, bool] = field(default_factory=dict)
    user_active: dict[str, bool] = field(default_factory=dict)
    foreigners: list[FactForeigner] = field(default_factory=list)
    sightings: list[FactSighting] = field(default_factory=list)
    # (resource, pk, grantee) -> share id of the live guardian row
    live: dict[tuple[str, int, str], int] = field(default_factory=dict)
    expired: set[tuple[str, int, str]] = field(default_factory=set)
    shares: list[int] = field(default_factory=list)  # every share id granted, for revoke
    granter: object = None
    moves: int = 0


def _build() -> Seq:
    seq = Seq()
    user_model = get_user_model()
    other = Agency.objects.create(name="Polres lain", kind="polres", region_id="73")
    kanwil = Agency.objects.create(name="Kanwil", kind="kanwil", region_id="73")
    kanwil.jurisdiction.set(["73"])
    seq.granter = user_model.objects.create(username="granter")
    Officer.objects.create(user=seq.granter, agency=kanwil, role="supervisor")
    for label, (kind, region, jurisdiction) in AGENCIES.items():
        agency = Agency.objects.create(name=label, kind=kind, region_id=region)
        agency.jurisdiction.set(jurisdiction)
        seq.agencies[label] = agency
        seq.agency_active[label] = True
    for label, agency_label, kind, role, kecamatan in PRINCIPALS:
        user = user_model.objects.create(username=label)
        agency = seq.agencies[agency_label]
        Officer.objects.create(user=user, agency=agency, role=role, kecamatan_id=kecamatan)
        scope = (kecamatan,) if kecamatan else tuple(AGENCIES[agency_label][2] or ["73.72"])
        seq.users[label] = user
        seq.user_active[label] = True
        seq.principals[label] = Principal(
            label, kind=kind, role=role, scope=scope, agency_id=agency.pk, user=user
        )
    for i, residence in enumerate(PEOPLE):
        f = Foreigner.objects.create(
            family_name=f"Person{i}",
            given_names="Seq",
            sex="F",
            birth_date=dt.date(1985, 5, 5),
            nationality="KOR",
            residence_region_id=residence,
        )
        seq.foreigners.append(FactForeigner(f.pk, residence))
    for region, activity, person, reporter in SIGHTINGS:
        agency = seq.agencies[reporter] if reporter else other
        s = Sighting.objects.create(
            reporter=seq.granter,
            reporting_agency=agency,
            observed_at=timezone.now(),
            region_id=region,
            place="Somewhere",
            activity=activity,
            description="seen",
            foreigner_id=seq.foreigners[person].pk if person is not None else None,
            apparent_nationality="KOR",
        )
        seq.sightings.append(FactSighting(s.pk, region, activity, agency.pk))
        if person is not None:
            seq.foreigners[person].sighting_regions.append(region)
    return seq


# --- steps ------------------------------------------------------------------------------------


def _grantee(seq: Seq, grantee: str):
    if grantee.startswith("agency:"):
        label = grantee.split(":", 1)[1]
        return {"agency": seq.agencies[label]}, seq.agency_active[label]
    user = get_user_model().objects.get(pk=seq.users[grantee].pk)
    return {"user": user}, seq.user_active[grantee]


def step_grant(seq: Seq, resource: str, index: int, grantee: str) -> str | None:
    facts = seq.foreigners if resource == "foreigner" else seq.sightings
    pk = facts[index % len(facts)].pk
    kwargs, grantee_active = _grantee(seq, grantee)
    try:
        share = share_grant(
            granted_by=get_user_model().objects.get(pk=seq.granter.pk),
            subject_type=resource,
            subject_id=pk,
            reason="joint operation",
            expires_at=timezone.now() + dt.timedelta(days=7),
            **kwargs,
        )
    except ValidationError:
        if grantee_active:
            return f"share to active {grantee} refused"
        return None
    if not grantee_active:
        return f"share to inactive {grantee} accepted"
    seq.live[(resource, pk, grantee)] = share.pk
    seq.expired.discard((resource, pk, grantee))
    seq.shares.append(share.pk)
    return None


def step_revoke(seq: Seq, index: int) -> None:
    if not seq.shares:
        return
    share_id = seq.shares[index % len(seq.shares)]
    share_revoke(share=RecordShare.objects.get(pk=share_id), revoked_by=seq.granter)
    for key, live_id in list(seq.live.items()):
        if live_id == share_id:
            del seq.live[key]
            seq.expired.discard(key)


def step_expire(seq: Seq, index: int) -> None:
    """The clock passes the expiry of one live share (the job has not run yet)."""
    keys = sorted(k for k in seq.live if k not in seq.expired)
    if not keys:
        return
    key = keys[index % len(keys)]
    past = timezone.now() - dt.timedelta(seconds=1)
    share_id = seq.live[key]
    RecordShare.objects.filter(pk=share_id).update(expires_at=past)
    for model in (
        ForeignerUserObjectPermission,
        ForeignerGroupObjectPermission,
        SightingUserObjectPermission,
        SightingGroupObjectPermission,
    ):
        model.objects.filter(share_id=share_id).update(expires_at=past)
    seq.expired.add(key)


def step_expire_job(seq: Seq) -> None:
    shares_expire()
    for key in list(seq.expired):
        seq.live.pop(key, None)
    seq.expired.clear()


def step_move(seq: Seq, index: int, region: str) -> None:
    fact = seq.foreigners[index % len(seq.foreigners)]
    seq.moves += 1
    residence_create(
        foreigner=Foreigner.objects.get(pk=fact.pk),
        data={
            "address": f"Jalan {seq.moves}",
            "region": Region.objects.get(pk=region),
            "from_date": dt.date(2020, 1, 1) + dt.timedelta(days=seq.moves),
        },
    )
    fact.residence = region


def step_user_active(seq: Seq, label: str, active: bool) -> None:
    get_user_model().objects.filter(pk=seq.users[label].pk).update(is_active=active)
    seq.user_active[label] = active


def step_agency_active(seq: Seq, label: str, active: bool) -> None:
    # As the admin site does it (a save: the cached access of its officers is invalidated).
    agency = Agency.objects.get(pk=seq.agencies[label].pk)
    agency.is_active = active
    agency.save(update_fields=["is_active"])
    seq.agency_active[label] = active


def apply(seq: Seq, step: tuple) -> str | None:
    name, *args = step
    if name == "grant":
        return step_grant(seq, *args)
    {
        "revoke": step_revoke,
        "expire": step_expire,
        "expire_job": step_expire_job,
        "move": step_move,
        "user": step_user_active,
        "agency": step_agency_active,
    }[name](seq, *args)
    return None


# --- the oracle's view and the check ------------------------------------------------------------


def _oracle_principal(seq: Seq, label: str) -> Principal:
    p = seq.principals[label]
    agency_label = next(a for lab, a, *_ in PRINCIPALS if lab == label)
    p.active = seq.user_active[label] and seq.agency_active[agency_label]
    p.shares = {
        (resource, pk)
        for (resource, pk, grantee), _share in seq.live.items()
        if (resource, pk, grantee) not in seq.expired
        and (grantee == label or grantee == f"agency:{agency_label}")
    }
    return p


def check_selectors(seq: Seq) -> list[str]:
    errors = []
    for label in seq.principals:
        p = _oracle_principal(seq, label)
        user = get_user_model().objects.get(pk=seq.users[label].pk)  # fresh: no cached access
        for resource, facts, selector, sees in (
            ("foreigner", seq.foreigners, visible_foreigners, sees_foreigner),
            ("sighting", seq.sightings, visible_sightings, sees_sighting),
        ):
            want = {f.pk for f in facts if sees(p, f)}
            got = set(selector(user).values_list("pk", flat=True))
            FIGURES["selector_checks"] += 1
            if got != want:
                errors.append(
                    f"{label} {resource}: unexpected allows {sorted(got - want)}, "
                    f"unexpected denies {sorted(want - got)}"
                )
    return errors


def check_pages(seq: Seq, detail_for: str) -> list[str]:
    """The list page agrees with the oracle for every principal, and every detail page for
    ``detail_for`` (one principal per sequence, in turn: pages cost more than selectors)."""
    errors = []
    for label in seq.principals:
        p = _oracle_principal(seq, label)
        client = Client()
        client.force_login(seq.users[label])
        response = client.get(reverse("foreigner-list"))
        if not seq.user_active[label]:
            ok = response.status_code == 302
            got = set()
        else:
            ok = response.status_code == 200
            got = {f.pk for f in response.context["page"].rows} if ok else set()
        want = {f.pk for f in seq.foreigners if sees_foreigner(p, f)}
        FIGURES["page_checks"] += 1
        if not ok or got != want:
            errors.append(
                f"{label} list: status {response.status_code}, {sorted(got)} != {sorted(want)}"
            )
        for fact in seq.foreigners if label == detail_for else ():
            status = client.get(reverse("foreigner-detail", args=[fact.pk])).status_code
            expected = 302 if not seq.user_active[label] else (200 if fact.pk in want else 404)
            FIGURES["page_checks"] += 1
            if status != expected:
                errors.append(f"{label} foreigner#{fact.pk}: status {status}, expected {expected}")
    return errors


STEP = st.one_of(
    st.tuples(
        st.just("grant"),
        st.sampled_from(["foreigner", "sighting"]),
        st.integers(0, 4),
        st.sampled_from(GRANTEES),
    ),
    st.tuples(st.just("revoke"), st.integers(0, 50)),
    st.tuples(st.just("expire"), st.integers(0, 50)),
    st.tuples(st.just("expire_job")),
    st.tuples(st.just("move"), st.integers(0, 4), st.sampled_from(MOVES)),
    st.tuples(st.just("user"), st.sampled_from([p[0] for p in PRINCIPALS]), st.booleans()),
    st.tuples(st.just("agency"), st.sampled_from(list(AGENCIES)), st.booleans()),
)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    if FIGURES["sequences"]:
        record_figures("hypothesis sequences", FIGURES)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=MAX_STEPS))
def test_random_access_sequences_match_the_oracle(steps, regions):
    with transaction.atomic():
        seq = _build()
        errors = check_selectors(seq)
        for i, step in enumerate(steps):
            error = apply(seq, step)
            errors += [error] if error else []
            errors += [f"after step {i} {step}: {e}" for e in check_selectors(seq)]
            FIGURES["steps"] += 1
            if errors:
                break
        if not errors:
            errors += check_pages(seq, PRINCIPALS[FIGURES["sequences"] % len(PRINCIPALS)][0])
        FIGURES["sequences"] += 1
        FIGURES["mismatches"] += len(errors)
        transaction.set_rollback(True)
    assert not errors, f"steps {steps}:\n" + "\n".join(errors[:20])
