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

#: A number of source rows: the simulator's factor is rows // 2500 (4600 here; 'large' = 4000 gives ~9.1M rows
#: over 10 days, so this gives ~10.5M).
DEFAULT_SCALE = "11500000"

def _systems() -> list[str]:
    """Every legacy system of the interface catalog, in the interface page's order."""
    from cheongbaek import interfaces

    return list(interfaces.catalog())


SYSTEMS = _systems()
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


def _scale_arg(scale: str) -> str | int:
    """tiny / small / large, or a number of source rows (digits, '_' allowed)."""
    digits = scale.replace("_", "")
    return int(digits) if digits.isdigit() else scale


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
        f"s = simulate(dt.date.fromisoformat('{start}'), {days}, scale={_scale_arg(scale)!r}, progress=lambda m: print(m, file=sys.stderr));"
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
    from cheongbaek import db, interfaces

    spec = interfaces.system(system)
    tables = ([t.table for t in spec.tables] if spec.kind == "database"
              else sorted({f.table for f in spec.files}))
    with db.connect("cb_warehouse") as conn:
        return {t: conn.execute(f"select count(*) from staging.{t}").fetchone()[0] for t in tables}


def copy_limit(system: str, tables: dict[str, int]) -> dict:
    """psql \\copy of the rows already parsed (exported from staging as CSV) into empty tables.

    Two targets, each timed: ``raw``, an unlogged table without indexes (the
    physical limit of the server), and ``like``, a logged table with staging's
    own indexes and constraints (what the loader must produce). The targets
    are judged against ``raw``, the stricter one.
    """
    from cheongbaek import db

    out = {v: {"rows": 0, "seconds": 0.0} for v in ("raw", "like")}
    with tempfile.TemporaryDirectory() as tmp, db.connect("cb_warehouse", autocommit=True) as conn:
        conn.execute("create schema if not exists bench_copy")
        for table, rows in tables.items():
            if rows == 0:
                continue
            path = Path(tmp) / f"{table}.csv"
            with open(path, "wb") as fh, conn.cursor().copy(f"copy staging.{table} to stdout (format csv)") as cp:
                for chunk in cp:
                    fh.write(chunk)
            for variant, ddl in (("raw", f"create unlogged table bench_copy.{table} (like staging.{table} including defaults)"),
                                 ("like", f"create table bench_copy.{table} (like staging.{table} including all)")):
                conn.execute(f"drop table if exists bench_copy.{table}")
                conn.execute(ddl)
                conn.execute("checkpoint")
                t = time.perf_counter()
                subprocess.run([db.psql_path(), db.dsn("cb_warehouse"), "-v", "ON_ERROR_STOP=1", "-qc",
                                f"\\copy bench_copy.{table} from '{path}' with (format csv)"], check=True)
                out[variant]["seconds"] += time.perf_counter() - t
                out[variant]["rows"] += rows
                conn.execute(f"drop table bench_copy.{table}")
            path.unlink()
    for v in out.values():
        v["rows_per_s"] = v["rows"] / v["seconds"] if v["seconds"] else None
    return out["raw"] | {"like": out["like"]}


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


#: The stages after ingest; ``--skip-publish`` drops publish (at 10M rows its privacy guard takes hours).
STAGES = ["reconcile", "scenarios", "publish"]
#: Every stage's result as soon as it ends, so that a run stopped half way leaves its numbers behind.
PROGRESS: dict[str, list[dict]] = {}
PROGRESS_FILE: list[Path] = []


def _progress(label: str, result: dict) -> dict:
    PROGRESS.setdefault(label, []).append(result)
    if PROGRESS_FILE:
        PROGRESS_FILE[0].write_text(json.dumps(PROGRESS, indent=2, default=str))
    return result


def run_pipeline(as_of: dt.date, env: dict[str, str], label: str, compare: list[dict] | None = None) -> list[dict]:
    """Every stage in order; with ``compare``, first a rolled-back reconcile recomputing every key into it."""
    results = []
    for system in SYSTEMS:
        log(f"{label}: ingest {system}")
        results.append(_progress(label, run_stage("ingest", system, as_of, env)))
    if compare is not None:
        log(f"{label}: reconcile recomputing every affected key (rolled back, for comparison)")
        compare.append(_progress(label, run_stage("reconcile-recompute", "-", as_of, env)))
    for stage in STAGES:
        log(f"{label}: {stage}")
        results.append(_progress(label, run_stage(stage, "-", as_of, env)))
    return results


