"""Benchmark of the meeting pack and of exports (issue 12) on the database of ``DATABASE_URL``.

Usage (from the repository root, on a dataset from ``manage.py generate_dataset``)::

    DATABASE_URL=postgres://…/timpora_bench .venv/bin/python bench/bench_coordination.py

What it measures (wall-clock, printed; nothing is asserted):

1. The meeting pack for Kota Parepare (73.72) over the last full quarter, and for one kecamatan
   (Soreang, 73.72.03), as a Kanim supervisor and as the camat: the figures (``pack_build``),
   then the XLSX and the PDF rendering, separately.
2. An export of ``--rows`` (default 10,000) foreign nationals as the system admin, to CSV
   (the streamed generator the view returns) and to XLSX (openpyxl write-only), with the peak
   Python memory (``tracemalloc``) while streaming, for ``--rows`` and for a fifth of it: flat
   memory means the two peaks are about the same.

It creates two officers (names starting with ``BENCH-COORD``) and deletes them at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from agencies.models import Agency, Officer, Region  # noqa: E402
from foreigners.models import Foreigner  # noqa: E402
from reports.coordination.pack import pack_build, pack_pdf, pack_xlsx  # noqa: E402
from reports.exports import (  # noqa: E402
    SOURCES,
    ExportLog,
    csv_stream,
    export_queryset,
    rows_iter,
    xlsx_write,
)

PREFIX = "BENCH-COORD"


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    end = first - dt.timedelta(days=1)
    return end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1), end


def officer(name: str, kind: str, role: str, region: str, kecamatan: str | None = None):
    agency = Agency.objects.create(
        name=f"{PREFIX} {name}", short_name=name, kind=kind, region_id=region
    )
    if kind == Agency.Kind.IMIGRASI:
        agency.jurisdiction.set(["73.72", "73.15"])
    user = get_user_model().objects.create(username=f"{PREFIX}-{name}")
    Officer.objects.create(user=user, agency=agency, role=role, kecamatan_id=kecamatan)
    return user


def timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    print(f"  {label:<44} {time.perf_counter() - started:8.2f} s")
    return result


def bench_pack(user, label: str, region: str, start: dt.date, end: dt.date) -> None:
    print(f"meeting pack — {label}, {region}, {start} … {end}")
    area = Region.objects.get(pk=region)
    with translation.override("id"):
        total = time.perf_counter()
        pack = timed(
            "figures (pack_build)", lambda: pack_build(user, region=area, start=start, end=end)
        )
        timed("XLSX", lambda: pack_xlsx(pack, io.BytesIO()))
        timed("PDF", lambda: pack_pdf(pack, io.BytesIO()))
        print(f"  {'total':<44} {time.perf_counter() - total:8.2f} s")
    people = pack.section("nationality").rows
    print(f"  ({sum(r[1] for r in people)} foreign nationals in {len(people)} nationalities)")


def bench_export(user, rows: int) -> None:
    source = SOURCES["foreigners"]
    ids = list(Foreigner.objects.order_by("pk").values_list("pk", flat=True)[: rows + 1])
    if len(ids) <= rows:
        print(f"export: the database has only {len(ids)} foreign nationals")
        rows = len(ids) - 1
    if rows < 10:
        return
    # Both counts above the iterator chunk (2,000 rows), so a flat memory shows as equal peaks
    # but for the exported ids kept for the audit row (28 bytes each).
    for count in (rows // 5, rows):
        params = QueryDict()
        columns, qs, _log = export_queryset(source, user, params)
        qs = qs.filter(pk__lte=ids[count - 1])
        for fmt in ("csv", "xlsx"):
            # Timed without tracemalloc (it slows allocation-heavy code several times), then
            # once more under tracemalloc for the peak memory.
            elapsed, sent, size = run_export(fmt, source, columns, qs)
            tracemalloc.start()
            run_export(fmt, source, columns, qs)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"export {fmt:<4} {len(sent):>8} rows {elapsed:8.2f} s  "
                f"{size / 1e6:6.1f} MB out, peak Python memory {peak / 1e6:6.1f} MB"
            )


def run_export(fmt: str, source, columns, qs) -> tuple[float, list[int], int]:
    sent = ExportLog(source, columns, qs.model._meta.model_name)
    started = time.perf_counter()
    if fmt == "csv":
        size = sum(len(line) for line in csv_stream(columns, rows_iter(qs), sent))
    else:
        buffer = io.BytesIO()
        xlsx_write(columns, rows_iter(qs), sent, buffer)
        size = buffer.tell()
    return time.perf_counter() - started, sent.ids, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--kecamatan", default="73.72.03")
    args = parser.parse_args()
    start, end = last_quarter(timezone.localdate())
    print(f"{Foreigner.objects.count()} foreign nationals in the database; period {start} … {end}")
    kanim = officer("kanim", Agency.Kind.IMIGRASI, Officer.Role.SUPERVISOR, "73.72")
    camat = officer(
        "camat", Agency.Kind.KECAMATAN, Officer.Role.OFFICER, args.kecamatan, args.kecamatan
    )
    try:
        bench_pack(kanim, "Kanim supervisor", "73.72", start, end)
        bench_pack(kanim, "Kanim supervisor", args.kecamatan, start, end)
        bench_pack(camat, "camat", args.kecamatan, start, end)
        # The export as the system admin: every row of the database is visible, so the row
        # count is the one asked for whatever the dataset's geography.
        root = get_user_model().objects.create(username=f"{PREFIX}-root", is_superuser=True)
        bench_export(root, args.rows)
    finally:
        Officer.objects.filter(user__username__startswith=PREFIX).delete()
        get_user_model().objects.filter(username__startswith=PREFIX).delete()
        Agency.objects.filter(name__startswith=PREFIX).delete()


if __name__ == "__main__":
    main()
