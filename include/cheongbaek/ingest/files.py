"""File systems: every complete day folder up to D, oldest first, each file one batch.

Why per file and by checksum: a producer may deliver a day again; the new
files replace that day's earlier load entirely (their rows and quarantine are
deleted, the old batches marked 'superseded'), while an unchanged file is
never loaded twice, so re-running any interval is a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from cheongbaek import config
from cheongbaek.ingest import loader
from cheongbaek.ingest.records import FILE_KEYS, CorruptFileError
from cheongbaek.sources import source

log = logging.getLogger(__name__)

DONE = "_DONE"


@dataclass
class RunSummary:
    """What one ingest run did: counts and names only, never a record."""

    system: str
    as_of: dt.date
    batches: int = 0
    rows_in: int = 0
    loaded: int = 0
    quarantined: int = 0
    warned: int = 0
    superseded: int = 0
    skipped_unchanged: int = 0
    folders_without_done: list[str] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)  # "<file or table>: <reason>", new failures of this run
    known_failures: list[str] = field(default_factory=list)  # failures recorded by an earlier run, unchanged since
    seconds: float = 0.0
    gx_seconds: float = 0.0

    def add(self, counts: dict[str, int]) -> None:
        self.batches += 1
        self.rows_in += counts["rows_in"]
        self.loaded += counts["rows_loaded"]
        self.quarantined += counts["rows_quarantined"]
        self.warned += counts["rows_warned"]

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items()}
        out["as_of"] = self.as_of.isoformat()
        out["seconds"] = round(self.seconds, 3)
        out["gx_seconds"] = round(self.gx_seconds, 3)
        out["gx_share"] = round(self.gx_seconds / self.seconds, 3) if self.seconds else 0.0
        return out


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def day_folders(system: str, as_of: dt.date) -> list[tuple[dt.date, Path]]:
    """The system's day folders dated on or before ``as_of``, oldest first (complete or not)."""
    folder = source(system).folder or system
    root = config.drop_dir() / folder
    if not root.is_dir():
        return []
    out = []
    for p in root.iterdir():
        if not p.is_dir() or len(p.name) != 8 or not p.name.isdigit():
            continue
        try:
            day = dt.datetime.strptime(p.name, "%Y%m%d").date()
        except ValueError:
            log.warning("ignoring folder %s: not a date", p)
            continue
        if day <= as_of:
            out.append((day, p))
    return sorted(out)


def _previous(conn: psycopg.Connection[Any], system: str, day: dt.date) -> dict[str, tuple[int, str | None, str]]:
    """The latest loaded or failed batch of each file of a day: name -> (batch_id, checksum, status)."""
    rows = conn.execute(
        "select distinct on (source_name) source_name, batch_id, checksum, status, error from audit.batch"
        " where system = %s and delivery_date = %s and status in ('loaded', 'failed', 'running')"
        " order by source_name, batch_id desc",
        (system, day),
    ).fetchall()
    return {r[0]: (int(r[1]), r[2], r[3] if r[3] != "failed" else f"failed: {r[4]}") for r in rows}


def ingest_files(conn: psycopg.Connection[Any], system: str, as_of: dt.date, summary: RunSummary) -> None:
    """Load every complete, not yet loaded (or changed) day folder of a file system up to ``as_of``."""
    from cheongbaek.ingest import parsers

    for day, folder in day_folders(system, as_of):
        if not (folder / DONE).exists():
            log.warning("%s %s: no %s yet, folder skipped (still being written)", system, folder.name, DONE)
            summary.folders_without_done.append(folder.name)
            continue
        previous = _previous(conn, system, day)
        present: set[str] = set()
        for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != DONE):
            kind = parsers.kind_for(system, path.name)
            if kind is None:
                log.warning("%s %s: unknown file %s reported, not loaded", system, folder.name, path.name)
                summary.unknown_files.append(f"{folder.name}/{path.name}")
                continue
            present.add(path.name)
            checksum = sha256_of(path)
            prev = previous.get(path.name)
            if prev is not None and prev[1] == checksum and prev[2] != "running":
                if prev[2].startswith("failed"):
                    summary.known_failures.append(f"{folder.name}/{path.name}: {prev[2][8:]}")
                else:
                    summary.skipped_unchanged += 1
                continue
            if prev is not None and prev[2] == "running":  # a run that died mid-batch left it: never loaded
                loader.fail_batch(conn, prev[0], f"{path.name}: interrupted (the run loading it ended early)")
            supersede = [prev[0]] if prev is not None and prev[2] == "loaded" else []
            _load_file(conn, system, day, path, kind.table, checksum, as_of, supersede, summary)
        # a file of an earlier delivery that the new delivery no longer carries is withdrawn
        gone = [(name, prev) for name, prev in previous.items() if name not in present and prev[2] == "loaded"]
        for name, prev in gone:
            kind = parsers.kind_for(system, name)
            if kind is None:
                continue
            with conn.transaction():
                loader.supersede(conn, kind.table, prev[0])
            summary.superseded += 1
            log.info("%s %s: %s not in the new delivery, its earlier load withdrawn", system, folder.name, name)