def fmt(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def stage_rows(r: dict, source_rows: int) -> int:
    """Rows a stage handled: an ingest's rows read (loaded + quarantined), else the run's source rows."""
    return int((r.get("summary") or {}).get("rows_in", 0)) if r["stage"] == "ingest" else source_rows


def gx_of(r: dict) -> float:
    return float((r.get("summary") or {}).get("gx_seconds", 0) or 0) if r["stage"] == "ingest" else 0.0


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("**holds**" if ok else "**falls short**")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default=DEFAULT_SCALE,
                    help="tiny, small, large or a number of source rows (default: %(default)s, >= 10M rows)")
    ap.add_argument("--simulate-only", action="store_true", help="simulate (or reuse) the world and stop")
    ap.add_argument("--start", default="2025-03-03")
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--sample", type=int, default=1_000_000, help="rows for the to_sql peer")
    ap.add_argument("--skip-publish", action="store_true",
                    help="leave publish out of both runs (every figure but publish's; said so in the results)")
    args = ap.parse_args()
    if args.skip_publish:
        STAGES.remove("publish")

    home = BENCH / "cache" / str(args.scale)
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CHEONGBAEK_HOME=str(home))
    for var in ("AIRFLOW_CONN_CB_WAREHOUSE", "AIRFLOW_CONN_CB_LEGACY_FINANCE", "AIRFLOW_CONN_CB_LEGACY_CIVIL",
                "CHEONGBAEK_DROP_DIR", "CHEONGBAEK_PUBLISH_DIR"):
        env.pop(var, None)
    os.environ.update(env)

    loadavg = {"start": load()}
    world = simulate(args.scale, args.start, args.days, env)
    if args.simulate_only:
        log(f"world ready: {sum(world.get('rows_written', {}).values()):,} rows")
        return
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (BENCH / "results").mkdir(exist_ok=True)
    PROGRESS_FILE.append(BENCH / "results" / f"bench_{args.scale}_{stamp}.partial.json")
    as_of = dt.date.fromisoformat(world["as_of"])
    prev = previous_delivery_day(home / "drop", as_of)
    reset_warehouse(env)

    loadavg["full_start"] = load()
    wall = time.perf_counter()
    full = run_pipeline(prev, env, f"full run as of {prev}")
    full_seconds = time.perf_counter() - wall
    ingest_full = {r["arg"]: r for r in full if r["stage"] == "ingest"}
    source_rows = sum(stage_rows(r, 0) for r in ingest_full.values())

    # The next day: the last delivered day, incremental on top of the full run (ingest, reconcile, scenarios,
    # publish), against the full run's total.
    loadavg["next_start"] = load()
    recompute: list[dict] = []
    t = time.perf_counter()
    nxt = run_pipeline(as_of, env, f"next day {as_of}", compare=recompute)
    next_seconds = time.perf_counter() - t - sum(r["seconds"] for r in recompute)  # the comparison is not the day's
    next_by = {(r["stage"], r["arg"]): r for r in nxt}
    next_rows = sum(stage_rows(r, 0) for r in nxt if r["stage"] == "ingest")
    rows_after = {s: staging_rows(s) for s in SYSTEMS}
    loadavg["next_end"] = load()

    log("limit: psql \\copy of the same parsed rows")
    limits = {s: copy_limit(s, rows_after[s]) for s in SYSTEMS}
    log(f"peer: pandas to_sql, {args.sample:,} rows")
    peer = to_sql_peer(args.sample)
    log("DAG parse times")
    parses = parse_times()
    loadavg["end"] = load()

    ingest_seconds = sum(r["seconds"] for r in ingest_full.values())
    gx_seconds = sum(gx_of(r) for r in ingest_full.values())
    load_rps = source_rows / ingest_seconds if ingest_seconds else None
    copy_rows = sum(v["rows"] for v in limits.values())
    copy_secs = sum(v["seconds"] for v in limits.values())
    copy_rps = copy_rows / copy_secs if copy_secs else None
    like_rows = sum(v["like"]["rows"] for v in limits.values())
    like_secs = sum(v["like"]["seconds"] for v in limits.values())
    like_rps = like_rows / like_secs if like_secs else None

    lines = ["| stage | system | rows | seconds | rows/s | peak RSS MB | GX s | \\copy rows/s | vs \\copy | vs to_sql "
             "| next day rows | next day s | next day RSS MB |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    if not world.get("cached"):
        sim_rows = sum(world.get("rows_written", {}).values())
        sim_s = world.get("simulate_seconds")
        lines.append(f"| simulate | all | {sim_rows:,} | {fmt(sim_s)} | {fmt(sim_rows / sim_s if sim_s else None, 0)} | "
                     f"{fmt(world.get('simulate_peak_rss_mb'), 0)} | | | | | | | |")
    for r in full:
        n = stage_rows(r, source_rows)
        rps = n / r["seconds"] if r["seconds"] else None
        lim = limits.get(r["arg"], {}) if r["stage"] == "ingest" else {}
        vs_copy = rps / lim["rows_per_s"] if rps and lim.get("rows_per_s") else None
        vs_peer = rps / peer["rows_per_s"] if rps and r["stage"] == "ingest" else None
        nx = next_by.get((r["stage"], r["arg"]), {})
        nx_rows = stage_rows(nx, next_rows) if nx else None
        lines.append(f"| {r['stage']} | {r['arg']} | {n:,} | {fmt(r['seconds'])} | {fmt(rps, 0)} | "
                     f"{fmt(r['peak_rss_mb'], 0)} | {fmt(gx_of(r)) if r['stage'] == 'ingest' else ''} | "
                     f"{fmt(lim.get('rows_per_s'), 0)} | {fmt(vs_copy, 2)} | {fmt(vs_peer, 1)} | "
                     f"{'' if nx_rows is None else f'{nx_rows:,}'} | {fmt(nx.get('seconds'))} | "
                     f"{fmt(nx.get('peak_rss_mb'), 0)} |")
    lines.append(f"| **ingest** | all | {source_rows:,} | {fmt(ingest_seconds)} | {fmt(load_rps, 0)} | | {fmt(gx_seconds)} | "
                 f"{fmt(copy_rps, 0)} | {fmt(load_rps / copy_rps if load_rps and copy_rps else None, 2)} | "
                 f"{fmt(load_rps / peer['rows_per_s'] if load_rps else None, 1)} | {next_rows:,} | "
                 f"{fmt(sum(r['seconds'] for r in nxt if r['stage'] == 'ingest'))} | |")
    lines.append(f"| **pipeline** | all | {source_rows:,} | {fmt(full_seconds)} | {fmt(source_rows / full_seconds, 0)} | "
                 f"| | | | | {next_rows:,} | {fmt(next_seconds)} | |")

    scen = next(r for r in full if r["stage"] == "scenarios")
    rec_next = (next_by.get(("reconcile", "-"), {}).get("summary") or {})
    summary = {
        "scale": args.scale,
        "skip_publish": args.skip_publish,
        "source_rows": source_rows,
        "full_as_of": prev.isoformat(),
        "next_as_of": as_of.isoformat(),
        "full_run_seconds": full_seconds,
        "pipeline_rows_per_s": source_rows / full_seconds,
        "ingest_seconds": ingest_seconds,
        "load_rows_per_s": load_rps,
        "copy_rows_per_s": copy_rps,
        "copy_like_staging_rows_per_s": like_rps,
        "load_vs_copy": load_rps / copy_rps if load_rps and copy_rps else None,
        "load_vs_copy_like_staging": load_rps / like_rps if load_rps and like_rps else None,
        "load_vs_to_sql": load_rps / peer["rows_per_s"] if load_rps else None,
        "next_day_rows": next_rows,
        "next_day_row_share": next_rows / max(source_rows, 1),
        "next_day_versions_written": rec_next.get("versions"),
        "next_day_reconcile_recompute_seconds": recompute[0]["seconds"],
        "next_day_seconds": next_seconds,
        "next_day_share": next_seconds / full_seconds,
        "gx_seconds": gx_seconds,
        "gx_share": gx_seconds / ingest_seconds if ingest_seconds else None,
        "scenario_seconds": scen["seconds"],
        "to_sql": peer,
        "parse_seconds": parses,
        "loadavg": loadavg,
        "cpus": os.cpu_count(),
        "commit": subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True).stdout.strip(),
        "simulate": {k: world.get(k) for k in ("simulate_seconds", "simulate_peak_rss_mb", "cached")},
    }
    checks = {
        "load_vs_copy": (summary["load_vs_copy"] or 0) >= TARGETS["load_vs_copy"],
        "load_vs_to_sql": (summary["load_vs_to_sql"] or 0) >= TARGETS["load_vs_to_sql"],
        "next_day_share": summary["next_day_share"] <= TARGETS["next_day_share"],
        "gx_share": (summary["gx_share"] or 0) <= TARGETS["gx_share"],
        "parse_seconds": max(parses.values()) <= TARGETS["parse_seconds"],
        "scenario_seconds": scen["seconds"] <= TARGETS["scenario_seconds"],
        "pipeline_rows_per_s": summary["pipeline_rows_per_s"] >= TARGETS["pipeline_rows_per_s"],
    }
    summary["targets"] = {k: {"target": TARGETS[k], "holds": v} for k, v in checks.items()}
    extra = [
        "",
        f"- machine: {os.cpu_count()} cores; load average (1/5/15 min) at start {loadavg['start']}, "
        f"full run start {loadavg['full_start']}, next day start {loadavg['next_start']}, end {loadavg['end']} "
        "(other work shares the machine)",
        f"- whole pipeline: {source_rows:,} source rows in {fmt(full_seconds)} s = "
        f"**{fmt(summary['pipeline_rows_per_s'], 0)} rows/s** (target >= {TARGETS['pipeline_rows_per_s']:,}): "
        f"{verdict(checks['pipeline_rows_per_s'])}"
        + ("" if source_rows >= 10_000_000 else " (**below 10M source rows: not the scale the targets are set for**)"),
        f"- load (all ingest stages: parse, GX, COPY, settle): {fmt(load_rps, 0)} rows/s = "
        f"**{fmt(summary['load_vs_copy'], 2)}x** psql \\copy into an unlogged table without indexes "
        f"({fmt(copy_rps, 0)} rows/s; target >= {TARGETS['load_vs_copy']}x): {verdict(checks['load_vs_copy'])}; "
        f"{fmt(summary['load_vs_copy_like_staging'], 2)}x \\copy into a logged copy of staging with its indexes "
        f"({fmt(like_rps, 0)} rows/s)",
        f"- load vs pandas to_sql (default method, {peer['rows']:,} rows of {peer['table']}: "
        f"{fmt(peer['rows_per_s'], 0)} rows/s): **{fmt(summary['load_vs_to_sql'], 1)}x** "
        f"(target >= {TARGETS['load_vs_to_sql']:.0f}x): {verdict(checks['load_vs_to_sql'])}",
        f"- next day {as_of} ({next_rows:,} rows delivered = {100 * summary['next_day_row_share']:.2f}% of the full "
        f"run's; {rec_next.get('versions', '?'):,} history versions written by reconcile), incremental through "
        f"{', '.join(['ingest', *STAGES])}: {fmt(next_seconds)} s = **{100 * summary['next_day_share']:.1f}%** "
        f"of the full run (target <= {100 * TARGETS['next_day_share']:.0f}%): {verdict(checks['next_day_share'])}",
        f"- next day's reconcile: {fmt(next_by[('reconcile', '-')]['seconds'])} s with the append-only path "
        f"({rec_next.get('keys', '?'):,} keys); {fmt(recompute[0]['seconds'])} s recomputing every affected key's "
        "history (same state, rolled back)",
        f"- GX (validation, result store, Data Docs) share of ingestion wall time: {fmt(gx_seconds)} of "
        f"{fmt(ingest_seconds)} s = **{fmt(100 * summary['gx_share'] if summary['gx_share'] is not None else None)}%** "
        f"(target <= {100 * TARGETS['gx_share']:.0f}%): {verdict(checks['gx_share'])}",
        f"- scenarios: **{fmt(scen['seconds'])} s** full, {fmt(next_by[('scenarios', '-')]['seconds'])} s next day "
        f"(target <= {TARGETS['scenario_seconds']:.0f} s): {verdict(checks['scenario_seconds'])}",
        "- DAG parse time per file (target <= 1 s): " + ", ".join(f"{k} {v:.3f} s" for k, v in parses.items())
        + f": {verdict(checks['parse_seconds'])}",
    ]
    if args.skip_publish:
        extra.append("- **publish was left out of both runs (--skip-publish)**: the whole-pipeline and next-day figures "
                     "are without it")
    table = "\n".join(lines + extra)
    print("\n" + table)
    (BENCH / "results" / f"bench_{args.scale}_{stamp}.md").write_text(
        f"# Bench scale {args.scale}: full run as of {prev}, next day {as_of} ({stamp}, commit {summary['commit']}), "
        f"{os.cpu_count()} cores\n\n{table}\n")
    (BENCH / "results" / f"bench_{args.scale}_{stamp}.json").write_text(
        json.dumps({"full": full, "next": nxt, "next_reconcile_recompute": recompute, "limits": limits,
                    "summary": summary}, indent=2, default=str))
    PROGRESS_FILE[0].unlink(missing_ok=True)


if __name__ == "__main__":
    main()
