"""Make sure the national-scale benchmark database exists, then print its URL.

``make bench`` runs this before ``bench_access.py`` and ``bench_rules.py``: they measure the
1,000,000-foreigner dataset of ``manage.py generate_dataset --foreigners 1000000 --seed 1``,
which takes minutes to build, so it is built once and kept. The database sits next to
``DATABASE_URL``'s, named ``timpora_bench`` (or ``BENCH_DATABASE``); it is created, migrated and
filled when it holds fewer foreigners than ``BENCH_FOREIGNERS`` (default 1,000,000). Progress
goes to stderr, the URL alone to stdout::

    DATABASE_URL=$(python bench/national.py) python bench/bench_rules.py
"""

import os
import sys
from urllib.parse import urlsplit

import psycopg
from bench_generate import manage, recreate, scratch_url


def foreigner_count(url: str) -> int:
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM foreigners_foreigner").fetchone()
    except psycopg.Error:
        return -1  # no database or no table yet
    return row[0]


def main() -> int:
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is not set (run through `make bench` or set it).", file=sys.stderr)
        return 2
    name = os.environ.get("BENCH_DATABASE", "timpora_bench")
    if name == urlsplit(url).path.lstrip("/"):
        print(f"{name} is DATABASE_URL's own database; set BENCH_DATABASE.", file=sys.stderr)
        return 2
    wanted = int(os.environ.get("BENCH_FOREIGNERS", 1_000_000))
    bench_url = scratch_url(url, name)
    env = {**os.environ, "DATABASE_URL": bench_url}
    have = foreigner_count(bench_url)
    if have < wanted:
        print(f"{name}: {max(have, 0):,} foreigners, building {wanted:,} ...", file=sys.stderr)
        if have != 0:  # partial, older or missing: start from an empty database
            recreate(url, name)
        manage(env, "migrate", "--noinput")
        manage(env, "generate_dataset", "--foreigners", str(wanted), "--seed", "1")
    else:
        manage(env, "migrate", "--noinput")  # indexes added since the data was built
        print(f"{name}: {have:,} foreigners, reused.", file=sys.stderr)
    print(bench_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
