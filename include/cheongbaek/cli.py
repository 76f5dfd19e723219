"""The ``cheongbaek`` command: one entry point for operators.

    cheongbaek db up|down|url [--conn cb_warehouse]
    cheongbaek migrate
    cheongbaek simulate --start 2025-01-02 --days 10 --scale tiny
    cheongbaek run --as-of 2025-01-15            (or --from D1 --to D2: each business day in order)
    cheongbaek airflow [--port 8080] [--manual]  (the UI, scheduler and DAGs until Ctrl-C)
    cheongbaek status

Add --debug to see a traceback when something fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cheongbaek import config, db
from cheongbaek.usage import (
    OperationError,
    UsageError,
    check_configuration,
    check_conn_id,
    check_not_future,
    parse_date,
    parse_scale,
    redact,
)


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
        uri = db.dsn(check_conn_id(args.conn))
        # A configured URI's password is masked unless asked for: terminals and logs keep what they show.
        print(uri if args.show_password else redact(uri))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from cheongbaek.migrate import migrate

    applied = migrate()
    _progress(f"applied: {', '.join(applied) if applied else 'nothing (up to date)'}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from cheongbaek.simulator import simulate

    scale = parse_scale(args.scale)
    start = parse_date(args.start, "--start")
    if args.days < 1:
        raise UsageError(f"--days: {args.days} is not a positive number of days")
    summary = simulate(
        start=start, days=args.days, scale=scale, seed=args.seed,
        truth_dir=Path(args.truth_dir) if args.truth_dir else None, progress=_progress,
    )
    print(summary)
    return 0


def business_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Monday to Friday except Korea's public holidays (the interface page's business day), in order."""
    import holidays

    kr = holidays.country_holidays("KR", years=range(first.year, last.year + 1))
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in kr:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def run_dates(args: argparse.Namespace, today: dt.date | None = None) -> list[dt.date]:
    """The D of each run, in order: ``--as-of D`` or every business day of ``--from D1 --to D2``.

    Every D is checked before anything runs: a date after today is refused
    (nothing has been delivered for it yet).
    """
    if args.as_of and (args.date_from or args.date_to):
        raise UsageError("run: give either --as-of D or --from D1 --to D2, not both")
    if args.as_of:
        return [check_not_future(parse_date(args.as_of, "--as-of"), "--as-of", today)]
    if not (args.date_from and args.date_to):
        raise UsageError("run: give --as-of D, or --from D1 --to D2 (each business day in order)")
    first = parse_date(args.date_from, "--from")
    last = check_not_future(parse_date(args.date_to, "--to"), "--to", today)
    if first > last:
        raise UsageError(f"--from {first} is after --to {last}; swap them")
    days = business_days(first, last)
    if not days:
        raise UsageError(f"--from {first} --to {last}: no business day in between")
    return days


#: Advisory lock key of ``cheongbaek run`` on a warehouse ("CBRU"): one run per warehouse at a time.
RUN_LOCK_KEY = 0x43425255


@contextmanager
def run_lock(what: str) -> Iterator[None]:
    """Hold the warehouse's run lock for the duration of a run, or refuse at once.

    A session-level advisory lock on the warehouse itself (not a file), so
    it covers every Airflow home and machine pointing at that warehouse and
    is released by PostgreSQL when this process dies.
    """
    conn = db.connect("cb_warehouse", autocommit=True)
    try:
        conn.execute("select set_config('application_name', %s, false)", (what[:60],))
        if not conn.execute("select pg_try_advisory_lock(%s)", (RUN_LOCK_KEY,)).fetchone()[0]:
            holder = conn.execute(
                "select a.application_name, a.backend_start from pg_locks l join pg_stat_activity a using (pid)"
                " where l.locktype = 'advisory' and l.classid = 0 and l.objid = %s and l.granted limit 1",
                (RUN_LOCK_KEY,)).fetchone()
            who = f" ({holder[0]}, since {holder[1]:%Y-%m-%d %H:%M:%S})" if holder else ""
            raise OperationError(f"another cheongbaek run is using this warehouse{who}; "
                                 "wait for it to finish, then run again")
        yield
    finally:
        conn.close()


