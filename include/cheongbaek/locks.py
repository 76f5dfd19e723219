"""One writer per warehouse and scope: PostgreSQL session advisory locks.

Why session locks, taken before any snapshot: two runs of the same ingest
(two workers, two Airflow homes, a manual rerun beside the scheduler) would
each see a file as not yet loaded and load it twice; two reconciles in
REPEATABLE READ would each take their snapshot before waiting on a
transaction-level lock and then fail with a serialization error. A session
lock taken on an autocommit connection *before* the work's first snapshot
makes the second writer wait, then see the first one's committed result
(files already loaded, batches already reconciled).

Why per scope and not one lock for everything: the seven ingest DAGs are
independent (each writes only its own batches), so they keep running side by
side; reconcile reads committed batches only, so a load committing while it
runs is simply taken in by the next reconcile.

The lock lives in the server, tied to the connection: a writer killed with
``kill -9`` loses its connection and the server releases the lock at once,
so no stale lock ever blocks a rerun.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

log = logging.getLogger(__name__)

#: classid of every Cheongbaek writer lock ("CBWR"); the objid is hashtext(scope).
_CLASS = 0x43_42_57_52


@contextmanager
def writer_lock(conn: psycopg.Connection[Any], scope: str) -> Iterator[None]:
    """Hold the warehouse's writer lock of ``scope`` (e.g. ``ingest:tax``, ``reconcile``) on ``conn``.

    ``conn`` must be in autocommit mode (no snapshot taken yet). Waits for
    another holder, logging once that it does, then holds the lock until the
    block ends or the connection dies.
    """
    if not conn.autocommit:
        raise RuntimeError("writer_lock needs an autocommit connection: take it before any snapshot")
    params = (_CLASS, scope)
    got = conn.execute("select pg_try_advisory_lock(%s, hashtext(%s))", params).fetchone()
    if not (got and got[0]):
        log.warning("another run holds the warehouse's %s lock: waiting for it to finish", scope)
        t0 = time.perf_counter()
        conn.execute("select pg_advisory_lock(%s, hashtext(%s))", params)
        log.info("%s lock acquired after %.1f s", scope, time.perf_counter() - t0)
    try:
        yield
    finally:
        if not conn.closed:
            try:
                conn.execute("select pg_advisory_unlock(%s, hashtext(%s))", params)
            except psycopg.Error:  # the connection broke: the server released the lock with it
                pass
