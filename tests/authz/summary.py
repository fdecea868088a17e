"""Figures of the authorization tests for the closing note: printed at the end of the run and
kept in ``test-artifacts/authz-summary.txt`` (one JSON object per test module, overwritten by
the next run of that module; ``AUTHZ_SUMMARY`` moves the file).

Under pytest-xdist each worker runs part of a module: the workers of one run add their figures
up in the file (under a lock), a later run replaces them.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import uuid
from pathlib import Path

# Identifies this run: shared by the xdist workers of one run, unique otherwise.
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex


def record_figures(title: str, figures: dict, *, same: tuple[str, ...] = ()) -> None:
    """Store ``figures`` under ``title``; figures named in ``same`` are the same for every worker
    (e.g. the number of routes) and are not added up."""
    path = Path(os.environ.get("AUTHZ_SUMMARY", "test-artifacts/authz-summary.txt"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        known = {}
        if path.exists():
            for line in path.read_text().splitlines():
                name, _, body = line.partition(": ")
                if body.startswith("{"):
                    known[name] = json.loads(body)
        earlier = known.get(title, {})
        total = dict(figures)
        if earlier.pop("run", None) == RUN:
            for key, value in earlier.items():
                total[key] = value if key in same else value + total.get(key, 0)
        known[title] = {**total, "run": RUN}
        path.write_text(
            "".join(f"{name}: {json.dumps(body)}\n" for name, body in sorted(known.items()))
        )
    print(f"\n{title}: {json.dumps(total)}", file=sys.__stderr__)
