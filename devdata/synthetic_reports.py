"""Synthetic sightings, and the bulk loader that writes a whole synthetic population
(``devdata.synthetic_people`` people plus their sightings) with PostgreSQL ``COPY``.

How the load stays fast and safe to append:

* Every id range is **reserved up front** from the table's identity sequence (``setval`` under
  a short ``SHARE ROW EXCLUSIVE`` lock, so no concurrent insert can take an id inside it); the
  generator writes explicit ids, so foreign keys are known without a round trip.
* Generation runs in worker processes (``fork``), one chunk of people per task; a chunk's rows
  depend only on the seed and the chunk index, so the result is the same for any worker count.
  The parent streams each chunk into ``COPY`` while the workers generate the next ones.
* Everything is one transaction: a failure leaves nothing behind. Foreign keys are
  ``DEFERRABLE INITIALLY DEFERRED``, so they are checked at commit (reported as "commit").
* A large load (``bulk``, the default from :data:`BULK_FROM` people) instead drops the written
  tables' foreign keys, and the plain indexes of tables that start empty, inside the
  transaction and re-creates them after the COPYs (reported as "rebuild"): one validating join
  per foreign key and one sorted index build replace millions of deferred per-row trigger checks
  and random index inserts (about 4 minutes of the 1 M-person load). The tables are locked until
  commit, so use it on a database that is not serving users.
* Numbers with a unique constraint are scrambles of the row's own id (see
  ``devdata.synthetic_people``); existing rows that hold a number the scramble of a reserved id would
  produce are read first (``taken``) and skipped.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, Officer

from . import synthetic_people as people_gen
from .synthetic_agencies import synthetic_agencies_ensure, synthetic_regions_ensure
from .synthetic_people import (
    DOC_ADD,
    DOC_MOD,
    DOC_MUL,
    NIB_ADD,
    NIB_MOD,
    NIB_MUL,
    NULL,
    PERMIT_ADD,
    PERMIT_MOD,
    PERMIT_MUL,
    Layout,
    Person,
    Profile,
    chunk_layout,
    scramble,
    unscramble_sql,
)

SIGHTING_TABLE = "reports_sighting"
SIGHTING_COLUMNS = (
    "id reference reporter_id reporting_agency_id observed_at region_id place latitude longitude "
    "activity description foreigner_id apparent_nationality apparent_sex person_count "
    "unidentified_description review_status reviewed_by_id reviewed_at review_note created_at "
    "updated_at"
).split()
COLUMNS = {**people_gen.COLUMNS, SIGHTING_TABLE: tuple(SIGHTING_COLUMNS)}
CHUNK_TABLES = (*people_gen.FOREIGNER_TABLES, SIGHTING_TABLE)
REF_MOD, REF_MUL, REF_ADD = 2**24, 9_176_923, 1_234_567
WITA = 8 * 3600  # Asia/Makassar is UTC+8 all year

# What an agency of each kind typically reports (weights); others use DEFAULT_ACTIVITIES.
DEFAULT_ACTIVITIES = {
    "work": 35, "tourism": 25, "business": 15, "social": 10, "education": 5, "religious": 4,
    "political": 2, "other": 4,
}  # fmt: skip
ACTIVITIES_BY_KIND = {
    "kemenag": {"religious": 80, "social": 10, "education": 10},
    "disnaker": {"work": 90, "business": 10},
    "dpmptsp": {"business": 60, "work": 40},
    "pariwisata": {"tourism": 85, "business": 5, "social": 10},
    "kesbangpol": {"political": 40, "social": 35, "religious": 15, "education": 10},
    "ksop": {"work": 50, "tourism": 20, "business": 30},
    "bea_cukai": {"business": 60, "work": 40},
}
PLACES = {
    "work": ["Lokasi proyek PLTB", "Pabrik pakan ternak", "Gudang rumput laut", "Galangan kapal",
             "Lokasi tambang", "Kantor perusahaan", "Dapur restoran"],
    "tourism": ["Pantai", "Hotel", "Pasar tradisional", "Rumah makan", "Pelabuhan", "Taman kota"],
    "business": ["Hotel", "Kantor perusahaan", "Kafe", "Kantor notaris"],
    "religious": ["Masjid", "Gereja", "Vihara", "Pondok pesantren", "Rumah warga"],
    "political": ["Kantor partai", "Lapangan kampanye", "Gedung pertemuan", "Kantor DPRD"],
    "education": ["Sekolah", "Kampus", "Tempat kursus"],
    "social": ["Rumah warga", "Balai kelurahan", "Lapangan", "Pesta pernikahan"],
    "other": ["Jalan raya", "Terminal", "Rumah kos"],
}  # fmt: skip
DESCRIPTIONS = {
    "work": ["Terlihat bekerja bersama pekerja lokal.", "Memberi arahan kepada pekerja.",
             "Mengoperasikan alat berat.", "Melayani pembeli di toko."],
    "tourism": ["Berwisata bersama rombongan.", "Menginap dan berjalan-jalan di sekitar lokasi.",
                "Berfoto di tempat wisata."],
    "business": ["Mengikuti rapat dengan mitra usaha.", "Meninjau lokasi usaha."],
    "religious": ["Memberi ceramah kepada jemaah.", "Mengikuti kegiatan ibadah.",
                  "Mengajar di pondok pesantren."],
    "political": ["Hadir dalam kegiatan kampanye.", "Berbicara dalam pertemuan organisasi."],
    "education": ["Mengajar di kelas.", "Mengikuti kegiatan kampus."],
    "social": ["Menghadiri acara warga.", "Membagikan bantuan kepada warga."],
    "other": ["Laporan warga tentang orang asing di lingkungan.", "Terlihat berulang kali."],
}  # fmt: skip
UNIDENTIFIED = [
    "Laki-laki dewasa, tinggi sekitar 175 cm, berbahasa asing.",
    "Perempuan dewasa berambut pirang, membawa ransel.",
    "Rombongan orang asing, tidak membawa paspor saat ditanya.",
    "Pria paruh baya berkacamata, mengaku sebagai konsultan.",
    "Beberapa orang asing menginap di rumah warga.",
]


@dataclass
class SightingProfile:
    """Who reports where: ``reporters[code]`` are (user id, agency id, agency kind) of officers
    whose agency covers the region ``code`` (a prefix of the sighting's region); ``reviewers``
    likewise for immigration officers who verify sightings."""

    per_foreigner: float
    reporters: dict[str, list[tuple[int, int, str]]]
    reviewers: dict[str, list[int]]
    identified_share: float = 0.7
    outside_area_share: float = 0.15
    review_weights: dict[str, float] = field(
        default_factory=lambda: {"pending": 20, "verified": 65, "dismissed": 15}
    )


def officer_pools(officers=None) -> tuple[dict, dict]:
    """Reporter and reviewer pools from officer accounts: by the regions each agency covers
    (its jurisdiction roots, else its seat; a kecamatan office only its kecamatan)."""
    if officers is None:
        officers = Officer.objects.filter(user__is_active=True)
    reporters: dict[str, list] = {}
    reviewers: dict[str, list] = {}
    rows = (
        officers.select_related("agency")
        .order_by("user_id")
        .values_list("user_id", "agency_id", "agency__kind", "agency__region_id", "role")
    )
    roots: dict[int, list[str]] = {}
    for agency_id, code in Agency.jurisdiction.through.objects.values_list(
        "agency_id", "region_id"
    ):
        roots.setdefault(agency_id, []).append(code)
    for user_id, agency_id, kind, seat, role in rows:
        covered = [seat] if kind == Agency.Kind.KECAMATAN else roots.get(agency_id, [seat])
        for code in sorted(covered):
            if role != Officer.Role.AGENCY_ADMIN:
                reporters.setdefault(code, []).append((user_id, agency_id, kind))
            if kind == Agency.Kind.IMIGRASI:
                reviewers.setdefault(code, []).append(user_id)
    return reporters, reviewers


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def sighting_chunk(
    profile: Profile,
    sprofile: SightingProfile,
    seed,
    index: int,
    count: int,
    first_id: int,
    people: list[Person],
    taken: frozenset[str],
) -> str:
    """COPY text for ``count`` sightings from ``first_id``; identified ones are of ``people``."""
    rng = random.Random(f"{seed}:sightings:{index}")
    rand, randint, choice = rng.random, rng.randint, rng.choice
    T = profile.today.toordinal()
    now_s = int(profile.now.timestamp())
    epoch = dt.date(1970, 1, 1).toordinal()
    places, cum_places = profile.places, profile._cum_places
    nationality_of = people_gen._chooser(profile.nationalities)
    review_of = people_gen._chooser(sprofile.review_weights)
    activity_choosers: dict[str, Callable] = {}
    candidates_cache: dict[str, tuple[list, list]] = {}
    all_reporters = [r for pool in sprofile.reporters.values() for r in pool]
    all_reviewers = [r for pool in sprofile.reviewers.values() for r in pool]
    present = [p for p in people if not p.departed]

    def candidates(code):
        hit = candidates_cache.get(code)
        if hit is None:
            prefixes = _ancestors(code)
            reps = [r for p in prefixes for r in sprofile.reporters.get(p, ())] or all_reporters
            revs = [r for p in prefixes for r in sprofile.reviewers.get(p, ())] or all_reviewers
            hit = candidates_cache[code] = (reps, revs)
        return hit

    def utc(seconds: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(seconds))

    lines = []
    sid = first_id
    for _ in range(count):
        person = choice(present) if present and rand() < sprofile.identified_share else None
        if person is not None:
            code, lat, lon = rng.choices(places, cum_weights=cum_places)[0]
            if rand() >= sprofile.outside_area_share:
                code, lat, lon = person.region, person.lat, person.lon
            first_day = max(person.arrived, T - 730)
            day = randint(first_day, max(first_day, T - 1))
        else:
            code, lat, lon = rng.choices(places, cum_weights=cum_places)[0]
            day = T - randint(1, 730)
        reps, revs = candidates(code)
        user_id, agency_id, kind = choice(reps)
        chooser = activity_choosers.get(kind)
        if chooser is None:
            chooser = activity_choosers[kind] = people_gen._chooser(
                ACTIVITIES_BY_KIND.get(kind, DEFAULT_ACTIVITIES)
            )
        activity = chooser(rng)
        observed = (day - epoch) * 86400 + randint(7 * 3600, 22 * 3600 - 1) - WITA
        observed = min(observed, now_s - 3600)  # never in the future
        created = min(observed + randint(5, 240) * 60, now_s)
        if person is None:
            foreigner, sex = NULL, choice("MF")
            nationality, description = nationality_of(rng), choice(UNIDENTIFIED)
            persons = 1 if rand() < 0.75 else randint(2, 6)
        else:
            foreigner, nationality, sex, description, persons = person.id, "", "", "", 1
        status = review_of(rng)
        if status == "pending":
            reviewer = reviewed = NULL
        else:
            reviewer = choice(revs) if revs else user_id
            reviewed = utc(min(created + randint(1, 72) * 3600, now_s))
        # The reference is unique; the scramble of a reserved id cannot repeat, so only a
        # reference already in the database (``taken``) can clash: then move its date part.
        ref_day = (created + WITA) // 86400 + epoch
        suffix = f"{scramble(sid % REF_MOD, REF_MOD, REF_MUL, REF_ADD):06X}"
        reference = f"LAP-{dt.date.fromordinal(ref_day):%y%m%d}-{suffix}"
        while reference in taken:
            ref_day += 1
            reference = f"LAP-{dt.date.fromordinal(ref_day):%y%m%d}-{suffix}"
        if rand() < 0.6:
            coords = f"{lat + rng.uniform(-0.01, 0.01):.5f}\t{lon + rng.uniform(-0.01, 0.01):.5f}"
        else:
            coords = f"{NULL}\t{NULL}"
        lines.append(
            f"{sid}\t{reference}\t{user_id}\t{agency_id}\t{utc(observed)}\t{code}"
            f"\t{choice(PLACES[activity])}\t{coords}\t{activity}\t{choice(DESCRIPTIONS[activity])}"
            f"\t{foreigner}\t{nationality}\t{sex}\t{persons}\t{description}\t{status}\t{reviewer}"
            f"\t{reviewed}\t\t{utc(created)}\t{utc(created)}\n"
        )
        sid += 1
    return "".join(lines)


# --- The loader -------------------------------------------------------------------------------


@dataclass
class Plan:
    """Chunks and the first id of every table for each chunk."""

    profile: Profile
    sprofile: SightingProfile
    seed: object
    foreigners: int
    chunk_size: int
    full: Layout
    last: Layout
    sightings_full: int
    sightings_last: int
    chunks: int
    first: dict[str, int] = field(default_factory=dict)
    taken: frozenset[str] = frozenset()

    def layout(self, index: int) -> tuple[Layout, int]:
        if index == self.chunks - 1:
            return self.last, self.sightings_last
        return self.full, self.sightings_full

    def rows(self, table: str) -> int:
        def per(layout, sightings):
            return sightings if table == SIGHTING_TABLE else layout.rows[table]

        return per(self.full, self.sightings_full) * (self.chunks - 1) + per(
            self.last, self.sightings_last
        )

    def first_ids(self, index: int) -> dict[str, int]:
        per = {**self.full.rows, SIGHTING_TABLE: self.sightings_full}
        return {t: self.first[t] + index * per[t] for t in CHUNK_TABLES}


def _chunk(plan: Plan, index: int) -> dict[str, bytes]:
    layout, sightings = plan.layout(index)
    first = plan.first_ids(index)
    parts, people = people_gen.foreigner_chunk(
        plan.profile, plan.seed, index, layout, first, plan.taken
    )
    parts[SIGHTING_TABLE] = sighting_chunk(
        plan.profile,
        plan.sprofile,
        plan.seed,
        index,
        sightings,
        first[SIGHTING_TABLE],
        people,
        plan.taken,
    )
    return {t: text.encode() for t, text in parts.items()}


_PLAN: Plan | None = None


def _worker_init(plan: Plan) -> None:
    global _PLAN
    _PLAN = plan


def _worker_chunk(index: int) -> dict[str, bytes]:
    return _chunk(_PLAN, index)


def reserve_ids(table: str, count: int) -> int:
    """Take ``count`` consecutive ids from ``table``'s identity sequence; return the first.

    The lock makes nextval+setval atomic against concurrent inserts (each insert takes ROW
    EXCLUSIVE, which SHARE ROW EXCLUSIVE excludes); ids above ``max(id)`` also protect rows
    inserted with explicit ids."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            f'SELECT greatest(nextval(%s), (SELECT coalesce(max(id), 0) + 1 FROM "{table}"))',
            [sequence],
        )
        (first,) = cursor.fetchone()
        if count:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def taken_numbers(plan: Plan, sponsors: tuple[int, int]) -> frozenset[str]:
    """Existing unique numbers that the scramble of a reserved id would produce."""
    doc_lo, permit_lo, ref_lo = (
        plan.first[t]
        for t in ("foreigners_traveldocument", "foreigners_staypermit", SIGHTING_TABLE)
    )
    docs = plan.rows("foreigners_traveldocument")
    permits = plan.rows("foreigners_staypermit")
    refs = plan.rows(SIGHTING_TABLE)
    if refs >= REF_MOD:
        raise ValueError("At most 16,777,215 sightings per run (the reference has 6 hex digits).")

    def between(expr, lo, count):
        return f"{expr} BETWEEN {lo} AND {lo + count - 1}"

    queries = [
        "SELECT number FROM foreigners_traveldocument WHERE number ~ '^[A-Z][0-9]{9}[A-Z]?$' AND "
        + between(
            unscramble_sql("substr(number, 2, 9)::bigint", DOC_MOD, DOC_MUL, DOC_ADD), doc_lo, docs
        ),
        "SELECT number FROM foreigners_staypermit WHERE number ~ '^[0-9A-Z]{2}[0-9]{9}[A-Z]?$' "
        "AND "
        + between(
            unscramble_sql("substr(number, 3, 9)::bigint", PERMIT_MOD, PERMIT_MUL, PERMIT_ADD),
            permit_lo,
            permits,
        ),
        "SELECT nib FROM foreigners_sponsor WHERE nib ~ '^[0-9]{13}$' AND "
        + between(
            unscramble_sql("substr(nib, 2, 12)::bigint", NIB_MOD, NIB_MUL, NIB_ADD), *sponsors
        ),
        "SELECT reference FROM reports_sighting WHERE reference ~ '^LAP-[0-9]{6}-[0-9A-F]{6}$' "
        "AND ("
        + unscramble_sql(
            "('x' || substr(reference, 12, 6))::bit(24)::bigint", REF_MOD, REF_MUL, REF_ADD
        )
        + f" - {ref_lo % REF_MOD} + {REF_MOD}) % {REF_MOD} < {refs}",
    ]
    taken: set[str] = set()
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql)
            taken.update(row[0] for row in cursor.fetchall())
    return frozenset(taken)


