"""The portal's measures at a chosen scale, in one table (issue 14).

Usage (``make bench`` runs it on the dataset of ``BENCH_SCALE`` after the other benchmarks)::

    DATABASE_URL=$(BENCH_SCALE=small python bench/national.py) REDIS_URL=redis://…/12 \\
        python bench/suite.py [--iterations 100] [--submits 15] [--no-load] [--only list,scan]

Every measure runs for three principals (Kanim supervisor, Polres officer, camat: marked
accounts in the busiest area of the dataset, see ``principals.py``) through Django's test client
in this process: session, middleware, view, template, the audit writes — the server's time
without a network; the query count of one request is printed beside it. For the list page and
the name search the same result set is also computed by hand-written SQL in the same run, and
the table shows the ratios. The daily rules scan runs every rule (the first run of a database
without open flags is the "first scan"), then the steady runs. The export of 10,000 rows is the CSV
generator a download streams and the background job writes (each principal's first 10,000
visible people; XLSX in the note), the meeting pack that of the principal's area (kota, or the
camat's kecamatan) for the last full quarter, figures, XLSX and PDF. Then ``load.py`` runs the locust load test against
gunicorn and a Celery worker (``--no-load`` to skip) and its totals join the table.

The table: p50 / p95 / p99 per measure and principal, the target of issue 14 beside it, and
whether it is met. Targets are for the national dataset on a two-core machine; a small run
prints them for orientation. Nothing here is asserted by a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import json
import logging
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")
# The measures time the server, not the per-account brake on lookups (60 a minute): the same
# three accounts make hundreds of searches and passport lookups here. The load test's gunicorn
# keeps the production rates.
_SERVER_ENV = dict(os.environ)
os.environ.setdefault("LOOKUP_THROTTLE_RATE", "1000000/min")
os.environ.setdefault("API_THROTTLE_RATE", "1000000/min")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# As in production: no SQL log kept in memory (query counts use CaptureQueriesContext).
settings.DEBUG = False
# One line per test-client sign-in and per unreadable old session is noise here.
logging.getLogger("axes").setLevel(logging.WARNING)
logging.getLogger("django.security.SuspiciousSession").setLevel(logging.ERROR)
settings.ALLOWED_HOSTS = ["*"]

from django.contrib.auth.models import Permission  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from PIL import Image  # noqa: E402
from principals import Area, Principals, busiest_area, client_for  # noqa: E402

from agencies.access import access_for, access_forget  # noqa: E402
from agencies.models import Region, region_code_range  # noqa: E402
from foreigners.models import TravelDocument  # noqa: E402

MARK = "BENCH-SUITE"
PRINCIPALS = ("kanim supervisor", "polres officer", "camat")
MIN_SAMPLES = 20  # a measure stops at its time budget only after this many
PAGE_ROWS = 25  # the list page's size (foreigners.search.PAGE_SIZE)
DETAIL_LINK = re.compile(r'href="/orang-asing/(\d+)/"')


# Issue 14's targets (national dataset, two cores): measure -> (text, test of p50/p95/p99).
def p95_at_most(limit: float):
    return lambda p50, p95, p99: p95 <= limit


TARGETS = {
    "list page (HTML)": ("p95 ≤ 50 ms", p95_at_most(50)),
    "list page (API)": ("p95 ≤ 50 ms", p95_at_most(50)),
    "list ORM query ÷ SQL": ("p95 ≤ 1.5×", p95_at_most(1.5)),
    "list page ÷ SQL": ("p95 ≤ 3×", p95_at_most(3)),
    "name search": ("p95 ≤ 150 ms", p95_at_most(150)),
    "passport lookup": ("p95 ≤ 20 ms", p95_at_most(20)),
    "foreigner detail": ("p95 ≤ 80 ms", p95_at_most(80)),
    "supervisor dashboard": ("p95 ≤ 200 ms", p95_at_most(200)),
    "sighting submit, 2 MB photo": ("p95 ≤ 400 ms", p95_at_most(400)),
    "daily rules scan (steady)": ("≤ 10 s", p95_at_most(10)),
    "rules scan ÷ hand SQL": ("≤ 1.5×", p95_at_most(1.5)),
    "first rules scan": ("≤ 60 s", p95_at_most(60)),
    "scan: process RSS growth": ("flat (≤ 20 MB)", p95_at_most(20)),
    "export 10,000 rows": ("≤ 10 s", p95_at_most(10_000)),
    "meeting pack": ("kota, quarter ≤ 30 s", p95_at_most(30_000)),
    "load: requests/s": ("≥ 150 /s", lambda p50, p95, p99: p50 >= 150),
    "load: errors": ("0", lambda p50, p95, p99: p50 == 0),
    "load: latency, all requests": ("p99 ≤ 1 s", lambda p50, p95, p99: p99 <= 1000),
    "load: web worker RSS (max)": ("≤ 300 MB", p95_at_most(300)),
}


# --- small helpers ---------------------------------------------------------------------------


def pct(samples: list[float], q: float) -> float:
    """The q-th percentile, nearest rank (no interpolation)."""
    s = sorted(samples)
    return s[max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))]


def url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def find(attr: str, modules: list[str]):
    """``attr`` from the first of ``modules`` that has it (modules move while the code is
    reorganised); None when none has."""
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, attr):
            return getattr(module, attr)
    return None


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def scalar(sql: str, params=None):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


class HiddenInputs:
    """The hidden inputs of the first form posting to ``action`` (one-time tokens and the like,
    CSRF excluded: the test client does not check it)."""

    INPUT = re.compile(r"<input[^>]*>", re.S)

    @classmethod
    def of(cls, html: str) -> dict:
        out = {}
        for tag in cls.INPUT.findall(html):
            if 'type="hidden"' not in tag:
                continue
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name and name.group(1) != "csrfmiddlewaretoken":
                out[name.group(1)] = value.group(1) if value else ""
        return out


# --- results ---------------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    principal: str = ""
    samples: list[float] = field(default_factory=list)
    unit: str = "ms"
    queries: int | None = None
    note: str = ""
    values: tuple[float, float, float] | None = None  # p50/p95/p99 given directly (ratios)

    def figures(self) -> tuple[float, float, float] | None:
        if self.values is not None:
            return self.values
        if not self.samples:
            return None
        return pct(self.samples, 50), pct(self.samples, 95), pct(self.samples, 99)

    def verdict(self) -> tuple[str, str]:
        target = TARGETS.get(self.measure)
        figures = self.figures()
        if target is None:
            return "", ""
        if figures is None:
            return target[0], "–"
        return target[0], "met" if target[1](*figures) else "NOT MET"


def print_table(rows: list[Row], title: str) -> None:
    print(f"\n{title}")
    head = (
        f"{'measure':<30} {'principal':<17} {'n':>4} {'p50':>8} {'p95':>8} {'p99':>8} "
        f"{'unit':<4} {'q/req':>5}  {'target':<20} {'':<7}  note"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        figures = r.figures()
        target, verdict = r.verdict()
        nums = (
            f"{figures[0]:>8.1f} {figures[1]:>8.1f} {figures[2]:>8.1f}"
            if figures
            else f"{'':>8} {'':>8} {'':>8}"
        )
        n = len(r.samples) if r.samples else ""
        q = "" if r.queries is None else r.queries
        print(
            f"{r.measure:<30} {r.principal:<17} {n:>4} {nums} {r.unit:<4} {q:>5}  "
            f"{target:<20} {verdict:<7}  {r.note}"
        )


# --- the measures ----------------------------------------------------------------------------


class Bench:
    def __init__(self, args, users: dict, area: Area):
        self.args = args
        self.users = users
        self.area = area
        self.rows: list[Row] = []
        self.slowest: dict[str, tuple[float, str]] = {}
        self.clients = {label: client_for(user) for label, user in users.items()}
        self.samples = {label: self._sample(user) for label, user in users.items()}

    def _sample(self, user) -> dict:
        """Visible people of the principal to ask for: ids, names (as typed: family name
        first, then the start of the given names) and passport numbers."""
        visible = find("visible_foreigners", ["foreigners.selectors", "foreigners.querysets"])
        people = list(
            visible(user)
            .filter(pk__in=self._candidate_ids())
            .values_list("pk", "given_names", "family_name")[:50]
        )
        docs = dict(
            TravelDocument.objects.filter(foreigner_id__in=[p[0] for p in people]).values_list(
                "foreigner_id", "number"
            )
        )
        return {
            "ids": [p[0] for p in people],
            "names": [f"{p[2]} {p[1].split()[0][:4]}" for p in people if p[1] and p[2]],
            "docs": [docs[p[0]] for p in people if p[0] in docs],
        }

    def _candidate_ids(self) -> list[int]:
        # Residents of the kecamatan every principal sees, spread over the id range.
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id FROM foreigners_foreigner WHERE residence_region_id LIKE %s "
                "ORDER BY md5(id::text) LIMIT 200",
                [self.area.kecamatan + ".%"],
            )
            return [r[0] for r in cur.fetchall()]

    # A request, timed; the first answers decide whether the principal may do it at all.
    def requests(self, measure: str, label: str, call, n: int, *, ok=(200,)) -> Row:
        row = Row(measure, label)
        started = time.perf_counter()
        response = call(0)
        first = (time.perf_counter() - started) * 1000
        if response.status_code in (401, 403):
            row.note = f"not permitted for this principal ({response.status_code})"
            return row
        if response.status_code not in ok:
            row.note = f"ERROR: status {response.status_code}"
            return row
        call(1)
        with CaptureQueriesContext(connection) as ctx:
            call(2)
        row.queries = len(ctx.captured_queries)
        self.keep_slowest(measure, label, ctx.captured_queries)
        row.note = f"first request {first:.0f} ms"
        errors = 0
        deadline = time.perf_counter() + self.args.budget
        for i in range(n):
            started = time.perf_counter()
            response = call(i + 3)
            row.samples.append((time.perf_counter() - started) * 1000)
            if response.status_code not in ok:
                errors += 1
            if started > deadline and len(row.samples) >= MIN_SAMPLES:
                row.note += f"; stopped after {self.args.budget} s"
                break
        if errors:
            row.note += f"; {errors} answers were not {ok}"
        return row

    def keep_slowest(self, measure: str, label: str, queries: list[dict]) -> None:
        """The slowest SQL statement of the measure's request (the Kanim supervisor's): its
        query plan is printed at the end."""
        if label != PRINCIPALS[0] or not queries:
            return
        slowest = max(queries, key=lambda q: float(q.get("time") or 0))
        self.slowest[measure.strip()] = (float(slowest.get("time") or 0) * 1000, slowest["sql"])

    def print_plans(self) -> None:
        print("\n== Query plans: the slowest statement of each measure (Kanim supervisor)")
        for measure, (ms, sql) in self.slowest.items():
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            print(f"\n-- {measure}: {ms:.1f} ms in the request\n{sql}\n")
            try:
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql.replace("%", "%%"))
                    print("\n".join(r[0] for r in cur.fetchall()))
            except Exception as exc:  # noqa: BLE001 — a plan that cannot be shown is not fatal
                print(f"(no plan: {exc})")

    def each(self, measure: str, make_call, n: int | None = None, **kw) -> list[Row]:
        rows = []
        for label in PRINCIPALS:
            call = make_call(label, self.clients[label], self.samples[label])
            if call is None:
                rows.append(Row(measure, label, note="nothing to ask for (no sample)"))
                continue
            rows.append(self.requests(measure, label, call, n or self.args.iterations, **kw))
        self.rows += rows
        return rows

    # -- list page, side by side with the hand-written SQL
    def list_page(self) -> None:
        url = reverse("foreigner-list")
        page_rows = self.each("list page (HTML)", lambda label, c, s: lambda i: c.get(url))
        for row, label in zip(page_rows, PRINCIPALS, strict=True):
            self.side_by_side(row, label, name="")

    def side_by_side(self, page: Row, label: str, *, name: str, words: list[str] = ()) -> None:
        """The hand-written SQL of the page's rows (and, for the list, the ORM query alone), and
        their ratios to the page. The page, the SQL and the ORM query are timed in alternation
        (one of each per round, the order rotated): on a machine whose speed drifts within a
        run, three blocks timed one after another compared a fast minute with a slow one, and
        the ratios moved by 2× between runs of the same code."""
        user = self.users[label]
        access_forget(user)
        access = access_for(user)
        hand = hand_sql(access, words)
        if hand is None or not page.samples:
            return
        sql, params = hand
        n = self.args.iterations

        def run_sql():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                return [r[0] for r in cur.fetchall()]

        url = reverse("foreigner-list")
        client = self.clients[label]
        calls = {
            "page": (lambda: client.get(url, {"q": name})) if name else (lambda: client.get(url)),
            "sql": run_sql,
        }
        if not name:
            visible = find("visible_foreigners", ["foreigners.selectors"])
            calls["orm"] = lambda: list(
                visible(user).order_by("search_name", "id")[: PAGE_ROWS + 1]
            )
        times = timed_together(calls, n, self.args.budget * len(calls))
        sql_row = Row("  hand-written SQL", label, samples=times["sql"])
        shown = self.shown_ids(label, name)
        same = shown == run_sql()[:PAGE_ROWS]
        sql_row.note = "same rows as the page" if same else "ROWS DIFFER from the page"
        self.rows.append(sql_row)
        paired = Row("  page, timed with the SQL", label, samples=times["page"])
        self.rows.append(paired)
        prefix = "name search" if name else "list"
        if "orm" in times:
            orm_row = Row("  ORM query alone", label, samples=times["orm"])
            self.rows.append(orm_row)
            self.rows.append(ratio_row("list ORM query ÷ SQL", label, orm_row, sql_row))
        self.rows.append(ratio_row(f"{prefix} page ÷ SQL", label, paired, sql_row))

    def shown_ids(self, label: str, name: str) -> list[int]:
        url = reverse("foreigner-list") + (f"?q={name}" if name else "")
        html = self.clients[label].get(url).content.decode()
        seen = []
        for pk in DETAIL_LINK.findall(html):
            if int(pk) not in seen:
                seen.append(int(pk))
        return seen

    def list_api(self) -> None:
        url = url_or_none("api-foreigner-list")
        if url is None:
            self.rows.append(Row("list page (API)", note="not available"))
            return
        self.each("list page (API)", lambda label, c, s: lambda i: c.get(url))

    def name_search(self) -> None:
        url = reverse("foreigner-list")

        def make(label, client, sample):
            names = sample["names"]
            if not names:
                return None
            return lambda i: client.get(url, {"q": names[i % len(names)]})

        rows = self.each("name search", make)
        # Side by side for one name per principal (the same name every time).
        for row, label in zip(rows, PRINCIPALS, strict=True):
            names = self.samples[label]["names"]
            if names and row.samples:
                name = names[0]
                fixed = self.requests(
                    "  one name, repeated",
                    label,
                    lambda i, c=self.clients[label], q=name: c.get(url, {"q": q}),
                    self.args.iterations,
                )
                self.rows.append(fixed)
                self.side_by_side(fixed, label, name=name, words=name_words(name))

    def passport_lookup(self) -> None:
        url = reverse("foreigner-list")

        def make(label, client, sample):
            docs = sample["docs"]
            if not docs:
                return None
            return lambda i: client.post(url, {"document_number": docs[i % len(docs)]})

        self.each("passport lookup", make)

    def detail(self) -> None:
        def make(label, client, sample):
            ids = sample["ids"]
            if not ids:
                return None
            return lambda i: client.get(reverse("foreigner-detail", args=[ids[i % len(ids)]]))

        self.each("foreigner detail", make)

    def dashboard(self) -> None:
        url = url_or_none("dashboard")
        if url is None:
            self.rows.append(Row("supervisor dashboard", note="not available"))
            return
        self.each("supervisor dashboard", lambda label, c, s: lambda i: c.get(url))

    def flag_inbox(self) -> None:
        url = url_or_none("flag-list")
        if url is None:
            self.rows.append(Row("flag inbox", note="not available"))
            return
        open_flags = scalar(
            "SELECT count(*) FROM reports_flag WHERE state IN ('open', 'acknowledged')"
        )
        rows = self.each("flag inbox", lambda label, c, s: lambda i: c.get(url))
        for r in rows:
            r.note = (
                r.note + "; " if r.note else ""
            ) + f"{open_flags:,} open flags in the database"

    def sighting_submit(self) -> None:
        url = url_or_none("sighting-create")
        if url is None:
            self.rows.append(Row("sighting submit, 2 MB photo", note="not available"))
            return
        photo = photo_bytes(2_000_000)
        region = (
            Region.objects.filter(code__startswith=self.area.kecamatan + ".")
            .order_by("code")
            .values_list("code", flat=True)
            .first()
            or self.area.kecamatan
        )

        def make(label, client, sample):
            def call(i, ctx=None):
                # A fresh form each time: it may carry a one-time submission token.
                hidden = HiddenInputs.of(client.get(url).content.decode())
                observed = timezone.localtime() - dt.timedelta(hours=1)
                data = {
                    **hidden,
                    "region": region,
                    "place": f"Jl. Benchmark {i}",
                    "latitude": "-4.01670",
                    "longitude": "119.62360",
                    "observed_at": observed.strftime("%Y-%m-%dT%H:%M"),
                    "activity": "tourism",
                    "description": "Benchmark: a tourist at the harbour.",
                    "person": "unknown",
                    "apparent_nationality": "AUS",
                    "apparent_sex": "",
                    "person_count": "1",
                    "unidentified_description": "Tall, grey backpack.",
                    "photos": io_file(photo, f"bench-{i}.jpg"),
                }
                started = time.perf_counter()
                if ctx is None:
                    response = client.post(url, data)
                else:
                    with ctx:
                        response = client.post(url, data)
                call.seconds = time.perf_counter() - started
                return response

            return call

        # The form page (GET) before each submission is not part of the time: only the POST.
        rows = []
        for label in PRINCIPALS:
            call = make(label, self.clients[label], None)
            row = Row("sighting submit, 2 MB photo", label)
            first = call(0)
            if first.status_code in (401, 403):
                row.note = f"not permitted for this principal ({first.status_code})"
            elif first.status_code != 302:
                row.note = f"ERROR: status {first.status_code} {form_errors(first)}"
            else:
                ctx = CaptureQueriesContext(connection)
                call(1, ctx)
                row.queries = len(ctx.captured_queries)
                for i in range(self.args.submits):
                    response = call(i + 2)
                    row.samples.append(call.seconds * 1000)
                    if response.status_code != 302:
                        row.note = f"ERROR: status {response.status_code}"
                row.note = row.note or f"photo {len(photo) / 2**20:.1f} MiB; the POST only"
            rows.append(row)
        self.rows += rows

    # -- exports and the meeting pack (the work of the download or the Celery job)
    def export_rows(self, rows: int = 10_000) -> None:
        """Each principal's first ``rows`` visible people (by id) as CSV, the generator the
        download streams and the background job writes (masking and the audit's ids included);
        XLSX once, in the note."""
        from bench_coordination import run_export
        from django.http import QueryDict

        from reports.exports import SOURCES, export_queryset

        source = SOURCES["foreigners"]
        for label, user in self.users.items():
            columns, qs, _log = export_queryset(source, user, QueryDict())
            qs = qs.order_by("pk")[:rows]
            row = Row("export 10,000 rows", label, unit="ms")
            sent, size = [], 0
            for _ in range(max(1, self.args.heavy)):
                elapsed, sent, size = run_export("csv", source, columns, qs)
                row.samples.append(elapsed * 1000)
            xlsx, _sent, xlsx_size = run_export("xlsx", source, columns, qs)
            row.note = (
                f"{len(sent):,} rows, CSV {size / 1e6:.1f} MB; "
                f"XLSX {xlsx * 1000:.0f} ms, {xlsx_size / 1e6:.1f} MB"
            )
            self.rows.append(row)

    def meeting_pack(self) -> None:
        """The meeting pack of each principal's area (Kanim and Polres: the busiest kota;
        camat: the kecamatan) for the last full quarter: figures, XLSX and PDF."""
        from bench_coordination import last_quarter

        from reports.coordination.pack import pack_build, pack_pdf, pack_xlsx

        start, end = last_quarter(timezone.localdate())
        for label, user in self.users.items():
            code = self.area.kecamatan if label == "camat" else self.area.kota
            region = Region.objects.get(pk=code)
            row = Row("meeting pack", label, unit="ms")
            with translation.override("id"):
                for _ in range(max(1, self.args.heavy)):
                    started = time.perf_counter()
                    pack = pack_build(user, region=region, start=start, end=end)
                    built = time.perf_counter()
                    pack_xlsx(pack, io.BytesIO())
                    pack_pdf(pack, io.BytesIO())
                    done = time.perf_counter()
                    row.samples.append((done - started) * 1000)
            row.note = (
                f"{code}, {start} … {end}: figures {(built - started) * 1000:.0f} ms, "
                f"XLSX + PDF {(done - built) * 1000:.0f} ms"
            )
            self.rows.append(row)

    # -- the daily rules scan
    def rules_scan(self) -> None:
        rules_run = find("rules_run", ["reports.rules", "reports.rules.engine", "reports.services"])
        if rules_run is None:
            self.rows.append(Row("daily rules scan (steady)", note="not available"))
            return
        open_before = scalar(
            "SELECT count(*) FROM reports_flag WHERE state IN ('open', 'acknowledged')"
        )
        rss0 = rss_mb()
        if open_before == 0:
            started = time.perf_counter()
            rules_run()
            first = time.perf_counter() - started
            opened = scalar(
                "SELECT count(*) FROM reports_flag WHERE state IN ('open', 'acknowledged')"
            )
            self.rows.append(
                Row("first rules scan", samples=[first], unit="s", note=f"opened {opened:,} flags")
            )
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE reports_flag")  # what autovacuum does by night
        else:
            self.rows.append(
                Row(
                    "first rules scan",
                    unit="s",
                    note=f"n/a: {open_before:,} flags were open already",
                )
            )
        steady = []
        for _ in range(self.args.scans):
            started = time.perf_counter()
            rules_run()
            steady.append(time.perf_counter() - started)
        self.rows.append(Row("daily rules scan (steady)", samples=steady, unit="s"))
        grown = rss_mb() - rss0
        self.rows.append(
            Row(
                "scan: process RSS growth",
                values=(grown, grown, grown),
                unit="MB",
                note=f"RSS {rss0:.0f} → {rss_mb():.0f} MB, peak {peak_mb():.0f} MB (the worker runs the same code)",
            )
        )
        hand = hand_rules_seconds()
        if hand is not None:
            seconds, codes, missing = hand
            ratio = statistics.median(steady) / seconds
            self.rows.append(
                Row(
                    "rules scan ÷ hand SQL",
                    values=(ratio, ratio, ratio),
                    unit="×",
                    note=f"hand SQL {seconds:.2f} s for {codes} rules"
                    + (f"; no hand SQL for {', '.join(missing)}" if missing else ""),
                )
            )


def timed_together(fns: dict, n: int, budget: float = 60) -> dict[str, list[float]]:
    """Each of ``fns`` timed ``n`` times in alternation: one call of each per round, the order
    rotated every round, so that a change of the machine's speed during the run weighs on all
    of them alike (their ratios compare like with like). Returns name → milliseconds."""
    names = list(fns)
    for _ in range(3):
        for fn in fns.values():
            fn()
    out: dict[str, list[float]] = {name: [] for name in names}
    deadline = time.perf_counter() + budget
    for i in range(n):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            fns[name]()
            out[name].append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline and len(out[names[0]]) >= MIN_SAMPLES:
            break
    return out


def ratio_row(measure: str, label: str, num: Row, den: Row) -> Row:
    a, b = num.figures(), den.figures()
    return Row(measure, label, values=tuple(x / y for x, y in zip(a, b, strict=True)), unit="×")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def photo_bytes(size: int) -> bytes:
    """A JPEG of at least ``size`` bytes (noise does not compress), like a phone's photo."""
    side = 900
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=80)
        if buf.tell() >= size:
            return buf.getvalue()
        side += 100


