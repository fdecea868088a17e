"""reports.selectors.sparse_flag_candidates and sparse_sighting_candidates: a small scope
reads its alerts and sightings set-first. The candidates must leave out no row the reader may
see (the lists keep visible_flags' and visible_sightings' own tests on top), whoever reads,
whatever the row names: a resident, a person only seen in scope, a person or sighting shared
with the reader or another agency, a sighting of the reader's own agency elsewhere, a sponsor;
open or closed. And the lists and the API answer the same either way."""

import datetime as dt
import random
import re

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from agencies.models import RecordShare
from agencies.services import share_grant
from foreigners import registry
from reports import selectors
from reports.models import Flag
from reports.selectors import (
    sparse_flag_candidates,
    sparse_sighting_candidates,
    visible_flags,
    visible_sightings,
)
from tests.factories import FlagFactory, ForeignerFactory, SightingFactory

pytestmark = pytest.mark.django_db

REGIONS = ["73.72.03.1001", "73.72.02.1001", "73.15", "73.11"]  # Soreang, Ujung, Sidrap, Barru
PRINCIPALS = ["camat_soreang", "camat_ujung", "polres_officer", "kanim_officer", "kemenag_officer"]


def world(seed: int, users: dict) -> None:
    """People, sightings and flags of every kind over four regions, with shares."""
    rng = random.Random(seed)
    now = timezone.now()
    people = [ForeignerFactory(residence_region_id=rng.choice(REGIONS)) for _ in range(40)]
    sightings = []
    for i in range(40):
        person = rng.choice(people) if i % 3 else None
        agency = users[rng.choice(PRINCIPALS)].officer.agency if i % 4 == 0 else None
        extra = {"reporting_agency": agency} if agency else {}
        sightings.append(SightingFactory(foreigner=person, region_id=rng.choice(REGIONS), **extra))
    for i in range(120):
        kind = rng.choice(["person", "sighting", "sponsor"])
        state = rng.choice(["open", "open", "acknowledged", "closed"])
        closed = {"closed_at": now} if state == "closed" else {}
        common = {
            "state": state,
            "severity": rng.choice([10, 20, 30, 40]),
            "opened_at": now - dt.timedelta(hours=rng.randrange(500)),
            "routed_to": rng.choice([["imigrasi"], ["polres", "kecamatan"], ["kemenag"]]),
            **closed,
        }
        if kind == "person":
            person = rng.choice(people)
            FlagFactory(subject_type=Flag.SubjectType.FOREIGNER, subject_id=person.pk,
                        foreigner=person, rule=f"r.person{i}", **common)  # fmt: skip
        elif kind == "sighting":
            sighting = rng.choice(sightings)
            FlagFactory(subject_type=Flag.SubjectType.SIGHTING, subject_id=sighting.pk,
                        sighting=sighting, foreigner=sighting.foreigner,
                        rule=f"r.sighting{i}", **common)  # fmt: skip
        else:
            FlagFactory(subject_type=Flag.SubjectType.SPONSOR, subject_id=i,
                        rule=f"r.sponsor{i}", **common)  # fmt: skip
    supervisor = users["kanim_supervisor"]
    week = now + dt.timedelta(days=7)
    for subject_type, rows in (("foreigner", people), ("sighting", sightings)):
        for row in rng.sample(rows, 4):
            grantee = users[rng.choice(PRINCIPALS)]
            target = {"user": grantee} if rng.random() < 0.5 else {"agency": grantee.officer.agency}
            try:
                share_grant(granted_by=supervisor, subject_type=subject_type, subject_id=row.pk,
                            reason="Joint check", expires_at=week, **target)  # fmt: skip
            except Http404:  # a row outside the supervisor's own scope: not shareable
                continue
    assert RecordShare.objects.filter(subject_type="foreigner").exists()
    assert RecordShare.objects.filter(subject_type="sighting").exists()


@pytest.fixture
def users(request, kanim_supervisor):
    found = {name: request.getfixturevalue(name) for name in PRINCIPALS}
    return {**found, "kanim_supervisor": kanim_supervisor}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_candidates_leave_out_no_visible_flag(seed, users):
    world(seed, users)
    used = 0
    for name in PRINCIPALS:
        user = users[name]
        candidates = sparse_flag_candidates(user)
        if candidates is None:
            continue
        used += 1
        visible = set(visible_flags(user).values_list("pk", flat=True))
        assert set(visible_flags(user).filter(pk__in=candidates).values_list("pk", flat=True)) == (
            visible
        ), name
        seen = set(visible_sightings(user).values_list("pk", flat=True))
        narrowed = visible_sightings(user).filter(pk__in=sparse_sighting_candidates(user))
        assert set(narrowed.values_list("pk", flat=True)) == seen, name
    # The scoped principals of the world (every one here but none a whole-country reader).
    assert used == len(PRINCIPALS)


@pytest.mark.parametrize("principal", ["camat_soreang", "polres_officer", "kanim_officer"])
def test_the_alert_list_and_api_answer_the_same_set_first_or_walked(
    principal, users, client, monkeypatch
):
    world(3, users)
    client.force_login(users[principal])
    url = reverse("flag-list")
    queries = [{}, {"state": "closed"}, {"sort": "opened"}, {"page": "2"}, {"severity": "40"}]

    def answers():
        out = []
        for query in queries:
            body = client.get(url, query).content.decode()
            out.append(
                (
                    re.findall(r'data-flag-id="(\d+)"', body),
                    re.search(r'id="list-total">([^<]*)<', body)[1],
                )
            )
        api = client.get("/api/v1/flags/", {"state": "open"}).json()
        out.append(([row["id"] for row in api["results"]], api["count"]))
        return out

    set_first = answers()
    monkeypatch.setattr(selectors, "SPARSE_SCOPE_ROWS", -1)  # every scope walks
    assert answers() == set_first
    assert any(ids for ids, _ in set_first)


def test_a_scope_too_large_or_another_contributor_walks(users, monkeypatch):
    world(4, users)
    camat = users["camat_soreang"]
    assert sparse_flag_candidates(camat) is not None
    monkeypatch.setattr(selectors, "SPARSE_SCOPE_ROWS", 1)
    assert sparse_flag_candidates(camat) is None
    monkeypatch.undo()
    # A contributor the candidates do not know of could make people visible they leave out.
    monkeypatch.setitem(registry._SCOPE_CONTRIBUTORS, "test.other", lambda access: None)
    assert sparse_flag_candidates(camat) is None


@pytest.mark.parametrize("principal", ["camat_soreang", "polres_officer", "kemenag_officer"])
def test_the_sighting_lists_and_api_answer_the_same_set_first_or_walked(
    principal, users, client, monkeypatch
):
    world(5, users)
    client.force_login(users[principal])
    pages = [
        (reverse("sighting-list"), {}),
        (reverse("sighting-list"), {"page": "2"}),
        (reverse("sighting-list"), {"activity": "work"}),
    ]

    def answers():
        out = [
            re.findall(r'href="/laporan/(\d+)/"', client.get(url, query).content.decode())
            for url, query in pages
        ]
        api = client.get("/api/v1/sightings/").json()
        out.append(([row["id"] for row in api["results"]], api["count"]))
        return out

    set_first = answers()
    assert sparse_sighting_candidates(users[principal]) is not None
    monkeypatch.setattr(selectors, "SPARSE_SCOPE_ROWS", -1)  # every scope walks
    assert sparse_sighting_candidates(users[principal]) is None
    assert answers() == set_first
    assert set_first[0]
