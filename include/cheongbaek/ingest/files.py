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
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from cheongbaek import config
from cheongbaek.faults import crash_point
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
    unsafe_paths: list[str] = field(default_factory=list)  # links and devices in the drop, never opened
    missing_days: list[str] = field(default_factory=list)  # business days without a folder (YYYYMMDD)
    unknown_folders: list[str] = field(default_factory=list)  # folders not named as a day: left alone
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


class DeliveryError(RuntimeError):
    """The deliveries cannot be read at all (no drop folder): the run fails, naming what to fix."""


def missing_days(delivered: list[dt.date], as_of: dt.date) -> list[str]:
    """Business days between the first delivery and ``as_of`` (excluded) without a day folder.

    A producer writes a folder every business day, even a quiet one, so a
    gap is "a day that never comes" (legacy-interfaces.md), not a quiet day.
    ``as_of`` itself is left out: its delivery may still be on its way.
    """
    from cheongbaek.simulator.calendar import is_bday

    if not delivered:
        return []
    have = set(delivered)
    out: list[str] = []
    day = min(delivered)
    while day < as_of:
        if is_bday(day) and day not in have:
            out.append(f"{day:%Y%m%d}")
        day += dt.timedelta(days=1)
    return out


def _drop_root() -> Path:
    return config.drop_dir().resolve()


def _inside(path: Path, root: Path) -> bool:
    """True when ``path``, every link resolved, lies inside ``root`` (the resolved drop)."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return False


def day_folders(system: str, as_of: dt.date, summary: RunSummary | None = None) -> list[tuple[dt.date, Path]]:
    """The system's day folders dated on or before ``as_of``, oldest first (complete or not).

    Only real folders inside the drop count: a symbolic link (to a folder
    elsewhere, or back into the drop) is reported in ``summary.unsafe_paths``
    and never entered, so nothing outside the drop is ever read.
    """
    folder = source(system).folder or system
    root_dir = _drop_root()
    root = root_dir / folder
    if not root.is_dir():
        return []
    if root.is_symlink() or not _inside(root, root_dir):
        log.error("%s: the system folder %s is a link out of the drop: not read", system, root)
        if summary is not None:
            summary.unsafe_paths.append(f"{folder}: a symbolic link, not read")
        return []
    out = []
    for p in root.iterdir():
        if p.is_symlink():
            log.error("%s: %s is a symbolic link, not a day folder: not read", system, p.name)
            if summary is not None:
                summary.unsafe_paths.append(f"{p.name}: a symbolic link, not read")
            continue
        if not p.is_dir():
            if summary is not None:
                summary.unknown_files.append(p.name)
            log.warning("%s: %s is not a day folder: reported, left alone", system, p.name)
            continue
        try:
            if len(p.name) != 8 or not p.name.isdigit():
                raise ValueError(p.name)
            day = dt.datetime.strptime(p.name, "%Y%m%d").date()
        except ValueError:
            log.warning("%s: folder %s is not a day (YYYYMMDD): reported, left alone", system, p.name)
            if summary is not None:
                summary.unknown_folders.append(p.name)
            continue
        if day <= as_of:
            out.append((day, p))
    return sorted(out)


@dataclass(frozen=True)
class Previous:
    """What the warehouse holds of one file of one day: its newest batch and its last loaded one."""

    batch_id: int
    checksum: str | None
    status: str  # running, loaded or failed
    rejected: bool
    error: str | None
    loaded_batch: int | None  # the batch whose rows are in staging now, whatever failed after it


def _previous(conn: psycopg.Connection[Any], system: str, day: dt.date) -> dict[str, Previous]:
    """The newest batch of each file of a day, with the last loaded one (which a new delivery supersedes)."""
    rows = conn.execute(
        "select distinct on (source_name) source_name, batch_id, checksum, status, rejected, error,"
        " (select max(l.batch_id) from audit.batch l where l.system = b.system and l.delivery_date = b.delivery_date"
        "   and l.source_name = b.source_name and l.status = 'loaded')"
        " from audit.batch b"
        " where system = %s and delivery_date = %s and status in ('loaded', 'failed', 'running')"
        " order by source_name, batch_id desc",
        (system, day),
    ).fetchall()
    return {r[0]: Previous(int(r[1]), r[2], r[3], bool(r[4]), r[5], int(r[6]) if r[6] is not None else None)
            for r in rows}


def _lstat_regular(path: Path) -> bool:
    """A regular file itself (lstat: a symbolic link is not followed)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def ingest_files(conn: psycopg.Connection[Any], system: str, as_of: dt.date, summary: RunSummary) -> None:
    """Load every complete, not yet loaded (or changed) day folder of a file system up to ``as_of``."""
    from cheongbaek.ingest import parsers

    drop_root = _drop_root()
    if not drop_root.is_dir():
        raise DeliveryError(f"the drop folder {drop_root} does not exist: set CHEONGBAEK_DROP_DIR to the folder the "
                            "legacy systems deliver into (or run `cheongbaek simulate` for the embedded default)")
    folders = day_folders(system, as_of, summary)
    summary.missing_days = missing_days([day for day, _ in folders], as_of)
    if summary.missing_days:
        log.warning("%s: no delivery for business day(s) %s (a day that never came: ask the producer)", system,
                    ", ".join(summary.missing_days))
    for day, folder in folders:
        if not (folder / DONE).exists():
            log.warning("%s %s: no %s yet, folder skipped (still being written)", system, folder.name, DONE)
            summary.folders_without_done.append(folder.name)
            continue
        previous = _previous(conn, system, day)
        present: set[str] = set()
        for path in sorted(p for p in folder.iterdir() if p.name != DONE):
            kind = parsers.kind_for(system, path.name)
            regular = _lstat_regular(path) and _inside(path, drop_root)
            if kind is None:
                log.warning("%s %s: unknown file %s reported, not loaded", system, folder.name, path.name)
                summary.unknown_files.append(f"{folder.name}/{path.name}")
                continue
            present.add(path.name)
            prev = previous.get(path.name)
            if not regular:
                # named like a delivery but a link or a device: rejected without opening it
                checksum = "not-a-regular-file"
                if prev is not None and prev.checksum == checksum and prev.status == "failed":
                    summary.known_failures.append(f"{folder.name}/{path.name}: {prev.error}")
                    continue
                _reject(conn, system, day, path, as_of, checksum,
                        "not a regular file (a symbolic link or a device): not opened", summary, prev)
                continue
            checksum = sha256_of(path)
            if prev is not None and prev.checksum == checksum and prev.status == "loaded":
                summary.skipped_unchanged += 1
                continue
            if prev is not None and prev.checksum == checksum and prev.status == "failed" and prev.rejected:
                summary.known_failures.append(f"{folder.name}/{path.name}: {prev.error}")
                continue
            if prev is not None and prev.status == "running":  # a run that died mid-batch left it: never loaded
                loader.fail_batch(conn, prev.batch_id, f"{path.name}: interrupted (the run loading it ended early)")
            supersede = [prev.loaded_batch] if prev is not None and prev.loaded_batch is not None else []
            _load_file(conn, system, day, path, kind.table, checksum, as_of, supersede, summary)
        # a file of an earlier delivery that the new delivery no longer carries is withdrawn
        gone = [(name, prev) for name, prev in previous.items()
                if name not in present and prev.loaded_batch is not None]
        for name, prev in gone:
            kind = parsers.kind_for(system, name)
            if kind is None or prev.loaded_batch is None:
                continue
            with conn.transaction():
                loader.supersede(conn, kind.table, prev.loaded_batch)
            summary.superseded += 1
            log.info("%s %s: %s not in the new delivery, its earlier load withdrawn", system, folder.name, name)


