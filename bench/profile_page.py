"""Where one page's time goes: a statistical profile of repeated requests, in process.

Usage::

    DATABASE_URL=… REDIS_URL=… python bench/profile_page.py [--principal camat] \
        [--url /orang-asing/] [--post document_number=X] [--requests 300] [--top 40]

Signs in as one of the three principals of ``suite.py`` (Kanim supervisor, Polres officer,
camat, in the dataset's busiest area), warms the page up, then requests it ``--requests`` times
under ``cProfile`` with production settings (``DEBUG`` off) and prints the wall time per request
and the functions that took most of it (own time and cumulative). The test client skips the
WSGI server and the network, so the figures are the portal's own cost per request.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
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
from django.db import connection  # noqa: E402

settings.DEBUG = False
settings.ALLOWED_HOSTS = ["*"]

from principals import Principals, busiest_area, client_for  # noqa: E402

MARK = "BENCH-SUITE"


def database_backend() -> int:
    """The process id of the PostgreSQL backend serving this process's connection (the test
    client keeps one connection open between requests)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) the PostgreSQL backend ``pid`` has used: its parsing,
    planning and execution of this process's statements, whatever else the machine runs.
    Readable when PostgreSQL runs on this machine (as in every benchmark here)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--principal", default="camat",
                        choices=("kanim supervisor", "polres officer", "camat"))  # fmt: skip
    parser.add_argument("--url", default="/orang-asing/")
    parser.add_argument("--post", action="append", default=[], metavar="FIELD=VALUE",
                        help="POST these fields (with a CSRF token) instead of GET")  # fmt: skip
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--callers", action="append", default=[], metavar="PATTERN",
                        help="also print who calls the functions matching PATTERN")  # fmt: skip
    args = parser.parse_args()

    users = Principals(MARK).three(busiest_area())
    client = client_for(users[args.principal])
    client.handler.enforce_csrf_checks = False
    data = dict(field.split("=", 1) for field in args.post)

    def request():
        response = client.post(args.url, data) if data else client.get(args.url)
        if response.status_code != 200:
            raise SystemExit(f"{args.url}: status {response.status_code}")
        return response

    for _ in range(20):
        request()
    backend = database_backend()
    started, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu(backend)
    for _ in range(args.requests):
        request()
    plain = (time.perf_counter() - started) / args.requests * 1000
    cpu = (time.process_time() - cpu) / args.requests * 1000
    db_cpu = (backend_cpu(backend) - db_cpu) / args.requests * 1000

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        request()
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    for pattern in args.callers:
        stats.print_callers(pattern)
    print(
        f"{args.principal} {args.url}: {plain:.1f} ms per request without the profiler "
        f"({cpu:.1f} ms of this process's CPU, {db_cpu:.1f} ms of its PostgreSQL backend's)"
    )
    print(f"{stats.total_calls / args.requests:,.0f} Python function calls per request")
    print(out.getvalue())


if __name__ == "__main__":
    main()
