"""Loading one batch: validate by chunks, COPY into a landing table, settle in SQL.

Why this shape: the parsers stream typed rows; Great Expectations judges a
chunk at a time (one DataFrame, not one row); the rows, already marked with
their quarantine reason, stream by psycopg 3 COPY into a temporary landing
table; then a handful of set-based statements (``ingest/sql/*.sql``) settle
duplicates, insert into staging and quarantine, and count. Everything after
the batch's ``running`` row happens in one transaction: all or nothing.

Privacy: the loader never logs a record; records it keeps are the parsers'
pseudonymised ones, and quarantined rows keep only that record (their typed
values are not landed, so a value that does not even fit its column cannot
break the batch).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql

from cheongbaek.faults import crash_point
from cheongbaek.ingest.records import Reject, Row
from cheongbaek.validation.suites import ExpectationStats, validator

log = logging.getLogger(__name__)

#: Rows validated by Great Expectations in one DataFrame.
CHUNK_ROWS = 200_000


@cache
def _template(name: str) -> str:
    return (resources.files("cheongbaek.ingest") / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def _stmts(name: str, table: str, columns: list[str], keys: tuple[str, ...] = (), version: str | None = None,
           ) -> list[tuple[sql.Composed, bool]]:
    """The statements of a template of ingest/sql, with table, columns and keys filled in as identifiers.

    Split on ';' because statements with parameters cannot be sent together.
    """
    key_cols = [*keys, *([version] if version else [])]
    keyjoin = sql.SQL(" and ").join(
        sql.SQL("s.{c} = t.{c}").format(c=sql.Identifier(c)) for c in key_cols) if key_cols else sql.SQL("false")
    text = "\n".join(line for line in _template(name).splitlines() if not line.lstrip().startswith("--"))
    return [
        (sql.SQL(part).format(
            table=sql.Identifier("staging", table),
            cols=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
            keys=sql.SQL(", ").join(sql.Identifier(c) for c in keys) if keys else sql.SQL("1"),
            keyjoin=keyjoin,
            dupjoin=sql.SQL(" and ").join(
                sql.SQL("t.{c} = d.{c}").format(c=sql.Identifier(c)) for c in keys)
            if keys else sql.SQL("true"),
        ), "%(" in part)
        for part in text.split(";") if part.strip()
    ]


def _run(conn: psycopg.Connection[Any], name: str, table: str, columns: list[str], params: dict[str, Any] | None = None,
         keys: tuple[str, ...] = (), version: str | None = None) -> None:
    for stmt, has_params in _stmts(name, table, columns, keys, version):
        conn.execute(stmt, params if has_params else None)


@dataclass
class BatchResult:
    """Counts of one loaded batch (PII-free) and how long its stages took."""

    batch_id: int
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_warned: int = 0
    extra_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    gx_seconds: float = 0.0


@dataclass
class Landed:
    """What landing a batch produced besides the rows: expectation statistics, GX time, a GX result."""

    stats: list[ExpectationStats]
    gx_seconds: float
    result: Any = None


def keep_validation_result(table: str, batch_id: int, source_name: str, landed: Landed) -> None:
    """Store the batch's GX result for the auditors' Data Docs; documentation never fails a load."""
    if landed.result is None:
        return
    try:
        from cheongbaek.validation.docs import store_result

        store_result(table, batch_id, source_name, landed.result, dt.datetime.now(dt.UTC))
    except Exception:
        log.exception("could not keep the GX validation result of batch %s for Data Docs", batch_id)


def open_batch(conn: psycopg.Connection[Any], *, system: str, source_name: str, delivery_date: dt.date | None,
               logical_date: dt.date, checksum: str | None) -> int:
    """Insert the batch's 'running' row and commit it, so that a failure can be recorded against it."""
    with conn.transaction():
        row = conn.execute(
            "insert into audit.batch (system, source_name, delivery_date, logical_date, checksum, status)"
            " values (%s, %s, %s, %s, %s, 'running') returning batch_id",
            (system, source_name, delivery_date, logical_date, checksum),
        ).fetchone()
    assert row is not None
    return int(row[0])


