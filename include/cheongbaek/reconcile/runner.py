"""The reconcile step: every staged system into ``core``, in one transaction.

Entry point :func:`reconcile` (called by ``tasks.reconcile``). The whole
step is one REPEATABLE READ transaction under an advisory lock: either every
entity moves to the new state or none does, two reconciles never
interleave, and a batch that commits while the step runs is simply taken in
by the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

import psycopg

from cheongbaek import db
from cheongbaek.faults import crash_point
from cheongbaek.locks import writer_lock
from cheongbaek.reconcile.engine import entities, merge_entity, merge_parties
from cheongbaek.sources import sources

log = logging.getLogger(__name__)

_LOCK_ID = 0x43_42_52_43  # "CBRC"


def reconcile_conn(conn: psycopg.Connection[Any], as_of: dt.date) -> dict[str, Any]:
    """Reconcile inside ``conn``'s open transaction; returns the run's counts."""
    conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_ID,))
    conn.execute("set local work_mem = '256MB'")
    per_entity: dict[str, dict[str, Any]] = {"party": merge_parties(conn, [s.system for s in sources()])}
    for entity in entities():
        per_entity[entity.name] = merge_entity(conn, entity)
    crash_point("reconcile.transaction")
    conn.execute(
        "insert into core.reconcile_run (as_of, ended_at, entities) values (%s, clock_timestamp(), %s)",
        (as_of, json.dumps(per_entity)),
    )
    return per_entity


def reconcile(as_of: dt.date) -> dict[str, Any]:
    """Reconcile everything loaded so far; returns a small summary for XCom."""
    started = time.perf_counter()
    with db.connect("cb_warehouse", autocommit=True) as conn, writer_lock(conn, "reconcile"):
        # the lock first, then the snapshot: a second reconcile waits and then sees the first one's result
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            per_entity = reconcile_conn(conn, as_of)
    seconds = time.perf_counter() - started
    versions = sum(s.get("versions", 0) for s in per_entity.values())
    keys = sum(s.get("keys", 0) for s in per_entity.values())
    log.info("reconcile as of %s: %s keys recomputed, %s versions written in %.1f s", as_of, keys, versions, seconds)
    return {"as_of": as_of.isoformat(), "keys": keys, "versions": versions, "seconds": round(seconds, 2),
            "entities": {k: {kk: v for kk, v in s.items() if kk not in ("ms", "watermark")}
                         for k, s in per_entity.items()}}
