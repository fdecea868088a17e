"""Figures of the authorization tests for the closing note: printed at the end of the run and
kept in ``test-artifacts/authz-summary.txt`` (one JSON object per test module, overwritten by
the next run of that module; ``AUTHZ_SUMMARY`` moves the file)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def record_figures(title: str, figures: dict) -> None:
    path = Path(os.environ.get("AUTHZ_SUMMARY", "test-artifacts/authz-summary.txt"))
    path.parent.mkdir(parents=True, exist_ok=True)
    known = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, body = line.partition(": ")
            if body.startswith("{"):
                known[name] = body
    known[title] = json.dumps(figures)
    path.write_text("".join(f"{name}: {body}\n" for name, body in sorted(known.items())))
    print(f"\n{title}: {json.dumps(figures)}", file=sys.__stderr__)