def latest_run_date() -> dt.date | None:
    """The latest D the warehouse has run the scenarios for (None on a fresh warehouse)."""
    with db.connect("cb_warehouse") as conn:
        row = conn.execute("select max(as_of) from monitoring.scenario_run").fetchone()
    return row[0] if row else None


@contextmanager
def airflow_session() -> Iterator[tuple[Any, Path]]:
    """An Airflow whose scheduler executes the runs: the one ``cheongbaek airflow --manual`` serves, else our own.

    Our own is an api-server, scheduler and dag-processor in the background
    for the duration of the run, with the DAGs parsed without their
    schedules (only the runs we trigger happen, in dependency order).
    """
    from cheongbaek import airflow_runner as ar

    home = config.airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    state = ar.running_services(home)
    if state is not None:
        if not state.get("manual"):
            raise OperationError(
                f"Airflow is running for this home with its schedules ({state['url']}, cheongbaek airflow): "
                "trigger runs from its UI, or stop it (Ctrl-C) and run again; "
                "`cheongbaek airflow --manual` lets cheongbaek run drive it")
        api = ar.Api(state["url"], home)
        api.login()
        _progress(f"using the running Airflow at {state['url']}")
        from cheongbaek.pipeline import dag_order

        ar.ensure_dags(api, dag_order())
        yield api, home
        return
    port = ar.free_port()
    env = ar.airflow_env(port=port, manual=True, export_connections=False)
    env.setdefault("CHEONGBAEK_UI_URL", "http://localhost:8080")  # triage links outlive this run's port
    _progress(f"preparing Airflow metadata ({env['AIRFLOW_HOME']})")
    ar.migrate_metadata(env)
    services = ar.Services(env, port, ar.RUN_COMPONENTS, manual=True)
    _progress(f"starting Airflow (api-server, scheduler, dag-processor) at {services.url}")
    services.start()
    try:
        api = ar.Api(services.url, home)
        ar.wait_for(lambda: api.healthy() and ar.admin_password(home) is not None, 300,
                    "the Airflow api-server", check=services.failed)
        api.login()
        ar.register_connections(api, env)
        from cheongbaek.pipeline import dag_order

        unpaused = ar.ensure_dags(api, dag_order(), check=services.failed)
        try:
            yield api, home
        finally:
            for dag_id in unpaused:  # as they were: paused DAGs stay paused for `cheongbaek airflow`
                try:
                    api.pause(dag_id)
                except Exception as exc:  # noqa: BLE001 - never hide why the run stopped
                    _progress(f"could not pause {dag_id} again: {redact(str(exc))[:200]}")
    finally:
        _progress("stopping Airflow")
        services.stop()


def cmd_run(args: argparse.Namespace) -> int:
    from cheongbaek import airflow_runner as ar
    from cheongbaek.migrate import migrate

    days = run_dates(args)
    dags = args.dag or _dag_order()
    label = f"cheongbaek run {days[0]}" + (f"..{days[-1]}" if len(days) > 1 else "") + f" pid {os.getpid()}"
    results: dict[dt.date, list[ar.DagResult]] = {}
    with run_lock(label):
        _progress("migrating the warehouse")
        migrate()
        latest = latest_run_date()
        if latest is not None and days[0] < latest:
            _progress(f"{days[0]} is before the warehouse's latest run ({latest}): a replay. Its publication is "
                      f"written beside `latest`, which stays at {latest}, and the alerts are left as they are")
        with airflow_session() as (api, home):
            for day in days:
                results[day] = []
                for group in _stages(dags):
                    _progress(f"{day}: {', '.join(group)} triggered, the scheduler runs "
                              + ("them side by side" if len(group) > 1 else "it"))
                    for result in ar.run_dags(api, group, day, ar.run_log_dir(home, day)):
                        results[day].append(result)
                        _progress(f"    {result.dag_id}: {result.state} in {result.seconds:.1f} s")
                        if not result.ok:
                            print(redact(result.tail), file=sys.stderr)
                            print(f"task logs: {result.log_file}", file=sys.stderr)
                    if not all(r.ok for r in results[day]) and not args.keep_going:
                        break
                if not all(r.ok for r in results[day]) and not args.keep_going:
                    break
    for day, day_results in results.items():
        _print_summary(day, day_results)
    print()
    _print_status()
    complete = len(results) == len(days) and all(len(r) == len(dags) for r in results.values())
    return 0 if complete and all(r.ok for rs in results.values() for r in rs) else 1


def _stages(dags: list[str]) -> list[list[str]]:
    """Consecutive ingestion DAGs run side by side (they are independent); every other DAG alone, in order."""
    stages: list[list[str]] = []
    for dag_id in dags:
        if dag_id.startswith("ingest_") and stages and stages[-1][0].startswith("ingest_"):
            stages[-1].append(dag_id)
        else:
            stages.append([dag_id])
    return stages


def _print_summary(day: dt.date, results: list[Any]) -> None:
    print()
    print(f"as of {day}")
    print(f"{'dag':<24} {'state':<15} {'seconds':>8}")
    for r in results:
        print(f"{r.dag_id:<24} {r.state:<15} {r.seconds:>8.1f}")
    rejected = [(r.dag_id, err) for r in results if r.state == "rejected files" for err in r.failures.values()]
    if rejected:
        print("\nFiles rejected whole (nothing of them loaded; the rest of each delivery was):")
        for dag_id, err in rejected:
            print(f"  {dag_id}: {redact(err)}")


def cmd_airflow(args: argparse.Namespace) -> int:
    """Airflow's UI and scheduler on this project, in the foreground until Ctrl-C."""
    from cheongbaek import airflow_runner as ar
    from cheongbaek.migrate import migrate

    home = config.airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    state = ar.running_services(home)
    if state is not None:
        raise OperationError(f"Airflow is already running for this home at {state['url']}; stop it first (Ctrl-C)")
    if args.port is not None and not 0 < args.port < 65536:
        raise UsageError(f"--port: {args.port} is not a port (1-65535)")
    port = args.port or (8080 if _port_free(8080) else ar.free_port())
    if not _port_free(port):
        raise UsageError(f"--port: {port} is in use; choose another one")
    _progress("migrating the warehouse")
    migrate()
    env = ar.airflow_env(port=port, manual=args.manual, export_connections=False)
    _progress(f"preparing Airflow metadata ({env['AIRFLOW_HOME']})")
    ar.migrate_metadata(env)
    services = ar.Services(env, port, ar.UI_COMPONENTS, manual=args.manual)
    stop = {"now": False}

    def _on_term(signum: int, frame: object) -> None:
        stop["now"] = True

    # Both signals, explicitly: a shell's background job inherits SIGINT ignored.
    previous = {sig: signal.signal(sig, _on_term) for sig in (signal.SIGINT, signal.SIGTERM)}
    services.start()
    try:
        api = ar.Api(services.url, home)
        ar.wait_for(lambda: stop["now"] or (api.healthy() and ar.admin_password(home) is not None), 300,
                    "the Airflow api-server", check=services.failed)
        if not stop["now"]:
            api.login()
            created = ar.register_connections(api, env)
            if created:
                _progress(f"connections {', '.join(created)} created in Airflow (Admin > Connections)")
        print(f"""
Airflow is running on the {'configured' if config.configured_uri('cb_warehouse') else 'embedded'} warehouse.
  UI:        {services.url}
  log in:    user {ar.ADMIN_USER}, password in {home / 'simple_auth_manager_passwords.json.generated'}
  DAGs:      {ar.REPO_ROOT / 'dags'} (paused until you unpause them; no examples)
  schedules: {'off: only triggered runs (cheongbaek run drives them)' if args.manual else 'on (a D is the run logical date)'}
  logs:      {home / 'logs'}
Ctrl-C stops it.""", flush=True)
        while not stop["now"]:
            fault = services.failed()
            if fault:
                raise OperationError(redact(fault))
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        print()
        _progress("stopping Airflow (scheduler, triggerer, dag-processor, api-server)")
        services.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _progress("stopped")
    return 0


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _dag_order() -> list[str]:
    from cheongbaek.pipeline import dag_order

    return dag_order()


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


