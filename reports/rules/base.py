"""The machinery every flag rule shares: candidates → upsert → auto-close, all set-based SQL.

A rule only says *which subjects are in violation today* (one SQL query, one row per subject).
:func:`rule_run` turns that set into flags:

1. the candidates' keys, severity and routing (not their reason texts) are materialised into a
   temporary table, and the subjects whose open flag is missing or out of date into another;
2. for those only, ``INSERT … SELECT … ON CONFLICT (rule, subject_type, subject_id) WHERE open
   DO UPDATE`` opens the missing flags and re-grades those whose severity or routing changed —
   the partial unique index ``flag_one_open_per_rule_subject`` makes it exact even with two
   workers at once;
3. ``UPDATE … WHERE NOT EXISTS (candidate)`` closes, with a reason, the open flags whose
   condition has cleared.

A rule with no open flag at all (a first scan, a new rule) has nothing to compare or close: its
candidates open from one ``INSERT … SELECT`` of its query.

Runs of one rule are serialised by a transaction-scoped advisory lock, so a full scan and a
sighting-scoped run never see each other half done. Nothing is loaded into Python but counts.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from ..models import Flag, RuleSettings
from .citations import Citation, citations_text

OPEN_STATES_SQL = "('open', 'acknowledged')"
DIFF_TABLE = "_rule_diff"
SAMPLE_SIZE = 10

# Columns every rule's candidate query returns, in this order.
CANDIDATE_COLUMNS = (
    "subject_id",
    "foreigner_id",
    "permit_id",
    "document_id",
    "sighting_id",
    "severity",
    "routed_to",  # jsonb array of agency kinds
    "reason",
    "reason_en",
    "evidence",  # jsonb
)
# What decides whether an open flag is up to date (the texts follow from these).
KEY_COLUMNS = CANDIDATE_COLUMNS[:7]


@dataclass(frozen=True)
class RuleContext:
    """What a run knows: the day it judges (WITA), the thresholds, and an optional scope."""

    today: dt.date
    now: dt.datetime
    settings: RuleSettings
    # None: every subject (the daily scan). A list: only what these sightings touch.
    sighting_ids: list[int] | None = None

    @classmethod
    def build(
        cls, *, today: dt.date | None = None, sighting_ids: list[int] | None = None
    ) -> RuleContext:
        return cls(
            today=today or timezone.localdate(),
            now=timezone.now(),
            settings=RuleSettings.load(),
            sighting_ids=list(sighting_ids) if sighting_ids is not None else None,
        )


@dataclass
class RuleResult:
    rule: str
    candidates: int = 0
    opened: int = 0
    escalated: int = 0
    regraded: int = 0
    closed: int = 0
    opened_sample: list[int] = field(default_factory=list)
    closed_sample: list[int] = field(default_factory=list)


class Rule:
    """A named, versioned rule. Subclasses set the attributes and write :meth:`candidates`.

    The interface a new rule implements (nothing else changes to add one: register it in
    :data:`reports.rules.RULES`): ``code``, ``version``, ``subject_type``, ``title``,
    ``citations`` (the provisions it applies, checked against ``docs/LEGAL_BASIS.md``),
    ``routes`` (the agency kinds it routes to, documented; the query returns the routing of
    each row), ``candidates`` (one SQL query, one row per subject in violation), and optionally
    ``close_reason``, ``flag_scope`` and ``live_figures``. Rules that read the flags of other
    rules set ``reads_flags`` and run after them.
    """

    code: str = ""
    version: int = 1
    subject_type: str = Flag.SubjectType.PERMIT
    title = ""  # short human title (gettext_lazy)
    citations: tuple[Citation, ...] = ()
    routes: tuple[str, ...] = ()
    # Sighting rules can run for a handful of sightings right after they are saved.
    sighting_scoped = False
    reads_flags = False

    @property
    def legal_basis(self) -> str:
        """The citations in the active language."""
        return citations_text(self.citations)

    def cite_params(self) -> dict:
        """The citations as SQL parameters ``cite`` (Indonesian) and ``cite_en``."""
        return {
            "cite": citations_text(self.citations, "id"),
            "cite_en": citations_text(self.citations, "en"),
        }

    def live_figures(self, evidence: dict, *, today: dt.date, settings: RuleSettings) -> dict:
        """Figures that move with the calendar (days left, days overstayed, fee), computed
        from the flag's evidence when it is shown; the daily scan re-grades the severity."""
        return {}

    def candidates(self, ctx: RuleContext) -> tuple[str, dict]:
        """SQL returning :data:`CANDIDATE_COLUMNS`, one row per subject in violation, with
        named parameters (``%(name)s``; names starting with ``_`` are the runner's)."""
        raise NotImplementedError

    def flag_scope(self, ctx: RuleContext) -> tuple[str, dict]:
        """Which open flags (alias ``f``) this run may close: all, or those of the scope; with
        named parameters, as :meth:`candidates`."""
        if ctx.sighting_ids is None:
            return "TRUE", {}
        return "f.sighting_id = ANY(%(_scope_ids)s::bigint[])", {"_scope_ids": ctx.sighting_ids}

    def close_reason(self, ctx: RuleContext) -> tuple[str, list]:
        """SQL expression (alias ``f``) giving why a flag closed; rules refine it."""
        return "%s", ["Kondisi tidak lagi terpenuhi / The condition no longer holds"]

    def __repr__(self) -> str:
        return f"<Rule {self.code} v{self.version}>"


def _lock(cursor, code: str) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"timpora.rule:{code}"])


# Open a flag per row ``q`` of a rule's query (followed by ``FROM (…) AS q``).
_INSERT_FLAGS = """
    INSERT INTO reports_flag (
        rule, rule_version, severity, state, subject_type, subject_id,
        foreigner_id, permit_id, document_id, sighting_id, routed_to,
        reason, reason_en, evidence, opened_at, updated_at, close_reason,
        alerted_severity
    )
    SELECT %(_rule)s, %(_version)s, q.severity, 'open', %(_stype)s,
           q.subject_id, q.foreigner_id, q.permit_id, q.document_id,
           q.sighting_id, q.routed_to, q.reason, q.reason_en, q.evidence,
           %(_now)s, %(_now)s, '', 0"""


def _history_context(cursor, code: str) -> None:
    """Name the rule as the source of the flag writes in their history, unless a request's or
    a worker task's context already does (``run_rules`` and other callers outside both have
    none). Without a context pghistory's ``_pgh_attach_context`` raises and catches an error
    for every row written, whose cost grows with the transaction's queued trigger events (the
    same trap as an unset ``pgtrigger.ignore``: DATABASES in timpora/settings.py)."""
    cursor.execute(
        """
        SELECT set_config('pghistory.context_id', %s, true),
               set_config('pghistory.context_metadata', %s, true)
        WHERE NULLIF(current_setting('pghistory.context_id', true), '') IS NULL
        """,
        [str(uuid.uuid4()), json.dumps({"source": "rules", "rule": code})],
    )


def rule_run(rule: Rule, *, ctx: RuleContext, dry_run: bool = False) -> RuleResult:
    """Bring the flags of ``rule`` in line with its candidates, in one transaction.

    Guarantees: afterwards exactly one open flag exists per candidate subject (in scope) and no
    open flag of this rule exists for a subject in scope that is not a candidate. Running it
    again with the same data changes nothing. ``dry_run`` computes the same counts and rolls
    back.

    Steps: (1) the candidates' keys, severity and routing — not their reason texts — are
    compared with the open flags in one full join, and what differs goes into a temporary
    table; (2) only for those subjects is the rule's full query (reasons, evidence) evaluated
    and upserted; (3) the open flags without a candidate close. A steady night, where little
    changes, thus costs about the candidate query itself. Each statement sees the data as of its
    own start: a subject that stops qualifying between (1) and (2) is neither opened nor closed
    until the next run. With no flag of the rule open anywhere, the candidates open from one
    ``INSERT … SELECT``.
    """
    result = RuleResult(rule=rule.code)
    sql, params = rule.candidates(ctx)
    scope_sql, scope_params = rule.flag_scope(ctx)
    reason_sql, reason_params = rule.close_reason(ctx)
    keys = dict(
        params,
        _rule=rule.code,
        _version=rule.version,
        _stype=rule.subject_type,
        _now=ctx.now,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compiling costs ~0.4 s per statement and a run is a few short-lived statements:
        # on the national dataset it made the daily scan half again as slow. (Set here too so
        # the rules keep it off even where the connection turns it on.)
        cursor.execute("SET LOCAL jit = off")
        _history_context(cursor, rule.code)
        _lock(cursor, rule.code)
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM reports_flag f WHERE f.rule = %s"
            f" AND f.state IN {OPEN_STATES_SQL})",
            [rule.code],
        )
        if not cursor.fetchone()[0]:
            # No flag of the rule is open anywhere (a first scan, a new rule): nothing to
            # compare with or close, and no open flag a candidate could meet, so every
            # candidate opens, from one evaluation of the rule's query and one INSERT. A first
            # national scan evaluated each query twice otherwise. (Runs of the rule are
            # serialised by its lock; a duplicate subject breaks the unique index, loudly.)
            cursor.execute(
                f"""
                WITH up AS ({_INSERT_FLAGS} FROM ({sql}) AS q RETURNING reports_flag.subject_id)
                SELECT count(*), (array_agg(subject_id ORDER BY subject_id))[1:{SAMPLE_SIZE}]
                FROM up
                """,
                keys,
            )
            opened, sample = cursor.fetchone()
            result.candidates = result.opened = opened
            result.opened_sample = sample or []
            if dry_run:
                transaction.set_rollback(True)
            return result
        # One pass compares the candidates with the open flags: a hashed full join on the
        # subject keeps only what differs — a candidate without an open flag (opens), a flag
        # without its candidate (closes), or both where the severity, routing, version or links
        # changed (re-grades). The reason and evidence are kept as of that moment, so a steady
        # daily scan writes nothing; the planner leaves out their expressions here. (Before, the
        # candidates went into an indexed, analysed temporary table and were compared twice:
        # twice the time for half a million unchanged flags.) A flag of another subject type
        # was opened by an earlier version of the rule (overstay was per permit before version
        # 2): it matches nothing and closes, and its successor opens.
        open_in_scope = f"f.rule = %(_rule)s AND f.state IN {OPEN_STATES_SQL} AND {scope_sql}"
        cursor.execute(f"DROP TABLE IF EXISTS {DIFF_TABLE}")
        cursor.execute(
            f"""
            CREATE TEMP TABLE {DIFF_TABLE} ON COMMIT DROP AS
            WITH c AS MATERIALIZED (
                SELECT {", ".join(KEY_COLUMNS)}, %(_stype)s::varchar AS subject_type
                FROM ({sql}) AS q
            )
            SELECT c.subject_id, f.id AS flag_id
            FROM c
            FULL JOIN (
                SELECT f.id, f.subject_type, f.subject_id, f.severity, f.rule_version,
                       f.routed_to, f.foreigner_id, f.permit_id, f.document_id, f.sighting_id
                FROM reports_flag f WHERE {open_in_scope}
            ) f ON f.subject_type = c.subject_type AND f.subject_id = c.subject_id
            WHERE c.subject_id IS NULL OR f.id IS NULL
               OR (f.severity, f.rule_version, f.routed_to, f.foreigner_id, f.permit_id,
                   f.document_id, f.sighting_id)
                  IS DISTINCT FROM
                  (c.severity, %(_version)s::smallint, c.routed_to, c.foreigner_id,
                   c.permit_id, c.document_id, c.sighting_id)
            """,
            {**keys, **scope_params},
        )
        if cursor.rowcount:
            _apply_diff(cursor, sql, keys, reason_sql, reason_params, ctx, result)
        # What stays open in scope is the candidate set (one flag per candidate subject).
        cursor.execute(
            f"SELECT count(*) FROM reports_flag f"
            f" WHERE {open_in_scope} AND f.subject_type = %(_stype)s",
            {**keys, **scope_params},
        )
        result.candidates = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {DIFF_TABLE}")
        if dry_run:
            transaction.set_rollback(True)
    return result