def fail_batch(conn: psycopg.Connection[Any], batch_id: int, error: str, rejected: bool = False) -> None:
    """Record a batch-level failure (committed on its own: the load itself was rolled back).

    ``rejected``: the file itself was refused (its contents will fail again
    until re-delivered); otherwise the failure was the run's (a lost
    connection, a crash) and the next run loads the file again.
    """
    with conn.transaction():
        conn.execute(
            "update audit.batch set status = 'failed', error = %s, rejected = %s, rows_in = 0, rows_loaded = 0,"
            " rows_quarantined = 0, rows_warned = 0, ended_at = clock_timestamp() where batch_id = %s",
            (error[:2000], rejected, batch_id),
        )


class BinaryTypeMismatch(Exception):
    """A value's Python type does not fit its column in binary COPY: the batch is retried as text."""


#: Staging tables whose rows once failed binary COPY in this process: text from then on.
TEXT_ONLY: set[str] = set()


def _copy_types(conn: psycopg.Connection[Any], copy_columns: list[str]) -> list[str]:
    rows = conn.execute(
        "select a.attname, t.typname from pg_attribute a join pg_type t on t.oid = a.atttypid"
        " where a.attrelid = '_ld'::regclass and a.attnum > 0 and not a.attisdropped").fetchall()
    types = dict(rows)
    return [types[c] for c in copy_columns]


def land(conn: psycopg.Connection[Any], *, table: str, columns: list[str],
         items: Iterable[Row | Reject], src_key: Callable[[Row | Reject, int], str] | None = None,
         binary: bool = False, record_of: Callable[[Row], str] | None = None) -> Landed:
    """Validate ``items`` chunk by chunk and COPY them into the landing table ``_ld``.

    ``binary`` COPY is about twice as fast as text but needs every value of
    its column's Python type (the parsers' contract); a mismatch raises
    :class:`BinaryTypeMismatch` and the caller retries the batch as text.
    Rows failing a blocking expectation land with their reason and record
    only; Rejects land with the parser's reason. ``src_key`` (database
    sources) names a quarantined row's source version so that a re-read
    overlap can recognise it. ``record_of`` (database sources, whose rows
    are never settled as duplicates in SQL) builds a Row's record only when
    validation quarantines it; the others land without one. Returns the accumulated expectation statistics
    the seconds spent in Great Expectations and the GX result of the first chunk.
    """
    _run(conn, "load_temp", table, columns)
    t_setup = time.perf_counter()
    suite = validator(table)  # the first call in a process imports GX and builds the suite: counted as GX time
    stats = suite.new_stats()
    gx_seconds = time.perf_counter() - t_setup
    first: list[Any] = []
    width = len(columns)
    nulls = (None,) * width
    names = [*columns, "_line", "_record", "_reason", "_detail", "_warn", "_src_key"]
    copy_cols = sql.SQL(", ").join(sql.Identifier(c) for c in names)
    binary = binary and table not in TEXT_ONLY
    fmt = sql.SQL(" (format binary)") if binary else sql.SQL("")
    types = _copy_types(conn, names) if binary else None
    with conn.cursor() as cur, cur.copy(sql.SQL("copy _ld ({}) from stdin{}").format(copy_cols, fmt)) as copy:
        if types:
            copy.set_types(types)
        raw_write = copy.write_row

        def write(row: tuple[Any, ...]) -> None:
            try:
                raw_write(row)
            except TypeError as e:
                if not binary:
                    raise
                TEXT_ONLY.add(table)
                raise BinaryTypeMismatch(f"{table}: {e}") from e

        chunk: list[Row] = []

        def flush() -> None:
            nonlocal gx_seconds
            t0 = time.perf_counter()
            outcome = suite.validate(columns, [r.values for r in chunk], stats)
            gx_seconds += time.perf_counter() - t0
            if not first:
                first.append(outcome.result)
            blocking, details, warned = outcome.blocking, outcome.details, outcome.warned
            for pos, r in enumerate(chunk):
                reason = blocking.get(pos)
                if reason is None:
                    write((*r.values, r.line_no, None if record_of else r.record, None, None, pos in warned, None))
                else:
                    detail = "failed " + ", ".join(details[pos])
                    write((*nulls, r.line_no, record_of(r) if record_of else r.record, reason, detail, False,
                           src_key(r, pos) if src_key else None))
            chunk.clear()
            crash_point("ingest.copy")

        for item in items:
            if isinstance(item, Row):
                if len(item.values) != width:
                    raise ValueError(f"{table}: a parsed row has {len(item.values)} values, expected {width}")
                chunk.append(item)
                if len(chunk) >= CHUNK_ROWS:
                    flush()
            else:
                write((*nulls, item.line_no, item.record, item.reason, item.detail, False,
                       src_key(item, -1) if src_key else None))
        if chunk:
            flush()
    return Landed(stats, gx_seconds, first[0] if first else None)


