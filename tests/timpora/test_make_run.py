"""`make run` end to end: a fresh embedded PostgreSQL and Redis, migrations, the demo and a first
run of the rules, the web server, a Celery worker and beat; Ctrl-C stops every process it started.

It runs the Makefile's own recipe (only the virtualenv step is skipped) in a temporary
TIMPORA_VAR_DIR, so it proves the launcher works from nothing (including pgserver's switch to
its own system user when run as root) and never touches var/ or the test database.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 120

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except OSError:
        return 0, ""


def _processes_of(root: psutil.Process, var_dir: str) -> list[psutil.Process]:
    """Everything `make run` started: its descendants plus the daemonised servers, which are
    recognised by the var directory in their command line."""
    found = {p.pid: p for p in root.children(recursive=True)}
    for p in psutil.process_iter(["cmdline"]):
        if any(var_dir in part for part in (p.info["cmdline"] or [])):
            found[p.pid] = p
    found.pop(os.getpid(), None)
    return list(found.values())


@pytest.fixture
def var_dir():
    # Short path: the Redis socket lives inside and Unix socket paths are limited to 108 bytes.
    path = tempfile.mkdtemp(prefix="timpora-run-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_make_run_serves_login_starts_worker_and_beat_and_ctrl_c_stops_everything(var_dir):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        # TIMPORA_DEVELOPMENT too: the embedded launcher must set it itself.
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "TIMPORA_DEVELOPMENT"}
        and not k.startswith("PYTEST_")
    }
    env.update(TIMPORA_VAR_DIR=var_dir, CELERY_QUEUE="timpora")
    log_path = Path(var_dir) / "make-run.log"
    with open(log_path, "w") as log:
        make = subprocess.Popen(
            # -o: treat the virtualenv as up to date (the test runs inside it).
            ["make", "--no-print-directory", "-o", ".venv/.installed", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, which receives the SIGINT as a terminal's Ctrl-C would.
            start_new_session=True,
        )
    root = psutil.Process(make.pid)
    started: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        status, body = 0, ""
        while time.monotonic() < deadline and make.poll() is None:
            status, body = _get(f"http://127.0.0.1:{port}/masuk/")
            if status == 200:
                break
            time.sleep(1)
        output = log_path.read_text()
        assert status == 200, output[-3000:]
        assert re.search(r'<form method="post" action="/masuk/">', body)
        assert 'name="username"' in body and 'name="password"' in body
        assert "csrfmiddlewaretoken" in body
        assert "agencies and their demo accounts ready" in output
        # The rules ran once after seeding: the demo opens with its alerts.
        assert re.search(r"permit\.overstay +candidates +\d+ +did open +[1-9]", output), output
        assert re.search(r"alerted about [1-9]\d* flag", output)

        # The worker answers a ping through the embedded broker; beat announced itself.
        # Not the current app: tasks sent by later tests of this worker must keep using the
        # project's (eager) app, not this broker that is gone once the test ends.
        broker = Celery(
            broker=f"redis+socket://{var_dir}/redis/redis.sock?virtual_host=0",
            set_as_current=False,
        )
        replies = []
        while time.monotonic() < deadline and not replies:
            replies = broker.control.ping(timeout=2) or []
        assert replies, log_path.read_text()[-3000:]
        broker.close()
        while time.monotonic() < deadline and "beat: Starting..." not in log_path.read_text():
            time.sleep(0.5)
        output = log_path.read_text()
        assert "beat: Starting..." in output, output[-3000:]

        started = _processes_of(root, var_dir)
        names = " ".join(" ".join(p.cmdline()) for p in started)
        for expected in ("runserver", "celery -A timpora worker", "celery -A timpora beat"):
            assert expected in names
        assert "redis-server" in names and "postgres" in names

        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=60)
        gone, alive = psutil.wait_procs(started, timeout=30)
        assert not alive, [" ".join(p.cmdline()) for p in alive]
        output = log_path.read_text()
        for name in ("web", "worker", "beat"):
            assert re.search(rf"{name}\.1 stopped", output)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
        try:
            leftovers = started or _processes_of(root, var_dir)
        except psutil.Error:
            leftovers = started
        for p in leftovers:
            try:
                p.kill()
            except psutil.Error:
                pass
