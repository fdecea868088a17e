"""The scope querysets kept per access and minute (agencies.scope_memo): the same rows as a
fresh build, never shared between accesses, live share rows read at query time, and shares
ending at the minute of their expiry (early, never late) wherever shares are read."""

import datetime as dt

import time_machine
from django.utils import timezone

from agencies import scope_memo
from agencies.scope_memo import share_cutoff
from agencies.services import share_grant
from foreigners.models import Foreigner
from foreigners.row_access import foreigner_row_access
from foreigners.selectors import visible_foreigners
from reports.models import Sighting
from reports.selectors import visible_flags, visible_sightings
from tests.factories import FlagFactory, ForeignerFactory, SightingFactory

PAREPARE = "73.72.03.1001"  # in the fixtures' Polres and Kanim areas
SIDRAP = "73.15"  # Kanim work area, outside Polres Parepare
WITA = dt.timezone(dt.timedelta(hours=8))


def fresh(user):
    if hasattr(user, "_timpora_access"):
        del user._timpora_access
    return user


def test_the_cutoff_is_now_rounded_up_to_the_minute():
    at = dt.datetime(2026, 3, 2, 9, 59, 30, 1, tzinfo=WITA)
    assert share_cutoff(at) == dt.datetime(2026, 3, 2, 10, 0, tzinfo=WITA)
    exact = dt.datetime(2026, 3, 2, 10, 0, tzinfo=WITA)
    assert share_cutoff(exact) == exact
    assert share_cutoff(exact + dt.timedelta(microseconds=1)) == exact + dt.timedelta(minutes=1)


def test_kept_querysets_answer_as_a_fresh_build_and_clones_stay_apart(
    kanim_supervisor, polres_officer
):
    mine = ForeignerFactory(residence_region_id=PAREPARE)
    theirs = ForeignerFactory(residence_region_id=SIDRAP)
    seen = SightingFactory(region_id=PAREPARE, foreigner=theirs)
    scope_memo.forget()
    for user in (polres_officer, kanim_supervisor):
        fresh(user)
        built = set(visible_foreigners(user, base=Foreigner.objects.all()))
        assert set(visible_foreigners(user)) == built  # built and kept
        assert set(visible_foreigners(user)) == built  # the kept one, cloned
        assert set(visible_sightings(user)) == set(
            visible_sightings(user, base=Sighting.objects.all())
        )
    # The Polres sees its resident and the person sighted in its area; the Kanim both too,
    # and a filtered clone leaves the next call whole.
    assert set(visible_foreigners(polres_officer)) == {mine, theirs}
    assert list(visible_foreigners(polres_officer).filter(pk=mine.pk)) == [mine]
    assert set(visible_foreigners(polres_officer)) == {mine, theirs}
    assert visible_foreigners(polres_officer) is not visible_foreigners(polres_officer)
    # Used as a subquery (twice in one statement: the flag's person and the flag's sighting).
    flag = FlagFactory(foreigner=theirs, sighting=seen)
    assert list(visible_flags(kanim_supervisor)) == [flag]
    assert list(visible_flags(kanim_supervisor)) == [flag]


def test_accesses_never_share_a_kept_queryset(polres_officer, camat_ujung):
    ForeignerFactory(residence_region_id=PAREPARE)
    ujung = ForeignerFactory(residence_region_id="73.72.02.1001")
    scope_memo.forget()
    polres_rows = set(visible_foreigners(polres_officer))
    assert set(visible_foreigners(camat_ujung)) == {ujung}
    assert set(visible_foreigners(polres_officer)) == polres_rows


def test_a_share_made_after_the_queryset_was_kept_shows_at_once(kanim_supervisor, polres_officer):
    person = ForeignerFactory(residence_region_id=SIDRAP)
    assert not visible_foreigners(polres_officer).exists()  # kept now
    share_grant(
        granted_by=kanim_supervisor,
        subject_type="foreigner",
        subject_id=person.pk,
        reason="Joint operation",
        expires_at=timezone.now() + dt.timedelta(days=7),
        user=polres_officer,
    )
    assert list(visible_foreigners(polres_officer)) == [person]


def test_a_share_ends_at_the_minute_of_its_expiry_in_rows_and_fields(
    kanim_supervisor, polres_officer
):
    person = ForeignerFactory(residence_region_id=SIDRAP)
    start = dt.datetime(2026, 12, 3, 9, 58, 0, tzinfo=WITA)
    expiry = dt.datetime(2026, 12, 3, 10, 0, 30, tzinfo=WITA)
    with time_machine.travel(start, tick=False):
        share_grant(
            granted_by=kanim_supervisor,
            subject_type="foreigner",
            subject_id=person.pk,
            reason="Joint operation",
            expires_at=expiry,
            user=polres_officer,
            categories=["document"],
        )
    with time_machine.travel(dt.datetime(2026, 12, 3, 9, 59, 59, tzinfo=WITA), tick=False):
        assert list(visible_foreigners(fresh(polres_officer))) == [person]
        assert "document" in foreigner_row_access(polres_officer, person.pk).shared
    # 10:00:01 rounds up to 10:01, past the expiry: the record and its shared fields go together.
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, 0, 1, tzinfo=WITA), tick=False):
        assert not visible_foreigners(fresh(polres_officer)).exists()
        assert "document" not in foreigner_row_access(polres_officer, person.pk).shared
