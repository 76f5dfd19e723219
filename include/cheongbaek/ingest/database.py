"""Database systems: incremental extraction by the upd_dt/upd_dtm watermark.

Why an overlap: rows are stamped to the second and several share a value, and
a transaction committing late may stamp a time just before the high-water
mark we already read. So each run re-reads ``OVERLAP`` before the mark; a
version already staged (same key and version) or already quarantined is
skipped in SQL, so each row version lands exactly once. Only rows known by
D (version < the start of D + 1) are read, so a run as of D never sees the
future. Code tables without a version column are read whole and kept as a
new batch only when their checksum changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql

from cheongbaek import config, db
from cheongbaek.ingest import loader
from cheongbaek.ingest.files import RunSummary
from cheongbaek.ingest.records import DB_TABLES, Reject, Row
from cheongbaek.sources import source

log = logging.getLogger(__name__)

#: How far before the high-water mark each run reads again.
OVERLAP = dt.timedelta(days=1)
#: Rows fetched per round trip from the source's server-side cursor.
ITERSIZE = 20_000


class _Empty(Exception):
    """Nothing new in the increment: the batch is rolled back and forgotten."""


def ingest_database(conn: psycopg.Connection[Any], system: str, as_of: dt.date, summary: RunSummary) -> None:
    """Extract every table of a database system known by ``as_of`` that is not staged yet."""
    src = source(system)
    assert src.conn_id and src.schema, f"{system} is not a database source"
    with db.connect(src.conn_id) as source_conn:
        for table, (staging_table, keys, version) in DB_TABLES[system].items():
            _ingest_table(conn, source_conn, system, src.schema, table, staging_table, keys, version, as_of, summary)
            source_conn.rollback()  # end the read transaction (and its server-side cursor)


def _ingest_table(conn: psycopg.Connection[Any], source_conn: psycopg.Connection[Any], system: str, schema: str,
                  table: str, staging_table: str, keys: tuple[str, ...], version: str | None, as_of: dt.date,
                  summary: RunSummary) -> None:
    from cheongbaek.ingest import dbrows

    source_name = f"{schema}.{table}"
    src_cols = list(dbrows.source_columns(system, table))
    stg_cols = list(dbrows.staging_columns(system, table))
    upper = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    lower: dt.datetime | None = None
    if version is not None:
        row = conn.execute("select high_water from audit.watermark where system = %s and source_name = %s",
                           (system, source_name)).fetchone()
        conn.commit()
        if row is not None:
            lower = row[0] - OVERLAP
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in src_cols)
    ident = sql.Identifier(schema, table)
    if version is None:
        query = sql.SQL("select {} from {} order by {}").format(
            cols, ident, sql.SQL(", ").join(sql.Identifier(k) for k in keys))
        params: tuple[Any, ...] = ()
    elif lower is None:
        query = sql.SQL("select {} from {} where {v} < %s order by {v}").format(cols, ident, v=sql.Identifier(version))
        params = (upper,)
    else:
        query = sql.SQL("select {} from {} where {v} >= %s and {v} < %s order by {v}").format(
            cols, ident, v=sql.Identifier(version))
        params = (lower, upper)

    key_pos = [stg_cols.index(k) for k in (*keys, *([version] if version else []))]
    src_key_pos = [src_cols.index(k) for k in (*keys, *([version] if version else []))]
    version_pos = src_cols.index(version) if version else None
    key = config.pseudonym_key()  # once, not per row
    digest = hashlib.sha256()
    high: list[dt.datetime] = []
    reject_keys: dict[int, str] = {}

    if version is None:
        records = source_conn.execute(query, params).fetchall()
        for rec in records:
            digest.update(repr(tuple(rec)).encode("utf-8"))
        checksum = digest.hexdigest()
        last = conn.execute(
            "select checksum from audit.batch where system = %s and source_name = %s and status = 'loaded'"
            " order by batch_id desc limit 1", (system, source_name)).fetchone()
        conn.commit()
        if last is not None and last[0] == checksum:
            summary.skipped_unchanged += 1
            return
        source_iter: Iterator[tuple[Any, ...]] = iter(records)
    else:
        checksum = None
        cursor = source_conn.cursor(name=f"cb_extract_{table}")
        cursor.itersize = ITERSIZE
        cursor.execute(query, params)
        source_iter = iter(cursor)

    def items() -> Iterator[Row | Reject]:
        for ordinal, rec in enumerate(source_iter, 1):
            if version_pos is not None:
                digest.update(repr(tuple(rec)).encode("utf-8"))
                v = rec[version_pos]
                if v is not None and (not high or v > high[0]):
                    high[:] = [v]
            raw = tuple(rec)
            item = dbrows.normalise(system, table, raw, as_of, key, with_record=False)
            if isinstance(item, Row):
                yield Row(ordinal, item.values, "", raw)
            else:
                reject_keys[ordinal] = "|".join(_key_text(rec[i]) for i in src_key_pos)
                yield Reject(ordinal, item.reason, item.detail, item.record)

    def record_of(item: Row) -> str:
        assert item.source is not None
        return dbrows.record_json(system, table, item.source, as_of, key)

    def src_key(item: Row | Reject, _pos: int) -> str:
        if isinstance(item, Row):
            return "|".join(_key_text(item.values[i]) for i in key_pos)
        return reject_keys.get(item.line_no, f"line {item.line_no}")

    t0 = time.perf_counter()
    batch_id = loader.open_batch(conn, system=system, source_name=source_name, delivery_date=None,
                                 logical_date=as_of, checksum=checksum)
    try:
        with conn.transaction():
            landed = loader.land(conn, table=staging_table, columns=stg_cols, items=items(),
                                            src_key=src_key if version else None, record_of=record_of)
            counts = loader.settle_db(conn, batch_id=batch_id, system=system, source_name=source_name,
                                      table=staging_table, columns=stg_cols, keys=keys, version=version)
            if counts["rows_in"] == 0:
                raise _Empty
            loader.close_batch(conn, batch_id=batch_id, counts=counts, suite=staging_table, stats=landed.stats,
                               watermark_from=lower, watermark_to=high[0] if high else None)
            if version is not None:
                conn.execute("update audit.batch set checksum = %s where batch_id = %s",
                             (digest.hexdigest(), batch_id))
            if high:
                conn.execute(
                    "insert into audit.watermark (system, source_name, high_water) values (%s, %s, %s)"
                    " on conflict (system, source_name) do update"
                    " set high_water = greatest(audit.watermark.high_water, excluded.high_water)",
                    (system, source_name, high[0]))
    except _Empty:
        with conn.transaction():
            conn.execute("delete from audit.batch where batch_id = %s", (batch_id,))
            if high:
                conn.execute(
                    "insert into audit.watermark (system, source_name, high_water) values (%s, %s, %s)"
                    " on conflict (system, source_name) do update"
                    " set high_water = greatest(audit.watermark.high_water, excluded.high_water)",
                    (system, source_name, high[0]))
        log.info("%s %s: nothing new up to %s", system, source_name, as_of)
        return
    except Exception as e:
        loader.fail_batch(conn, batch_id, f"{source_name}: {type(e).__name__}: {e}")
        raise
    summary.add(counts)
    t_keep = time.perf_counter()
    loader.keep_validation_result(staging_table, batch_id, source_name, landed)
    summary.gx_seconds += landed.gx_seconds + time.perf_counter() - t_keep
    log.info("%s %s: batch %s: %s new versions, %s loaded, %s quarantined, %s warnings (%.2fs, GX %.2fs)", system,
             source_name, batch_id, counts["rows_in"], counts["rows_loaded"], counts["rows_quarantined"],
             counts["rows_warned"], time.perf_counter() - t0, landed.gx_seconds)


def _key_text(value: Any) -> str:
    """A key or version value as text, the same for the raw and the normalised form of simple values."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value)
