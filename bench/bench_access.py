"""Benchmark of the access layer (issue 3) on the database of ``DATABASE_URL``.

Usage (from the repository root; the national dataset comes from
``manage.py generate_dataset --foreigners 1000000``)::

    DATABASE_URL=postgres://…/timpora_bench .venv/bin/python bench/bench_access.py

What it does:

1. Adds ``--shares`` (default 100,000) record shares as the share service writes them — a
   :class:`~agencies.models.RecordShare` row beside a guardian direct-FK row — in bulk, to
   officers and agency groups (some of them to the three benchmark principals, one in five
   already past its expiry, one in ten of a sighting). Every row it adds is marked
   (``reason = 'BENCH-ACCESS'``, names starting with ``BENCH-ACCESS``) and deleted at the end
   unless ``--keep``.
2. Measures the scoped foreigner list page — 50 rows, filtered by one kecamatan, sorted by
   name: ``GET /orang-asing/?kecamatan=…`` through the Django test client (middleware, session,
   view, template: the server's time, no network) — for a Polres officer, a camat and a Kanim
   supervisor: p50/p95 over ``--iterations`` requests.
3. Side by side in the same run: (a) the same page with the visibility computed by
   ``guardian.shortcuts.get_objects_for_user`` (scope OR guardian's object permissions) in place
   of ``visible_foreigners``; (b) the page's query alone through the ORM and the same scoped
   query in hand-written SQL (both fetch the 51 rows the page needs).
4. Prints the SQL queries per page for a small and a large result set and for a principal
   without shares and one with thousands: the number must not grow.
5. Prints the access-log write's share of the page time: every page request inserts one
   hash-chained access-log row (agencies.audit); its INSERT is timed inside the served requests.
   The access log is insert-only, so the benchmark users and agencies that wrote rows stay
   (deactivated) after cleanup and are reused by the next run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
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

settings.DEBUG = False
settings.ALLOWED_HOSTS = ["*"]

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from guardian import shortcuts as guardian_shortcuts  # noqa: E402
from guardian.models import GroupObjectPermission, UserObjectPermission  # noqa: E402
from guardian.shortcuts import get_objects_for_user  # noqa: E402
from principals import client_for  # noqa: E402

from agencies.access import access_changed, access_for, access_forget  # noqa: E402
from agencies.models import Agency, Officer, RecordShare  # noqa: E402
from agencies.services import agency_group  # noqa: E402
from foreigners import selectors as search  # noqa: E402
from foreigners import views as foreigner_views  # noqa: E402
from foreigners.filters import foreigners_filtered  # noqa: E402
from foreigners.models import (  # noqa: E402
    Foreigner,
    ForeignerGroupObjectPermission,
    ForeignerUserObjectPermission,
)
from foreigners.selectors import foreigner_scope_q  # noqa: E402
from reports.models import (  # noqa: E402
    SightingGroupObjectPermission,
    SightingUserObjectPermission,
)

MARK = "BENCH-ACCESS"
PAGE_ROWS = 50


def _kecamatan_with_most(prefix: str) -> str:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT left(residence_region_id, 8) AS k, count(*) FROM foreigners_foreigner "
            "WHERE residence_region_id LIKE %s GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            [prefix + ".%"],
        )
        return cur.fetchone()[0]


def _rare_name(kecamatan: str) -> str:
    """A family name few residents of the kecamatan share (a small result set)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT family_name FROM foreigners_foreigner WHERE residence_region_id LIKE %s "
            "GROUP BY 1 ORDER BY count(*), 1 LIMIT 1",
            [kecamatan + ".%"],
        )
        return cur.fetchone()[0]


# --- setup and cleanup -----------------------------------------------------------------------