def io_file(data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return f


def form_errors(response) -> str:
    html = response.content.decode(errors="replace")
    errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', html)
    return "; ".join(e.strip() for e in errors if e.strip())[:200]


def name_words(text: str) -> list[str]:
    words = find("name_words", ["foreigners.search", "foreigners.selectors"])
    if words is not None:
        return words(text)
    return [w for w in re.sub(r"[^\w ]", "", text.lower()).split() if w]


# --- hand-written SQL ------------------------------------------------------------------------


def hand_sql(access, words: list[str]) -> tuple[str, list] | None:
    """The list page's rows (the first PAGE_ROWS + 1 in name order) of what the principal sees,
    written by hand: residence in scope, OR a sighting in scope, OR a live share to the user or
    the agency; with ``words``, only names whose words start with them.

    Written as a DBA would for these indexes: a sighting in scope is one EXISTS per region over
    one byte-wise range of its code (``~>=~`` / ``~<~``, the operators of the
    ``varchar_pattern_ops`` indexes), so the planner hashes each region's people from the
    partial index of sightings that name a person (one EXISTS over the OR of the regions is
    a bitmap scan of every sighting in scope: 5–10× slower at national scale)."""
    codes = getattr(access, "scope_codes", None)
    if not codes:
        return None
    perm = Permission.objects.get(codename="view_foreigner").pk
    scope_f = " OR ".join(
        ["(f.residence_region_id = %s OR f.residence_region_id LIKE %s)"] * len(codes)
    )
    seen = " OR ".join(
        [
            "EXISTS (SELECT 1 FROM reports_sighting s WHERE s.foreigner_id = f.id "
            "AND s.foreigner_id IS NOT NULL AND s.region_id ~>=~ %s AND s.region_id ~<~ %s)"
        ]
        * len(codes)
    )
    code_params = [x for c in codes for x in (c, c + ".%")]
    range_params = [x for c in codes for x in region_code_range(c)]
    group, group_params = "", []
    if access.group_id:
        group = (
            " OR EXISTS (SELECT 1 FROM foreigners_foreignergroupobjectpermission g "
            "WHERE g.content_object_id = f.id AND g.group_id = %s AND g.expires_at > now() "
            "AND g.permission_id = %s)"
        )
        group_params = [access.group_id, perm]
    name, name_params = "", []
    if words:
        # The expression of the GIN index foreigner_name_search_idx (words and phonetic keys).
        name = (
            "to_tsvector('simple'::regconfig, COALESCE(f.search_name, '') || ' ' "
            "|| COALESCE(f.name_keys, '')) @@ to_tsquery('simple'::regconfig, %s) AND "
        )
        tsquery = find("name_tsquery", ["foreigners.selectors"])
        name_params = [tsquery(words) if tsquery else " & ".join(f"{w}:*" for w in words)]
    # The page's order: best match first (2 per word matched literally, 1 per word matched by
    # sound only), then the name; as one string, as the page's keyset key is.
    order, order_params = "f.search_name", []
    if words:
        vector = (
            "to_tsvector('simple'::regconfig, COALESCE(f.search_name, '') || ' ' "
            "|| COALESCE(f.name_keys, ''))"
        )
        rank = " + ".join(
            [f"CASE WHEN {vector} @@ to_tsquery('simple'::regconfig, %s) THEN 2 ELSE 1 END"]
            * len(words)
        )
        order = f"lpad((99 - ({rank}))::text, 2, '0') || ' ' || f.search_name"
        order_params = [f"{w}:*" for w in words]
    sql = (
        "SELECT f.id, f.given_names, f.family_name, f.sex, f.birth_date, f.nationality "
        f"FROM foreigners_foreigner f WHERE {name}({scope_f} OR {seen}"
        " OR EXISTS (SELECT 1 FROM foreigners_foreigneruserobjectpermission u "
        "WHERE u.content_object_id = f.id AND u.user_id = %s AND u.expires_at > now() "
        f"AND u.permission_id = %s){group}) ORDER BY {order}, f.id LIMIT %s"
    )
    params = name_params + code_params + range_params + [access.user_id, perm] + group_params
    return sql, params + order_params + [PAGE_ROWS + 1]


def hand_rules_seconds() -> tuple[float, int, list[str]] | None:
    """The hand-written candidate sets of ``bench_rules.py`` for the rules that have one:
    (seconds, rules timed, rules without hand SQL); None when bench_rules cannot be loaded."""
    try:
        bench_rules = importlib.import_module("bench_rules")
    except Exception as exc:  # noqa: BLE001 — any failure means "no comparison", not a crash
        print(f"   (no hand SQL for the rules: bench_rules does not load: {exc})")
        return None
    ctx = bench_rules.RuleContext.build()
    total, timed_codes, missing = 0.0, 0, []
    for code in bench_rules.RULES:
        if code not in bench_rules.HAND_SQL:
            missing.append(code)
            continue
        seconds, _n = bench_rules.hand_time(code, ctx, None)
        total += seconds
        timed_codes += 1
    return total, timed_codes, missing


# --- the load test ---------------------------------------------------------------------------


def load_rows(args) -> list[Row]:
    out = Path(tempfile.mkdtemp(prefix="bench-load-")) / "load.json"
    command = [sys.executable, str(ROOT / "bench" / "load.py"), "--json", str(out)]
    if args.load_seconds:
        command += ["--seconds", str(args.load_seconds)]
    print(f"\n== load test: {' '.join(command[1:])}", flush=True)
    result = subprocess.run(command, cwd=ROOT, env=_SERVER_ENV)
    if result.returncode or not out.exists():
        return [Row("load test", note=f"ERROR: load.py exited {result.returncode}")]
    data = json.loads(out.read_text())
    total = data["total"]
    users = data["users"]
    rows = [
        Row(
            "load: requests/s",
            values=(total["rps"],) * 3,
            unit="/s",
            note=f"{users} officers, {data['seconds']} s, {total['requests']:,} requests",
        ),
        Row("load: errors", values=(total["failures"],) * 3, unit=""),
        Row(
            "load: latency, all requests",
            values=(total["p50"], total["p95"], total["p99"]),
            note="sign-in included",
        ),
        Row(
            "load: web worker RSS (max)",
            values=(data["web_rss_max_mb"],) * 3,
            unit="MB",
            note=f"{data['web_workers']} gunicorn workers",
        ),
    ]
    return rows


# --- main ------------------------------------------------------------------------------------

MEASURES = (
    "list",
    "api",
    "search",
    "passport",
    "detail",
    "dashboard",
    "inbox",
    "submit",
    "scan",
    "export",
    "pack",
)


def main() -> None:
    scale = os.environ.get("BENCH_SCALE", "national")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=100, help="requests per measure")
    parser.add_argument("--submits", type=int, default=15, help="sightings per principal")
    parser.add_argument(
        "--budget", type=float, default=60,
        help=f"seconds per measure and principal, after at least {MIN_SAMPLES} samples",
    )  # fmt: skip
    parser.add_argument("--heavy", type=int, default=3, help="runs of exports and packs")
    parser.add_argument("--scans", type=int, default=2, help="steady daily scans")
    parser.add_argument("--only", default="", help=f"comma-separated subset of {MEASURES}")
    parser.add_argument("--no-load", action="store_true", help="skip the locust load test")
    parser.add_argument(
        "--plans", action=argparse.BooleanOptionalAction, default=True,
        help="print EXPLAIN ANALYZE of each measure's slowest statement",
    )  # fmt: skip
    parser.add_argument("--load-seconds", type=int, default=0, help="load test length")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(","))) or set(MEASURES)

    db = connection.settings_dict
    n_foreigners = scalar("SELECT count(*) FROM foreigners_foreigner")
    n_sightings = scalar("SELECT count(*) FROM reports_sighting")
    n_permits = scalar("SELECT count(*) FROM foreigners_staypermit")
    print(
        f"database {db['NAME']} (BENCH_SCALE={scale}): {n_foreigners:,} foreigners, "
        f"{n_permits:,} permits, {n_sightings:,} sightings; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    area = busiest_area()
    principals = Principals(MARK)
    removed = principals.remove_writes()
    if removed:
        print(f"removed {removed} sightings left by an earlier run")
    users = principals.three(area)
    print(
        f"area: kota {area.kota}, kecamatan {area.kecamatan}, Kanim area {area.kanim_area}; "
        f"principals: {', '.join(PRINCIPALS)}"
    )
    bench = Bench(args, users, area)
    for label in PRINCIPALS:
        s = bench.samples[label]
        print(f"  {label}: {len(s['ids'])} sample people, {len(s['docs'])} passport numbers")
    started = time.perf_counter()
    steps = [
        ("list", bench.list_page),
        ("api", bench.list_api),
        ("search", bench.name_search),
        ("passport", bench.passport_lookup),
        ("detail", bench.detail),
        ("dashboard", bench.dashboard),
        ("submit", bench.sighting_submit),
        ("scan", bench.rules_scan),  # before the inbox: it then has every open flag to show
        ("inbox", bench.flag_inbox),
        ("export", bench.export_rows),
        ("pack", bench.meeting_pack),
    ]
    try:
        for key, step in steps:
            if key in only:
                t = time.perf_counter()
                done = len(bench.rows)
                print(f"== {key} ...", flush=True)
                step()
                # Each step's rows as they come: a run cut short keeps what it measured.
                print_table(bench.rows[done:], f"   {key}: {time.perf_counter() - t:.1f} s")
                sys.stdout.flush()
    finally:
        print(f"removed {principals.remove_writes()} benchmark sightings")
        purge = find("app", ["timpora.celery"])
        if purge is not None:
            purge.control.purge()  # the rule tasks the submissions queued for no worker
    rows = bench.rows
    if not args.no_load:
        rows += load_rows(args)
    if args.plans:
        bench.print_plans()
    print_table(
        rows,
        f"Timpora benchmark — BENCH_SCALE={scale}, {n_foreigners:,} foreigners; "
        f"{time.perf_counter() - started:.0f} s; times in ms unless said (q/req: SQL queries "
        "of one request)",
    )


if __name__ == "__main__":
    main()
