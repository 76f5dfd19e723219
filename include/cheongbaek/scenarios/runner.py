"""Scenario runs: refresh ``scenario_input`` as of D, evaluate every rule, keep the alerts.

Entry point: :func:`run_scenarios` (called by ``tasks.scenarios``). Everything
is evaluated as of the run's date D, passed to SQL as the session setting
``cheongbaek.as_of`` (read by ``scenario_input.as_of()``), never the clock, so
a replay of an old day gives that day's answer.

The inputs read the reconciled warehouse (``core``: staging feeds core, core
feeds scenario_input), so a run sees what the last reconcile took in; the
pipeline runs reconcile first (the core Asset schedules this DAG), and a
caller loading staging by hand reconciles before calling :func:`run_scenarios`.

The whole run is one transaction under an advisory lock: the input tables,
the alerts and their history change together or not at all, and two runs
never interleave.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from importlib import resources
from typing import Any

import psycopg

from cheongbaek import db
from cheongbaek.scenarios.definitions import RESULT_COLUMNS, Scenario, input_scripts, load_all

log = logging.getLogger(__name__)

_LOCK_ID = 0x43_42_53_43  # "CBSC"
#: Keyword of the audit department's name (its head is the default auditor).
AUDIT_KEYWORD = "감사"
#: Years of calendar kept before the oldest petition and after D (due dates run past D).
_CALENDAR_MARGIN_AFTER = 3


def _statements() -> dict[str, str]:
    """The named statements of ``lifecycle.sql`` (``-- name: x`` sections)."""
    text = (resources.files("cheongbaek.scenarios") / "lifecycle.sql").read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


def business_calendar(first: dt.date, last: dt.date) -> list[tuple[dt.date, bool, str | None, int]]:
    """(day, is_business, holiday name, business days up to the day) from ``first`` to ``last``.

    Business day: Monday to Friday, except the public holidays of
    ``holidays.country_holidays("KR")`` (the interface document's definition).
    """
    import holidays

    kr = holidays.country_holidays("KR", years=range(first.year, last.year + 1))
    rows: list[tuple[dt.date, bool, str | None, int]] = []
    seq = 0
    day = first
    while day <= last:
        name = kr.get(day)
        business = day.weekday() < 5 and name is None
        seq += business
        rows.append((day, business, name, seq))
        day += dt.timedelta(days=1)
    return rows


def ensure_calendar(conn: psycopg.Connection[Any], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Make ``scenario_input.calendar`` cover every receipt date and the due dates after D.

    Rebuilt whole when the range grows, so ``bd_seq`` stays one consecutive count.
    """
    oldest = conn.execute("select min(rcpt_dtm)::date from core.petition_history").fetchone()[0]
    first_year = min(as_of.year - 10, oldest.year if oldest else as_of.year) - 1
    first, last = dt.date(first_year, 1, 1), dt.date(as_of.year + _CALENDAR_MARGIN_AFTER, 12, 31)
    have = conn.execute("select min(d), max(d) from scenario_input.calendar").fetchone()
    if have[0] is not None and have[0] <= first and have[1] >= last:
        return have[0], have[1]
    first = min(first, have[0]) if have[0] else first
    last = max(last, have[1]) if have[1] else last
    conn.execute("delete from scenario_input.calendar")
    with conn.cursor().copy("copy scenario_input.calendar (d, is_business, holiday_nm, bd_seq) from stdin") as copy:
        for row in business_calendar(first, last):
            copy.write_row(row)
    conn.execute("analyze scenario_input.calendar")
    return first, last


def refresh_inputs(conn: psycopg.Connection[Any], as_of: dt.date) -> dict[str, int]:
    """Rebuild every ``scenario_input`` table as of D (the session setting must be set)."""
    started = time.perf_counter()
    ensure_calendar(conn, as_of)
    tables: list[str] = []
    for name, sql in input_scripts():
        t0 = time.perf_counter()
        conn.execute(sql)  # type: ignore[arg-type]
        tables += re.findall(r"create unlogged table (scenario_input\.\w+)", sql)
        log.info("scenario input %s rebuilt in %.2f s", name, time.perf_counter() - t0)
    counts: dict[str, int] = {}
    for table in tables:
        conn.execute(f"analyze {table}")  # type: ignore[arg-type]
        counts[table] = conn.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[arg-type]
    conn.execute(
        "insert into scenario_input.refresh (as_of, seconds, row_counts) values (%s, %s, %s::jsonb)"
        " on conflict (as_of) do update set refreshed_at = clock_timestamp(), seconds = excluded.seconds,"
        " row_counts = excluded.row_counts",
        (as_of, round(time.perf_counter() - started, 3), psycopg.types.json.Jsonb(counts)),
    )
    return counts


def _register(conn: psycopg.Connection[Any], scenarios: list[Scenario]) -> None:
    """Keep ``monitoring.scenario`` equal to the definitions (so statistics list every rule)."""
    with conn.cursor() as cur:
        cur.executemany(
            "insert into monitoring.scenario (scenario_id, area, title, definition) values (%s, %s, %s, %s)"
            " on conflict (scenario_id) do update set area = excluded.area, title = excluded.title,"
            " definition = excluded.definition",
            [(s.id, s.area, s.title, psycopg.types.json.Jsonb(s.definition)) for s in scenarios],
        )


def _default_dept(conn: psycopg.Connection[Any], scenario: Scenario) -> str | None:
    """The department receiving the scenario's alerts when its sources name none."""
    keyword = scenario.default_department
    if not keyword:
        return None
    row = conn.execute(
        "select dept_cd from scenario_input.dept where strpos(dept_nm, %s) > 0 order by dept_cd limit 1", (keyword,)
    ).fetchone()
    return row[0] if row else None


def run_scenario(conn: psycopg.Connection[Any], scenario: Scenario, as_of: dt.date,
                 statements: dict[str, str] | None = None) -> dict[str, int]:
    """Evaluate one scenario and apply its result to ``monitoring.alert``."""
    stmts = statements or _statements()
    started = time.perf_counter()
    conn.execute("drop table if exists _hits")
    columns = ", ".join(RESULT_COLUMNS)
    conn.execute(
        f"create temp table _hits on commit drop as select distinct on (subject) {columns}"  # type: ignore[arg-type]
        f" from ({scenario.sql}) q where subject is not null order by subject, fires desc"
    )
    conn.execute("create index on _hits (subject)")
    conn.execute("analyze _hits")
    params = {"scenario_id": scenario.id, "as_of": as_of, "default_dept": _default_dept(conn, scenario)}
    conn.execute(stmts["reopen_history"], params)  # type: ignore[arg-type]
    found, new = conn.execute(stmts["upsert"], params).fetchone()  # type: ignore[arg-type]
    resolved = conn.execute(stmts["resolve"], params).fetchone()[0]  # type: ignore[arg-type]
    conn.execute(stmts["collected"], params)  # type: ignore[arg-type]
    conn.execute("drop table _hits")
    seconds = time.perf_counter() - started
    conn.execute(
        "insert into monitoring.scenario_run (as_of, scenario_id, found, new, resolved, seconds)"
        " values (%s, %s, %s, %s, %s, %s) on conflict (as_of, scenario_id) do update set found = excluded.found,"
        " new = excluded.new, resolved = excluded.resolved, seconds = excluded.seconds,"
        " recorded_at = clock_timestamp()",
        (as_of, scenario.id, found, new, resolved, round(seconds, 3)),
    )
    log.info("scenario %s as of %s: found %d, new %d, resolved %d (%.2f s)",
             scenario.id, as_of, found, new, resolved, seconds)
    return {"found": int(found), "new": int(new), "resolved": int(resolved)}


def run_scenarios(as_of: dt.date, only: list[str] | None = None) -> dict[str, Any]:
    """Refresh the inputs as of D, run every scenario and upsert ``monitoring.alert``.

    Returns a small summary for XCom: per scenario ``found`` (subjects
    matching as of D), ``new`` (alerts raised for the first time) and
    ``resolved`` (alerts whose subject stopped matching on this run).
    ``only`` restricts the run to some scenario ids (tests, re-runs).
    """
    started = time.perf_counter()
    scenarios = [s for s in load_all() if only is None or s.id in only]
    stmts = _statements()
    summary: dict[str, Any] = {"as_of": as_of.isoformat(), "scenarios": {}}
    with db.connect("cb_warehouse") as conn:
        conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        latest = conn.execute("select max(as_of) from monitoring.scenario_run").fetchone()[0]
        replay = latest is not None and as_of < latest
        conn.execute("select set_config('cheongbaek.as_of', %s, false)", (as_of.isoformat(),))
        conn.execute("set local work_mem = '64MB'")
        counts = refresh_inputs(conn, as_of)
        summary["input_seconds"] = round(time.perf_counter() - started, 3)
        summary["input_rows"] = sum(counts.values())
        _register(conn, scenarios)
        for scenario in scenarios:
            summary["scenarios"][scenario.id] = run_scenario(conn, scenario, as_of, stmts)
        conn.execute(stmts["recipients"], {"as_of": as_of, "audit_keyword": AUDIT_KEYWORD})
        if replay:
            # A replay of a day before the latest run: report what matched as of D, change nothing.
            # Committing would resolve the alerts raised by later days and rewind scenario_input.
            conn.rollback()
            found = {sid: r["found"] for sid, r in summary["scenarios"].items()}
            summary["scenarios"] = {sid: {"found": n, "new": 0, "resolved": 0} for sid, n in found.items()}
            summary["replay_of"] = latest.isoformat()
            with conn.transaction():
                conn.cursor().executemany(
                    "insert into monitoring.scenario_run (as_of, scenario_id, found, new, resolved, seconds)"
                    " values (%s, %s, %s, 0, 0, 0) on conflict (as_of, scenario_id) do nothing",
                    [(as_of, sid, n) for sid, n in found.items()])
            log.warning("replay of %s (latest run %s): %d subjects match as of %s; alerts left as they are",
                        as_of, latest, sum(found.values()), as_of)
        else:
            conn.commit()
    summary["found"] = sum(s["found"] for s in summary["scenarios"].values())
    summary["new"] = sum(s["new"] for s in summary["scenarios"].values())
    summary["resolved"] = sum(s["resolved"] for s in summary["scenarios"].values())
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary
