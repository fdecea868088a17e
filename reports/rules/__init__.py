"""The flag rules (DESIGN §5) and the one entry point that runs them.

Each rule is a small named, versioned unit (see :mod:`.base`): a set-based query of the subjects
in violation, a severity, the agency kinds it routes to, its citations (data, :mod:`.citations`)
and a reason in Indonesian and English citing them. The permit rules judge each person's stay
and coverage intervals (:mod:`.coverage`). :func:`rules_run` runs a selection of them; every rule
commits on its own, so an interrupted scan keeps what it finished and a rerun completes it
without duplicates.

To add a rule (e.g. UU 6/2011 Pasal 75 ayat (2) huruf c/d once enforcement actions exist): write
a :class:`Rule` subclass, pass it to :func:`rule_register` (from this module or from the
``ready()`` of the app that owns the data it reads) and cite its articles in
``docs/LEGAL_BASIS.md``; no other rule changes.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db import connections as db_connections

from .base import Rule, RuleContext, RuleResult, rule_run
from .duties import (
    CancelledPermitPresent,
    EntryBanListed,
    EntryWithoutPermit,
    ItapLapsed,
    ItasNotTakenUp,
    ResidenceUnreported,
    SponsorRepeatedViolations,
)
from .permits import DocumentExpired, PermitExpiring, PermitOverstay
from .sightings import (
    SightingActivityMismatch,
    SightingAfterExpiry,
    SightingOutsideArea,
    SightingPoliticalWatch,
    SightingUnregistered,
)

RULES: dict[str, Rule] = {}
# How long each rule's last full-scan run took (seconds, in the cache), so that a scan on
# several connections starts the longest first.
_SECONDS_KEY = "rules:seconds:"
_SECONDS_KEPT = 30 * 24 * 3600


def rule_register(rule: Rule) -> Rule:
    """Add a rule to the scan. Rules that read other rules' flags stay last, in the order
    registered."""
    if rule.code in RULES:
        raise ValueError(f"rule {rule.code} is registered twice")
    RULES[rule.code] = rule
    ordered = sorted(RULES.values(), key=lambda r: r.reads_flags)
    RULES.clear()
    RULES.update((r.code, r) for r in ordered)
    return rule


for _rule in (
    PermitExpiring(),
    PermitOverstay(),
    DocumentExpired(),
    ResidenceUnreported(),
    ItasNotTakenUp(),
    ItapLapsed(),
    CancelledPermitPresent(),
    EntryWithoutPermit(),
    EntryBanListed(),
    SightingUnregistered(),
    SightingAfterExpiry(),
    SightingActivityMismatch(),
    SightingOutsideArea(),
    SightingPoliticalWatch(),
    SponsorRepeatedViolations(),
):
    rule_register(_rule)
SIGHTING_RULES: tuple[Rule, ...] = tuple(r for r in RULES.values() if r.sighting_scoped)


class UnknownRule(ValueError):
    pass


def rules_select(codes: list[str] | None = None) -> list[Rule]:
    if not codes:
        return list(RULES.values())
    unknown = sorted(set(codes) - RULES.keys())
    if unknown:
        raise UnknownRule(", ".join(unknown))
    return [RULES[c] for c in codes]


def rules_run(
    *,
    codes: list[str] | None = None,
    today: dt.date | None = None,
    sighting_ids: list[int] | None = None,
    dry_run: bool = False,
    connections: int | None = None,
) -> list[RuleResult]:
    """Run the chosen rules (all by default), each in its own transaction; the results in the
    order of :data:`RULES`.

    With ``sighting_ids`` only the sighting rules run, limited to what those sightings touch.
    In a dry run, a rule that reads other rules' flags sees the flags already in the database
    (the dry runs before it wrote nothing).

    ``connections`` (default ``settings.RULES_SCAN_CONNECTIONS``): how many rules of a full scan
    run at once, each on its own database connection, so it uses every core the database has (the
    rules are independent: each has its own transaction, lock, temporary tables and flags).
    The rules that read other rules' flags run after all of those, one at a time. Inside a
    transaction everything runs here, on this connection: another one would not see what the
    transaction wrote.
    """
    ctx = RuleContext.build(today=today, sighting_ids=sighting_ids)
    rules = rules_select(codes)
    if sighting_ids is not None:
        rules = [r for r in rules if r.sighting_scoped]
    workers = settings.RULES_SCAN_CONNECTIONS if connections is None else connections
    independent = [r for r in rules if not r.reads_flags]
    # A run for a few sightings takes milliseconds: not worth a connection of its own per rule.
    scoped = sighting_ids is not None
    if workers <= 1 or len(independent) <= 1 or scoped or connection.in_atomic_block:
        return [rule_run(rule, ctx=ctx, dry_run=dry_run) for rule in rules]

    def run_alone(rule: Rule) -> RuleResult:
        started = time.monotonic()
        try:
            result = rule_run(rule, ctx=ctx, dry_run=dry_run)
        finally:
            db_connections.close_all()  # this thread's connection, not the caller's
        cache.set(_SECONDS_KEY + rule.code, time.monotonic() - started, _SECONDS_KEPT)
        return result

    # The longest first (by their last full run; a rule never timed, first of all): the two
    # connections then finish together instead of one running the last long rule alone.
    last = cache.get_many([_SECONDS_KEY + r.code for r in independent])
    longest_first = sorted(
        independent, key=lambda r: -last.get(_SECONDS_KEY + r.code, float("inf"))
    )
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rules") as pool:
        done = dict(zip(longest_first, pool.map(run_alone, longest_first), strict=True))
    return [done[r] if r in done else rule_run(r, ctx=ctx, dry_run=dry_run) for r in rules]


__all__ = [
    "RULES",
    "SIGHTING_RULES",
    "Rule",
    "RuleContext",
    "RuleResult",
    "UnknownRule",
    "rule_register",
    "rule_run",
    "rules_run",
    "rules_select",
]
