"""The rules through a real Celery worker, a real broker (``REDIS_URL``) and the test database.

Each test starts worker (and beat) subprocesses on a queue of its own, pointed at pytest-django's
test database, so nothing here is eager: flags appear only if a message crossed the broker (or
the outbox sweep ran). The fault tests SIGKILL a worker in the middle of the daily scan and save
sightings while the broker is unreachable; afterwards every flag must exist exactly once.
"""

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from agencies.models import Notification, Region
from foreigners.models import Foreigner, StayPermit
from reports.models import Flag, Sighting, SightingRulesOutbox
from reports.services import sighting_submit
from reports.tasks import rules_daily_scan
from tests.clock import earlier_today
from tests.factories import ForeignerFactory, StayPermitFactory
from timpora.celery import app

from .conftest import rule_times_forget
from .world import EXPECTED, build_world

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90  # seconds; a loaded CI machine starts Django and Celery slowly
# Short enough to watch Redis hand an unacknowledged message to the next worker.
VISIBILITY_TIMEOUT = 5
PLACE = "73.72.03.1001"

# Committed data the workers can see; tests/conftest.py puts back what the migrations seed (the
# access policy, the rule settings, the Pilkada window) after an earlier test's flush.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


# --- processes -------------------------------------------------------------------------------


def database_url() -> str:
    """DATABASE_URL with pytest-django's test database in place of the configured one."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class Processes:
    """Worker and beat subprocesses of one test, each in its own process group, logging to
    files; all of them are killed at the end of the test."""

    def __init__(self, queue: str, log_dir: Path):
        self.queue = queue
        self.log_dir = log_dir
        self.started: list[subprocess.Popen] = []
        self.logs: dict[int, Path] = {}

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PYTEST_") and k != "CELERY_TASK_ALWAYS_EAGER"
        }
        env.update(
            DATABASE_URL=database_url(),
            CELERY_QUEUE=self.queue,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            EMAIL_URL="dummymail://",
            DB_CONN_MAX_AGE="0",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def start(self, *args: str, name: str, **env: str) -> subprocess.Popen:
        log = self.log_dir / f"{name}-{len(self.started)}.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "timpora", *args, "--loglevel", "INFO"],
                cwd=ROOT,
                env=self.env(**env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: SIGKILL reaches the children
            )
        self.started.append(proc)
        self.logs[proc.pid] = log
        return proc

    def worker(self, **env: str) -> subprocess.Popen:
        # prefork with one child: the task runs in a child process, as in production.
        return self.start(
            "worker",
            "--queues",
            self.queue,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--hostname",
            f"{self.queue}-{len(self.started)}@%h",
            "--without-gossip",
            "--without-mingle",
            name="worker",
            **env,
        )

    def beat(self, **env: str) -> subprocess.Popen:
        schedule = self.log_dir / f"beat-schedule-{len(self.started)}"
        return self.start("beat", "--schedule", str(schedule), name="beat", **env)

    def log(self, proc: subprocess.Popen) -> str:
        return self.logs[proc.pid].read_text(errors="replace")

    def tails(self) -> str:
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(errors='replace')[-3000:]}"
            for path in self.logs.values()
        )

    def kill(self, proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                self.kill(proc, signal.SIGTERM)
        # Whatever ignored SIGTERM (or left a child behind) goes now.
        for proc in self.started:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def processes(settings, tmp_path):
    """Real Celery for one test: publishing is not eager, on a queue no one else consumes."""
    queue = f"timpora-test-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue  # reports.outbox publishes there
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    procs = Processes(queue, tmp_path)
    try:
        yield procs
    finally:
        procs.stop_all()
        # A worker killed in the middle of a statement leaves its database session running
        # until the statement ends; end it, or the test database cannot be dropped at the end
        # of the run ("being accessed by other users"); wait (up to 10 s) until it has ended.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        app.conf.task_always_eager = eager
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def wait_for(condition, what: str, procs: Processes, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{procs.tails()}")


def succeeded(procs: Processes, proc: subprocess.Popen, task: str) -> list[str]:
    """Results of ``task`` logged by a worker as succeeded."""
    return re.findall(
        rf"Task {re.escape(task)}\[[^\]]+\] succeeded in [^:]+: (.*)", procs.log(proc)
    )


def open_flag(rule: str, sighting: Sighting):
    return Flag.objects.filter(rule=rule, sighting=sighting, state__in=Flag.OPEN_STATES).first()


def submit(reporter, **overrides) -> Sighting:
    fields = {
        "reporter": reporter,
        "region": Region.objects.get(code=PLACE),
        "place": "Pasar Lakessi",
        "observed_at": earlier_today(),
        "activity": "tourism",
        "description": "Seen near the market",
        "apparent_nationality": "CHN",
        **overrides,
    }
    return sighting_submit(**fields)


# --- the happy path --------------------------------------------------------------------------


def test_saved_sighting_gets_its_flag_and_alert_through_a_real_worker(
    processes, kanim_officer, kanim_supervisor
):
    worker = processes.worker()
    sighting = submit(kanim_officer)

    flag = wait_for(lambda: open_flag("sighting.unregistered", sighting), "the flag", processes)
    assert flag.routed_to == ["imigrasi", "polres"]
    # The rules ran in the worker, from the message published on commit.
    wait_for(
        lambda: succeeded(processes, worker, "reports.sighting_rules_process"),
        "the task's success in the worker log",
        processes,
    )
    assert succeeded(processes, worker, "reports.sighting_rules_process") == ["1"]
    assert not SightingRulesOutbox.objects.exists()
    # The same task alerted the routed agency's supervisor.
    alert = wait_for(
        lambda: Notification.objects.filter(recipient=kanim_supervisor, kind="flag.new").first(),
        "the supervisor's notification",
        processes,
    )
    assert alert.url.endswith(f"/{flag.pk}/")


# --- fault 1: a worker killed in the middle of the daily scan -------------------------------

OVERSTAYERS = 400  # bulk, so the scan has more than the world's handful of rows to write


def overstayers(today: dt.date, n: int) -> None:
    people = Foreigner.objects.bulk_create(ForeignerFactory.build_batch(n))
    StayPermit.objects.bulk_create(
        StayPermitFactory.build(
            foreigner=person,
            valid_from=today - dt.timedelta(days=200),
            issued_on=today - dt.timedelta(days=200),
            valid_until=today - dt.timedelta(days=5 + i % 90),
        )
        for i, person in enumerate(people)
    )


def held_rule_lock(code: str) -> psycopg.Connection:
    """Another session holding the advisory lock a rule run takes first: the scan stops at that
    rule until the lock is let go, so "mid-scan" is a place, not a guess about timing."""
    conn = psycopg.connect(database_url(), autocommit=True)
    conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"timpora.rule:{code}"])
    return conn


def waiting_on_advisory_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0] > 0


def open_counts() -> dict[str, int]:
    counts = dict.fromkeys(EXPECTED, 0)
    for rule in Flag.objects.filter(state__in=Flag.OPEN_STATES).values_list("rule", flat=True):
        counts[rule] += 1
    return counts


@pytest.mark.parametrize(
    "kill", ["whole worker", "pool child"], ids=["kill-worker", "kill-pool-child"]
)
def test_worker_killed_mid_scan_then_restarted_leaves_every_flag_exactly_once(
    processes, regions, kill
):
    today = timezone.localdate()
    build_world(today)
    overstayers(today, OVERSTAYERS)
    expected = {**EXPECTED, "permit.overstay": EXPECTED["permit.overstay"] + OVERSTAYERS}
    # The rules are taken in order — permit.expiring, permit.overstay, document.expired, … —
    # RULES_SCAN_CONNECTIONS at a time (in registration order: no earlier scan's times, which
    # would put the longest first); the rules that read their flags run after them all.
    rule_times_forget()
    lock = held_rule_lock("document.expired")
    try:
        worker = processes.worker()
        rules_daily_scan.apply_async(queue=processes.queue)
        wait_for(waiting_on_advisory_lock, "the scan to reach document.expired", processes)
        # Mid-scan: the first two rules commit (the other connection may go on with the next
        # ones), document.expired waits, and the rules that read the others' flags cannot run.
        before = wait_for(
            lambda: (
                (counts := open_counts())["permit.overstay"] == expected["permit.overstay"]
                and counts["permit.expiring"] == expected["permit.expiring"]
                and counts
            ),
            "the first two rules to commit",
            processes,
        )
        assert waiting_on_advisory_lock()
        assert before["document.expired"] == before["sponsor.repeated_violations"] == 0

        if kill == "whole worker":
            # Main process and pool child at once (a crash, an OOM kill of the container): the
            # message stays unacknowledged and Redis hands it out again after the visibility
            # timeout.
            processes.kill(worker)
        else:
            # Only the child running the task (the OOM killer's usual pick): the main process
            # sees the child lost and, with reject_on_worker_lost, requeues the message.
            child = int(
                subprocess.check_output(["pgrep", "-P", str(worker.pid)], text=True).split()[0]
            )
            os.kill(child, signal.SIGKILL)
    finally:
        lock.close()

    if kill == "whole worker":
        assert worker.poll() is not None
        worker = processes.worker()  # the restart
    # The scan ends with the alerts: wait until every flag it opened has been announced.
    wait_for(
        lambda: (
            open_counts() == expected
            and not Flag.objects.filter(alerted_severity__lt=F("severity")).exists()
        ),
        "the redelivered scan to finish",
        processes,
    )
    wait_for(
        lambda: succeeded(processes, worker, "reports.rules_daily_scan"),
        "the redelivered scan's success in the worker log",
        processes,
    )
    assert open_counts() == expected
    # Exactly once: no flag opened twice, none opened then closed.
    assert Flag.objects.count() == sum(expected.values())


# --- fault 2: the broker is unreachable while sightings are saved ---------------------------

SAVE_WITHOUT_BROKER = """
import datetime as dt, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.utils import timezone
from agencies.models import Region
from reports.services import sighting_submit
reporter = get_user_model().objects.get(pk=int(sys.argv[1]))
for i in range(int(sys.argv[2])):
    s = sighting_submit(
        reporter=reporter, region=Region.objects.get(code=sys.argv[3]), place=f"Pelabuhan {i}",
        observed_at=timezone.now() - dt.timedelta(hours=1), activity="tourism",
        description="Seen at the port", apparent_nationality="CHN",
    )
    print(s.pk)
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_sightings_saved_while_broker_is_down_get_their_flags_when_it_is_back(
    processes, kanim_officer
):
    n = 3
    # The web process: same database, a broker address where nothing answers.
    save = subprocess.run(
        [sys.executable, "-c", SAVE_WITHOUT_BROKER, str(kanim_officer.pk), str(n), PLACE],
        cwd=ROOT,
        env=processes.env(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0"),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert save.returncode == 0, save.stderr
    assert save.stderr.count("could not enqueue sighting rules") == n
    ids = [int(x) for x in save.stdout.split()]
    # Saved, and remembered for the sweep; no rule has run.
    assert Sighting.objects.filter(pk__in=ids).count() == n
    assert set(SightingRulesOutbox.objects.values_list("sighting_id", flat=True)) == set(ids)
    assert not Flag.objects.exists()

    # The broker is back: beat sends the sweep every second, the worker runs it.
    fast_sweep = {"SIGHTING_OUTBOX_SWEEP_SECONDS": "1", "SIGHTING_OUTBOX_GRACE_SECONDS": "1"}
    worker = processes.worker(**fast_sweep)
    processes.beat(**fast_sweep)
    wait_for(lambda: not SightingRulesOutbox.objects.exists(), "the outbox sweep", processes)
    flagged = Flag.objects.filter(rule="sighting.unregistered", state__in=Flag.OPEN_STATES)
    assert sorted(flagged.values_list("sighting_id", flat=True)) == sorted(ids)
    wait_for(
        lambda: str(n) in succeeded(processes, worker, "reports.sighting_outbox_sweep"),
        "a sweep that ran the rows",
        processes,
    )