class Parser(argparse.ArgumentParser):
    """argparse, answering a mistake in one line (exit 2) instead of the usage block."""

    def error(self, message: str) -> Any:  # noqa: ANN401 - never returns
        raise UsageError(f"{self.prog}: {message}; see {self.prog} --help")


def _dag_id(value: str) -> str:
    known = _dag_order()
    if value not in known:
        raise argparse.ArgumentTypeError(f"unknown DAG {value!r}; the DAGs are {', '.join(known)}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="cheongbaek", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("db", help="start, stop or locate the warehouse database")
    p.add_argument("action", choices=["up", "down", "url"])
    p.add_argument("--conn", default="cb_warehouse", help="connection id for 'url'")
    p.add_argument("--show-password", action="store_true", help="'url' prints the password (masked by default)")
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

    p = sub.add_parser("run", help="run the DAGs through Airflow's scheduler for D (or each business day of a range)")
    p.add_argument("--as-of", help="logical date D (YYYY-MM-DD), today or earlier")
    p.add_argument("--from", dest="date_from", help="first D of a replay (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="last D of a replay (YYYY-MM-DD), today or earlier")
    p.add_argument("--dag", action="append", type=_dag_id,
                   help="only these DAG ids (repeatable), in the order given")
    p.add_argument("--keep-going", action="store_true", help="run the remaining DAGs after a failure")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("airflow", help="Airflow's UI, scheduler and the project's DAGs on this machine (Ctrl-C stops)")
    p.add_argument("--port", type=int, default=None, help="UI port (default 8080, or a free one)")
    p.add_argument("--manual", action="store_true",
                   help="DAGs without their schedules: only triggered runs (what cheongbaek run uses)")
    p.set_defaults(func=cmd_airflow)

    p = sub.add_parser("status", help="configuration, batches and alerts")
    p.set_defaults(func=cmd_status)

    from cheongbaek.workbench.cli import register as register_workbench

    register_workbench(sub)
    return parser


def _fail(message: str) -> None:
    print(f"cheongbaek: {redact(message)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run one command; a mistake or a fault is one line on stderr, never a traceback (unless --debug).

    Exit codes: 0 done, 1 the work failed (a run failed, a server is down),
    2 a usage or configuration mistake, 130 interrupted.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        check_configuration()
        return int(args.func(args))
    except (UsageError, db.ConnectionConfigError) as exc:
        if debug:
            raise
        _fail(f"error: {exc}")
        return 2
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place a person is shielded from tracebacks
        if debug:
            raise
        _fail(_explain(exc))
        return 1


def _explain(exc: BaseException) -> str:
    """One line for a failure: what failed and what to do, naming the variable when it is a connection."""
    from cheongbaek.airflow_runner import AirflowError

    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, OperationError | AirflowError | db.ConnectionUnreachable):
        return first  # already one sentence naming the connection, password redacted
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        psycopg = None  # type: ignore[assignment]
    if psycopg is not None and isinstance(exc, psycopg.OperationalError):
        configured = [config.conn_env_var(c) for c in config.CONN_DATABASES if config.configured_uri(c)]
        where = (" (configured: " + ", ".join(configured) + ")") if configured else " (the embedded server)"
        return (f"a database did not answer{where}: {first}; check the server and the variable, "
                "then run again (--debug shows where)")
    return f"{type(exc).__name__}: {first} (run again with --debug to see where)"


if __name__ == "__main__":
    sys.exit(main())