def cleanup() -> dict:
    """Delete everything a run added (marked rows only)."""
    counts = {}
    with transaction.atomic():
        shares = RecordShare.objects.filter(reason=MARK)
        for model in (
            ForeignerUserObjectPermission,
            ForeignerGroupObjectPermission,
            SightingUserObjectPermission,
            SightingGroupObjectPermission,
        ):
            counts[model.__name__] = model.objects.filter(share__reason=MARK)._raw_delete(
                model.objects.db
            )
        counts["RecordShare"] = shares._raw_delete(RecordShare.objects.db)
        agencies = Agency.objects.filter(name__startswith=MARK)
        groups = list(agencies.exclude(group=None).values_list("group_id", flat=True))
        users = get_user_model().objects.filter(username__startswith=MARK.lower())
        from agencies.models import AuditEvent, Notification

        with connection.cursor() as cur:
            cur.execute(
                "DELETE FROM guardian_userobjectpermission WHERE user_id IN "
                "(SELECT id FROM auth_user WHERE username LIKE %s)",
                [MARK.lower() + "%"],
            )
            counts["guardian generic (user)"] = cur.rowcount
            cur.execute(
                "DELETE FROM guardian_groupobjectpermission WHERE group_id = ANY(%s)", [groups]
            )
            counts["guardian generic (group)"] = cur.rowcount
            # The test client's logins: axes' access log and the benchmark users' sessions.
            cur.execute("DELETE FROM axes_accesslog WHERE username LIKE %s", [MARK.lower() + "%"])
            counts["login log"] = cur.rowcount
        bench_ids = {str(pk) for pk in users.values_list("pk", flat=True)}
        dead = [
            s.session_key
            for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if s.get_decoded().get("_auth_user_id") in bench_ids
        ]
        counts["sessions"] = Session.objects.filter(session_key__in=dead).delete()[0]

        Notification.objects.filter(recipient__in=users).delete()
        # The access log is insert-only: who it names stays, deactivated.
        logged_users = AuditEvent.objects.filter(user__in=users).values("user_id")
        logged_agencies = AuditEvent.objects.filter(agency__in=agencies).values("agency_id")
        counts["kept (in the access log)"] = users.filter(pk__in=logged_users).update(
            is_active=False
        ) + agencies.filter(pk__in=logged_agencies).update(is_active=False)
        users = users.exclude(pk__in=logged_users)
        Officer.objects.filter(user__in=users).delete()
        counts["users"] = users.delete()[1].get("auth.User", 0)
        agencies = agencies.exclude(pk__in=logged_agencies).exclude(officers__isnull=False)
        counts["agencies"] = agencies.delete()[1].get("agencies.Agency", 0)
        Group.objects.filter(pk__in=groups, agency__isnull=True).delete()
    return counts


