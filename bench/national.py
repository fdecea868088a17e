"""Make sure the benchmark database of ``BENCH_SCALE`` exists, then print its URL.

``make bench`` runs this before the benchmarks: they measure a dataset of
``manage.py generate_dataset --foreigners N --seed 1``, which takes minutes to build at national
scale, so it is built once and kept. Two sizes (``BENCH_SCALE``):

- ``national`` (the default): 1,000,000 foreigners, 1.5 M permits, 2 M sightings, in the
  database ``timpora_bench`` (8–10 minutes to build on two cores);
- ``small``: 20,000 foreigners in ``timpora_bench_small`` (under a minute), for a quick run.

The database sits next to ``DATABASE_URL``'s; ``BENCH_DATABASE`` and ``BENCH_FOREIGNERS``
override the name and the size. It is created, migrated and filled when it holds fewer
foreigners than wanted (an existing, smaller one is dropped first). Progress goes to stderr, the
URL alone to stdout::

    DATABASE_URL=$(BENCH_SCALE=small python bench/national.py) python bench/suite.py
"""

import os
import sys
from urllib.parse import urlsplit

import psycopg
from bench_generate import manage, recreate, scratch_url

# scale -> (database, foreigners)
SCALES = {
    "national": ("timpora_bench", 1_000_000),
    "small": ("timpora_bench_small", 20_000),
}


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
    scale = os.environ.get("BENCH_SCALE", "national")
    if scale not in SCALES:
        print(f"BENCH_SCALE must be one of {', '.join(SCALES)}, not {scale!r}.", file=sys.stderr)
        return 2
    default_name, default_size = SCALES[scale]
    name = os.environ.get("BENCH_DATABASE", default_name)
    if name == urlsplit(url).path.lstrip("/"):
        print(f"{name} is DATABASE_URL's own database; set BENCH_DATABASE.", file=sys.stderr)
        return 2
    wanted = int(os.environ.get("BENCH_FOREIGNERS", default_size))
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
