"""Crash consistency (issue 17, point 5): kill -9 inside every stage, rerun, compare with an uninterrupted run.

Each stage runs in its own worker process (as an Airflow task would); a
crash point (``cheongbaek.faults``) makes the worker SIGKILL itself at a
named instant: during a COPY, between two batches, inside reconcile's
transaction, during publish before and after the ``latest`` switch. The
worker is then simply run again, as Airflow's retry would. Afterwards every
table of staging, quarantine, core and monitoring and the published files
must equal those of an uninterrupted run on the same world: no row lost,
none doubled, no batch left running, ``latest`` complete and recorded, and
no stale lock blocking the rerun.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from cheongbaek.sources import sources

STAGE_CODE = {
    "ingest": "from cheongbaek.ingest.runner import ingest_system as f; r = f({arg!r}, D, strict=False)",
    "reconcile": "from cheongbaek.reconcile.runner import reconcile as f; r = f(D)",
    "scenarios": "from cheongbaek.scenarios.runner import run_scenarios as f; r = f(D)",
    "publish": "from cheongbaek.publish.runner import publish as f; r = f(D)",
}

#: (stage, argument, crash point) killed once each in the interrupted run.
CRASHES = [
    ("ingest", "tax", "ingest.copy"),
    ("ingest", "hr", "ingest.between_batches"),
    ("ingest", "finance", "ingest.copy"),
    ("reconcile", None, "reconcile.transaction"),
    ("publish", None, "publish.before_switch"),
    ("publish", None, "publish.after_switch"),
]


def _worker(stage: str, arg: str | None, as_of: dt.date, env: dict[str, str], crash: str | None = None) -> int:
    code = f"import datetime as dt; D = dt.date.fromisoformat({as_of.isoformat()!r}); " + \
        STAGE_CODE[stage].format(arg=arg)
    run_env = dict(env)
    if crash:
        run_env["CHEONGBAEK_CRASH_AT"] = crash
    proc = subprocess.run([sys.executable, "-c", code], env=run_env, capture_output=True, text=True, timeout=900)
    if proc.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(f"{stage} {arg or ''} failed:\n{proc.stderr[-3000:]}")
    return proc.returncode


def _pipeline(as_of: dt.date, env: dict[str, str], crashes: list[tuple[str, str | None, str]]) -> list[str]:
    """Every stage in order; a stage listed in ``crashes`` is killed at its point, then rerun."""
    killed: list[str] = []
    steps = [("ingest", s.system) for s in sources()] + [("reconcile", None), ("scenarios", None),
                                                         ("publish", None)]
    for stage, arg in steps:
        for c_stage, c_arg, point in crashes:
            if c_stage == stage and c_arg == arg:
                if _worker(stage, arg, as_of, env, crash=point) == -signal.SIGKILL:
                    killed.append(point)
        assert _worker(stage, arg, as_of, env) == 0
    return killed


def _comparable_columns(conn: psycopg.Connection, schema: str, table: str) -> list[str]:
    """Columns whose values do not depend on run order or time (no batch ids, surrogate keys, clocks)."""
    rows = conn.execute(
        "select column_name, data_type, coalesce(column_default, '') from information_schema.columns"
        " where table_schema = %s and table_name = %s order by ordinal_position", (schema, table)).fetchall()
    return [name for name, dtype, default in rows
            if not (name == "batch_id" or name.endswith("_sk") or name.endswith("_id") and "nextval" in default
                    or dtype.startswith("timestamp with time zone") or default.startswith("nextval")
                    or name in ("seconds", "ms")  # how long a step took
                    or table.endswith("_run") and dtype in ("json", "jsonb"))]  # a run log (timings inside)


def _snapshot(uri: str) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    with psycopg.connect(uri) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
            " and table_schema in ('staging', 'quarantine', 'core', 'monitoring', 'scenario_input', 'disclosure')"
            " order by 1, 2").fetchall()
        for schema, table in tables:
            cols = _comparable_columns(conn, schema, table)
            if not cols:
                continue
            select = ", ".join(f'"{c}"::text' for c in cols)
            rows = conn.execute(f'select {select} from "{schema}"."{table}"').fetchall()  # noqa: S608
            out[f"{schema}.{table}"] = sorted(rows, key=lambda r: tuple("" if v is None else v for v in r))
    return out


def _batches(uri: str) -> dict[str, int]:
    with psycopg.connect(uri) as conn:
        return dict(conn.execute("select status, count(*) from audit.batch group by 1").fetchall())


@pytest.mark.integration
def test_kill_9_in_every_stage_loses_and_doubles_nothing(pg_server: str, fresh_db, tmp_path: Path,  # noqa: ANN001
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from cheongbaek.migrate import migrate
    from cheongbaek.simulator import simulate

    fin, civ = fresh_db("fin"), fresh_db("civ")
    drop = tmp_path / "drop"
    drop.mkdir()
    monkeypatch.setenv("AIRFLOW_CONN_CB_LEGACY_FINANCE", fin)
    monkeypatch.setenv("AIRFLOW_CONN_CB_LEGACY_CIVIL", civ)
    monkeypatch.setenv("CHEONGBAEK_DROP_DIR", str(drop))
    truth = tmp_path / "truth"
    simulate(dt.date(2025, 3, 3), 8, scale="tiny", seed=11, truth_dir=truth)
    as_of = dt.date.fromisoformat(json.loads((truth / "manifest.json").read_text())["as_of"])

    runs: dict[str, tuple[str, Path]] = {}
    for name in ("clean", "crashed"):
        uri = fresh_db(f"wh_{name}")
        monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", uri)
        migrate()
        runs[name] = (uri, tmp_path / f"publish_{name}")
    env_of = {name: dict(os.environ, AIRFLOW_CONN_CB_WAREHOUSE=uri, CHEONGBAEK_PUBLISH_DIR=str(pub))
              for name, (uri, pub) in runs.items()}

    assert _pipeline(as_of, env_of["clean"], []) == []
    killed = _pipeline(as_of, env_of["crashed"], CRASHES)
    assert sorted(killed) == sorted(point for _, _, point in CRASHES)  # every crash point was reached

    clean, crashed = _snapshot(runs["clean"][0]), _snapshot(runs["crashed"][0])
    assert clean.keys() == crashed.keys()
    for table in clean:
        assert crashed[table] == clean[table], f"{table} differs after the crashes"
    assert sum(len(rows) for rows in clean.values()) > 1000  # the world is not trivially empty

    batches = _batches(runs["crashed"][0])
    assert "running" not in batches
    assert batches.get("loaded") == _batches(runs["clean"][0]).get("loaded")

    # latest: a complete publication, identical to the uninterrupted one, and recorded
    latest_clean = runs["clean"][1] / "latest"
    latest_crashed = runs["crashed"][1] / "latest"
    assert latest_crashed.is_symlink()
    cmp = filecmp.dircmp(latest_clean.resolve(), latest_crashed.resolve())
    names = [n for n in cmp.common_files if n.endswith((".csv", ".json"))]
    assert names, "nothing compared"
    _, mismatch, errors = filecmp.cmpfiles(latest_clean.resolve(), latest_crashed.resolve(), names, shallow=False)
    assert (mismatch, errors) == ([], [])
    assert not cmp.left_only and not cmp.right_only
    with psycopg.connect(runs["crashed"][0]) as conn:
        recorded = {Path(r[0]).name for r in conn.execute(
            "select folder from audit.publication where status = 'published'")}
    assert latest_crashed.resolve().name in recorded
    # nothing half-written under a publication's name
    for p in runs["crashed"][1].iterdir():
        if p.is_dir() and not p.is_symlink() and not p.name.startswith("failed-"):
            assert p.name in recorded, f"{p.name} is a folder under a publication's name with no audit row"
