"""Running the rules again, or twice at once, yields the same flags; dry runs change nothing."""

import threading

import pytest
from django.db import connection
from django.db.models import Count

from reports.models import Flag
from reports.rules import RULES, rules_run

from .conftest import TODAY, flag_rows
from .world import EXPECTED, build_world

pytestmark = pytest.mark.usefixtures("regions")


def open_counts() -> dict[str, int]:
    rows = (
        Flag.objects.filter(state__in=Flag.OPEN_STATES)
        .values("rule")
        .annotate(n=Count("id"))
        .values_list("rule", "n")
    )
    return dict(rows)


def test_world_covers_every_rule():
    assert set(EXPECTED) == set(RULES)


@pytest.mark.django_db
def test_every_rule_run_twice_yields_identical_flags():
    build_world(TODAY)
    first = rules_run(today=TODAY)
    assert {r.rule: r.opened for r in first} == EXPECTED
    before = {code: flag_rows(code) for code in RULES}
    second = rules_run(today=TODAY)
    assert all((r.opened, r.regraded, r.closed) == (0, 0, 0) for r in second)
    assert {code: flag_rows(code) for code in RULES} == before


@pytest.mark.django_db
def test_sighting_scoped_run_after_full_scan_changes_nothing():
    w = build_world(TODAY)
    rules_run(today=TODAY)
    before = {code: flag_rows(code) for code in RULES}
    ids = [w[k].pk for k in ("after_expiry", "mismatch", "unregistered", "political")]
    results = rules_run(today=TODAY, sighting_ids=ids)
    assert all((r.opened, r.closed) == (0, 0) for r in results)
    assert {code: flag_rows(code) for code in RULES} == before


@pytest.mark.django_db
def test_dry_run_reports_what_would_open_and_writes_nothing():
    build_world(TODAY)
    results = rules_run(today=TODAY, dry_run=True)
    # A rule that reads other rules' flags sees those of the database: the dry runs before it
    # wrote none.
    expected = {**EXPECTED, **{c: 0 for c, rule in RULES.items() if rule.reads_flags}}
    assert {r.rule: r.opened for r in results} == expected
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_flag_closes_when_its_condition_clears_and_a_new_breach_opens_a_new_flag():
    from tests.factories import ForeignerFactory

    w = build_world(TODAY)
    rules_run(today=TODAY)
    sighting = w["unregistered"]
    sighting.foreigner = ForeignerFactory()
    sighting.save()
    assert rules_run(today=TODAY, codes=["sighting.unregistered"])[0].closed == 1
    sighting.foreigner = None  # the link was a mistake
    sighting.save()
    assert rules_run(today=TODAY, codes=["sighting.unregistered"])[0].opened == 1
    states = Flag.objects.filter(rule="sighting.unregistered", subject_id=sighting.pk)
    assert sorted(states.values_list("state", flat=True)) == ["closed", "open"]
    assert open_counts() == EXPECTED


@pytest.mark.django_db(transaction=True)
def test_two_workers_scanning_at_once_yield_each_flag_exactly_once():
    build_world(TODAY)
    errors = []
    barrier = threading.Barrier(2)

    def scan():
        try:
            barrier.wait()
            rules_run(today=TODAY)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert open_counts() == EXPECTED
    assert Flag.objects.count() == sum(EXPECTED.values())  # nothing opened then closed


# Committed for real: each rule's transaction names the rule in its history context (inside one
# test transaction the first rule's context would hold for all).
@pytest.mark.django_db(transaction=True)
def test_flag_history_has_one_event_per_flag_written_and_names_the_rule():
    """Flags have statement-level history triggers (agencies.history.track(bulk=True)): a rule
    that opens several flags in one statement still records one insert event per flag, under
    its own context; a run that changes nothing records nothing; a close is one update."""
    events = Flag.pgh_event_model.objects
    w = build_world(TODAY)
    rules_run(today=TODAY)
    opened = Flag.objects.filter(state__in=Flag.OPEN_STATES)
    inserts = events.filter(pgh_label="insert")
    assert sorted(inserts.values_list("pgh_obj_id", flat=True)) == sorted(
        opened.values_list("id", flat=True)
    )
    assert {e.pgh_context.metadata["rule"] for e in inserts.select_related("pgh_context")} == {
        code for code, n in EXPECTED.items() if n
    }
    total = events.count()
    rules_run(today=TODAY)
    assert events.count() == total

    from tests.factories import ForeignerFactory

    sighting = w["unregistered"]
    sighting.foreigner = ForeignerFactory()
    sighting.save()
    rules_run(today=TODAY, codes=["sighting.unregistered"])
    (closed,) = events.filter(pgh_label="update")
    assert (closed.state, closed.pgh_obj.subject_id) == ("closed", sighting.pk)
    assert closed.pgh_context.metadata["rule"] == "sighting.unregistered"


# Committed for real: the rules run on connections of their own, which see only committed rows.
@pytest.mark.django_db(transaction=True)
def test_rules_run_at_once_on_several_connections_give_the_same_flags_in_order():
    build_world(TODAY)
    results = rules_run(today=TODAY, connections=3)
    assert [r.rule for r in results] == list(RULES)
    assert {r.rule: r.opened for r in results} == EXPECTED
    before = {code: flag_rows(code) for code in RULES}
    again = rules_run(today=TODAY, connections=1)
    assert all((r.opened, r.regraded, r.closed) == (0, 0, 0) for r in again)
    assert {code: flag_rows(code) for code in RULES} == before
    # The rule that reads the others' flags ran after them: it found what they opened.
    assert all(r.opened for r in results if RULES[r.rule].reads_flags)
