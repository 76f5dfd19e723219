"""The ``cheongbaek`` command: one entry point for operators.

    cheongbaek db up|down|url [--conn cb_warehouse]
    cheongbaek migrate
    cheongbaek simulate --start 2025-01-02 --days 10 --scale tiny
    cheongbaek run --as-of 2025-01-15
    cheongbaek status
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from cheongbaek import config, db


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def cmd_db(args: argparse.Namespace) -> int:
    if args.action == "up":
        if config.configured_uri("cb_warehouse"):
            _progress("AIRFLOW_CONN_CB_WAREHOUSE is set: nothing to start (using the configured server)")
        else:
            db.embedded_up()
            _progress(f"embedded PostgreSQL running, data in {db.pgdata()}")
        from cheongbaek.migrate import migrate

        applied = migrate()
        _progress(f"warehouse migrated ({len(applied)} migration(s) applied)")
    elif args.action == "down":
        stopped = db.embedded_down()
        _progress("embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running")
    else:
        print(db.dsn(args.conn))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from cheongbaek.migrate import migrate

    applied = migrate()
    _progress(f"applied: {', '.join(applied) if applied else 'nothing (up to date)'}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from cheongbaek.simulator import simulate

    scale: str | int = int(args.scale) if args.scale.isdigit() else args.scale
    summary = simulate(
        start=dt.date.fromisoformat(args.start), days=args.days, scale=scale, seed=args.seed,
        truth_dir=Path(args.truth_dir) if args.truth_dir else None, progress=_progress,
    )
    print(summary)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from cheongbaek import airflow_runner
    from cheongbaek.migrate import migrate
    from cheongbaek.pipeline import dag_order

    as_of = dt.date.fromisoformat(args.as_of).isoformat()
    _progress("migrating the warehouse")
    migrate()
    env = airflow_runner.airflow_env()
    _progress(f"preparing Airflow metadata in {env['AIRFLOW_HOME']}")
    airflow_runner.migrate_metadata(env)
    dags = args.dag or dag_order()
    results = []
    for i, dag_id in enumerate(dags, 1):
        _progress(f"({i}/{len(dags)}) airflow dags test {dag_id} {as_of}")
        result = airflow_runner.run_dag(dag_id, as_of, env)
        results.append(result)
        _progress(f"    {result.state} in {result.seconds:.1f} s")
        if not result.ok:
            print(result.tail, file=sys.stderr)
            print(f"whole log: {result.log_file}", file=sys.stderr)
            if not args.keep_going:
                break
    print()
    print(f"{'dag':<24} {'state':<15} {'seconds':>8}")
    for r in results:
        print(f"{r.dag_id:<24} {r.state:<15} {r.seconds:>8.1f}")
    rejected = [(r.dag_id, err) for r in results if r.state == "rejected files" for err in r.failures.values()]
    if rejected:
        print("\nFiles rejected whole (nothing of them loaded; the rest of each delivery was):")
        for dag_id, err in rejected:
            print(f"  {dag_id}: {err}")
    print()
    _print_status()
    return 0 if all(r.ok for r in results) and len(results) == len(dags) else 1


def _print_status() -> None:
    """Batch accounting and alert counts, straight from the warehouse."""
    with db.connect("cb_warehouse") as conn:
        rows = conn.execute(
            "select system, count(*) filter (where status = 'loaded'), count(*) filter (where status = 'failed'),"
            " coalesce(sum(rows_in) filter (where status = 'loaded'), 0),"
            " coalesce(sum(rows_loaded) filter (where status = 'loaded'), 0),"
            " coalesce(sum(rows_quarantined) filter (where status = 'loaded'), 0)"
            " from audit.batch group by system order by system"
        ).fetchall()
        print(f"{'system':<14} {'batches':>8} {'failed':>7} {'rows_in':>10} {'loaded':>10} {'quarantined':>12}")
        for system, ok, failed, rin, loaded, quar in rows:
            print(f"{system:<14} {ok:>8} {failed:>7} {rin:>10} {loaded:>10} {quar:>12}")
        has_alerts = conn.execute("select to_regclass('monitoring.alert') is not null").fetchone()
        if has_alerts and has_alerts[0]:
            alerts = conn.execute(
                "select status, count(*) from monitoring.alert group by status order by status"
            ).fetchall()
            print("alerts: " + (", ".join(f"{s}={n}" for s, n in alerts) or "none"))
    latest = config.publish_dir() / "latest"
    if latest.exists():
        print(f"publication: {latest.resolve()}")


def cmd_status(args: argparse.Namespace) -> int:
    info = {
        "home": str(config.home()),
        "drop_dir": str(config.drop_dir()),
        "publish_dir": str(config.publish_dir()),
        "warehouse": "configured" if config.configured_uri("cb_warehouse") else "embedded",
    }
    print(json.dumps(info, indent=2))
    if not config.configured_uri("cb_warehouse") and db._server_uri("postgres") is None:
        print("embedded PostgreSQL: not running (cheongbaek db up)")
        return 0
    _print_status()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cheongbaek", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("db", help="start, stop or locate the warehouse database")
    p.add_argument("action", choices=["up", "down", "url"])
    p.add_argument("--conn", default="cb_warehouse", help="connection id for 'url'")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("migrate", help="apply warehouse migrations (idempotent)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("simulate", help="write a simulated legacy landscape (databases and drop folders)")
    p.add_argument("--start", default="2025-01-02", help="first delivery day (YYYY-MM-DD)")
    p.add_argument("--days", type=int, default=10, help="number of calendar days to deliver")
    p.add_argument("--scale", default="tiny", help="tiny | small | large | a number of source rows")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--truth-dir", default=None, help="default: $CHEONGBAEK_HOME/truth")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("run", help="run every DAG through Airflow for one logical date")
    p.add_argument("--as-of", required=True, help="logical date D (YYYY-MM-DD)")
    p.add_argument("--dag", action="append", help="only these DAG ids (repeatable), in the order given")
    p.add_argument("--keep-going", action="store_true", help="run the remaining DAGs after a failure")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("status", help="configuration, batches and alerts")
    p.set_defaults(func=cmd_status)

    from cheongbaek.workbench.cli import register as register_workbench

    register_workbench(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
