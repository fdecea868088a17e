"""``manage.py generate_dataset --foreigners N``: national-scale synthetic data via COPY."""

import argparse
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devdata.synthetic_reports import BULK_FROM, CHUNK_TABLES, national_generate

VACUUM_TABLES = ("foreigners_sponsor", *CHUNK_TABLES)


class Command(BaseCommand):
    help = (
        "Append synthetic foreign nationals (each with a travel document, stay permits, "
        "residences, movements) and sightings across a synthetic Indonesian region tree, using "
        "PostgreSQL COPY. The same --seed on an empty database gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--foreigners", type=int, required=True, help="How many people.")
        parser.add_argument("--seed", default="1", help="Seed (any string); default 1.")
        parser.add_argument(
            "--sightings-per-foreigner", type=float, default=2.0, help="Default 2.0."
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="Generator processes (default: CPUs)."
        )
        parser.add_argument("--chunk-size", type=int, default=5000)
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None,
            help="Date the data is relative to (YYYY-MM-DD); default today.",
        )  # fmt: skip
        parser.add_argument("--no-vacuum", action="store_true", help="Skip VACUUM ANALYZE.")
        parser.add_argument(
            "--bulk", action=argparse.BooleanOptionalAction, default=None,
            help=(
                "Drop the written tables' foreign keys (and the plain indexes of empty tables) "
                "during the load and re-create them after: much faster, but locks the tables "
                f"until commit. Default: on from {BULK_FROM:,} foreigners."
            ),
        )  # fmt: skip

    def handle(self, *args, **options):
        n = options["foreigners"]
        if n < 0 or options["sightings_per_foreigner"] < 0 or options["chunk_size"] < 1:
            raise CommandError("--foreigners, --sightings-per-foreigner must be >= 0.")
        self.stdout.write(f"Generating {n:,} foreign nationals (seed {options['seed']!r}) ...")
        result = national_generate(
            foreigners=n,
            seed=options["seed"],
            sightings_per_foreigner=options["sightings_per_foreigner"],
            workers=options["workers"],
            chunk_size=options["chunk_size"],
            today=options["today"],
            bulk=options["bulk"],
            log=self.stdout.write,
        )
        for line in result.lines():
            self.stdout.write(line)
        if not options["no_vacuum"]:
            # Fresh statistics so the planner sees the new row counts; VACUUM also sets the
            # visibility map (index-only scans) and hint bits, which COPY leaves unset.
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {', '.join(VACUUM_TABLES)}")
            self.stdout.write(f"VACUUM ANALYZE {time.perf_counter() - started:.1f} s")
        self.stdout.write(self.style.SUCCESS("Done."))
