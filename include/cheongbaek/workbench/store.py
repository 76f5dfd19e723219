"""The workbench's warehouse side: who a person is, what they may see, and the queries.

Every list and page query carries the person's scope in its WHERE clause
(an official: the alerts assigned to them; a manager: their department's;
the audit office: all), and every change goes through
``monitoring.wb_act()``, which checks the same scope again in the database
and takes the acting person from the session (``cheongbaek.wb_login``, set
here per transaction after the Airflow token was verified). So a bug in a
page cannot widen what a person reaches.

Paging is by keyset (``alert_id < after``, newest first) over the indexes of
0060_workbench.sql: a page costs the same at the first or the 2,000th page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from cheongbaek import db

PAGE_SIZE = 50
STATUSES = ("open", "submitted", "confirmed", "closed", "excluded", "resolved", "checked", "actioned")
ROLES = ("official", "manager", "auditor")
#: what each role may do, and in which status (the database checks it again)
ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "official": {"action": ("open",), "justify": ("open",)},
    "manager": {"action": ("open",), "justify": ("open",), "confirm": ("submitted",), "return": ("submitted",),
                "assign": ("open", "submitted")},
    "auditor": {"accept": ("confirmed", "submitted"),
                "exclude": ("open", "submitted", "confirmed", "checked", "actioned"),
                "reopen": ("submitted", "confirmed", "closed", "excluded", "checked", "actioned"),
                "assign": ("open", "submitted")},
}
ACTION_LABELS = {"action": "Record action taken", "justify": "Record justification", "confirm": "Confirm",
                 "return": "Return to the official", "accept": "Accept", "exclude": "Exclude as false positive",
                 "reopen": "Reopen", "assign": "Assign to"}
#: statistics dimensions: name -> SQL expression over monitoring.alert a (and monitoring.scenario s)
DIMENSIONS = {"scenario": "a.scenario_id", "area": "s.area", "department": "coalesce(a.dept_cd, '-')",
              "month": "date_trunc('month', a.first_seen)::date"}
#: evidence keys that name a core entity: key -> (identity table, key column); lineage comes from its history
LINEAGE = {"prop_no": "public_property", "use_no": "public_property_use", "asmt_no": "tax_assessment",
           "imps_no": "duty", "cntr_no": "contract", "pay_no": "payment", "vndr_id": "vendor",
           "emp_no": "employee", "ptn_no": "petition", "prmt_no": "permit", "insp_no": "inspection",
           "trnsf_id": "transfer", "viol_id": "realname_violation", "pnu": "parcel"}


@dataclass(frozen=True)
class Person:
    """A workbench user as the warehouse maps them."""

    login: str
    emp_no: str
    role: str
    dept_cd: str | None


class NotAllowed(Exception):
    """The person may not do this (the database refused, or the scope excludes it)."""


class Refused(Exception):
    """The action does not fit the alert's state or lacks its text or reason."""


@contextmanager
def session(login: str | None = None) -> Iterator[psycopg.Connection[Any]]:
    """A warehouse transaction acting for ``login`` (the person the Airflow token named)."""
    with db.connect("cb_warehouse", row_factory=dict_row) as conn:
        conn.execute("set statement_timeout = '20s'")
        # JIT compiling the statistics' dozen filtered aggregates costs ~1 s on every request, more than the
        # aggregation itself (100,000 alerts: ~0.1 s); the workbench's queries are short, so never JIT them.
        conn.execute("set jit = off")
        if login is not None:
            conn.execute("select set_config('cheongbaek.wb_login', %s, true)", (login,))
        yield conn


def person(conn: psycopg.Connection[Any], login: str) -> Person | None:
    row = conn.execute("select login, emp_no, role, dept_cd from monitoring.workbench_user"
                       " where login = %s and active", (login,)).fetchone()
    return Person(**row) if row else None


def _scope(p: Person) -> tuple[str, dict[str, Any]]:
    if p.role == "auditor":
        return "true", {}
    if p.role == "manager":
        return "a.dept_cd = %(me_dept)s", {"me_dept": p.dept_cd}
    return "coalesce(a.assigned_emp_no, a.officer_emp_no) = %(me_emp)s", {"me_emp": p.emp_no}