def setup(n_shares: int, rng: random.Random) -> dict:
    user_model = get_user_model()

    # update_or_create: agencies and users an earlier run logged reads for are kept (the access
    # log is insert-only and refers to them) and come back here.
    def agency(label, kind, region, jurisdiction=()):
        a, _ = Agency.objects.update_or_create(
            name=f"{MARK} {label}",
            defaults={"short_name": label, "kind": kind, "region_id": region, "is_active": True},
        )
        a.jurisdiction.set(list(jurisdiction))
        return a

    def officer(label, a, role="officer", kecamatan=None):
        u, _ = user_model.objects.update_or_create(
            username=f"{MARK.lower()}-{label}", defaults={"is_active": True}
        )
        Officer.objects.update_or_create(
            user=u, defaults={"agency": a, "role": role, "kecamatan_id": kecamatan}
        )
        return u

    kota = KOTA
    kanim_area = [kota] + KANIM_EXTRA
    polres = agency("Polres", "polres", kota)
    camat = agency("Camat", "kecamatan", KECAMATAN)
    kanim = agency("Kanim", "imigrasi", kota[:2], kanim_area)
    principals = {
        "polres officer": officer("polres", polres),
        "camat": officer("camat", camat, kecamatan=KECAMATAN),
        "kanim supervisor": officer("kanim", kanim, role="supervisor"),
    }
    # A principal of the same Polres without any share: the query count must not depend on it.
    principals["polres officer, no shares"] = officer("polres-noshare", polres)
    pool_agencies = [agency(f"pool {i}", "polres", kota) for i in range(20)]
    pool_users = [officer(f"pool-{i}", pool_agencies[i % 20]) for i in range(400)]
    groups = {a.pk: agency_group(a) for a in [polres, camat, kanim, *pool_agencies]}

    perm_f = Permission.objects.get(codename="view_foreigner")
    perm_s = Permission.objects.get(codename="view_sighting")
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM foreigners_foreigner")
        max_f = cur.fetchone()[0]
        cur.execute("SELECT max(id) FROM reports_sighting")
        max_s = cur.fetchone()[0] or 1
    # Grantees: (kind, object, weight). The benchmark principals get thousands of shares each.
    targeted = [
        ("user", principals["polres officer"], 3000),
        ("group", groups[polres.pk], 3000),
        ("user", principals["camat"], 2000),
        ("user", principals["kanim supervisor"], 2000),
        ("group", groups[kanim.pk], 2000),
    ]
    grantees = []
    for kind, obj, count in targeted:
        grantees += [(kind, obj)] * count
    rest = n_shares - len(grantees)
    for i in range(rest):
        if i % 3 == 0:
            grantees.append(("group", groups[pool_agencies[i % 20].pk]))
        else:
            grantees.append(("user", pool_users[i % 400]))
    now = timezone.now()
    granter = principals["kanim supervisor"]
    seen = set()
    batch_shares, batch_rows = [], []
    made = 0

    def flush():
        nonlocal batch_shares, batch_rows
        RecordShare.objects.bulk_create(batch_shares, batch_size=5000)
        by_model: dict = {}
        for share, (model, kwargs) in zip(batch_shares, batch_rows, strict=True):
            by_model.setdefault(model, []).append(model(share=share, **kwargs))
        for model, rows in by_model.items():
            model.objects.bulk_create(rows, batch_size=5000)
        batch_shares, batch_rows = [], []

    for kind, grantee in grantees:
        sighting = rng.random() < 0.1
        for _ in range(20):
            pk = rng.randint(1, max_s if sighting else max_f)
            key = (sighting, kind, grantee.pk, pk)
            if key not in seen:
                seen.add(key)
                break
        expired = rng.random() < 0.2
        expires = now + (
            -timezone.timedelta(days=rng.randint(1, 30))
            if expired
            else timezone.timedelta(days=rng.randint(1, 300))
        )
        if sighting:
            model = (
                SightingUserObjectPermission if kind == "user" else SightingGroupObjectPermission
            )
            perm = perm_s
        else:
            model = (
                ForeignerUserObjectPermission if kind == "user" else ForeignerGroupObjectPermission
            )
            perm = perm_f
        batch_shares.append(
            RecordShare(
                subject_type="sighting" if sighting else "foreigner",
                subject_id=pk,
                user=grantee if kind == "user" else None,
                agency_id=None if kind == "user" else grantee.agency.pk,
                reason=MARK,
                granted_by=granter,
                expires_at=expires,
            )
        )
        batch_rows.append(
            (
                model,
                {kind: grantee, "permission": perm, "content_object_id": pk, "expires_at": expires},
            )
        )
        made += 1
        if len(batch_shares) >= 10000:
            flush()
    flush()
    # The same foreigner shares in guardian's generic tables (object_pk as text), for the
    # comparison with guardian's default models.
    ct = ContentType.objects.get_for_model(Foreigner).pk
    with connection.cursor() as cur:
        for kind, direct in (
            ("user", "foreigners_foreigneruserobjectpermission"),
            ("group", "foreigners_foreignergroupobjectpermission"),
        ):
            cur.execute(
                f"INSERT INTO guardian_{kind}objectpermission "
                f"(object_pk, content_type_id, permission_id, {kind}_id) "
                f"SELECT d.content_object_id::text, %s, d.permission_id, d.{kind}_id FROM {direct} d "
                "JOIN agencies_recordshare r ON r.id = d.share_id WHERE r.reason = %s",
                [ct, MARK],
            )
        cur.execute("ANALYZE guardian_userobjectpermission")
        cur.execute("ANALYZE guardian_groupobjectpermission")
    with connection.cursor() as cur:
        for table in (
            "agencies_recordshare",
            "foreigners_foreigneruserobjectpermission",
            "foreigners_foreignergroupobjectpermission",
            "reports_sightinguserobjectpermission",
            "reports_sightinggroupobjectpermission",
        ):
            cur.execute(f"ANALYZE {table}")
    return {"principals": principals, "shares": made}


