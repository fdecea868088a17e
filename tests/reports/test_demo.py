"""``manage.py seed_demo``: idempotent (a second run changes no count of any model), and the demo
records hold what the browser journeys need on the day they are seeded: permits expiring within
30 days, overstays, in every Parepare kecamatan someone whose permit has ended, and sightings in
all four kecamatan."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from agencies.models import Agency, Notification, Officer, Region
from devdata.demo_agencies import AGENCIES, DEMO_PASSWORD
from devdata.demo_records import DEMO_FOREIGNERS
from foreigners.models import Foreigner, StayPermit
from reports.models import Flag, Sighting
from reports.rules import rules_run
from reports.selectors import visible_flags
from tests.clock import earlier_today

pytestmark = pytest.mark.django_db

KECAMATAN = ["73.72.01", "73.72.02", "73.72.03", "73.72.04"]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture(scope="class")
def demo(shared_transaction, django_db_blocker):
    """Seeded once for the module (class scope outside a class) (each test's own writes are rolled back after it)."""
    with django_db_blocker.unblock():
        seed()


def test_seeding_twice_leaves_every_count_unchanged(demo):
    before = counts()
    assert before["foreigners.Foreigner"] == DEMO_FOREIGNERS
    assert "already present" in seed()
    assert counts() == before


def test_agencies_and_one_account_per_agency_and_role(demo):
    assert Agency.objects.filter(name__in=[name for _s, _k, name, *_ in AGENCIES]).count() == len(
        AGENCIES
    )
    assert Officer.objects.filter(user__username__endswith=".petugas").count() == len(AGENCIES)
    assert Officer.objects.filter(user__username__endswith=".supervisor").count() == len(AGENCIES)
    assert Officer.objects.filter(user__username__endswith=".admin").count() == len(AGENCIES)
    assert authenticate(username="polres.petugas", password=DEMO_PASSWORD) is not None
    assert authenticate(username="soreang.supervisor", password=DEMO_PASSWORD) is not None
    assert authenticate(username="admin", password=DEMO_PASSWORD).is_superuser
    camat = Officer.objects.get(user__username="soreang.supervisor")
    assert camat.kecamatan_id == "73.72.03"


def _latest_permits():
    """Each present person's latest non-cancelled permit end (what the rules look at)."""
    return (
        StayPermit.objects.exclude(status=StayPermit.Status.CANCELLED)
        .filter(foreigner__residence_region__isnull=False)
        .values("foreigner_id", "foreigner__residence_region_id")
        .annotate(until=Max("valid_until"))
    )


def test_permits_expiring_within_30_days_and_overstays(demo):
    today = timezone.localdate()
    latest = list(_latest_permits())
    expiring = [p for p in latest if today <= p["until"] <= today + dt.timedelta(days=30)]
    short = [p for p in latest if today - dt.timedelta(days=60) <= p["until"] < today]
    long = [p for p in latest if p["until"] < today - dt.timedelta(days=60)]
    assert len(expiring) >= 10
    assert len(short) >= 5
    assert len(long) >= 3


def test_every_kecamatan_has_someone_whose_permit_has_ended(demo):
    today = timezone.localdate()
    ended = {
        p["foreigner__residence_region_id"].rsplit(".", 1)[0]
        for p in _latest_permits()
        if p["until"] < today
    }
    assert set(KECAMATAN) <= ended


def test_a_sighting_of_an_overstayer_in_each_kecamatan_opens_after_expiry(demo):
    today = timezone.localdate()
    reporter = Officer.objects.select_related("agency").get(user__username="polres.petugas")
    sightings = []
    for kecamatan in KECAMATAN:
        person = next(
            p
            for p in _latest_permits().filter(
                foreigner__residence_region__code__startswith=kecamatan + "."
            )
            if p["until"] < today
        )
        sightings.append(
            Sighting.objects.create(
                reporter=reporter.user,
                reporting_agency=reporter.agency,
                observed_at=earlier_today(),
                region_id=person["foreigner__residence_region_id"],
                place="Pasar",
                activity=Sighting.Activity.TOURISM,
                description="Terlihat di pasar.",
                foreigner_id=person["foreigner_id"],
            )
        )
    rules_run(codes=["sighting.after_expiry"], sighting_ids=[s.pk for s in sightings])
    flagged = Flag.objects.filter(
        rule="sighting.after_expiry", subject_id__in=[s.pk for s in sightings]
    )
    assert flagged.count() == len(KECAMATAN)


def test_sightings_in_all_four_kecamatan_identified_and_not(demo):
    sightings = Sighting.objects.all()
    assert sightings.count() >= DEMO_FOREIGNERS // 2
    kecamatan = {code.rsplit(".", 1)[0] for code in sightings.values_list("region_id", flat=True)}
    assert set(KECAMATAN) <= kecamatan
    assert sightings.filter(foreigner__isnull=True).exists()
    assert sightings.filter(foreigner__isnull=False).exists()
    assert sightings.filter(review_status=Sighting.ReviewStatus.PENDING).exists()
    regions = Region.objects.filter(code__in=sightings.values("region_id"))
    assert regions.filter(code__startswith="73.72.").count() == regions.count()


def test_residents_live_in_parepare_kelurahan_with_a_mix_of_nationalities(demo):
    present = Foreigner.objects.filter(residence_region__isnull=False)
    assert present.count() > DEMO_FOREIGNERS // 2
    assert not present.exclude(residence_region__code__startswith="73.72.").exists()
    assert Foreigner.objects.values("nationality").distinct().count() >= 10


def test_rules_run_after_seeding_fill_every_roles_alerts_once(demo):
    """What `make run` does after seeding: every role opens the portal to alerts, and a second
    start (seed and rules again) opens nothing new."""
    out = io.StringIO()
    call_command("run_rules", stdout=out)
    flags = Flag.objects.filter(state__in=Flag.OPEN_STATES)
    assert flags.filter(rule="permit.overstay").exists()
    assert flags.filter(rule="permit.expiring").exists()
    for username in ("kanim.supervisor", "polres.petugas", "soreang.petugas"):
        user = Officer.objects.get(user__username=username).user
        assert visible_flags(user).filter(state__in=Flag.OPEN_STATES).exists(), username
    assert Notification.objects.filter(
        recipient__username="kanim.supervisor", kind="flag.new"
    ).exists()

    before = (Flag.objects.count(), Notification.objects.count())
    seed()
    call_command("run_rules", stdout=io.StringIO())
    assert (Flag.objects.count(), Notification.objects.count()) == before