def today(conn: psycopg.Connection[Any]) -> dt.date:
    return conn.execute("select monitoring.wb_today() as d").fetchone()["d"]


def _filters(f: dict[str, Any], params: dict[str, Any]) -> list[str]:
    """WHERE terms of the list filters (values are parameters, never SQL)."""
    out: list[str] = []
    if f.get("scenario"):
        out.append("a.scenario_id = %(f_scenario)s")
        params["f_scenario"] = f["scenario"]
    if f.get("area"):
        out.append("a.scenario_id in (select scenario_id from monitoring.scenario where area = %(f_area)s)")
        params["f_area"] = f["area"]
    if f.get("department"):
        out.append("a.dept_cd = %(f_dept)s")
        params["f_dept"] = f["department"]
    if f.get("status") == "overdue":
        out.append("a.status in ('open', 'checked', 'submitted') and a.due_on < %(today)s")
    elif f.get("status") == "active":
        out.append("a.status in ('open', 'checked', 'submitted', 'confirmed')")
    elif f.get("status"):
        out.append("a.status = %(f_status)s")
        params["f_status"] = f["status"]
    if f.get("min_age") is not None:
        out.append("a.first_seen <= %(today)s - %(f_age)s::int")
        params["f_age"] = int(f["min_age"])
    if f.get("min_amount") is not None:
        out.append("a.estimate_krw >= %(f_amount)s")
        params["f_amount"] = int(f["min_amount"])
    return out


def list_alerts(conn: psycopg.Connection[Any], p: Person, filters: dict[str, Any],
                after: int | None = None, limit: int = PAGE_SIZE) -> dict[str, Any]:
    """One page of the person's alerts, newest first, and the total matching the filters."""
    scope, params = _scope(p)
    params["today"] = today(conn)
    where = [scope, *_filters(filters, params)]
    count = conn.execute(f"select count(*) as n from monitoring.alert a where {' and '.join(where)}",  # type: ignore[arg-type]
                         params).fetchone()["n"]
    if after is not None:
        where.append("a.alert_id < %(after)s")
        params["after"] = after
    params["limit"] = limit + 1
    rows = conn.execute(
        "select a.alert_id, a.scenario_id, s.area, s.title, a.subject, a.estimate_krw, a.collected_krw, a.status,"
        " a.outcome, a.dept_cd, a.first_seen, a.due_on, coalesce(a.assigned_emp_no, a.officer_emp_no) as assignee,"
        " (a.status in ('open', 'checked', 'submitted') and a.due_on < %(today)s) as overdue"
        " from monitoring.alert a join monitoring.scenario s using (scenario_id)"
        f" where {' and '.join(where)} order by a.alert_id desc limit %(limit)s", params).fetchall()  # type: ignore[arg-type]
    more = len(rows) > limit
    rows = rows[:limit]
    return {"rows": rows, "total": count, "next_after": rows[-1]["alert_id"] if more and rows else None,
            "today": params["today"]}


def get_alert(conn: psycopg.Connection[Any], p: Person, alert_id: int) -> dict[str, Any] | None:
    """The alert with its rule, evidence lineage and trail, or None when out of the person's scope."""
    scope, params = _scope(p)
    params["id"] = alert_id
    params["today"] = today(conn)
    alert = conn.execute(
        "select a.*, s.area, s.title, s.definition, coalesce(a.assigned_emp_no, a.officer_emp_no) as assignee,"
        " (a.status in ('open', 'checked', 'submitted') and a.due_on < %(today)s) as overdue"
        " from monitoring.alert a join monitoring.scenario s using (scenario_id)"
        f" where a.alert_id = %(id)s and {scope}", params).fetchone()  # type: ignore[arg-type]
    if alert is None:
        return None
    alert["trail"] = conn.execute(
        "select history_id, recorded_at, as_of, changed_by, actor_role, action, from_status, to_status, note,"
        " reason_code from monitoring.alert_status_history where alert_id = %s order by history_id",
        (alert_id,)).fetchall()
    alert["lineage"] = lineage(conn, alert["evidence"] or {})
    alert["actions"] = [a for a, states in ACTIONS.get(p.role, {}).items() if alert["status"] in states]
    return alert


