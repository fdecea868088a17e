"""Helpers for the rule tests: run a rule as of a fixed day and read its open flags."""

import datetime as dt

from django.core.cache import cache

import reports.rules as rules_module
from reports.models import Flag
from reports.rules import RULES, rules_run

TODAY = dt.date(2026, 3, 2)


def run(code: str, *, today: dt.date = TODAY, sighting_ids=None):
    (result,) = rules_run(codes=[code], today=today, sighting_ids=sighting_ids)
    return result


def open_flags(code: str):
    return Flag.objects.filter(rule=code, state__in=Flag.OPEN_STATES).order_by("subject_id")


def flag_rows(code: str) -> list[tuple]:
    """Everything that identifies a rule's flags, to compare two runs."""
    return list(
        Flag.objects.filter(rule=code)
        .order_by("id")
        .values_list("id", "subject_type", "subject_id", "state", "severity", "reason")
    )


def rule_times_forget() -> None:
    """Forget how long each rule's last full scan took (kept in the cache, shared by the tests
    of one worker): a scan on several connections then takes the rules in registration order."""
    cache.delete_many([rules_module._SECONDS_KEY + code for code in RULES])
