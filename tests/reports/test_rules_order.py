"""A full scan on several connections starts the rules that took longest last time (and the
ones never timed) first, so the connections finish together."""

import threading

import pytest
from django.core.cache import cache

import reports.rules as rules_module
from reports.rules import RULES, RuleResult, rules_run
from reports.rules.base import RuleContext

from .conftest import rule_times_forget


@pytest.fixture
def recorded(monkeypatch):
    """rule_run replaced by one that records the order the rules start in (no database)."""
    started, lock = [], threading.Lock()

    def fake_run(rule, *, ctx, dry_run=False):
        with lock:
            started.append(rule.code)
        return RuleResult(rule=rule.code)

    monkeypatch.setattr(rules_module, "rule_run", fake_run)
    monkeypatch.setattr(RuleContext, "build", classmethod(lambda cls, **kw: None))
    rule_times_forget()
    yield started
    rule_times_forget()


def independent() -> list[str]:
    return [code for code, rule in RULES.items() if not rule.reads_flags]


def test_the_rules_that_took_longest_last_time_start_first(recorded):
    codes = independent()
    # Last time the rules took the longer the later they are registered, except one never timed.
    cache.set_many(
        {rules_module._SECONDS_KEY + code: float(i) for i, code in enumerate(codes[1:], 1)}
    )
    results = rules_run(connections=2)
    assert [r.rule for r in results] == list(RULES)  # results stay in registration order
    expected = [codes[0], *reversed(codes[1:])]
    # Two threads take the rules off one queue in that order; which of two taken together
    # records its start first is up to the scheduler: at most one place apart.
    assert sorted(recorded[: len(codes)]) == sorted(expected)
    assert all(abs(recorded.index(code) - i) <= 1 for i, code in enumerate(expected))
    # Each run's time is kept for the next scan (the fake runs take almost none).
    kept = cache.get_many([rules_module._SECONDS_KEY + code for code in codes])
    assert set(kept) == {rules_module._SECONDS_KEY + code for code in codes}
    assert all(seconds < 1 for seconds in kept.values())


def test_one_connection_runs_in_registration_order(recorded):
    cache.set_many({rules_module._SECONDS_KEY + code: 1.0 for code in independent()[-2:]})
    rules_run(connections=1)
    assert recorded == list(RULES)