def lineage(conn: psycopg.Connection[Any], evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """Where each evidence key's record came from: its core versions and their batches."""
    out: list[dict[str, Any]] = []
    for key, value in evidence.items():
        entity = LINEAGE.get(key)
        if entity is None or not isinstance(value, str | int):
            continue
        try:
            with conn.transaction():
                rows = conn.execute(
                    f"select h.valid_from, h.valid_to, h.batch_id, b.system, b.source_name, b.delivery_date,"  # type: ignore[arg-type]
                    f" b.logical_date, b.watermark_to from core.{entity} i"
                    f" join core.{entity}_history h using ({entity}_sk)"
                    f" left join audit.batch b on b.batch_id = h.batch_id"
                    f" where i.{key} = %s order by h.valid_from desc limit 5", (str(value),)).fetchall()
        except psycopg.Error:
            continue  # an entity whose shape differs: no lineage rather than no page
        for r in rows:
            out.append({"key": key, "value": str(value), "entity": entity, **r})
    return out


def act(conn: psycopg.Connection[Any], alert_id: int, action: str, text: str | None = None,
        reason: str | None = None, target: str | None = None) -> str:
    """One lifecycle step through ``monitoring.wb_act`` (the session names the person)."""
    try:
        with conn.transaction():
            row = conn.execute("select monitoring.wb_act(%s, %s, %s, %s, %s) as s",
                               (alert_id, action, text, reason, target)).fetchone()
    except psycopg.errors.InsufficientPrivilege as e:
        raise NotAllowed(e.diag.message_primary or "not allowed") from None
    except (psycopg.errors.CheckViolation, psycopg.errors.RaiseException) as e:
        raise Refused(e.diag.message_primary or "refused") from None
    return str(row["s"])


def reasons(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    return conn.execute("select code, label from monitoring.exclusion_reason order by code").fetchall()


def choices(conn: psycopg.Connection[Any], p: Person) -> dict[str, list[str]]:
    """Values offered by the filter form (scenarios, areas, departments in scope)."""
    scen = conn.execute("select scenario_id, area from monitoring.scenario order by scenario_id").fetchall()
    if p.role == "auditor":
        depts = [r["dept_cd"] for r in conn.execute(
            "select distinct dept_cd from monitoring.alert where dept_cd is not null order by 1").fetchall()]
    else:
        depts = [p.dept_cd] if p.dept_cd else []
    return {"scenarios": [r["scenario_id"] for r in scen], "areas": sorted({r["area"] for r in scen}),
            "departments": depts, "statuses": [*STATUSES, "active", "overdue"]}


#: The statistics' flags, the same definitions as the view monitoring.alert_facts (0060_workbench.sql),
#: written over monitoring.alert directly so one pass over the alerts does it (no per-row join or function).
_STAT_COLUMNS = (
    "count(*) as found,"
    " count(*) filter (where a.outcome = 'action' or a.status = 'actioned') as actioned,"
    " count(*) filter (where a.outcome = 'justification') as justified,"
    " count(*) filter (where a.status = 'excluded') as excluded,"
    " count(*) filter (where a.status in ('open', 'checked')) as open,"
    " count(*) filter (where a.status in ('open', 'checked', 'submitted') and a.due_on < %(today)s) as overdue,"
    " round(count(*) filter (where a.outcome = 'action' or a.status = 'actioned')::numeric / count(*), 4)"
    " as action_rate,"
    " coalesce(sum(a.estimate_krw), 0)::bigint as estimated_krw,"
    " coalesce(sum(a.collected_krw), 0)::bigint as collected_krw,"
    " count(*) filter (where a.status in ('closed', 'excluded', 'resolved', 'actioned')) as closed,"
    " round(count(*) filter (where a.status in ('resolved', 'actioned') or (a.status = 'closed'"
    " and a.outcome = 'action'))::numeric"
    " / nullif(count(*) filter (where a.status in ('closed', 'excluded', 'resolved', 'actioned')), 0), 4)"
    " as hit_rate"
)
STAT_KEYS = ("found", "actioned", "justified", "excluded", "open", "overdue", "action_rate", "estimated_krw",
             "collected_krw", "closed", "hit_rate")
#: statistics already computed, per (dimension, scope, data version): see :func:`statistics`
_STATS_CACHE: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
_STATS_CACHE_MAX = 256


def data_version(conn: psycopg.Connection[Any]) -> tuple[Any, ...]:
    """Changes whenever a statistic may: every status change writes a trail row, every run a scenario_run row.

    (Estimates and collected amounts change only in runs; "overdue" moves with the data's today.)
    """
    row = conn.execute(
        "select (select max(history_id) from monitoring.alert_status_history) as h,"
        " (select max(recorded_at) from monitoring.scenario_run) as r,"
        " (select count(*) from monitoring.scenario) as s, monitoring.wb_today() as today").fetchone()
    return (row["h"], row["r"], row["s"], row["today"])


def statistics(conn: psycopg.Connection[Any], p: Person, by: str) -> list[dict[str, Any]]:
    """Counts, rates and amounts per scenario, area, department or month, within the person's scope.

    One aggregation over the alerts in scope (100,000 alerts: ~0.1 s on a quiet machine); the result is
    kept per data version (:func:`data_version`), so repeated views of unchanged data cost a few
    milliseconds and the first view after any change recomputes it.
    """
    expr = DIMENSIONS[by]  # a KeyError is a caller's bug: the route validates ``by``
    scope, params = _scope(p)
    version = data_version(conn)
    key = (by, scope, tuple(sorted(params.items())), version)
    cached = _STATS_CACHE.get(key)
    if cached is not None:
        return [dict(r) for r in cached]
    params["today"] = version[-1]
    join = " join monitoring.scenario s using (scenario_id)" if by == "area" else ""
    rows = conn.execute(
        f"select {expr} as key, {_STAT_COLUMNS} from monitoring.alert a{join} where {scope}"  # type: ignore[arg-type]
        " group by 1 order by 1", params).fetchall()
    if by == "month":
        for r in rows:
            r["key"] = r["key"].strftime("%Y-%m")
    if len(_STATS_CACHE) >= _STATS_CACHE_MAX:
        _STATS_CACHE.clear()
    _STATS_CACHE[key] = [dict(r) for r in rows]
    return rows


# ---------------------------------------------------------------- people (the CLI)
def upsert_user(conn: psycopg.Connection[Any], login: str, emp_no: str, role: str, dept_cd: str | None) -> Person:
    """Map a login to an employee, role and department; the department defaults to HR's current one."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not (len(emp_no) == 9 and emp_no.isdigit()):
        raise ValueError(f"emp_no must be 9 digits, not {emp_no!r}")
    if dept_cd is None:
        row = conn.execute(
            "select h.dept_cd from core.employee e join core.employee_history h using (employee_sk)"
            " where e.emp_no = %s order by h.valid_from desc limit 1", (emp_no,)).fetchone()
        dept_cd = row["dept_cd"] if row else None
    conn.execute(
        "insert into monitoring.workbench_user (login, emp_no, role, dept_cd) values (%s, %s, %s, %s)"
        " on conflict (login) do update set emp_no = excluded.emp_no, role = excluded.role,"
        " dept_cd = excluded.dept_cd, active = true, updated_at = clock_timestamp()",
        (login, emp_no, role, dept_cd))
    return Person(login, emp_no, role, dept_cd)


def deactivate_user(conn: psycopg.Connection[Any], login: str) -> bool:
    cur = conn.execute("update monitoring.workbench_user set active = false, updated_at = clock_timestamp()"
                       " where login = %s and active", (login,))
    return cur.rowcount > 0


def users(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    return conn.execute("select login, emp_no, role, dept_cd, active from monitoring.workbench_user"
                        " order by login").fetchall()