def _reject(conn: psycopg.Connection[Any], system: str, day: dt.date, path: Path, as_of: dt.date,
            checksum: str | None, reason: str, summary: RunSummary, prev: Previous | None = None) -> None:
    """Record a file refused as a whole, never opened or not loadable: a failed, rejected batch."""
    if prev is not None and prev.status == "running":
        loader.fail_batch(conn, prev.batch_id, f"{path.name}: interrupted (the run loading it ended early)")
    batch_id = loader.open_batch(conn, system=system, source_name=path.name, delivery_date=day,
                                 logical_date=as_of, checksum=checksum)
    error = f"{path.name}: {reason}"
    loader.fail_batch(conn, batch_id, error, rejected=True)
    log.error("%s %s: batch %s rejected, nothing of the file loaded: %s", system, path.parent.name, batch_id, error)
    summary.failed.append(f"{path.parent.name}/{error}")


def _database_refusal(e: psycopg.Error) -> str:
    """Why the database refused a file's content, in words and without any value of the file.

    The server's message may quote the offending value; only its SQLSTATE
    class and a value-free description are kept, so no record (or RRN
    pseudonym) reaches the log or ``audit.batch``.
    """
    state = e.sqlstate or ""
    if state == "22021" or "0x00" in str(e):
        what = "a byte sequence the database cannot store (e.g. a NUL byte)"
    elif state == "22P04" or state.startswith("22P"):
        what = "a value the database cannot read"
    else:
        what = "a value the database refuses"
    return f"refused by the database: {what} (SQLSTATE {state or 'unknown'}); fix and re-deliver the file"


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
    except (CorruptFileError, psycopg.errors.DataError) as e:
        reason = e.reason if isinstance(e, CorruptFileError) else _database_refusal(e)
        error = f"{path.name}: {reason}"
        loader.fail_batch(conn, batch_id, error, rejected=True)
        log.error("%s %s: batch %s rejected, nothing of the file loaded: %s", system, path.parent.name, batch_id,
                  error)
        summary.failed.append(f"{path.parent.name}/{error}")
        return
    except Exception as e:
        # not the file's fault (connection lost, disk full): not rejected, the next attempt loads it again
        error = f"{path.name}: {type(e).__name__}: {e}"
        loader.fail_batch(conn, batch_id, error)
        raise
    crash_point("ingest.between_batches")
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


def rejected_on(conn: psycopg.Connection[Any], system: str, as_of: dt.date) -> list[str]:
    """Files rejected by a run of ``as_of`` and not loaded since: read from ``audit.batch``, not from memory.

    Why from the warehouse: a task killed between its load and its check, or
    retried by Airflow, must report the same rejections as the attempt that
    recorded them (a retry would otherwise see a known failure and go green).
    """
    rows = conn.execute(
        "select b.delivery_date, b.error from audit.batch b"
        " where b.system = %s and b.logical_date = %s and b.status = 'failed' and b.rejected"
        "   and not exists (select 1 from audit.batch n where n.system = b.system and n.source_name = b.source_name"
        "                   and n.delivery_date is not distinct from b.delivery_date and n.batch_id > b.batch_id"
        "                   and n.status in ('loaded', 'running'))"
        " order by b.delivery_date, b.source_name, b.batch_id",
        (system, as_of),
    ).fetchall()
    out: list[str] = []
    for day, error in rows:
        item = f"{day:%Y%m%d}/{error}" if day is not None else str(error)
        if item not in out:
            out.append(item)
    return out


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