# From this many people a load rebuilds foreign keys and indexes instead of checking per row.
BULK_FROM = 20_000


def _bulk_prepare(cursor, tables: tuple[str, ...]) -> list[str]:
    """Drop the foreign keys of ``tables``, and the indexes that back no constraint on those of
    them that are empty; return the statements that re-create them (indexes first)."""
    # ALTER TABLE refuses a table with pending deferred checks (rows written earlier in an
    # enclosing transaction, e.g. the region tree): run those checks now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    cursor.execute(
        """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
           FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
           ORDER BY 1, 2""",
        [list(tables)],
    )
    foreign_keys = cursor.fetchall()
    empty = []
    for table in tables:
        cursor.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{table}")')
        if cursor.fetchone()[0]:
            empty.append(table)
    cursor.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i
           WHERE i.indrelid::regclass::text = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY 1""",
        [empty],
    )
    indexes = cursor.fetchall()
    restore = [definition for _name, definition in indexes]
    restore += [
        f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in foreign_keys
    ]
    for table, name, _definition in foreign_keys:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return restore


@dataclass
class TableStat:
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Result:
    tables: dict[str, TableStat]
    first_ids: dict[str, int]
    generate_wait: float
    commit: float
    total: float
    rebuild: float | None = None  # bulk mode: re-creating foreign keys and indexes

    def lines(self) -> list[str]:
        out = []
        for table, stat in self.tables.items():
            rate = stat.rows / stat.seconds if stat.seconds else 0
            out.append(
                f"{table:28} {stat.rows:>10,} rows  COPY {stat.seconds:7.1f} s  {rate:>10,.0f} rows/s"
            )
        rows = sum(s.rows for s in self.tables.values())
        out.append(
            f"{'total':28} {rows:>10,} rows  {self.total:.1f} s elapsed "
            f"({rows / self.total if self.total else 0:,.0f} rows/s; waiting for generators "
            f"{self.generate_wait:.1f} s, "
            + (
                f"rebuilding foreign keys and indexes {self.rebuild:.1f} s, "
                f"commit {self.commit:.1f} s)"
                if self.rebuild is not None
                else f"commit incl. deferred FK checks {self.commit:.1f} s)"
            )
        )
        return out


def _copy(cursor, table: str, data: bytes, stat: TableStat, rows: int) -> None:
    if not rows:
        return
    started = time.perf_counter()
    columns = ", ".join(f'"{c}"' for c in COLUMNS[table])
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        copy.write(data)
    stat.seconds += time.perf_counter() - started
    stat.rows += rows


def population_generate(
    *,
    foreigners: int,
    seed,
    profile: Profile,
    sprofile: SightingProfile,
    workers: int | None = None,
    chunk_size: int = 5000,
    bulk: bool | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> Result:
    """Write ``foreigners`` synthetic people (documents, permits, residences, movements) and
    ``sprofile.per_foreigner`` sightings each, plus the profile's sponsors, in one transaction.

    ``workers`` generator processes (default: CPU count; 0 generates in this process). The same
    seed, profile and starting ids give the same rows whatever ``workers`` and ``chunk_size``
    divide evenly — chunking is part of the layout, so keep ``chunk_size`` for reproducibility.
    ``bulk`` (default: from :data:`BULK_FROM` people) rebuilds foreign keys and indexes after
    the load instead of checking each row (see the module docstring).
    """
    started = time.perf_counter()
    chunk_size = max(1, min(chunk_size, foreigners or 1))
    chunks = max(1, -(-foreigners // chunk_size))
    last_size = foreigners - chunk_size * (chunks - 1)
    plan = Plan(
        profile=profile,
        sprofile=sprofile,
        seed=seed,
        foreigners=foreigners,
        chunk_size=chunk_size,
        full=chunk_layout(chunk_size, profile),
        last=chunk_layout(last_size, profile),
        sightings_full=round(chunk_size * sprofile.per_foreigner),
        sightings_last=round(last_size * sprofile.per_foreigner),
        chunks=chunks if foreigners else 0,
    )
    sponsor_count = len(profile.sponsors) if profile.sponsors else profile.sponsor_count
    sponsor_first = reserve_ids("foreigners_sponsor", sponsor_count)
    for table in CHUNK_TABLES:
        plan.first[table] = reserve_ids(table, plan.rows(table) if plan.chunks else 0)
    plan.taken = taken_numbers(plan, (sponsor_first, sponsor_count)) if plan.chunks else frozenset()
    sponsor_text, profile.sponsor_ids = people_gen.sponsor_rows(
        profile, seed, sponsor_first, sponsor_count, plan.taken
    )
    stats = {t: TableStat() for t in ("foreigners_sponsor", *CHUNK_TABLES)}
    waited = 0.0
    rebuild = None
    if workers is None:
        workers = os.cpu_count() or 1
    if bulk is None:
        bulk = foreigners >= BULK_FROM
    with transaction.atomic():
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the psycopg cursor: Django does not wrap COPY
            restore = _bulk_prepare(cursor, tuple(stats)) if bulk else []
            _copy(cursor, "foreigners_sponsor", sponsor_text.encode(), stats["foreigners_sponsor"],
                  sponsor_count)  # fmt: skip

            def load(index, parts):
                layout, sightings = plan.layout(index)
                for table in CHUNK_TABLES:
                    rows = sightings if table == SIGHTING_TABLE else layout.rows[table]
                    _copy(cursor, table, parts[table], stats[table], rows)
                if index % 20 == 19 or index == plan.chunks - 1:
                    log(f"  chunk {index + 1}/{plan.chunks} loaded "
                        f"({time.perf_counter() - started:.0f} s)")  # fmt: skip

            if workers == 0 or plan.chunks <= 1:
                for index in range(plan.chunks):
                    load(index, _chunk(plan, index))
            else:
                # fork: the children inherit the plan (and the Django setup) without pickling.
                context = multiprocessing.get_context("fork")
                with context.Pool(workers, initializer=_worker_init, initargs=(plan,)) as pool:
                    pending: deque = deque()
                    submitted = 0
                    window = 2 * workers  # bounds memory: at most this many chunks in flight
                    for index in range(plan.chunks):
                        while submitted < plan.chunks and len(pending) < window:
                            pending.append(pool.apply_async(_worker_chunk, (submitted,)))
                            submitted += 1
                        t0 = time.perf_counter()
                        parts = pending.popleft().get()
                        waited += time.perf_counter() - t0
                        load(index, parts)
            if bulk:
                rebuild_started = time.perf_counter()
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for statement in restore:
                    cursor.execute(statement)
                rebuild = time.perf_counter() - rebuild_started
                log(f"  foreign keys and indexes re-created ({rebuild:.0f} s)")
        commit_started = time.perf_counter()
    commit = time.perf_counter() - commit_started
    return Result(
        tables=stats,
        first_ids={"foreigners_sponsor": sponsor_first, **plan.first},
        generate_wait=waited,
        commit=commit,
        total=time.perf_counter() - started,
        rebuild=rebuild,
    )


def national_generate(
    *,
    foreigners: int,
    seed,
    sightings_per_foreigner: float = 2.0,
    workers: int | None = None,
    chunk_size: int = 5000,
    today: dt.date | None = None,
    bulk: bool | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> Result:
    """National-scale synthetic data: the synthetic region tree and province agencies (created
    if missing), ``foreigners // 50`` sponsors, then :func:`population_generate`."""
    synthetic_regions_ensure()
    synthetic_agencies_ensure()
    places, weights = people_gen.national_places()
    profile = Profile(
        today=today or timezone.localdate(),
        now=timezone.now().replace(microsecond=0),
        places=places,
        place_weights=weights,
        sponsor_count=max(10, foreigners // 50),
    )
    reporters, reviewers = officer_pools()
    sprofile = SightingProfile(sightings_per_foreigner, reporters, reviewers)
    return population_generate(
        foreigners=foreigners,
        seed=seed,
        profile=profile,
        sprofile=sprofile,
        workers=workers,
        chunk_size=chunk_size,
        bulk=bulk,
        log=log,
    )
