"""Run one pipeline stage in its own process and report time and peak RSS.

Each stage runs in a fresh interpreter so that its peak resident memory is its
own (``ru_maxrss`` is a high-water mark per process). Prints one JSON line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    stage, arg, as_of = sys.argv[1], sys.argv[2], dt.date.fromisoformat(sys.argv[3])
    load_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    if stage == "ingest":
        from cheongbaek.ingest.runner import ingest_system

        summary = ingest_system(arg, as_of, strict=False)  # planted corrupt files are the pipeline's to report, not the bench's
    elif stage == "reconcile":
        from cheongbaek.reconcile.runner import reconcile

        summary = reconcile(as_of)
    elif stage == "reconcile-recompute":
        # The same reconcile with every affected key's history recomputed (no append-only path), rolled back:
        # what the append-only path saves, measured on the same state.
        import psycopg

        from cheongbaek import db
        from cheongbaek.reconcile import engine
        from cheongbaek.reconcile.runner import reconcile_conn

        engine._watermark = lambda *_a: None  # type: ignore[assignment]  # no watermark: every key recomputed
        with db.connect("cb_warehouse") as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            per_entity = reconcile_conn(conn, as_of)
            conn.rollback()
        summary = {"keys": sum(e.get("keys", 0) for e in per_entity.values()),
                   "versions": sum(e.get("versions", 0) for e in per_entity.values()), "rolled_back": True}
    elif stage == "scenarios":
        from cheongbaek.scenarios.runner import run_scenarios

        summary = run_scenarios(as_of)
    elif stage == "publish":
        from cheongbaek.publish.runner import publish

        summary = publish(as_of)
    else:
        raise SystemExit(f"unknown stage {stage}")
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    head = subprocess.run(["git", "-C", str(Path(__file__).resolve().parents[1]), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    print(json.dumps({"stage": stage, "arg": arg, "seconds": seconds, "peak_rss_mb": rss_mb, "commit": head,
                      "loadavg": [load_start, [round(x, 2) for x in os.getloadavg()]], "summary": summary},
                     default=str))


if __name__ == "__main__":
    main()
