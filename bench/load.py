"""Load test (issue 14): locust, headless, against gunicorn and a Celery worker on loopback.

Usage (``suite.py`` runs it last; on its own)::

    DATABASE_URL=… REDIS_URL=… python bench/load.py [--users 50] [--seconds 120] [--json out]

1. Creates (once; reused after) 50 officer accounts of ten marked agencies in the busiest area
   of the dataset — three Polres, three Kanim offices, four kecamatan offices — with one
   password (hashed once) and, when the portal has django-otp, a TOTP device whose key the load
   generator knows (two-factor sign-in then works whichever roles require it).
2. Writes the plan for ``locustfile.py``: accounts, people each may see, their names and
   passport numbers, the regions each may report from.
3. Starts ``gunicorn`` (``--workers``, default 2 × CPUs + 1 sync workers, DEBUG off: ``loadwsgi.py``) and a
   Celery worker (concurrency 1) on 127.0.0.1 only, with the same ``DATABASE_URL`` and
   ``REDIS_URL``; collects the static files first.
   Before that, the warm-up: each account's default dashboard is computed once (one per
   distinct access, two at a time) into the cache the server reads, as the beat task
   ``reports.dashboards_refresh`` keeps the dashboards of active agencies in production; the
   load test measures that steady state, not the first request of an agency after a restart
   (``--no-warm`` measures that instead; suite.py prints the dashboard's first request apart).
4. Runs ``locust --headless`` with ``--users`` officers spawned at ``--spawn-rate`` per second
   for ``--seconds`` (sign-in included), sampling each second the RSS and CPU time of the
   gunicorn workers, PostgreSQL, the Celery worker and locust.
5. Prints requests/s, p50/p95/p99 per endpoint, the error count, and the CPU time each of those
   used, in all and per request; ``--json`` writes the totals for ``suite.py``. Stops what it
   started and deletes the sightings the accounts submitted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402
from principals import Principals, busiest_area  # noqa: E402
from totp import TOTP_KEY_HEX  # noqa: E402

from agencies.access import access_changed, access_for  # noqa: E402
from agencies.models import Region  # noqa: E402

MARK = "BENCH-LOAD"
# The process groups sampled during the run (Sampler), as the summary names them.
WEB, CELERY = "web workers", "Celery worker"
BIN = Path(sys.executable).parent


def accounts(n_users: int, password: str) -> list[dict]:
    """Ten agencies in the busiest area, ``n_users`` officers spread over them."""
    area = busiest_area()
    p = Principals(MARK)
    kotas = (area.kota_list * 3)[:3]
    kecs = (area.kecamatan_list * 4)[:4]
    agencies = [
        *[(p.agency(f"Polres {i}", "polres", k), None) for i, k in enumerate(kotas)],
        *[
            (p.agency(f"Kanim {i}", "imigrasi", k[:2], [k, kotas[(i + 1) % 3]]), None)
            for i, k in enumerate(kotas)
        ],
        *[(p.agency(f"Camat {i}", "kecamatan", k), k) for i, k in enumerate(kecs)],
    ]
    hashed = make_password(password)  # once: hashing is deliberately slow
    out = []
    for i in range(n_users):
        agency, kecamatan = agencies[i % len(agencies)]
        user = p.officer(f"{i:02d}", agency, kecamatan=kecamatan, password=hashed)
        out.append({"username": user.username, "password": password, "totp_key": TOTP_KEY_HEX,
                    "agency": agency.short_name, "area": kecamatan or agency_area(agency),
                    "reads_documents": access_for(user).can_read("document")})  # fmt: skip
    access_changed()
    return out


def dashboards_warm(usernames: list[str]) -> tuple[int, float]:
    """Compute the default dashboard of each distinct access among ``usernames`` (two at a time)
    into the cache; return how many and the seconds it took."""
    from concurrent.futures import ThreadPoolExecutor

    from django.contrib.auth import get_user_model
    from django.db import connections

    from reports.dashboard_cache import dashboard_figures_cached, fingerprint
    from reports.forms import DashboardForm

    users = {}
    for user in get_user_model().objects.filter(username__in=usernames):
        users.setdefault(fingerprint(user), user)
    connection.close()

    def warm(user) -> None:
        try:
            date_from, date_to = DashboardForm(None, user=user, area=False).period
            dashboard_figures_cached(user, date_from=date_from, date_to=date_to, default=True)
        finally:
            connections.close_all()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(warm, users.values()))
    return len(users), time.monotonic() - started


def agency_area(agency) -> str:
    codes = list(agency.jurisdiction.values_list("code", flat=True)) or [agency.region_id]
    return codes[0]


def people(area: str, limit: int = 200) -> dict:
    """Residents of ``area`` (visible to its agency): ids, names as typed, passport numbers;
    and the kelurahan one may report from there."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT f.id, f.family_name, f.given_names, d.number FROM foreigners_foreigner f "
            "LEFT JOIN foreigners_traveldocument d ON d.foreigner_id = f.id "
            "WHERE f.residence_region_id LIKE %s ORDER BY md5(f.id::text) LIMIT %s",
            [area + ".%", limit],
        )
        rows = cur.fetchall()
    regions = list(
        Region.objects.filter(code__startswith=area + ".", level=Region.Level.KELURAHAN)
        .order_by("code")
        .values_list("code", flat=True)[:20]
    )
    return {
        "ids": [r[0] for r in rows],
        "names": [f"{r[1]} {r[2].split()[0][:4]}" for r in rows if r[1] and r[2]],
        "docs": [r[3] for r in rows if r[3]],
        "regions": regions or [area],
    }


