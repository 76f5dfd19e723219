"""The ingest entry point: one legacy system, as of a day D.

Files systems load their complete day folders up to D (``files.py``),
database systems their increments known by D (``database.py``); both
validate with Great Expectations and load by COPY (``loader.py``).
Afterwards the GX Data Docs of the run's batches are rebuilt for auditors.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from cheongbaek import db
from cheongbaek.ingest.files import RunSummary, ingest_files, rejected_on
from cheongbaek.locks import writer_lock
from cheongbaek.sources import source

log = logging.getLogger(__name__)


class IngestError(RuntimeError):
    """One or more files of the run failed as a whole (each named with its reason); the rest was loaded."""

    def __init__(self, system: str, failures: list[str], summary: dict[str, Any]) -> None:
        super().__init__(f"ingest {system}: {len(failures)} file(s) failed, nothing of them loaded: "
                         + "; ".join(failures))
        self.failures = failures
        self.summary = summary


def _close_interrupted(conn: Any, system: str) -> None:
    """Batches of this system still 'running' under our lock belong to a run that died: mark them failed.

    Only a holder of the system's writer lock may call this, so no live run
    can own them. Not rejections: their files (or increments) load again.
    """
    closed = conn.execute(
        "update audit.batch set status = 'failed', rejected = false, rows_in = 0, rows_loaded = 0,"
        " rows_quarantined = 0, rows_warned = 0, ended_at = clock_timestamp(),"
        " error = source_name || ': interrupted (the run loading it ended early)'"
        " where system = %s and status = 'running' returning batch_id", (system,)).fetchall()
    if closed:
        log.warning("%s: %s batch(es) left running by an interrupted run marked failed; loading them again",
                    system, len(closed))


def ingest_system(system: str, as_of: dt.date, strict: bool = True) -> dict[str, Any]:
    """Ingest one system as of ``as_of``; returns a small PII-free summary.

    A file failing as a whole (corrupt, missing column) is recorded as a
    failed batch and, once the rest of the run is loaded, raises
    :class:`IngestError` naming each file and reason (unless ``strict`` is
    False, for callers that read the failures from the summary). A failure
    already recorded for the same file contents is reported in
    ``known_failures`` and does not fail the run again: the delivery must
    change (a corrected day) for anything new to happen.
    """
    src = source(system)
    summary = RunSummary(system=system, as_of=as_of)
    t0 = time.perf_counter()
    with db.connect("cb_warehouse", autocommit=True) as conn, writer_lock(conn, f"ingest:{system}"):
        _close_interrupted(conn, system)
        if src.kind == "files":
            ingest_files(conn, system, as_of, summary)
            # what this day's runs rejected, read back from audit.batch: a retry reports it again
            summary.failed = rejected_on(conn, system, as_of) + summary.unsafe_paths
            summary.known_failures = [k for k in summary.known_failures if k not in summary.failed]
        else:
            from cheongbaek.ingest.database import ingest_database

            ingest_database(conn, system, as_of, summary)
    if summary.batches:
        t_docs = time.perf_counter()
        try:
            from cheongbaek.validation.docs import build_data_docs

            build_data_docs(system)
        except Exception:  # documentation must never fail a load that succeeded
            log.exception("GX Data Docs could not be rebuilt for %s", system)
        summary.gx_seconds += time.perf_counter() - t_docs  # Data Docs are GX's work too
    summary.seconds = time.perf_counter() - t0
    result = summary.as_dict()
    log.info("ingest %s as of %s: %s batches, %s in, %s loaded, %s quarantined, %s warnings, %.1fs (GX %.0f%%)",
             system, as_of, summary.batches, summary.rows_in, summary.loaded, summary.quarantined, summary.warned,
             summary.seconds, 100 * result["gx_share"])
    if summary.failed and strict:
        raise IngestError(system, summary.failed, result)
    return result
