"""``manage.py generate_dataset`` at a small N: the counts the layout promises, every row
consistent with its neighbours (foreign keys, date orders, one current residence, sightings in a
kelurahan of a kecamatan, reporters from the reporting agency), and the same rows again from the
same seed, whatever the number of generator processes."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q

from agencies.models import Officer, Region
from devdata import synthetic_people as people_gen
from devdata.synthetic_reports import CHUNK_TABLES, COLUMNS
from foreigners.models import Foreigner, Movement, Residence, Sponsor, StayPermit, TravelDocument
from foreigners.phonetic import name_keys
from reports.models import Sighting

pytestmark = pytest.mark.django_db

N = 200
TODAY = dt.date(2026, 3, 2)
GENERATED = ("foreigners_sponsor", *CHUNK_TABLES)


def generate(*extra: str, foreigners: int = N) -> str:
    out = io.StringIO()
    call_command(
        "generate_dataset",
        "--foreigners", str(foreigners),
        "--today", TODAY.isoformat(),
        "--no-vacuum",  # VACUUM cannot run inside the test's transaction
        *extra,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


class TestOneGeneratedDataset:
    """Tests that only read one generated dataset, built once for the class (each test's own
    writes are rolled back after it); the tests below generate their own, in empty tables."""

    @pytest.fixture(scope="class")
    @classmethod
    def dataset(cls, shared_transaction, django_db_blocker):
        """Generated once for the class."""
        with django_db_blocker.unblock():
            return generate("--seed", "7", "--workers", "0", "--chunk-size", "64")

    def test_counts_follow_the_layout_and_the_national_ratios(self, dataset):
        size, last = 64, N - 3 * 64
        profile = people_gen.Profile(today=TODAY, now=None, places=[], place_weights=[])
        full, tail = people_gen.chunk_layout(size, profile), people_gen.chunk_layout(last, profile)
        for table, model in [
            ("foreigners_foreigner", Foreigner),
            ("foreigners_traveldocument", TravelDocument),
            ("foreigners_staypermit", StayPermit),
            ("foreigners_residence", Residence),
            ("foreigners_movement", Movement),
        ]:
            assert model.objects.count() == 3 * full.rows[table] + tail.rows[table], table
        assert Foreigner.objects.count() == N
        assert TravelDocument.objects.count() == N  # one document each
        assert 1.3 * N <= StayPermit.objects.count() <= 1.7 * N  # issue 2: ~1.5 M per 1 M
        assert N <= Residence.objects.count() <= 1.1 * N  # ~1 M per 1 M
        assert Sighting.objects.count() == 2 * N  # 2 M per 1 M
        assert Sponsor.objects.count() == 10  # max(10, N // 50)
        # The command prints its time and rows per second per table.
        assert "foreigners_staypermit" in dataset and "rows/s" in dataset
        assert "total" in dataset and "elapsed" in dataset

    def test_every_record_belongs_to_a_generated_foreigner(self, dataset):
        ids = set(Foreigner.objects.values_list("id", flat=True))
        assert set(TravelDocument.objects.values_list("foreigner_id", flat=True)) == ids
        assert set(StayPermit.objects.values_list("foreigner_id", flat=True)) <= ids
        assert set(Residence.objects.values_list("foreigner_id", flat=True)) == ids
        assert set(Movement.objects.values_list("foreigner_id", flat=True)) <= ids
        identified = Sighting.objects.filter(foreigner__isnull=False)
        assert identified.exists()
        assert set(identified.values_list("foreigner_id", flat=True)) <= ids
        # Movements name the person's own document.
        assert not Movement.objects.exclude(travel_document__foreigner=F("foreigner")).exists()
        # Sponsored permits name an existing sponsor of the right kind.
        sponsored = StayPermit.objects.filter(sponsor__isnull=False)
        assert sponsored.exists()
        assert not sponsored.filter(visa_index="E23", sponsor__kind="person").exists()

    def test_dates_are_in_order(self, dataset):
        assert not TravelDocument.objects.filter(expires_on__lte=F("issued_on")).exists()
        assert not StayPermit.objects.filter(
            Q(valid_until__lt=F("valid_from")) | Q(issued_on__gt=F("valid_from"))
        ).exists()
        assert not Residence.objects.filter(to_date__lt=F("from_date")).exists()
        assert not Foreigner.objects.filter(permits__valid_from__lte=F("birth_date")).exists()
        assert not Foreigner.objects.filter(
            birth_date__gt=TODAY - dt.timedelta(days=18 * 365)
        ).exists()
        # An extension starts the day after the permit it extends ends, for the same person.
        extensions = StayPermit.objects.filter(extends__isnull=False).select_related("extends")
        assert extensions.exists()
        for permit in extensions:
            assert permit.extends.foreigner_id == permit.foreigner_id
            assert permit.valid_from == permit.extends.valid_until + dt.timedelta(days=1)
            assert permit.extends.status == StayPermit.Status.EXTENDED
        # Nothing happens after "now", and a review comes after the report.
        assert not Sighting.objects.filter(observed_at__gt=F("created_at")).exists()
        assert not Sighting.objects.filter(reviewed_at__lt=F("created_at")).exists()
        assert not Sighting.objects.filter(observed_at__date__gt=TODAY).exists()

    def test_numbers_are_unique(self, dataset):
        def duplicates(model, *fields):
            return model.objects.values(*fields).annotate(n=Count("id")).filter(n__gt=1)

        assert not duplicates(TravelDocument, "number").exists()
        assert not duplicates(StayPermit, "number").exists()
        assert not duplicates(Sighting, "reference").exists()
        assert not duplicates(Sponsor, "nib").exclude(nib="").exists()

    def test_one_current_residence_per_present_foreigner(self, dataset):
        current = Residence.objects.filter(to_date__isnull=True)
        present = Foreigner.objects.filter(residence_region__isnull=False)
        assert present.count() < N  # some have departed
        assert current.count() == present.count()
        for foreigner_id, region_id in current.values_list("foreigner_id", "region_id"):
            assert present.get(pk=foreigner_id).residence_region_id == region_id
        # Whoever left has an exit movement and no open residence.
        departed = Foreigner.objects.filter(residence_region__isnull=True)
        assert departed.exists()
        for person in departed:
            assert person.movements.filter(kind=Movement.Kind.EXIT).exists()
            assert not person.residences.filter(to_date__isnull=True).exists()

    def test_permit_states_include_expiring_and_overstayed(self, dataset):
        soon = TODAY + dt.timedelta(days=30)
        active = StayPermit.objects.filter(status=StayPermit.Status.ACTIVE)
        present = active.filter(foreigner__residence_region__isnull=False)
        assert present.filter(valid_until__gte=TODAY, valid_until__lte=soon).exists()
        assert present.filter(valid_until__lt=TODAY - dt.timedelta(days=60)).exists()
        assert present.filter(
            valid_until__lt=TODAY, valid_until__gte=TODAY - dt.timedelta(60)
        ).exists()

    def test_sightings_are_in_kelurahan_of_a_kecamatan_reported_by_an_officer_of_the_agency(
        self, dataset
    ):
        regions = Region.objects.filter(code__in=Sighting.objects.values("region_id"))
        assert regions.exists()
        assert set(regions.values_list("level", flat=True)) == {Region.Level.KELURAHAN}
        assert set(regions.values_list("parent__level", flat=True)) == {Region.Level.KECAMATAN}
        officers = dict(Officer.objects.values_list("user_id", "agency_id"))
        for reporter_id, agency_id in Sighting.objects.values_list(
            "reporter_id", "reporting_agency_id"
        ):
            assert officers[reporter_id] == agency_id
        # Unidentified sightings describe the person instead.
        unidentified = Sighting.objects.filter(foreigner__isnull=True)
        assert unidentified.exists()
        assert not unidentified.filter(
            unidentified_description="", apparent_nationality=""
        ).exists()

    def test_generated_people_carry_the_phonetic_keys_name_search_uses(self, dataset):
        rows = Foreigner.objects.values_list("search_name", "name_keys")
        assert rows and all(keys == name_keys(search) for search, keys in rows)


def _snapshot() -> dict[str, list[tuple]]:
    """Every generated row, without the load time stamps of the people tables."""
    rows = {}
    with connection.cursor() as cursor:
        for table in GENERATED:
            columns = [
                c
                for c in COLUMNS.get(table, people_gen.COLUMNS.get(table, ()))
                if not (table.startswith("foreigners_") and c in ("created_at", "updated_at"))
            ]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
            rows[table] = cursor.fetchall()
    return rows


def _forget(first_ids: dict[str, int]) -> None:
    """Delete the generated rows and rewind the id sequences to where the run began."""
    with connection.cursor() as cursor:
        for table in reversed(GENERATED):
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                [table, first_ids[table]],
            )


def _first_ids() -> dict[str, int]:
    with connection.cursor() as cursor:
        firsts = {}
        for table in GENERATED:
            cursor.execute(f"SELECT min(id) FROM {table}")
            firsts[table] = cursor.fetchone()[0]
    return firsts


def test_same_seed_gives_the_same_rows_whatever_the_worker_count():
    generate("--seed", "42", "--workers", "0", "--chunk-size", "50")
    first = _snapshot()
    assert len(first["foreigners_foreigner"]) == N
    _forget(_first_ids())
    generate("--seed", "42", "--workers", "2", "--chunk-size", "50")
    assert _snapshot() == first


def test_another_seed_gives_other_rows_and_appending_keeps_numbers_unique():
    generate("--seed", "1", "--workers", "0", foreigners=60)
    names = list(Foreigner.objects.order_by("id").values_list("search_name", flat=True))
    generate("--seed", "2", "--workers", "0", foreigners=60)
    later = list(Foreigner.objects.order_by("id").values_list("search_name", flat=True))[60:]
    assert len(later) == 60 and later != names
    assert TravelDocument.objects.values("number").distinct().count() == 120
    assert Sponsor.objects.count() == 20


def _schema() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)
               UNION ALL
               SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)""",
            [list(GENERATED), list(GENERATED)],
        )
        return set(cursor.fetchall())


def test_bulk_load_restores_every_foreign_key_and_index():
    before = _schema()
    assert any("FOREIGN KEY" in definition for _t, _n, definition in before)
    out = generate("--seed", "3", "--workers", "0", "--bulk")
    assert "foreign keys and indexes re-created" in out
    assert _schema() == before
    assert Foreigner.objects.count() == N and Sighting.objects.count() == 2 * N
    assert not Residence.objects.exclude(foreigner__in=Foreigner.objects.all()).exists()


def test_negative_sizes_are_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        generate(foreigners=-1)


def test_name_pools_hold_nothing_copy_text_would_misread():
    for families, males, females in people_gen._NAMES.values():
        for name in (*families, *males, *females):
            assert name and not any(ch in name for ch in "\t\n\r\\")
