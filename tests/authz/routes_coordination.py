"""Matrix entries of the coordination routes (meetings, tasks, operations, TAK, their API and
exports). Merged into ``routes.ROUTES``; the builders follow the conventions described there."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from reports.exports import SOURCES

from .oracle import sees_flag, sees_foreigner, sees_sighting
from .oracle_coordination import (
    coordinates,
    edits_meeting,
    records_actions,
    records_findings,
    sees_action,
    sees_meeting,
    sees_operation,
    sees_task,
    works_task,
)
from .routes import Case, _api_ids, _gate, _ids_check, _to_login, api_gate, page_gate, signed_in
from .world import SECRET
from .world_coordination import home_kecamatan

RESOURCES = {
    # name: (world attribute, oracle, detail URL name, html marker)
    "meeting": ("meetings", lambda ctx, f: sees_meeting(ctx.p, f), "meeting-detail"),
    "task": ("tasks", lambda ctx, f: sees_task(ctx.p, f), "task-detail"),
    "operation": ("operations", lambda ctx, f: sees_operation(ctx.p, f), "operation-detail"),
    "enforcement": (
        "actions",
        lambda ctx, f: sees_action(ctx.p, f, ctx.world),
        "enforcement-detail",
    ),
}


def _facts(ctx, resource: str) -> dict:
    return getattr(ctx.world.coord, RESOURCES[resource][0])


def _sees(ctx, resource: str, pk: int) -> bool:
    return RESOURCES[resource][1](ctx, _facts(ctx, resource)[pk])


def _named(ctx, name: str) -> int:
    return ctx.world.coord.named[name]


def _html_rows(resource: str):
    pattern = re.compile(rf'data-{resource}-id="(\d+)"')
    return lambda resp: {int(x) for x in pattern.findall(resp.content.decode())}


def html_list(resource: str):
    def cases(ctx, name):
        expected = {pk for pk in _facts(ctx, resource) if _sees(ctx, resource, pk)}
        if not signed_in(ctx.p):
            check = _to_login
        else:
            check = _ids_check(expected, _html_rows(resource))
        yield Case("list", "GET", reverse(name), check)

    return cases


def html_detail(resource: str):
    def cases(ctx, name):
        for pk in _facts(ctx, resource):
            yield Case(
                f"{resource}#{pk}",
                "GET",
                reverse(name, args=[pk]),
                page_gate(ctx, _sees(ctx, resource, pk)),
            )
        yield Case("missing", "GET", reverse(name, args=[10**9]), page_gate(ctx, False))

    return cases


def api_list(resource: str):
    def cases(ctx, name):
        expected = {pk for pk in _facts(ctx, resource) if _sees(ctx, resource, pk)}
        check = _ids_check(expected, _api_ids) if signed_in(ctx.p) else api_gate(ctx, False)
        yield Case("list", "GET", reverse(name) + "?page_size=500", check)

    return cases


def api_detail(resource: str):
    def cases(ctx, name):
        for pk in _facts(ctx, resource):
            allowed = _sees(ctx, resource, pk)
            yield Case(f"{resource}#{pk}", "GET", reverse(name, args=[pk]), api_gate(ctx, allowed))

    return cases


def form_page(capable):
    """A create form: signed out → login, not capable → 403, else 200."""

    def cases(ctx, name):
        yield Case("form", "GET", reverse(name), _gate(ctx, capable=capable(ctx.p)))

    return cases


def create_post(capable, data):
    def cases(ctx, name):
        yield Case("form", "GET", reverse(name), _gate(ctx, capable=capable(ctx.p)))
        yield Case(
            "create", "POST", reverse(name), _gate(ctx, capable=capable(ctx.p), ok=302), data(ctx)
        )

    return cases


def record_post(resource: str, capable, data, only=None, skip=()):
    """A POST on each record: invisible → 404, visible but not allowed → 403, allowed → 302."""

    def cases(ctx, name):
        facts = _facts(ctx, resource)
        pks = [_named(ctx, n) for n in only if n in ctx.world.coord.named] if only else list(facts)
        skipped = {ctx.world.coord.named.get(n) for n in skip}
        for pk in pks:
            if pk in skipped:
                continue
            fact = facts[pk]
            gate = _gate(ctx, visible=_sees(ctx, resource, pk), capable=capable(ctx, fact), ok=302)
            yield Case(f"{resource}#{pk}", "POST", reverse(name, args=[pk]), gate, data(ctx))

    return cases


def _future(days: int = 7) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _finding_page(ctx, name):
    """GET the finding form of each operation; POST a finding to the principal's own operation
    (always within its scope) and to the Soreang operation."""
    for pk, fact in _facts(ctx, "operation").items():
        gate = _gate(
            ctx, visible=_sees(ctx, "operation", pk), capable=records_findings(ctx.p, fact)
        )
        yield Case(f"operation#{pk}", "GET", reverse(name, args=[pk]), gate)
    for label in ("o_own", "o_soreang"):
        pk = ctx.world.coord.named.get(label)
        if pk is None:
            continue
        fact = _facts(ctx, "operation")[pk]
        data = {
            "region": fact.region + ".1001",
            "place": "Pasar",
            "observed_at": "2026-11-01T10:00",
            "activity": "work",
            "description": "Found during the operation",
            "person": "unknown",
            "apparent_nationality": "CHN",
            "person_count": "1",
        }
        gate = _gate(
            ctx, visible=_sees(ctx, "operation", pk), capable=records_findings(ctx.p, fact), ok=302
        )
        yield Case(f"finding {label}", "POST", reverse(name, args=[pk]), gate, data)


def _enforcement_create(ctx, name):
    can = records_actions(ctx.p)
    yield Case("form", "GET", reverse(name), _gate(ctx, capable=can))
    person = ctx.world.named["f_ujung"]
    today = timezone.localdate().isoformat()
    data = {
        "foreigner": person,
        "kind": "cost_charge",
        "case_review_on": today,
        "decided_on": today,
        "decision": "Dilarang berada di pelabuhan",
    }
    ok = 302 if sees_foreigner(ctx.p, ctx.world.foreigners[person]) else 400
    yield Case("create", "POST", reverse(name), _gate(ctx, capable=can, ok=ok), data)


COORDINATION_ROUTES = {
    "meeting-list": html_list("meeting"),
    "meeting-detail": html_detail("meeting"),
    "meeting-create": create_post(
        coordinates,
        lambda ctx: {
            "level": "kota",
            "region": "73.72",
            "held_at": "2026-12-10T09:00",
            "venue": "Aula",
            "chair": "Kepala Kanim",
            "agenda": "Rapat",
        },
    ),
    "meeting-minutes": record_post(
        "meeting", lambda ctx, f: edits_meeting(ctx.p, f), lambda ctx: {"minutes": "Notulen"}
    ),
    "meeting-attendance": record_post(
        "meeting",
        lambda ctx, f: edits_meeting(ctx.p, f),
        lambda ctx: {"agency": ctx.world.other_agency.pk, "person": "Budi", "position": "Kasat"},
    ),
    "meeting-decision": record_post(
        "meeting",
        lambda ctx, f: edits_meeting(ctx.p, f),
        lambda ctx: {
            "text": "Polres memeriksa",
            "task_assignee": ctx.world.other_agency.pk,
            "task_title": "Periksa",
            "task_due_on": _future(),
        },
    ),
    "task-list": html_list("task"),
    "task-detail": html_detail("task"),
    "task-create": create_post(
        coordinates,
        lambda ctx: {
            "title": "Cek sponsor",
            "assignee": ctx.world.other_agency.pk,
            "region": "73.72",
            "due_on": _future(),
        },
    ),
    "task-acknowledge": record_post("task", lambda ctx, f: works_task(ctx.p, f), lambda ctx: {}),
    "task-progress": record_post(
        "task",
        lambda ctx, f: works_task(ctx.p, f),
        lambda ctx: {"note": "Sedang dicek"},
        skip=("t_mine_2",),
    ),  # fmt: skip
    "task-close": record_post(
        "task",
        lambda ctx, f: works_task(ctx.p, f),
        lambda ctx: {"result": "Selesai"},
        skip=("t_mine",),
    ),  # fmt: skip
    "operation-list": html_list("operation"),
    "operation-detail": html_detail("operation"),
    "operation-create": create_post(
        coordinates,
        lambda ctx: {
            "title": "Operasi",
            "operation_date": _future(),
            "region": "73.72.03",
            "order_number": "SP-NEW-1",
        },
    ),
    "operation-finding": lambda ctx, name: _finding_page(ctx, name),
    "operation-complete": record_post(
        "operation",
        lambda ctx, f: coordinates(ctx.p) and f.organiser == ctx.p.agency_id,
        lambda ctx: {
            "persons_checked": "10",
            "violations_found": "1",
            "actions_taken": "1",
            "result_summary": "Satu pelanggaran",
        },
        skip=("o_own",),
    ),
    "enforcement-list": html_list("enforcement"),
    "enforcement-detail": html_detail("enforcement"),
    "enforcement-create": lambda ctx, name: _enforcement_create(ctx, name),
    "api-meeting-list": api_list("meeting"),
    "api-meeting-detail": api_detail("meeting"),
    "api-task-list": api_list("task"),
    "api-task-detail": api_detail("task"),
    "api-operation-list": api_list("operation"),
    "api-operation-detail": api_detail("operation"),
    "api-enforcement-list": api_list("enforcement"),
    "api-enforcement-detail": api_detail("enforcement"),
}


# --- exports, report jobs, the meeting pack ---------------------------------------------------

EXPORT_REQUIRES = {
    "foreigners": "identity",
    "permits": "permit.status",
    "sightings": "sighting",
    "flags": "flag",
    "tasks": None,
    "operations": None,
}
# Columns whose header reveals a category: present exactly when the category is readable.
EXPORT_HEADERS = {
    "foreigners": {
        "document_number": "document",
        "permit_kind": "permit.status",
        "residence_region": "residence",
        "occupation": "employment",
    },
}


def _header_labels(resource: str, name: str) -> set[str]:
    column = next(c for c in SOURCES[resource].columns if c.name == name)
    labels = set()
    for language in ("id", "en"):
        with translation.override(language):
            labels.add(str(column.label))
    return labels


def _export_expected(ctx, resource: str) -> set[int]:
    w, p = ctx.world, ctx.p
    if resource == "foreigners":
        return {pk for pk in w.foreigners if sees_foreigner(p, w.foreigners[pk])}
    if resource == "permits":
        soreang = w.named["f_soreang"]
        return {w.children["permit"]} if sees_foreigner(p, w.foreigners[soreang]) else set()
    if resource == "sightings":
        return {pk for pk, f in w.sightings.items() if sees_sighting(p, f)}
    if resource == "flags":
        return {pk for pk, f in w.flags.items() if sees_flag(p, f, w)}
    if resource == "tasks":
        return {pk for pk, f in w.coord.tasks.items() if sees_task(p, f)}
    return {pk for pk, f in w.coord.operations.items() if sees_operation(p, f)}


def _export_rows(resp, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        text = b"".join(resp.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _export_cases(ctx, name):
    p = ctx.p
    for resource, needs in EXPORT_REQUIRES.items():
        for fmt in ("csv", "xlsx"):
            url = reverse(name, args=[resource, fmt])
            if not signed_in(p):
                yield Case(f"{resource}.{fmt}", "GET", url, _to_login)
                continue
            allowed = p.active and (needs is None or p.reads(needs))
            if not allowed:
                yield Case(f"{resource}.{fmt}", "GET", url, _gate(ctx, capable=False))
                continue
            expected = _export_expected(ctx, resource)

            def check(resp, resource=resource, fmt=fmt, expected=expected):
                if resp.status_code != 200:
                    return f"status {resp.status_code}"
                rows = _export_rows(resp, fmt)
                header, body = rows[0], rows[1:]
                got = {int(r[0]) for r in body}
                if got != expected:
                    return (
                        f"unexpected allows {sorted(got - expected)}, "
                        f"unexpected denies {sorted(expected - got)}"
                    )
                for column, category in EXPORT_HEADERS.get(resource, {}).items():
                    shown = bool(_header_labels(resource, column) & set(header))
                    if shown != p.reads(category):
                        return (
                            f"column {column} shown={shown}, reads {category}={p.reads(category)}"
                        )
                text = "\n".join(",".join(r) for r in body)
                for category, value in SECRET.items():
                    if not p.reads(category) and value in text:
                        return f"masked {category} value {value!r} exported"
                return None

            yield Case(f"{resource}.{fmt}", "GET", url, check)
    yield Case("unknown", "GET", reverse(name, args=["people", "csv"]), page_gate(ctx, False))
    yield Case("bad-format", "GET", reverse(name, args=["tasks", "pdf"]), page_gate(ctx, False))


def _job_cases(ctx, name):
    for label in ("job_mine", "job_other"):
        pk = ctx.world.coord.named.get(label)
        if pk is None:
            continue
        args = [pk] if name == "report-job" else [pk, "file"]
        yield Case(label, "GET", reverse(name, args=args), page_gate(ctx, label == "job_mine"))


def _pack_cases(ctx, name):
    p = ctx.p
    yield Case("form", "GET", reverse(name), _gate(ctx, capable=p.active))
    data = {"region": home_kecamatan(p), "start": "2026-07-01", "end": "2026-09-30"}
    yield Case("make", "POST", reverse(name), _gate(ctx, capable=p.active, ok=302), data)


COORDINATION_ROUTES.update(
    {
        "export": lambda ctx, name: _export_cases(ctx, name),
        "report-job": lambda ctx, name: _job_cases(ctx, name),
        "report-job-download": lambda ctx, name: _job_cases(ctx, name),
        "pack-create": lambda ctx, name: _pack_cases(ctx, name),
    }
)