def settle_file(conn: psycopg.Connection[Any], *, batch_id: int, system: str, source_name: str, table: str,
                columns: list[str], keys: tuple[str, ...], delivery_date: dt.date,
                replaces: list[int]) -> dict[str, int]:
    """Set-based end of a file batch: duplicates, superseded earlier loads, inserts, counts."""
    params = {"batch_id": batch_id, "system": system, "source_name": source_name, "delivery_date": delivery_date}
    _run(conn, "file_dedup", table, columns, keys=keys)
    for old in replaces:
        supersede(conn, table, old)
    _run(conn, "file_insert", table, columns, params)
    _run(conn, "quarantine_insert", table, columns, params)
    return _counts(conn)


def supersede(conn: psycopg.Connection[Any], table: str, old_batch: int) -> None:
    """Withdraw an earlier load: its staging rows and quarantine go, its audit row says 'superseded'."""
    _run(conn, "file_supersede", table, [], {"old_batch": old_batch})


def settle_db(conn: psycopg.Connection[Any], *, batch_id: int, system: str, source_name: str, table: str,
              columns: list[str], keys: tuple[str, ...], version: str | None) -> dict[str, int]:
    """Set-based end of a database increment: skip versions already held, insert, count."""
    params = {"batch_id": batch_id, "system": system, "source_name": source_name}
    if version is not None:
        _run(conn, "db_skip", table, columns, params, keys=keys, version=version)
    _run(conn, "db_insert", table, columns, params)
    _run(conn, "quarantine_insert", table, columns, params)
    return _counts(conn)


def _counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    row = conn.execute(_template("counts")).fetchone()
    assert row is not None
    return {"rows_in": int(row[0]), "rows_loaded": int(row[1]), "rows_quarantined": int(row[2]),
            "rows_warned": int(row[3])}


def close_batch(conn: psycopg.Connection[Any], *, batch_id: int, counts: dict[str, int], suite: str,
                stats: list[ExpectationStats], extra_columns: list[str] | None = None,
                watermark_from: dt.datetime | None = None, watermark_to: dt.datetime | None = None) -> None:
    """Mark the batch loaded with its counts and write its dq.result rows (same transaction as the load)."""
    conn.execute(_template("batch_close"), {
        **counts, "batch_id": batch_id, "extra_columns": extra_columns or None,
        "watermark_from": watermark_from, "watermark_to": watermark_to,
    })
    rows = []
    for st in stats:
        spec = st.spec
        observed = st.observed if st.observed is not None else (
            f"{st.unexpected_count} of {st.element_count} unexpected")
        rows.append((batch_id, suite, spec.type, spec.column or "", spec.blocking, st.success,
                     str(observed)[:500], st.element_count, st.unexpected_count,
                     json.dumps(st.sample, ensure_ascii=False) if st.sample else None))
    if rows:
        with conn.cursor() as cur:
            cur.executemany(
                "insert into dq.result (batch_id, suite, expectation, column_name, blocking, success,"
                " observed_value, element_count, unexpected_count, sample) values"
                " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)",
                rows,
            )
