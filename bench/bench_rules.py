"""Benchmark of the flag rules (issue 4) on the database of ``DATABASE_URL``.

Usage (from the repository root; the national dataset comes from
``manage.py generate_dataset --foreigners 1000000``)::

    DATABASE_URL=postgres://…/timpora_bench .venv/bin/python bench/bench_rules.py

Prints, per rule and in total:

1. the full daily scan (every rule over everything), twice: the first run opens whatever the
   data holds, the second is the steady state of a normal night (little or nothing changes);
2. side by side, hand-written SQL computing each rule's candidate set (ids only: no reasons,
   no evidence, no upsert) — the floor a rule cannot go below — and the ratio to it;
3. the sighting rules for N new sightings (default 10,000): once as a single scoped run over all
   of them (against hand-written SQL over the same ids), once as the beat sweep drains them from
   the outbox (batches of 500), and the latency of the single-sighting task;
4. this process's memory (RSS before/after each phase, and the peak), which is the worker's
   memory for the same work: the rules never bring rows into Python, so it stays flat.

Each hand-written set is checked to equal the rule's open flags (the run fails otherwise).
At the end the flags this run opened and the sightings it added are deleted, so the database is
as it was (flags that existed before are reported if the run changed them); ``--keep-flags``
keeps the daily scan's flags.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# A worker runs with DEBUG off; with it on Django would keep every SQL string (some carry 10,000
# ids) in connection.queries and the memory figures would measure that log.
settings.DEBUG = False

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports.outbox import sighting_outbox_process, sighting_outbox_sweep  # noqa: E402
from reports.rules import RULES, RuleContext, rules_run  # noqa: E402
from reports.rules.base import SIGHTING_DAY  # noqa: E402
from reports.rules.duties import SPONSOR_VIOLATION_RULES  # noqa: E402

OPEN = "state IN ('open', 'acknowledged')"
BENCH_PREFIX = "BENCH-"
LATENCY_SAMPLE = 200

# --- hand-written candidate sets -------------------------------------------------------------
# Plain statements returning only the subject ids, as one would write them at a psql prompt.
# %(scope)s narrows the sighting rules to the new sightings (or to nothing: TRUE).

KINDS = "('ITK', 'ITAS', 'ITAP')"
# In Indonesia from day {since} through {day}: the last movement on or before {day} is not an
# exit and not an entry after {since}.
PRESENT = """NOT EXISTS (SELECT 1 FROM (
        SELECT mv.kind, mv.occurred_on FROM foreigners_movement mv
        WHERE mv.foreigner_id = {fid} AND mv.occurred_on <= {day}
        ORDER BY mv.occurred_on DESC, mv.id DESC LIMIT 1) lm
    WHERE lm.kind = 'exit' OR lm.occurred_on > {since})"""
TODAY = "%(today)s::date"
DAY = SIGHTING_DAY


def present(fid: str, since: str = TODAY, day: str = TODAY) -> str:
    return PRESENT.format(fid=fid, since=since, day=day)


def islands(where: str = "TRUE", kinds: str = KINDS) -> str:
    """Coverage intervals (gaps and islands) of the permits ``where`` selects."""
    return f"""(SELECT foreigner_id, min(valid_from) AS f, max(valid_until) AS u,
                   (array_agg(id ORDER BY valid_until DESC, id DESC))[1] AS pid
        FROM (SELECT *, sum(start) OVER (PARTITION BY foreigner_id
                                         ORDER BY valid_from, valid_until, id) AS run
              FROM (SELECT foreigner_id, id, valid_from, valid_until,
                           CASE WHEN valid_from <= max(valid_until) OVER (
                                    PARTITION BY foreigner_id ORDER BY valid_from, valid_until, id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                                THEN 0 ELSE 1 END AS start
                    FROM foreigners_staypermit
                    WHERE status <> 'cancelled' AND kind IN {kinds} AND {where}) a) b
        GROUP BY foreigner_id, run)"""


ENDING_SOON = """foreigner_id IN (SELECT foreigner_id FROM foreigners_staypermit
    WHERE valid_until BETWEEN %(today)s::date AND %(today)s::date + %(notice)s::int)"""
ITAS_TODAY = """foreigner_id IN (SELECT foreigner_id FROM foreigners_staypermit
    WHERE kind = 'ITAS' AND valid_until >= %(today)s::date AND valid_from <= %(today)s::date)"""
ACTIVE_BAN = """b.listed_on <= %(today)s::date AND (b.until IS NULL OR b.until >= %(today)s::date)
    AND (b.lifted_on IS NULL OR b.lifted_on > %(today)s::date)"""

HAND_SQL = {
    "permit.expiring": f"""
        SELECT i.pid FROM {islands(ENDING_SOON)} i
        WHERE i.f <= %(today)s::date
          AND i.u BETWEEN %(today)s::date AND %(today)s::date + %(notice)s::int
          AND {present("i.foreigner_id")}""",
    "permit.overstay": f"""
        SELECT c.foreigner_id FROM (
            -- Uncovered today: even the latest-ending permit begun by today ended before it.
            SELECT DISTINCT ON (p.foreigner_id) p.foreigner_id, p.valid_until AS u
            FROM foreigners_staypermit p
            WHERE p.status <> 'cancelled' AND p.kind IN {KINDS}
              AND p.valid_from <= %(today)s::date
            ORDER BY p.foreigner_id, p.valid_until DESC) c
        WHERE c.u < %(today)s::date AND {present("c.foreigner_id", since="c.u")}
          AND NOT EXISTS (SELECT 1 FROM foreigners_staypermit q
                          WHERE q.foreigner_id = c.foreigner_id AND q.status = 'cancelled'
                            AND q.kind IN {KINDS} AND q.valid_from <= %(today)s::date
                            AND q.valid_until > c.u)""",
    "document.expired": f"""
        SELECT d.id FROM foreigners_traveldocument d
        WHERE d.expires_on < %(today)s::date
          AND EXISTS (SELECT 1 FROM foreigners_staypermit p
                      WHERE p.foreigner_id = d.foreigner_id AND p.status <> 'cancelled'
                        AND p.kind IN {KINDS}
                        AND %(today)s::date BETWEEN p.valid_from AND p.valid_until)
          AND NOT EXISTS (SELECT 1 FROM foreigners_traveldocument d2
                          WHERE d2.foreigner_id = d.foreigner_id AND d2.id <> d.id
                            AND d2.expires_on > d.expires_on)
          AND {present("d.foreigner_id")}""",
    "residence.unreported": f"""
        SELECT i.foreigner_id FROM {islands(ITAS_TODAY, "('ITAS')")} i
        WHERE i.f <= %(today)s::date AND i.u >= %(today)s::date
          AND %(today)s::date > i.f + %(report_days)s::int
          AND (NOT EXISTS (SELECT 1 FROM foreigners_residence r
                           WHERE r.foreigner_id = i.foreigner_id
                             AND (r.to_date IS NULL OR r.to_date >= %(today)s::date))
               OR NOT EXISTS (SELECT 1 FROM foreigners_sktt k
                              WHERE k.foreigner_id = i.foreigner_id
                                AND (k.issued_on >= i.f OR k.valid_until >= %(today)s::date)))
          AND {present("i.foreigner_id")}""",
    "permit.itas_missing": f"""
        SELECT m.id FROM foreigners_movement m
        WHERE m.kind = 'entry' AND m.visa_kind = 'limited_stay'
          AND %(today)s::date > m.occurred_on + %(itas_days)s::int
          AND {present("m.foreigner_id", since="m.occurred_on")}
          AND NOT EXISTS (SELECT 1 FROM foreigners_staypermit p
                          WHERE p.foreigner_id = m.foreigner_id AND p.kind = 'ITAS'
                            AND p.status <> 'cancelled' AND p.valid_until >= m.occurred_on)""",
    "permit.itap_lapsed": f"""
        SELECT p.id FROM (
            SELECT DISTINCT ON (foreigner_id) id, foreigner_id, valid_until
            FROM foreigners_staypermit WHERE kind = 'ITAP' AND status = 'active'
            ORDER BY foreigner_id, valid_until DESC, id DESC) p
        LEFT JOIN LATERAL (SELECT m.kind, m.occurred_on FROM foreigners_movement m
                           WHERE m.foreigner_id = p.foreigner_id
                             AND m.occurred_on <= %(today)s::date
                           ORDER BY m.occurred_on DESC, m.id DESC LIMIT 1) lm ON TRUE
        WHERE (p.valid_until < %(today)s::date
               OR (lm.kind = 'exit' AND lm.occurred_on <= p.valid_until
                   AND %(today)s::date - lm.occurred_on > %(abroad)s))
          AND NOT EXISTS (SELECT 1 FROM foreigners_staypermit q
                          WHERE q.foreigner_id = p.foreigner_id AND q.id <> p.id
                            AND q.status <> 'cancelled' AND q.kind IN {KINDS}
                            AND q.valid_until > p.valid_until)""",
    "permit.cancelled_present": f"""
        SELECT c.id FROM (
            SELECT DISTINCT ON (foreigner_id) id, foreigner_id,
                   COALESCE(cancelled_on, valid_from) AS since
            FROM foreigners_staypermit
            WHERE status = 'cancelled' AND kind IN {KINDS}
              AND COALESCE(cancelled_on, valid_from) < %(today)s::date
              AND COALESCE(cancelled_on, valid_from) <= valid_until
            ORDER BY foreigner_id, COALESCE(cancelled_on, valid_from) DESC, id DESC) c
        WHERE NOT EXISTS (SELECT 1 FROM foreigners_staypermit q
                          WHERE q.foreigner_id = c.foreigner_id AND q.status <> 'cancelled'
                            AND q.kind IN {KINDS} AND q.valid_until >= c.since
                            AND q.valid_from <= %(today)s::date)
          AND {present("c.foreigner_id", since="c.since")}""",
    "movement.entry_without_permit": f"""
        SELECT m.id FROM foreigners_movement m
        WHERE m.kind = 'entry' AND m.visa_kind <> 'limited_stay'
          AND %(today)s::date - m.occurred_on > %(grace)s
          AND {present("m.foreigner_id", since="m.occurred_on")}
          AND NOT EXISTS (SELECT 1 FROM foreigners_staypermit p
                          WHERE p.foreigner_id = m.foreigner_id AND p.status <> 'cancelled'
                            AND p.valid_until >= m.occurred_on
                            AND p.valid_from <= %(today)s::date)""",
    "person.entry_ban": f"""
        SELECT d.foreigner_id FROM foreigners_entryban b
        JOIN foreigners_traveldocument d
          ON d.issuing_country = b.document_country AND d.number = b.document_number
        WHERE b.document_number <> '' AND {ACTIVE_BAN}
        UNION
        SELECT fo.id FROM foreigners_entryban b
        JOIN foreigners_foreigner fo ON fo.search_name = b.search_name
         AND fo.birth_date = b.birth_date AND (b.nationality = '' OR b.nationality = fo.nationality)
        WHERE b.family_name <> '' AND b.birth_date IS NOT NULL AND {ACTIVE_BAN}""",
    "sighting.unregistered": """
        SELECT s.id FROM reports_sighting s
        WHERE s.foreigner_id IS NULL AND s.review_status <> 'dismissed' AND %(scope)s""",
    "sighting.after_expiry": f"""
        SELECT s.id FROM reports_sighting s
        JOIN LATERAL (SELECT p.valid_until FROM foreigners_staypermit p
                      WHERE p.foreigner_id = s.foreigner_id AND p.status <> 'cancelled'
                        AND p.kind IN {KINDS} AND p.valid_from <= {DAY}
                      ORDER BY p.valid_until DESC, p.id DESC LIMIT 1) lp ON TRUE
        WHERE s.foreigner_id IS NOT NULL AND s.review_status <> 'dismissed' AND %(scope)s
          AND lp.valid_until < {DAY}
          AND {present("s.foreigner_id", since="lp.valid_until", day=DAY)}""",
    "sighting.activity_mismatch": f"""
        SELECT s.id FROM reports_sighting s
        JOIN LATERAL (SELECT p.kind, p.visa_index FROM foreigners_staypermit p
                      WHERE p.foreigner_id = s.foreigner_id AND p.status <> 'cancelled'
                        AND p.kind IN {KINDS} AND {DAY} BETWEEN p.valid_from AND p.valid_until
                      ORDER BY p.valid_until DESC, p.id DESC LIMIT 1) p ON TRUE
        LEFT JOIN LATERAL (SELECT v.may_work, v.may_religious_work FROM foreigners_visaindex v
                           WHERE p.visa_index <> '' AND v.code IN (
                               p.visa_index, left(p.visa_index, 3), left(p.visa_index, 2))
                           ORDER BY length(v.code) DESC LIMIT 1) v ON TRUE
        WHERE s.foreigner_id IS NOT NULL AND s.review_status <> 'dismissed' AND %(scope)s
          AND ((s.activity = 'work' AND NOT COALESCE(v.may_work, p.kind <> 'ITK'))
            OR (s.activity = 'religious'
                AND NOT COALESCE(v.may_religious_work, p.kind <> 'ITK'))
            OR s.activity = 'political')""",
    "sighting.outside_area": """
        SELECT s.foreigner_id FROM reports_sighting s
        JOIN foreigners_foreigner f ON f.id = s.foreigner_id
        WHERE s.observed_at >= %(since)s AND s.review_status <> 'dismissed'
          AND length(f.residence_region_id) >= 8 AND length(s.region_id) >= 8
          AND left(s.region_id, 8) <> left(f.residence_region_id, 8)
          AND (%(ids)s::bigint[] IS NULL OR s.foreigner_id IN (
                SELECT x.foreigner_id FROM reports_sighting x WHERE x.id = ANY(%(ids)s)))
        GROUP BY s.foreigner_id HAVING count(*) >= %(min)s""",
    "sighting.political_watch": f"""
        SELECT DISTINCT s.id FROM reports_sighting s
        JOIN reports_watchwindow w ON w.is_active AND {DAY} BETWEEN w.starts_on AND w.ends_on
          AND (w.region_id IS NULL OR s.region_id = w.region_id
               OR s.region_id LIKE w.region_id || '.%%')
        WHERE s.activity = 'political' AND s.review_status <> 'dismissed' AND %(scope)s""",
    "sponsor.repeated_violations": """
        SELECT p.sponsor_id FROM reports_flag f
        JOIN foreigners_staypermit p ON p.id = f.permit_id
        WHERE f.state IN ('open', 'acknowledged') AND f.rule = ANY(%(violations)s)
          AND p.sponsor_id IS NOT NULL
        GROUP BY p.sponsor_id HAVING count(DISTINCT f.foreigner_id) >= %(sponsor_min)s""",
}


def hand_params(ctx: RuleContext, ids: list[int] | None) -> dict:
    s = ctx.settings
    since = RULES["sighting.outside_area"]._since(ctx)
    return {
        "today": ctx.today,
        "notice": s.expiring_notice_days,
        "report_days": s.residence_report_days,
        "itas_days": s.itas_after_visa_days,
        "abroad": s.itap_abroad_days,
        "grace": s.entry_permit_grace_days,
        "sponsor_min": s.sponsor_min_violations,
        "violations": SPONSOR_VIOLATION_RULES,
        "since": since,
        "min": s.outside_area_min_sightings,
        "ids": ids,
    }


def hand_sql(code: str, ids: list[int] | None) -> str:
    scope = "s.id = ANY(%(ids)s::bigint[])" if ids is not None else "TRUE"
    return HAND_SQL[code].replace("%(scope)s", scope)


def flag_scope_sql(code: str, ids: list[int] | None) -> str:
    if ids is None:
        return "TRUE"
    if code == "sighting.outside_area":
        return "subject_id IN (SELECT foreigner_id FROM reports_sighting WHERE id = ANY(%(ids)s))"
    return "sighting_id = ANY(%(ids)s::bigint[])"


def hand_time(code: str, ctx: RuleContext, ids: list[int] | None) -> tuple[float, int]:
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")  # the same settings as rule_run
        started = time.perf_counter()
        cursor.execute(f"SELECT count(*) FROM ({hand_sql(code, ids)}) h", hand_params(ctx, ids))
        n = cursor.fetchone()[0]
    return time.perf_counter() - started, n


def hand_matches_flags(code: str, ctx: RuleContext, ids: list[int] | None) -> tuple[int, int]:
    """(hand ids without an open flag, open flags not in the hand set): both must be 0."""
    flags = (
        f"SELECT subject_id FROM reports_flag WHERE rule = %(rule)s AND {OPEN} "
        f"AND {flag_scope_sql(code, ids)}"
    )
    params = {**hand_params(ctx, ids), "rule": code}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM (({hand_sql(code, ids)}) EXCEPT ({flags})) a), "
            f"(SELECT count(*) FROM (({flags}) EXCEPT ({hand_sql(code, ids)})) b)",
            params,
        )
        return cursor.fetchone()


# --- memory ----------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Phase:
    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.rss = rss_mb()
        self.started = time.perf_counter()
        print(f"\n== {self.name}", flush=True)
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        print(
            f"   memory: RSS {self.rss:.0f} MB before, {rss_mb():.0f} MB after; "
            f"peak so far {peak_mb():.0f} MB",
            flush=True,
        )


# --- the phases ------------------------------------------------------------------------------


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def sizes() -> str:
    names = [
        "foreigners_foreigner",
        "foreigners_staypermit",
        "foreigners_traveldocument",
        "foreigners_movement",
        "reports_sighting",
        "reports_flag",
    ]
    return ", ".join(f"{n.split('_', 1)[1]} {scalar(f'SELECT count(*) FROM {n}'):,}" for n in names)


def daily_scan(label: str) -> tuple[float, dict]:
    print(
        f"   {'rule':<28}{'seconds':>9}{'candidates':>12}{'opened':>10}{'re-graded':>11}"
        f"{'closed':>9}"
    )
    times = {}
    total = time.perf_counter()
    for code in RULES:
        started = time.perf_counter()
        (r,) = rules_run(codes=[code])
        times[code] = time.perf_counter() - started
        print(
            f"   {code:<28}{times[code]:>9.2f}{r.candidates:>12,}{r.opened:>10,}"
            f"{r.regraded:>11,}{r.closed:>9,}",
            flush=True,
        )
    total = time.perf_counter() - total
    print(f"   {label}: {total:.2f} s")
    return total, times


def compare(rule_times: dict, ctx: RuleContext, ids: list[int] | None) -> tuple[float, float]:
    print(f"   {'rule':<28}{'rules s':>9}{'hand SQL s':>12}{'ratio':>8}{'set':>10}{'same set':>10}")
    rules_total = hand_total = 0.0
    for code, seconds in rule_times.items():
        hand, n = hand_time(code, ctx, ids)
        missing, extra = hand_matches_flags(code, ctx, ids)
        same = "yes" if (missing, extra) == (0, 0) else f"NO {missing}/{extra}"
        rules_total += seconds
        hand_total += hand
        ratio = seconds / hand if hand > 0 else float("inf")
        print(
            f"   {code:<28}{seconds:>9.2f}{hand:>12.2f}{ratio:>8.2f}{n:>10,}{same:>10}", flush=True
        )
        if (missing, extra) != (0, 0):
            raise SystemExit(f"{code}: the hand-written set differs from the rule's flags")
    print(f"   {'total':<28}{rules_total:>9.2f}{hand_total:>12.2f}{rules_total / hand_total:>8.2f}")
    return rules_total, hand_total


def new_sightings(n: int) -> list[int]:
    """Copy n random existing sightings as new, pending reports of the past three days."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reports_sighting (
                reference, observed_at, place, latitude, longitude, activity, description,
                apparent_nationality, apparent_sex, person_count, unidentified_description,
                review_status, reviewed_at, review_note, created_at, updated_at, foreigner_id,
                region_id, reporter_id, reporting_agency_id, reviewed_by_id)
            SELECT %(prefix)s || lpad(row_number() OVER ()::text, 8, '0'),
                   now() - random() * interval '3 days', s.place, s.latitude, s.longitude,
                   s.activity, s.description, s.apparent_nationality, s.apparent_sex,
                   s.person_count, s.unidentified_description, 'pending', NULL, '', now(),
                   now(), s.foreigner_id, s.region_id, s.reporter_id, s.reporting_agency_id, NULL
            FROM (SELECT * FROM reports_sighting
                  WHERE reference NOT LIKE %(prefix)s || '%%'
                  ORDER BY random() LIMIT %(n)s) s
            RETURNING id
            """,
            {"prefix": BENCH_PREFIX, "n": n},
        )
        return sorted(r[0] for r in cursor.fetchall())


def outbox_add(ids: list[int]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_sightingrulesoutbox (sighting_id, created_at) "
            "SELECT unnest(%s::bigint[]), now() - interval '1 minute' RETURNING id",
            [ids],
        )
        return [r[0] for r in cursor.fetchall()]


def remove_bench_sightings() -> int:
    with connection.cursor() as cursor:
        like = BENCH_PREFIX + "%"
        sub = "SELECT id FROM reports_sighting WHERE reference LIKE %s"
        cursor.execute(
            f"DELETE FROM reports_sightingrulesoutbox WHERE sighting_id IN ({sub})", [like]
        )
        cursor.execute(f"DELETE FROM reports_flag WHERE sighting_id IN ({sub})", [like])
        cursor.execute("DELETE FROM reports_sighting WHERE reference LIKE %s", [like])
        return cursor.rowcount


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sightings", type=int, default=10_000, help="New sightings (10,000).")
    parser.add_argument(
        "--keep-flags", action="store_true", help="Keep the daily scan's flags at the end."
    )
    args = parser.parse_args()

    db = connection.settings_dict
    print(f"Database {db['NAME']} on {db['HOST'] or 'local socket'}: {sizes()}")
    removed = remove_bench_sightings()
    if removed:
        print(f"(removed {removed:,} sightings left by an interrupted earlier run)")
    started_at = timezone.now()
    max_flag_before = scalar("SELECT coalesce(max(id), 0) FROM reports_flag")
    open_before = scalar(f"SELECT count(*) FROM reports_flag WHERE {OPEN}")
    print(f"Open flags before: {open_before:,}; today (WITA) {timezone.localdate()}")
    ctx = RuleContext.build()

    with Phase("Daily scan, first run (opens what the data holds)") as first:
        first_total, _ = daily_scan("first run")
    # Between two nights autovacuum has vacuumed and analysed the flags table after the first
    # run's inserts (PostgreSQL 13+ vacuums insert-only tables too): do it now, not by luck.
    # The visibility map it sets lets the rules read open flags from the index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_flag")
    with Phase("Daily scan, second run (steady state)"):
        second_total, second_times = daily_scan("second run")
    with Phase("Hand-written SQL for the same candidate sets (vs the second run)"):
        rules_total, hand_total = compare(second_times, ctx, None)

    n = args.sightings
    with Phase(f"Sighting rules for {n:,} new sightings"):
        ids = new_sightings(n)
        print(f"   inserted {len(ids):,} sightings")
        sighting_codes = [code for code, rule in RULES.items() if rule.sighting_scoped]
        scoped_times = {}
        for code in sighting_codes:
            started = time.perf_counter()
            rules_run(codes=[code], sighting_ids=ids)
            scoped_times[code] = time.perf_counter() - started
        print(f"   one scoped run over all {len(ids):,}:")
        scoped_rules, scoped_hand = compare(scoped_times, ctx, ids)

        # The same sightings as the beat sweep drains them from the outbox (its first run after
        # a broker outage): nothing changes any more, so this is the cost of checking.
        outbox_add(ids)
        started = time.perf_counter()
        swept = sighting_outbox_sweep(grace_seconds=0)
        sweep_seconds = time.perf_counter() - started
        print(f"   outbox sweep: {swept:,} sightings in {sweep_seconds:.2f} s")

        latencies = []
        for outbox_id in outbox_add(ids[:LATENCY_SAMPLE]):
            started = time.perf_counter()
            sighting_outbox_process(outbox_ids=[outbox_id])
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"   single-sighting task (rules for one sighting, {len(latencies)} samples): "
            f"median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; "
            f"{n:,} such tasks ≈ {statistics.mean(latencies) * n:.0f} s of worker time"
        )

    print("\n== Clean-up")
    print(f"   removed {remove_bench_sightings():,} bench sightings and their flags")
    if args.keep_flags:
        print("   kept the daily scan's flags (--keep-flags)")
    else:
        deleted = scalar(
            "WITH d AS (DELETE FROM reports_flag WHERE id > %s RETURNING 1) SELECT count(*) FROM d",
            [max_flag_before],
        )
        print(f"   deleted the {deleted:,} flags this run opened")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reports_flag, reports_sighting")  # no bloat left behind
    changed = scalar(
        "SELECT count(*) FROM reports_flag WHERE id <= %s AND updated_at >= %s",
        [max_flag_before, started_at],
    )
    if changed:
        print(f"   note: {changed:,} flags that existed before were re-graded or closed")

    print("\n== Summary")
    print(f"   daily scan, first run:   {first_total:7.2f} s")
    print(
        f"   daily scan, steady:      {second_total:7.2f} s   (target ≤ 20 s); "
        f"hand SQL {hand_total:.2f} s, ratio {rules_total / hand_total:.2f} (target ≤ 2)"
    )
    print(
        f"   {n:,} new sightings:    {sum(scoped_times.values()):7.2f} s in one scoped run "
        f"(hand SQL {scoped_hand:.2f} s); outbox sweep {sweep_seconds:.2f} s"
    )
    print(
        f"   memory: RSS {first.rss:.0f} MB at start, {rss_mb():.0f} MB at end, "
        f"peak {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