def _apply_diff(cursor, sql, keys, reason_sql, reason_params, ctx, result) -> None:
    """Open and re-grade the diff's candidates (the rule's full query, reasons and evidence
    included, evaluated for those subjects only) and close its flags without a candidate."""
    cursor.execute(
        f"""
        WITH old AS (
            SELECT f.id, f.severity
            FROM reports_flag f JOIN {DIFF_TABLE} d ON f.id = d.flag_id
            WHERE d.subject_id IS NOT NULL
        ), up AS (
            {_INSERT_FLAGS}
            FROM ({sql}) AS q
            WHERE q.subject_id IN (
                SELECT subject_id FROM {DIFF_TABLE} WHERE subject_id IS NOT NULL)
            ON CONFLICT (rule, subject_type, subject_id)
                WHERE state IN {OPEN_STATES_SQL}
            DO UPDATE SET
                severity = EXCLUDED.severity,
                rule_version = EXCLUDED.rule_version,
                routed_to = EXCLUDED.routed_to,
                foreigner_id = EXCLUDED.foreigner_id,
                permit_id = EXCLUDED.permit_id,
                document_id = EXCLUDED.document_id,
                sighting_id = EXCLUDED.sighting_id,
                reason = EXCLUDED.reason,
                reason_en = EXCLUDED.reason_en,
                evidence = EXCLUDED.evidence,
                updated_at = EXCLUDED.updated_at
            RETURNING reports_flag.id, reports_flag.subject_id, reports_flag.severity,
                      (xmax = 0) AS inserted
        )
        SELECT
            count(*) FILTER (WHERE up.inserted),
            count(*) FILTER (WHERE NOT up.inserted AND up.severity > old.severity),
            count(*) FILTER (WHERE NOT up.inserted),
            (array_agg(up.subject_id ORDER BY up.subject_id)
                FILTER (WHERE up.inserted))[1:{SAMPLE_SIZE}]
        FROM up LEFT JOIN old ON old.id = up.id
        """,
        keys,
    )
    result.opened, result.escalated, result.regraded, sample = cursor.fetchone()
    result.opened_sample = sample or []
    cursor.execute(
        f"""
        WITH closed AS (
            UPDATE reports_flag f
            SET state = 'closed', closed_at = %s, updated_at = %s,
                close_reason = {reason_sql}
            FROM {DIFF_TABLE} d
            WHERE f.id = d.flag_id AND d.subject_id IS NULL
            RETURNING f.subject_id
        )
        SELECT count(*), (array_agg(subject_id ORDER BY subject_id))[1:{SAMPLE_SIZE}]
        FROM closed
        """,
        [ctx.now, ctx.now, *reason_params],
    )
    result.closed, closed_sample = cursor.fetchone()
    result.closed_sample = closed_sample or []


# --- SQL fragments shared by several rules -------------------------------------------------

# The observed day of a sighting, on the wall clock of Parepare (WITA).
SIGHTING_DAY = "(s.observed_at AT TIME ZONE 'Asia/Makassar')::date"


def rupiah(expr: str) -> str:
    """Indonesian thousands separators: Rp1.000.000."""
    return f"'Rp' || replace(to_char({expr}, 'FM999,999,999,999,990'), ',', '.')"


def rupiah_en(expr: str) -> str:
    return f"'IDR ' || to_char({expr}, 'FM999,999,999,999,990')"


def iso(expr: str) -> str:
    return f"to_char({expr}, 'YYYY-MM-DD')"


def jsonb_kinds(kinds: list[str] | tuple[str, ...]) -> str:
    """A jsonb array literal of agency kinds (the kinds are code constants, never user input)."""
    inner = ", ".join(f'"{k}"' for k in kinds)
    return f"'[{inner}]'::jsonb"


# A flag can also be routed to one agency (the one that registered a sponsor): its routing
# holds ``"agency:<id>"`` beside the agency kinds.
AGENCY_ROUTE_PREFIX = "agency:"


def agency_route(agency_id: int) -> str:
    return f"{AGENCY_ROUTE_PREFIX}{agency_id}"


def routes_split(routes) -> tuple[list[str], list[int]]:
    """A flag's routing as (agency kinds, agency ids)."""
    kinds, ids = [], []
    for route in routes or ():
        if isinstance(route, str) and route.startswith(AGENCY_ROUTE_PREFIX):
            tail = route[len(AGENCY_ROUTE_PREFIX) :]
            if tail.isdigit():
                ids.append(int(tail))
        else:
            kinds.append(route)
    return kinds, ids


def jsonb_routes_with_agency(kinds: list[str] | tuple[str, ...], agency_id_sql: str) -> str:
    """The kinds, plus ``"agency:<id>"`` when the SQL expression ``agency_id_sql`` is not null."""
    return (
        f"({jsonb_kinds(kinds)} || CASE WHEN ({agency_id_sql}) IS NULL THEN '[]'::jsonb "
        f"ELSE jsonb_build_array('{AGENCY_ROUTE_PREFIX}' || ({agency_id_sql})::text) END)"
    )