def _load_file(conn: psycopg.Connection[Any], system: str, day: dt.date, path: Path, table: str, checksum: str,
               as_of: dt.date, supersede: list[int], summary: RunSummary) -> None:
    t0 = time.perf_counter()
    batch_id = loader.open_batch(conn, system=system, source_name=path.name, delivery_date=day,
                                 logical_date=as_of, checksum=checksum)
    try:
        try:
            landed, counts, extra = _load_once(conn, system, day, path, table, batch_id, supersede, binary=True)
        except loader.BinaryTypeMismatch as e:
            log.warning("%s: binary COPY refused a value type (%s); loading %s again as text", system, e, path.name)
            landed, counts, extra = _load_once(conn, system, day, path, table, batch_id, supersede, binary=False)
    except CorruptFileError as e:
        error = f"{path.name}: {e.reason}"
        loader.fail_batch(conn, batch_id, error)
        log.error("%s %s: batch %s failed, nothing of the file loaded: %s", system, path.parent.name, batch_id, error)
        summary.failed.append(f"{path.parent.name}/{error}")
        return
    except Exception as e:
        error = f"{path.name}: {type(e).__name__}: {e}"
        loader.fail_batch(conn, batch_id, error)
        raise
    summary.add(counts)
    summary.superseded += len(supersede)
    t_keep = time.perf_counter()
    loader.keep_validation_result(table, batch_id, path.name, landed)
    summary.gx_seconds += landed.gx_seconds + time.perf_counter() - t_keep
    if extra:
        summary.extra_columns[f"{day:%Y%m%d}/{path.name}"] = extra
        log.warning("%s %s: %s has unknown columns %s, kept out of the warehouse", system, path.parent.name,
                    path.name, extra)
    log.info("%s %s/%s: batch %s: %s in, %s loaded, %s quarantined, %s warnings (%.2fs, GX %.2fs)", system,
             path.parent.name, path.name, batch_id, counts["rows_in"], counts["rows_loaded"],
             counts["rows_quarantined"], counts["rows_warned"], time.perf_counter() - t0, landed.gx_seconds)


def _load_once(conn: psycopg.Connection[Any], system: str, day: dt.date, path: Path, table: str, batch_id: int,
               supersede: list[int], binary: bool) -> tuple[loader.Landed, dict[str, int], list[str]]:
    """Parse, validate, land and settle one file in one transaction (all or nothing)."""
    from cheongbaek.ingest import parsers

    with conn.transaction():
        parsed = parsers.parse_file(system, path, day)
        if parsed.table != table:
            raise CorruptFileError(path, f"parser gave table {parsed.table}, expected {table}")
        landed = loader.land(conn, table=table, columns=parsed.columns, items=parsed.items, binary=binary)
        counts = loader.settle_file(conn, batch_id=batch_id, system=system, source_name=path.name, table=table,
                                    columns=parsed.columns, keys=FILE_KEYS[table], delivery_date=day,
                                    replaces=supersede)
        extra = list(parsed.extra_columns)
        loader.close_batch(conn, batch_id=batch_id, counts=counts, suite=table, stats=landed.stats,
                           extra_columns=extra)
    return landed, counts, extra
