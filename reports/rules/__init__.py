"""The flag rules (DESIGN §5) and the one entry point that runs them.

Each rule is a small named, versioned unit (see :mod:`.base`): a set-based query of the subjects
in violation, a severity, the agency kinds it routes to, and a reason in Indonesian and English
citing the article. :func:`rules_run` runs a selection of them; every rule commits on its own, so
an interrupted scan keeps what it finished and a rerun completes it without duplicates.
"""

from __future__ import annotations

import datetime as dt

from .base import Rule, RuleContext, RuleResult, rule_run
from .permits import DocumentExpired, PermitExpiring, PermitOverstay
from .sightings import (
    SightingActivityMismatch,
    SightingAfterExpiry,
    SightingOutsideArea,
    SightingPoliticalWatch,
    SightingUnregistered,
)

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        PermitExpiring(),
        PermitOverstay(),
        DocumentExpired(),
        SightingUnregistered(),
        SightingAfterExpiry(),
        SightingActivityMismatch(),
        SightingOutsideArea(),
        SightingPoliticalWatch(),
    )
}
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
) -> list[RuleResult]:
    """Run the chosen rules (all by default), each in its own transaction.

    With ``sighting_ids`` only the sighting rules run, limited to what those sightings touch.
    """
    ctx = RuleContext.build(today=today, sighting_ids=sighting_ids)
    rules = rules_select(codes)
    if sighting_ids is not None:
        rules = [r for r in rules if r.sighting_scoped]
    return [rule_run(rule, ctx=ctx, dry_run=dry_run) for rule in rules]


__all__ = [
    "RULES",
    "SIGHTING_RULES",
    "Rule",
    "RuleContext",
    "RuleResult",
    "UnknownRule",
    "rule_run",
    "rules_run",
    "rules_select",
]