def small_photo() -> bytes:
    image = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    try:
        return (
            int(Path(f"/proc/{pid}/statm").read_text().split()[1])
            * os.sysconf("SC_PAGE_SIZE")
            / 2**20
        )
    except OSError:
        return 0.0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (/proc/<pid>/stat), None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the machine since boot, all cores (/proc/stat)."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process on the machine (the database serves only this test)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


class Sampler(threading.Thread):
    """Each second, for each process group (web workers, PostgreSQL, Celery, the load
    generator): the largest RSS of one of its processes, and the CPU time its processes used
    since they were first seen — where the machine's cores went."""

    def __init__(self, groups: dict):
        super().__init__(daemon=True)
        self.groups = groups
        self.peak = dict.fromkeys(groups, 0.0)
        self.first: dict[str, float] = {}
        self.cpu_first: dict[str, dict[int, float]] = {name: {} for name in groups}
        self.cpu_last: dict[str, dict[int, float]] = {name: {} for name in groups}
        self.machine_first = self.machine_last = machine_busy_seconds()
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(1.0):
            for name, pids in self.groups.items():
                for pid in pids():
                    rss = rss_mb(pid)
                    self.first.setdefault(name, rss)
                    self.peak[name] = max(self.peak[name], rss)
                    cpu = cpu_seconds(pid)
                    if cpu is not None:
                        self.cpu_first[name].setdefault(pid, cpu)
                        self.cpu_last[name][pid] = cpu
            self.machine_last = machine_busy_seconds()

    def cpu(self) -> dict[str, float]:
        """CPU seconds per group over the run."""
        return {
            name: sum(last[pid] - self.cpu_first[name][pid] for pid in last)
            for name, last in self.cpu_last.items()
        }

    def machine(self) -> tuple[float, float]:
        """(busy, available) CPU seconds of the whole machine over the run."""
        return (
            self.machine_last[0] - self.machine_first[0],
            self.machine_last[1] - self.machine_first[1],
        )


def wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def main() -> int:
    scale = os.environ.get("BENCH_SCALE", "national")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--spawn-rate", type=float, default=2.0, help="officers signing in per second"
    )
    parser.add_argument(
        "--seconds", type=int, default=120 if scale == "national" else 60, help="run time"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn sync workers (default: gunicorn's 2 × CPUs + 1)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the totals here (for suite.py)")
    parser.add_argument(
        "--no-warm", action="store_true",
        help="do not compute the dashboards before the run (a cold start)",
    )  # fmt: skip
    args = parser.parse_args()

    password = secrets.token_urlsafe(18)
    plan_accounts = accounts(args.users, password)
    cache = {}
    for account in plan_accounts:
        if account["area"] not in cache:
            cache[account["area"]] = people(account["area"])
        account.update(cache[account["area"]])
        if not account["reads_documents"]:
            account["docs"] = []  # the agency may not search by passport: it searches by name
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    plan = {
        "accounts": plan_accounts,
        "photo_hex": small_photo().hex(),
        "observed_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "urls": {
            "login": reverse("login"),
            "list": reverse("foreigner-list"),
            "detail": reverse("foreigner-detail", args=[0]),
            "flags": reverse("flag-list"),
            "dashboard": reverse("dashboard"),
            "api": reverse("api-foreigner-list"),
            "sighting": reverse("sighting-create"),
        },
    }
    (work / "plan.json").write_text(json.dumps(plan))
    if not args.no_warm:
        warmed, took = dashboards_warm([a["username"] for a in plan_accounts])
        print(f"load: warm-up computed {warmed} dashboards in {took:.0f} s", flush=True)
    connection.close()

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        # This process's key: it reads the server's sessions when it cleans up.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "BENCH_LOAD_PLAN": str(work / "plan.json"),
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
        check=True,
    )  # fmt: skip
    started = []
    log = open(work / "servers.log", "w")  # noqa: SIM115 — closed in finally
    try:
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "loadwsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--access-logfile", "/dev/null",
             "--timeout", "60"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        started.append(gunicorn)
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "timpora", "worker", "--concurrency=1",
             "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        started.append(worker)
        host = f"http://127.0.0.1:{port}"
        wait_healthy(host + "/healthz")
        prefix = work / "locust"
        locust = subprocess.Popen(
            [str(BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless",
             "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
             "--run-time", f"{args.seconds}s", "--host", host, "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        started.append(locust)
        sampler = Sampler(
            {
                WEB: lambda: children(gunicorn.pid),
                "PostgreSQL": postgres_pids,
                CELERY: lambda: [worker.pid, *children(worker.pid)],
                "load generator": lambda: [locust.pid, *children(locust.pid)],
            }
        )
        sampler.start()
        print(
            f"load: {args.users} officers of 10 agencies, spawn {args.spawn_rate}/s, "
            f"{args.seconds} s, gunicorn {args.workers} sync workers + Celery worker on {host}",
            flush=True,
        )
        locust.wait()
        sampler.stop.set()
        sampler.join()
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()
        removed = Principals(MARK).remove_writes()
        print(f"load: removed {removed} sightings the load test submitted; logs in {work}")

    stats = read_stats(prefix)
    print(
        f"\n{'endpoint':<22} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50':>7} {'p95':>7} "
        f"{'p99':>7} {'max':>7}   (ms)"
    )
    for row in stats:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(
            f"{name:<22} {int(row['Request Count']):>9,} {int(row['Failure Count']):>7} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7} "
            f"{float(row['Max Response Time']):>7.0f}"
        )
    print(
        f"web worker RSS max {sampler.peak[WEB]:.0f} MB (first {sampler.first.get(WEB, 0):.0f});"
        f" Celery worker RSS max {sampler.peak[CELERY]:.0f} MB"
    )
    total = next(r for r in stats if r["Name"] == "Aggregated")
    requests = int(total["Request Count"]) or 1
    busy, available = sampler.machine()
    cpu = sampler.cpu()
    print(
        f"CPU over the run: the machine {busy:.0f} s busy of {available:.0f} s"
        f" ({os.cpu_count()} cores);"
        + "".join(f" {name} {seconds:.0f} s" for name, seconds in cpu.items())
        + f"; per request: {busy / requests * 1000:.1f} ms of CPU in all,"
        + "".join(f" {name} {seconds / requests * 1000:.1f}" for name, seconds in cpu.items())
    )
    failures = work / "locust_failures.csv"
    if failures.exists():
        with open(failures, newline="") as f:
            for row in list(csv.DictReader(f))[:10]:
                print(
                    f"  error: {row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}"
                )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "users": args.users,
                    "seconds": args.seconds,
                    "web_workers": args.workers,
                    "web_rss_max_mb": round(sampler.peak[WEB], 1),
                    "celery_rss_max_mb": round(sampler.peak[CELERY], 1),
                    "cpu_seconds": {name: round(v, 1) for name, v in cpu.items()},
                    "machine_busy_seconds": round(busy, 1),
                    "total": {
                        "requests": int(total["Request Count"]),
                        "failures": int(total["Failure Count"]),
                        "rps": float(total["Requests/s"]),
                        "p50": float(total["50%"]),
                        "p95": float(total["95%"]),
                        "p99": float(total["99%"]),
                    },
                    "endpoints": stats,
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
