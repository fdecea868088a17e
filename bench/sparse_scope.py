"""The working pages of a sparse scope: a camat of a small kecamatan and the Polres of its kota.

Usage::

    DATABASE_URL=… REDIS_URL=… python bench/sparse_scope.py [--kecamatan 96.04.05] [--times 3]

The suite's principals work in the busiest area of the dataset, where a page's first rows are
near the head of every table order. A reader whose scope holds a few hundred of a million rows
is the other end: a plan that walks a table's order and tests each row finds its 50 rows only
after passing over most of the table. This prints, for such a camat (the kecamatan with the
fewest residents unless ``--kecamatan`` names one) and the Polres of its kota, the time of each
page, ``--times`` requests each (the first is usually cold), in process with production
settings, and the size of the scope. The accounts are marked ``BENCH-SPARSE`` and kept for the
next run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

settings.DEBUG = False
settings.ALLOWED_HOSTS = ["*"]

from principals import Principals, client_for  # noqa: E402

from agencies.access import access_changed  # noqa: E402

PAGES = ("/orang-asing/", "/api/v1/foreigners/", "/peringatan/", "/laporan/")


def smallest_kecamatan() -> str:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT left(residence_region_id, 8), count(*) FROM foreigners_foreigner "
            "WHERE residence_region_id IS NOT NULL GROUP BY 1 ORDER BY 2, 1 LIMIT 1"
        )
        return cur.fetchone()[0]


def scope_size(kecamatan: str) -> tuple[int, int]:
    """Residents of the kecamatan, and sightings made in it."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM foreigners_foreigner WHERE residence_region_id = %s"
            " OR residence_region_id LIKE %s",
            [kecamatan, kecamatan + ".%"],
        )
        residents = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM reports_sighting WHERE region_id = %s OR region_id LIKE %s",
            [kecamatan, kecamatan + ".%"],
        )
        return residents, cur.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kecamatan", help="a kecamatan code (default: the fewest residents)")
    parser.add_argument("--times", type=int, default=3)
    args = parser.parse_args()
    kecamatan = args.kecamatan or smallest_kecamatan()
    kota = kecamatan[:5]
    marks = Principals("BENCH-SPARSE")
    with transaction.atomic():
        camat = marks.officer(
            f"camat-{kecamatan}",
            marks.agency(f"Camat {kecamatan}", "kecamatan", kecamatan),
            kecamatan=kecamatan,
        )
        polres = marks.officer(f"polres-{kota}", marks.agency(f"Polres {kota}", "polres", kota))
    access_changed()
    residents, sightings = scope_size(kecamatan)
    print(f"kecamatan {kecamatan}: {residents:,} residents, {sightings:,} sightings made there")
    print(f"{'principal':<16} {'page':<24} {'status':>6}  times (ms)")
    for label, user in ((f"camat {kecamatan}", camat), (f"polres {kota}", polres)):
        client = client_for(user)
        for url in PAGES:
            times, status = [], None
            for _ in range(args.times):
                started = time.perf_counter()
                status = client.get(url).status_code
                times.append((time.perf_counter() - started) * 1000)
            shown = " / ".join(f"{t:,.0f}" for t in times)
            print(f"{label:<16} {url:<24} {status:>6}  {shown}")


if __name__ == "__main__":
    main()
