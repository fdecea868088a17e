"""Benchmark ``manage.py generate_dataset`` (issue 2: 1,000,000 foreigners with documents, 1.5 M
permits, 1 M residences and 2 M sightings in under 10 minutes on a 2-core machine).

Runs from the repository root with ``DATABASE_URL`` (and ``REDIS_URL``) set::

    python bench/bench_generate.py [FOREIGNERS]      # or BENCH_FOREIGNERS=...; default 1,000,000

It creates a scratch database next to ``DATABASE_URL``'s (``timpora_bench_gen``, or
``BENCH_GENERATE_DB``), migrates it, runs ``generate_dataset --foreigners N --seed 1`` there,
prints the command's figures (COPY time and rows per second per table) and the wall-clock time,
and drops the scratch database — the database ``DATABASE_URL`` names is only used to connect.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 600  # issue 2, for 1,000,000 foreigners


def scratch_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def recreate(url: str, name: str, *, drop_only: bool = False) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *args: str, echo: bool = False) -> float:
    """Run ``manage.py args`` (its output shown as it comes when ``echo``); return seconds."""
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-u", "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if echo:
                print(line, end="", flush=True)
    seconds = time.perf_counter() - started
    if process.returncode:
        if not echo:
            sys.stderr.write("".join(lines))
        raise SystemExit(f"manage.py {' '.join(args)} failed ({process.returncode})")
    return seconds


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is not set (run through `make bench` or set it).", file=sys.stderr)
        return 2
    foreigners = int(argv[1] if len(argv) > 1 else os.environ.get("BENCH_FOREIGNERS", 1_000_000))
    name = os.environ.get("BENCH_GENERATE_DB", "timpora_bench_gen")
    if name == urlsplit(url).path.lstrip("/"):
        print(f"Refusing to drop {name}: it is DATABASE_URL's own database.", file=sys.stderr)
        return 2
    env = {**os.environ, "DATABASE_URL": scratch_url(url, name)}
    print(f"== generate_dataset --foreigners {foreigners:,} into scratch database {name} ==")
    print(f"machine: {os.cpu_count()} CPUs")
    recreate(url, name)
    try:
        print(f"migrate: {manage(env, 'migrate', '--noinput'):.1f} s", flush=True)
        seconds = manage(
            env, "generate_dataset", "--foreigners", str(foreigners), "--seed", "1", echo=True
        )
        print(f"generate_dataset wall clock (process start to exit): {seconds:.1f} s")
        if foreigners == 1_000_000:
            verdict = "under" if seconds < TARGET_SECONDS else "OVER"
            print(f"target: {TARGET_SECONDS} s for 1,000,000 foreigners -> {verdict}")
    finally:
        recreate(url, name, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
