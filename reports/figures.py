"""Figures of a flag that move with the calendar — days left, days overstayed, the fee and
whether deportation is recommended — computed when the flag is shown, from the dates in its
evidence and the rule settings in force (a flag opened with 1 day left says 0 the next day; on
day 45 the fee is 45 days' worth). The daily scan re-grades the severity as they cross a
threshold."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Flag, RuleSettings
from .rules import RULES


def flag_day(flag: Flag) -> dt.date:
    """The WITA day a flag's figures are computed for: today while it is open, the day it
    closed after."""
    if flag.closed_at is not None:
        return timezone.localdate(flag.closed_at)
    return timezone.localdate()


def flag_evidence_live(
    flag: Flag, *, settings: RuleSettings | None = None, today: dt.date | None = None
) -> dict:
    """The flag's evidence with its live figures (see the module docstring), as of ``today``
    (default: :func:`flag_day`)."""
    evidence = flag.evidence if isinstance(flag.evidence, dict) else {}
    rule = RULES.get(flag.rule)
    if rule is None:
        return evidence
    figures = rule.live_figures(
        evidence, today=today or flag_day(flag), settings=settings or RuleSettings.load()
    )
    return {**evidence, **figures}
