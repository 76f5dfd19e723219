"""``make bench``: the pipeline at scale, against the physical limit and a peer.

Simulates (once; cached under ``bench/cache/<scale>``) a world of >= 10M source
rows, runs every stage in its own process (time and peak RSS per stage and
system), then measures side by side in the same run:

* the limit: ``psql \\copy`` of the same parsed rows into an empty table;
* the peer: pandas ``to_sql`` with its default method on a 1M-row sample;
* GX's share of the ingestion wall time;
* a next day (the last delivered day, incremental) against the full run;
* each DAG file's parse time; the scenarios' time.

Writes a Markdown table and the raw JSON to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "include"))

SYSTEMS = ["finance", "tax", "duties", "hr", "construction", "realestate", "civil"]
TARGETS = {
    "load_vs_copy": 0.5,       # >= 0.5x psql \copy
    "load_vs_to_sql": 10.0,    # >= 10x pandas to_sql
    "next_day_share": 0.05,    # 1%-changed day <= 5% of a full run
    "gx_share": 0.15,          # GX <= 15% of ingestion wall time
    "parse_seconds": 1.0,      # <= 1 s per DAG file
    "scenario_seconds": 60.0,  # all scenarios <= 60 s
    "pipeline_rows_per_s": 50_000,
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run_stage(stage: str, arg: str, as_of: dt.date, env: dict[str, str]) -> dict:
    proc = subprocess.run([sys.executable, str(BENCH / "stage.py"), stage, arg, as_of.isoformat()],
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"stage {stage} {arg} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def simulate(scale: str, start: str, days: int, env: dict[str, str]) -> dict:
    home = Path(env["CHEONGBAEK_HOME"])
    manifest = home / "truth" / "manifest.json"
    params = {"scale": scale, "start": start, "days": days}
    marker = home / "bench_params.json"
    if manifest.exists() and marker.exists() and json.loads(marker.read_text()) == params:
        log(f"reusing the cached world in {home}")
        return json.loads(manifest.read_text()) | {"cached": True}
    log(f"simulating scale={scale} start={start} days={days} (cached afterwards)")
    t = time.perf_counter()
    code = (
        "import datetime as dt, json, resource, sys;"
        "from cheongbaek.simulator import simulate;"
        f"s = simulate(dt.date.fromisoformat('{start}'), {days}, scale='{scale}', progress=lambda m: print(m, file=sys.stderr));"
        "print(json.dumps({'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'summary': str(s)}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"simulation failed:\n{proc.stderr[-4000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    marker.write_text(json.dumps(params))
    result = json.loads(manifest.read_text())
    result["simulate_seconds"] = time.perf_counter() - t
    result["simulate_peak_rss_mb"] = out["peak_rss_mb"]
    return result


def reset_warehouse(env: dict[str, str]) -> None:
    os.environ.update(env)
    from cheongbaek import db
    from cheongbaek.migrate import migrate

    server = db.embedded_up()
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute('drop database if exists "warehouse" with (force)')
        conn.execute('create database "warehouse"')
    migrate()


def staging_rows(system: str) -> dict[str, int]:
    from cheongbaek import db
    from cheongbaek.ingest.parsers import FILE_KINDS
    from cheongbaek.ingest.records import DB_TABLES

    tables = ([t for t, _, _ in DB_TABLES[system].values()] if system in DB_TABLES
              else sorted({k.table for k in FILE_KINDS[system]}))
    with db.connect("cb_warehouse") as conn:
        return {t: conn.execute(f"select count(*) from staging.{t}").fetchone()[0] for t in tables}


def copy_limit(system: str, tables: dict[str, int]) -> dict:
    """psql \\copy of the rows already parsed (exported from staging) into empty tables."""
    from cheongbaek import db

    total_rows, total_seconds = 0, 0.0
    with tempfile.TemporaryDirectory() as tmp, db.connect("cb_warehouse", autocommit=True) as conn:
        conn.execute("create schema if not exists bench_copy")
        for table, rows in tables.items():
            if rows == 0:
                continue
            path = Path(tmp) / f"{table}.csv"
            with open(path, "wb") as fh, conn.cursor().copy(f"copy staging.{table} to stdout (format csv)") as cp:
                for chunk in cp:
                    fh.write(chunk)
            conn.execute(f"drop table if exists bench_copy.{table}")
            conn.execute(f"create unlogged table bench_copy.{table} (like staging.{table} including defaults)")
            t = time.perf_counter()
            subprocess.run([db.psql_path(), db.dsn("cb_warehouse"), "-v", "ON_ERROR_STOP=1", "-qc",
                            f"\\copy bench_copy.{table} from '{path}' with (format csv)"], check=True)
            total_seconds += time.perf_counter() - t
            total_rows += rows
            conn.execute(f"drop table bench_copy.{table}")
    return {"rows": total_rows, "seconds": total_seconds,
            "rows_per_s": total_rows / total_seconds if total_seconds else None}


def to_sql_peer(sample_rows: int) -> dict:
    """pandas to_sql with its default method on a sample of the biggest staging table."""
    import pandas as pd
    import sqlalchemy as sa

    from cheongbaek import db

    with db.connect("cb_warehouse") as conn:
        sizes = conn.execute(
            "select relname, n_live_tup from pg_stat_user_tables where schemaname = 'staging'"
            " order by n_live_tup desc limit 1").fetchone()
    table = sizes[0]
    uri = db.dsn("cb_warehouse").replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(uri)
    df = pd.read_sql(f"select * from staging.{table} limit {sample_rows}", engine)
    t = time.perf_counter()
    df.to_sql(f"bench_to_sql_{table}", engine, schema="public", if_exists="replace", index=False)
    seconds = time.perf_counter() - t
    with engine.begin() as c:
        c.execute(sa.text(f"drop table public.bench_to_sql_{table}"))
    return {"table": table, "rows": len(df), "seconds": seconds, "rows_per_s": len(df) / seconds}


def parse_times() -> dict[str, float]:
    probe = ("import json, sys, time, runpy; import airflow.sdk; t = time.perf_counter(); "
             "runpy.run_path(sys.argv[1]); print(json.dumps(time.perf_counter() - t))")
    out = {}
    for path in sorted((REPO / "dags").glob("*.py")):
        proc = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True)
        out[path.name] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def previous_delivery_day(drop: Path, as_of: dt.date) -> dt.date:
    days = sorted({dt.date.fromisoformat(f"{p.name[:4]}-{p.name[4:6]}-{p.name[6:]}")
                   for p in drop.glob("*/*") if p.is_dir() and p.name.isdigit() and len(p.name) == 8})
    earlier = [d for d in days if d < as_of]
    return earlier[-1] if earlier else as_of - dt.timedelta(days=1)


def run_pipeline(as_of: dt.date, env: dict[str, str], label: str) -> list[dict]:
    results = []
    for system in SYSTEMS:
        log(f"{label}: ingest {system}")
        results.append(run_stage("ingest", system, as_of, env))
    for stage in ("reconcile", "scenarios", "publish"):
        log(f"{label}: {stage}")
        results.append(run_stage(stage, "-", as_of, env))
    return results


def fmt(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="large")
    ap.add_argument("--start", default="2025-03-03")
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--sample", type=int, default=1_000_000, help="rows for the to_sql peer")
    args = ap.parse_args()

    home = BENCH / "cache" / str(args.scale)
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CHEONGBAEK_HOME=str(home))
    for var in ("AIRFLOW_CONN_CB_WAREHOUSE", "AIRFLOW_CONN_CB_LEGACY_FINANCE", "AIRFLOW_CONN_CB_LEGACY_CIVIL",
                "CHEONGBAEK_DROP_DIR", "CHEONGBAEK_PUBLISH_DIR"):
        env.pop(var, None)
    os.environ.update(env)

    world = simulate(args.scale, args.start, args.days, env)
    as_of = dt.date.fromisoformat(world["as_of"])
    prev = previous_delivery_day(home / "drop", as_of)
    reset_warehouse(env)

    wall = time.perf_counter()
    full = run_pipeline(prev, env, f"full run as of {prev}")
    full_seconds = time.perf_counter() - wall
    rows = {s: staging_rows(s) for s in SYSTEMS}
    source_rows = sum(sum(t.values()) for t in rows.values())

    t = time.perf_counter()
    nxt = run_pipeline(as_of, env, f"next day {as_of}")
    next_seconds = time.perf_counter() - t
    rows_after = {s: staging_rows(s) for s in SYSTEMS}
    changed = sum(sum(t.values()) for t in rows_after.values()) - source_rows

    log("limit: psql \\copy of the same parsed rows")
    limits = {s: copy_limit(s, rows_after[s]) for s in SYSTEMS}
    log(f"peer: pandas to_sql, {args.sample:,} rows")
    peer = to_sql_peer(args.sample)
    log("DAG parse times")
    parses = parse_times()

    lines = ["| stage | system | rows | seconds | rows/s | peak RSS MB | \\copy rows/s | vs \\copy | vs to_sql |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    ingest_seconds = gx_seconds = 0.0
    for r in full:
        sys_rows = sum(rows[r["arg"]].values()) if r["stage"] == "ingest" else source_rows
        rps = sys_rows / r["seconds"] if r["seconds"] else None
        lim = limits.get(r["arg"], {}) if r["stage"] == "ingest" else {}
        vs_copy = rps / lim["rows_per_s"] if rps and lim.get("rows_per_s") else None
        vs_peer = rps / peer["rows_per_s"] if rps and r["stage"] == "ingest" else None
        if r["stage"] == "ingest":
            ingest_seconds += r["seconds"]
            gx_seconds += float((r.get("summary") or {}).get("gx_seconds", 0) or 0)
        lines.append(f"| {r['stage']} | {r['arg']} | {sys_rows:,} | {fmt(r['seconds'])} | {fmt(rps, 0)} | "
                     f"{fmt(r['peak_rss_mb'], 0)} | {fmt(lim.get('rows_per_s'), 0)} | {fmt(vs_copy, 2)} | {fmt(vs_peer, 1)} |")
    scen = next(r for r in full if r["stage"] == "scenarios")
    summary = {
        "source_rows": source_rows,
        "full_run_seconds": full_seconds,
        "pipeline_rows_per_s": source_rows / full_seconds,
        "next_day_rows": changed,
        "next_day_seconds": next_seconds,
        "next_day_share": next_seconds / full_seconds,
        "gx_share": gx_seconds / ingest_seconds if ingest_seconds else None,
        "scenario_seconds": scen["seconds"],
        "to_sql": peer,
        "parse_seconds": parses,
        "simulate": {k: world.get(k) for k in ("simulate_seconds", "simulate_peak_rss_mb", "cached")},
    }
    extra = [
        "",
        f"- source rows: {source_rows:,}; full run {fmt(full_seconds)} s = **{fmt(summary['pipeline_rows_per_s'], 0)} rows/s** "
        f"(target >= {TARGETS['pipeline_rows_per_s']:,})",
        f"- next day ({changed:,} new row versions, {100 * changed / max(source_rows, 1):.2f}%): {fmt(next_seconds)} s = "
        f"**{100 * summary['next_day_share']:.1f}%** of the full run (target <= 5%)",
        f"- GX share of ingestion wall time: **{fmt(100 * summary['gx_share'] if summary['gx_share'] is not None else None)}%** (target <= 15%)",
        f"- pandas to_sql (default method) on {peer['rows']:,} rows of {peer['table']}: {fmt(peer['rows_per_s'], 0)} rows/s",
        f"- scenarios: **{fmt(scen['seconds'])} s** (target <= 60 s)",
        "- DAG parse time per file (target <= 1 s): " + ", ".join(f"{k} {v:.3f} s" for k, v in parses.items()),
    ]
    if not world.get("cached"):
        extra.append(f"- simulation: {fmt(world.get('simulate_seconds'))} s, peak RSS {fmt(world.get('simulate_peak_rss_mb'), 0)} MB")
    table = "\n".join(lines + extra)
    print("\n" + table)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / f"bench_{args.scale}_{stamp}.md").write_text(
        f"# Bench {args.scale} as of {as_of} ({stamp}), {os.cpu_count()} cores\n\n{table}\n")
    (BENCH / "results" / f"bench_{args.scale}_{stamp}.json").write_text(
        json.dumps({"full": full, "next": nxt, "limits": limits, "summary": summary}, indent=2, default=str))


if __name__ == "__main__":
    main()