# --- the three ways to compute the page ----------------------------------------------------------


def guardian_visible_foreigners(user, *, shares: bool = True):
    """visible_foreigners as it would be written with guardian's shortcut: the region scope OR
    the objects guardian says the user may view (user and group object permissions). Note it
    cannot see ``expires_at``: a share past its expiry still counts until the hourly job."""
    access = access_for(user)
    if not access.can_read("identity"):
        return Foreigner.objects.none()
    shared = get_objects_for_user(
        user,
        "foreigners.view_foreigner",
        klass=Foreigner,
        with_superuser=False,
        accept_global_perms=False,
    )
    # The same scope clause as visible_foreigners; only the shares come from guardian.
    return Foreigner.objects.filter(
        foreigner_scope_q(access, shares=False) | Q(pk__in=shared.values("pk"))
    )


def guardian_generic_visible_foreigners(user, *, shares: bool = True):
    """The same with guardian's default generic tables (``object_pk`` text + content type)
    instead of the direct-FK models: what the shares would cost without them."""
    saved = (
        guardian_shortcuts.get_user_obj_perms_model,
        guardian_shortcuts.get_group_obj_perms_model,
    )
    guardian_shortcuts.get_user_obj_perms_model = lambda obj=None: UserObjectPermission
    guardian_shortcuts.get_group_obj_perms_model = lambda obj=None: GroupObjectPermission
    try:
        return guardian_visible_foreigners(user, shares=shares)
    finally:
        (
            guardian_shortcuts.get_user_obj_perms_model,
            guardian_shortcuts.get_group_obj_perms_model,
        ) = saved


def raw_sql(access, kecamatan: str) -> tuple[str, list]:
    """The page's scoped query written by hand."""
    scope_f, scope_s, params = [], [], []
    for code in access.scope_codes:
        scope_f.append("(f.residence_region_id = %s OR f.residence_region_id LIKE %s)")
        scope_s.append("(s.region_id = %s OR s.region_id LIKE %s)")
        params += [code, code + ".%"]
    group = ""
    group_params = []
    if access.group_id:
        group = (
            " OR EXISTS (SELECT 1 FROM foreigners_foreignergroupobjectpermission g "
            "WHERE g.content_object_id = f.id AND g.group_id = %s AND g.expires_at > now() "
            "AND g.permission_id = %s)"
        )
        group_params = [access.group_id, PERM_ID]
    sql = (
        "SELECT f.id, f.given_names, f.family_name, f.sex, f.birth_date, f.nationality "
        "FROM foreigners_foreigner f "
        "WHERE (f.residence_region_id = %s OR f.residence_region_id LIKE %s) AND ("
        + " OR ".join(scope_f)
        + " OR EXISTS (SELECT 1 FROM reports_sighting s WHERE s.foreigner_id = f.id AND ("
        + " OR ".join(scope_s)
        + ")) OR EXISTS (SELECT 1 FROM foreigners_foreigneruserobjectpermission u "
        "WHERE u.content_object_id = f.id AND u.user_id = %s AND u.expires_at > now() "
        "AND u.permission_id = %s)" + group + ") ORDER BY f.search_name, f.id LIMIT %s"
    )
    all_params = (
        [kecamatan, kecamatan + ".%"] + params + params + [access.user_id, PERM_ID] + group_params
    )
    return sql, all_params + [PAGE_ROWS + 1]


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    return statistics.median(samples) * 1000, p95 * 1000


def timed(fn, n: int) -> list[float]:
    for _ in range(3):
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def page_url(kecamatan: str, name: str = "") -> str:
    return f"{reverse('foreigner-list')}?kecamatan={kecamatan}" + (f"&q={name}" if name else "")


DETAIL_LINK = re.compile(r'href="/orang-asing/(\d+)/"')


def fetch_page(client: Client, url: str) -> list[int]:
    """The page's rows (the links to their detail pages), in order."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return [int(pk) for pk in DETAIL_LINK.findall(response.content.decode())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shares", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--guardian-iterations", type=int, default=20)
    parser.add_argument("--generic-iterations", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the shares and users")
    parser.add_argument(
        "--cleanup", action="store_true", help="only remove what an earlier --keep run left"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    global KOTA, KECAMATAN, KANIM_EXTRA, PERM_ID
    PERM_ID = Permission.objects.get(codename="view_foreigner").pk
    search.PAGE_SIZE = PAGE_ROWS  # the page size this benchmark is about (the portal shows 25)
    # The busiest kota and its busiest kecamatan; the Kanim's work area adds two kabupaten.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT left(residence_region_id, 5), count(*) FROM foreigners_foreigner "
            "WHERE residence_region_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 3"
        )
        top = [row[0] for row in cur.fetchall()]
    KOTA, KANIM_EXTRA = top[0], top[1:]
    KECAMATAN = _kecamatan_with_most(KOTA)
    rare = _rare_name(KECAMATAN)
    print(f"database: {connection.settings_dict['NAME']}")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM foreigners_foreigner")
        n_foreigners = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM foreigners_foreigner WHERE residence_region_id LIKE %s",
            [KECAMATAN + ".%"],
        )
        n_kec = cur.fetchone()[0]
    print(
        f"foreigners: {n_foreigners:,}; kota {KOTA}; kecamatan {KECAMATAN} ({n_kec:,} residents);"
        f" Kanim area {[KOTA, *KANIM_EXTRA]}"
    )
    leftover = cleanup()
    if any(leftover.values()) or args.cleanup:
        print(f"removed rows left by an earlier run: {leftover}")
    if args.cleanup:
        return
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    made = setup(args.shares, rng)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM agencies_recordshare")
        total_shares = cur.fetchone()[0]
    print(
        f"added {made['shares']:,} shares (guardian direct-FK rows + RecordShare) in "
        f"{time.perf_counter() - t0:.1f} s; shares in the database: {total_shares:,}"
    )
    principals = made["principals"]
    try:
        report(principals, args, rare)
    finally:
        if args.keep:
            print(f"kept the benchmark rows (marked {MARK}); remove them with --cleanup")
        else:
            print(f"cleanup: {cleanup()}")


def measure(label: str, user, url: str, args) -> tuple:
    client = client_for(user)  # verified for two-factor (mandatory for supervisors)
    access_forget(user)
    access = access_for(user)
    # The page, as served; the access-log INSERT of each request timed inside it.
    audit = AuditTimer()
    with connection.execute_wrapper(audit):
        page = timed(lambda: fetch_page(client, url), args.iterations)
    audit_share = audit.total / sum(page) if audit.count else 0.0
    expected = fetch_page(client, url)

    # The page's query alone (ORM), and by hand.
    def orm_query():
        # The page's read path: the policy-aware filter set of foreign nationals, then the
        # page's own queries (foreigner_page: the 51 ids in name order, then their rows).
        qs, errors = foreigners_filtered(user, {"kecamatan": KECAMATAN})
        assert not errors, errors
        return search.foreigner_page(qs).rows

    sql, params = raw_sql(access, KECAMATAN)

    def raw_query():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    orm = timed(orm_query, args.iterations)
    raw = timed(raw_query, args.iterations)
    raw_ids = [r[0] for r in raw_query()][:PAGE_ROWS]
    # The same page with guardian's get_objects_for_user computing the visible set.
    # The list page reads its visible set through the view's name (foreigners.views).
    original = foreigner_views.visible_foreigners
    foreigner_views.visible_foreigners = guardian_visible_foreigners
    try:
        guardian = timed(lambda: fetch_page(client, url), args.guardian_iterations)
        guardian_ids = fetch_page(client, url)
        foreigner_views.visible_foreigners = guardian_generic_visible_foreigners
        generic = timed(lambda: fetch_page(client, url), args.generic_iterations)
        generic_ids = fetch_page(client, url)
    finally:
        foreigner_views.visible_foreigners = original
    same = "same rows" if expected == raw_ids else "ROWS DIFFER from the hand-written SQL"
    extra = set(guardian_ids) - set(expected)
    if generic_ids != guardian_ids:
        print("  note: generic guardian tables gave different rows than the direct-FK ones")
    print(
        f"\n{label}: scope {access.scope_codes}, {len(expected)} rows on the page; {same}"
        + (f"; guardian's version shows {len(extra)} more (expired shares)" if extra else "")
    )
    print(
        f"  access-log write: {audit.count} INSERTs in {len(page)} requests,"
        f" p50 {percentiles(audit.samples)[0] if audit.samples else 0:.2f} ms,"
        f" {audit_share:.1%} of the page time"
    )
    return label, page, orm, raw, guardian, generic, audit_share


class AuditTimer:
    """An execute wrapper timing the access-log INSERTs (one per page request)."""

    def __init__(self):
        self.samples: list[float] = []
        self.total = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        if 'INSERT INTO "agencies_auditevent"' not in sql:
            return execute(sql, params, many, context)
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - t
            self.samples.append(elapsed)
            self.total += elapsed
            self.count += 1


def report(principals: dict, args, rare: str) -> None:
    url = page_url(KECAMATAN)
    rows = []
    for label in ("polres officer", "camat", "kanim supervisor"):
        rows.append(measure(label, principals[label], url, args))
    print(
        f"\nscoped foreigner list page, kecamatan {KECAMATAN}, {PAGE_ROWS} rows sorted by name;"
        f" {args.iterations} requests each (guardian: {args.guardian_iterations}, generic:"
        f" {args.generic_iterations}); times in ms"
    )
    print(
        "(page: the list page as served; ORM: its query alone; SQL: the same query by hand;"
        " guardian: the page with get_objects_for_user over the direct-FK share tables;"
        " generic: over guardian's default object_pk tables; audit: the access-log INSERT's"
        " share of the page time)"
    )
    header = (
        f"{'principal':<18} {'page p50':>8} {'p95':>6} {'ORM p95':>8} {'SQL p50':>8} {'p95':>6} "
        f"{'ORM/SQL':>8} {'page/SQL':>9} {'guardian p50':>12} {'p95':>6} {'÷page':>6} "
        f"{'generic p50':>12} {'p95':>7} {'÷page':>6} {'audit':>6}"
    )
    print(header)
    for label, page, orm, raw, guardian, generic, audit_share in rows:
        p50, p95 = percentiles(page)
        _o50, o95 = percentiles(orm)
        r50, r95 = percentiles(raw)
        g50, g95 = percentiles(guardian)
        x50, x95 = percentiles(generic)
        print(
            f"{label:<18} {p50:>8.1f} {p95:>6.1f} {o95:>8.1f} {r50:>8.1f} {r95:>6.1f} "
            f"{o95 / r95:>7.1f}x {p95 / r95:>8.1f}x {g50:>12.1f} {g95:>6.1f} {g50 / p50:>5.1f}x "
            f"{x50:>12.1f} {x95:>7.1f} {x50 / p50:>5.1f}x {audit_share:>6.1%}"
        )
    print("\nSQL queries per page request (must not grow with rows or shares):")
    cases = [
        ("polres officer", KECAMATAN, "large kecamatan, ~7,000 shares reach the user"),
        ("polres officer", (KECAMATAN, rare), f"name {rare!r}: a small result set"),
        ("polres officer, no shares", KECAMATAN, "large kecamatan, only agency shares"),
        ("camat", KECAMATAN, "camat, own kecamatan"),
        ("kanim supervisor", KECAMATAN, "large kecamatan, Kanim"),
    ]
    for label, kec, note in cases:
        client = client_for(principals[label])
        url = page_url(*kec) if isinstance(kec, tuple) else page_url(kec)
        counts = []
        for cold in (True, False):
            if cold:
                access_changed()  # as after a policy change: the access is recomputed
            with CaptureQueriesContext(connection) as ctx:
                n = len(fetch_page(client, url))
            counts.append(len(ctx.captured_queries))
        print(
            f"  {label:<27} {n:>3} rows: {counts[1]:>2} queries, {counts[0]:>2} right after "
            f"an access change ({note})"
        )


KOTA = KECAMATAN = ""
KANIM_EXTRA: list[str] = []
PERM_ID = 0

if __name__ == "__main__":
    main()
