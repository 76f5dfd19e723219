"""Roles and access (0021_access.sql, 0090_access_grants.sql) on the real server.

A LOGIN user is created per group role (unique names, dropped at the end:
roles are server-wide) and each connects to a fresh warehouse to prove what
it reaches and what it is denied; directors see only their department's
petitions; grants follow tables that a run drops and creates again; and the
migrations run twice, and on a second warehouse of the same server.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from cheongbaek.migrate import migrate

pytestmark = pytest.mark.integration

GROUPS = ("cb_loader", "cb_reader", "cb_auditor", "cb_public", "cb_director", "cb_executive")

DEPT_A, DEPT_B = "1000001", "1000002"

# Petitions: 1 with A; 2 with B; 3 first with A, now with B. Steps: 1/1 by A,
# 1/2 by B (a consultation on A's petition), 2/1 by B, 2/2 by A (A consulted
# on B's petition), 3/1 by A (before the transfer), 3/2 by B.
CORE = f"""
insert into core.petition (petition_sk, ptn_no, first_seen) values
 (1, 'PTN-1', '2025-03-03'), (2, 'PTN-2', '2025-03-03'), (3, 'PTN-3', '2025-03-03');
insert into core.petition_history (petition_sk, valid_from, valid_to, is_current, batch_id, proc_cd, apln_nm,
                                   dept_cd, stat_cd)
values (1, '2025-03-03', null, true, 1, 'P0001', '홍길동', '{DEPT_A}', 'RCV'),
       (2, '2025-03-03', null, true, 1, 'P0001', '김철수', '{DEPT_B}', 'RCV'),
       (3, '2025-03-03', '2025-03-05', false, 1, 'P0001', '이영희', '{DEPT_A}', 'RCV'),
       (3, '2025-03-05', null, true, 2, 'P0001', '이영희', '{DEPT_B}', 'PRC');
insert into core.petition_step (petition_step_sk, ptn_no, step_seq, first_seen) values
 (11, 'PTN-1', 1, '2025-03-03'), (12, 'PTN-1', 2, '2025-03-04'),
 (21, 'PTN-2', 1, '2025-03-03'), (22, 'PTN-2', 2, '2025-03-04'),
 (31, 'PTN-3', 1, '2025-03-03'), (32, 'PTN-3', 2, '2025-03-05');
insert into core.petition_step_history (petition_step_sk, valid_from, is_current, batch_id, step_cd, dept_cd,
                                        petition_sk)
values (11, '2025-03-03', true, 1, 'RCPT', '{DEPT_A}', 1), (12, '2025-03-04', true, 1, 'CNSL', '{DEPT_B}', 1),
       (21, '2025-03-03', true, 1, 'RCPT', '{DEPT_B}', 2), (22, '2025-03-04', true, 1, 'CNSL', '{DEPT_A}', 2),
       (31, '2025-03-03', true, 1, 'RCPT', '{DEPT_A}', 3), (32, '2025-03-05', true, 2, 'REVW', '{DEPT_B}', 3);
insert into core.party (party_sk, party_type, party_id, id_status, first_seen)
values (1, '1', 'p_00000000000000000000000000000001', 'valid', '2025-03-03');
insert into audit.batch (batch_id, system, source_name, status) values (1, 'civil', 'saeol.petition', 'loaded');
select setval('audit.batch_batch_id_seq', 100);
insert into monitoring.scenario (scenario_id, area, title) values ('CIV-01', 'civil', 'overdue petition');
insert into monitoring.alert (alert_id, scenario_id, subject, first_seen, last_seen, last_run, estimate_krw)
values (1, 'CIV-01', 'PTN-1', '2025-03-14', '2025-03-14', '2025-03-14', 1000);
"""


class Users:
    """LOGIN users made members of the group roles, for one test; dropped afterwards."""

    def __init__(self, server: str, warehouse: str) -> None:
        self.server, self.warehouse = server, warehouse
        self.made: list[str] = []
        self.extra_dbs: list[str] = []  # other databases the users were given rights in

    def make(self, *groups: str, settings: dict[str, str] | None = None) -> str:
        name = f"cbt_{groups[0].removeprefix('cb_')}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(sql.SQL("create role {} login").format(sql.Identifier(name)))
            self.made.append(name)
            for group in groups:
                conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(group), sql.Identifier(name)))
            for key, value in (settings or {}).items():
                conn.execute(sql.SQL("alter role {} set {} = {}").format(
                    sql.Identifier(name), sql.Identifier(*key.split(".")), sql.Literal(value)))
        return name

    def uri(self, user: str, database: str | None = None) -> str:
        return make_conninfo(database or self.warehouse, user=user)

    @contextmanager
    def connect(self, user: str, database: str | None = None) -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(self.uri(user, database), autocommit=True) as conn:
            assert conn.execute("select session_user").fetchone() == (user,)
            yield conn

    def drop_all(self, databases: list[str]) -> None:
        for db in databases:
            with psycopg.connect(db, autocommit=True) as conn:
                for name in self.made:
                    conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(name)))
        with psycopg.connect(self.server, autocommit=True) as conn:
            for name in self.made:
                conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


@pytest.fixture
def users(pg_server: str, warehouse: str) -> Iterator[Users]:
    made = Users(pg_server, warehouse)
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute(CORE)
    yield made
    made.drop_all([warehouse, *made.extra_dbs])
    with psycopg.connect(pg_server) as conn:
        left = conn.execute("select rolname from pg_roles where rolname like 'cbt\\_%'").fetchall()
    assert left == [], "test users left on the server"


def can(conn: psycopg.Connection[Any], statement: str) -> bool:
    """True if the statement runs; False if it is refused for lack of privilege. Writes are rolled back."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(statement)  # type: ignore[arg-type]
        return True
    except psycopg.errors.InsufficientPrivilege:
        return False


def rows(conn: psycopg.Connection[Any], query: str) -> list[Any]:
    return [r[0] if len(r) == 1 else r for r in conn.execute(query).fetchall()]  # type: ignore[arg-type]


def test_groups_are_nologin_roles_with_the_documented_reach(users: Users) -> None:
    with psycopg.connect(users.server) as conn:
        found = dict(conn.execute("select rolname, rolcanlogin from pg_roles where rolname = any(%s)",
                                  (list(GROUPS),)).fetchall())
    assert found == dict.fromkeys(GROUPS, False)


def test_reader_reads_mart_only(users: Users) -> None:
    """scenario_input carries bank accounts and RRN pseudonyms: a service gets the calendar through mart."""
    user = users.make("cb_reader")
    with users.connect(user) as conn:
        assert can(conn, "select * from mart.party")
        assert can(conn, "select * from mart.petition")
        assert can(conn, "select * from mart.business_calendar")
        for denied in ("select * from scenario_input.calendar", "select * from scenario_input.refresh"):
            assert not can(conn, denied), denied
        # the mart shows every petition (the views run as their owner), without applicants
        assert rows(conn, "select ptn_no from mart.petition order by 1") == ["PTN-1", "PTN-2", "PTN-3"]
        for denied in ("select * from core.party", "select * from core.petition_history", "select * from audit.batch",
                       "select * from staging.hr_emp", "select * from disclosure.open_petitions",
                       "select * from dq.result", "select * from monitoring.alert", "select * from quarantine.record",
                       "insert into scenario_input.calendar values ('2025-01-01', false, null, 0)",
                       "delete from scenario_input.refresh", "create table mart.x (a int)",
                       "create table public.x (a int)"):
            assert not can(conn, denied), denied


def test_public_reads_disclosure_only(users: Users) -> None:
    user = users.make("cb_public")
    with users.connect(user) as conn:
        for table in ("open_procedures", "open_petitions", "open_petition_steps", "finance_budget_execution",
                      "finance_contracts", "finance_payments_monthly"):
            assert can(conn, f"select * from disclosure.{table}"), table
        for denied in ("select * from mart.party", "select * from core.party", "select * from staging.hr_emp",
                       "select * from scenario_input.calendar", "select * from audit.batch",
                       "select * from monitoring.alert",
                       "delete from disclosure.open_petitions",
                       "insert into disclosure.finance_payments_monthly values (2025, '2025-01', 'd', null, 'b',"
                       " null, 1, 1)"):
            assert not can(conn, denied), denied


def test_auditor_reads_core_dq_audit_monitoring_and_marks_alerts(users: Users) -> None:
    user = users.make("cb_auditor")
    with users.connect(user) as conn:
        for table in ("core.party", "core.employee_history", "core.contract_history", "core.reconcile_run",
                      "dq.result", "audit.batch", "audit.batch_balance", "monitoring.alert",
                      "monitoring.alert_status_history", "monitoring.scenario_stats"):
            assert can(conn, f"select * from {table}"), table
        # auditors read core whole: every petition and step
        assert len(rows(conn, "select 1 from core.petition_history")) == 4
        assert len(rows(conn, "select 1 from core.petition_step_history")) == 6
        # marking an alert: the status and its history, nothing else of the alert
        assert rows(conn, f"select monitoring.mark_alert(1, 'checked', '{user}', '2025-03-15', 'looked at it')") == [
            "checked"]
        assert rows(conn, "select status from monitoring.alert where alert_id = 1") == ["checked"]
        assert rows(conn, "select to_status, changed_by from monitoring.alert_status_history") == [("checked", user)]
        # the function takes the person from the session: another name is refused, and no direct write
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select monitoring.mark_alert(1, 'excluded', 'someone-else', '2025-03-15')")
        for denied in ("update monitoring.alert set status = 'resolved'", "update monitoring.alert set estimate_krw = 0",
                       "delete from monitoring.alert",
                       "insert into monitoring.alert_status_history (alert_id, to_status, as_of, changed_by)"
                       " values (1, 'excluded', '2025-03-15', 'someone-else')",
                       "update monitoring.alert_status_history set changed_by = 'x'",
                       "delete from monitoring.alert_status_history", "insert into monitoring.scenario values"
                       " ('X', 'x', 'x', '{}')",
                       "select * from staging.hr_emp", "select * from quarantine.record",
                       "select * from disclosure.open_petitions", "delete from disclosure.open_petitions",
                       "select * from mart.party", "select * from scenario_input.calendar",
                       "insert into core.party (party_type, party_id, first_seen) values ('2', '1', now())",
                       "update core.petition_history set stat_cd = 'END'", "delete from audit.batch",
                       "update dq.result set success = true"):
            assert not can(conn, denied), denied


def test_loader_writes_every_warehouse_schema(users: Users) -> None:
    user = users.make("cb_loader")
    reader = users.make("cb_reader")
    auditor = users.make("cb_auditor")
    with users.connect(user) as conn:
        for allowed in (
            "insert into staging.hr_dept (batch_id, delivery_date, line_no, dept_cd, dept_nm)"
            " values (1, '2025-03-03', 1, '1000001', 'x')",
            "insert into audit.batch (system, source_name) values ('hr', 'HR_DEPT.csv')",  # a sequence
            "insert into quarantine.record (batch_id, system, source_name, line_no, reason, record)"
            " values (1, 'civil', 's', 1, 'r', 'x')",
            "insert into core.department (dept_cd, first_seen) values ('9999999', now())",  # an identity
            "update core.petition_history set stat_cd = 'END' where petition_sk = 2",
            "insert into core.petition_history (petition_sk, valid_from, is_current, batch_id, dept_cd)"
            " values (1, '2025-04-01', false, 3, '1000009')",
            "delete from core.petition_step_history",
            "insert into disclosure.open_procedures values ('P0001', null, null, 'x', 1, 'a', 'a', 'default')",
            "update monitoring.alert set estimate_krw = 2",
            "insert into dq.result values (1, 's', 'e', 'c', true, true, null, 1, 0, null)",
            "truncate scenario_input.refresh",
            "create table scenario_input.loader_made (a int)",
            "select * from mart.party",
        ):
            assert can(conn, allowed), allowed
        # the pipeline sees and writes every petition (row security lets it)
        assert len(rows(conn, "select 1 from core.petition_history")) == 4
        assert len(rows(conn, "select 1 from core.petition")) == 3
        with conn.transaction(force_rollback=True):
            assert conn.execute("update core.petition_history set stat_cd = 'END'").rowcount == 4
            assert conn.execute("delete from core.petition_step_history").rowcount == 6
        for denied in ("create schema x", "create table public.x (a int)"):
            assert not can(conn, denied), denied
    # A pipeline login acts as cb_loader (README: alter role etl set role
    # cb_loader), so the tables it makes are cb_loader's: droppable by any
    # pipeline login, and granted by cb_loader's default privileges.
    etl = users.make("cb_loader", settings={"role": "cb_loader"})
    with users.connect(etl) as conn:
        assert rows(conn, "select current_user") == ["cb_loader"]
        conn.execute("create unlogged table scenario_input.loader_made as select 1 as a")
        conn.execute("create table disclosure.loader_made (a int)")
    with users.connect(reader) as conn:  # scenario_input is not the services' (bank accounts, pseudonyms)
        assert not can(conn, "select a from scenario_input.loader_made")
    with users.connect(auditor) as conn:
        assert not can(conn, "select * from scenario_input.loader_made")
    public = users.make("cb_public")
    with users.connect(public) as conn:
        assert can(conn, "select * from disclosure.loader_made")
    with users.connect(user) as conn:  # another pipeline login
        assert can(conn, "drop table scenario_input.loader_made")
    with psycopg.connect(users.warehouse, autocommit=True) as conn:
        assert rows(conn, "select tableowner from pg_tables where tablename = 'loader_made'") == [
            "cb_loader", "cb_loader"]
        conn.execute("drop table scenario_input.loader_made, disclosure.loader_made")


def test_tables_recreated_by_a_run_keep_their_grants(users: Users) -> None:
    """scenario_input and disclosure tables recreated by the superuser that migrated stay readable."""
    reader, public, loader = users.make("cb_reader"), users.make("cb_public"), users.make("cb_loader")
    with psycopg.connect(users.warehouse, autocommit=True) as conn:
        assert rows(conn, "select current_user") == [conn.info.user]
        with conn.transaction():  # as scenarios/input/*.sql and a publication do it
            conn.execute("drop table if exists scenario_input.dept")
            conn.execute("create unlogged table scenario_input.dept as"
                         " select '1000001'::text as dept_cd, '감사과'::text as dept_nm, null::text as upper_dept_cd")
            conn.execute("drop table disclosure.finance_payments_monthly")
            conn.execute("create table disclosure.finance_payments_monthly (fscl_yr integer, pay_month text,"
                         " dept_cd text, pay_total bigint, id bigserial)")
            conn.execute("insert into disclosure.finance_payments_monthly values (2025, '2025-01', 'd', 5)")
    with users.connect(reader) as conn:
        assert not can(conn, "select dept_nm from scenario_input.dept")
        assert not can(conn, "select * from disclosure.finance_payments_monthly")
    with users.connect(public) as conn:
        assert rows(conn, "select pay_total from disclosure.finance_payments_monthly") == [5]
        assert not can(conn, "select * from scenario_input.dept")
    with users.connect(loader) as conn:
        assert can(conn, "insert into disclosure.finance_payments_monthly (fscl_yr) values (2026)")  # and its sequence
        assert can(conn, "delete from scenario_input.dept")


def test_directors_see_their_department_and_executives_everything(users: Users) -> None:
    """A director's department comes from audit.director_department (login -> department), not a setting."""
    director = users.make("cb_director")
    executive = users.make("cb_executive")
    other = users.make("cb_director")

    def map_director(login: str, dept: str | None) -> None:
        with psycopg.connect(users.warehouse, autocommit=True) as conn:
            conn.execute("delete from audit.director_department where login = %s", (login,))
            if dept:
                conn.execute("insert into audit.director_department (login, dept_cd) values (%s, %s)", (login, dept))

    with users.connect(director) as conn:
        # without a mapping: nothing
        for table in ("petition", "petition_history", "petition_step", "petition_step_history"):
            assert rows(conn, f"select count(*) from core.{table}") == [0], table
        # the old session setting is no key any more
        conn.execute(f"set cheongbaek.dept_cd = '{DEPT_A}'")
        assert rows(conn, "select count(*) from core.petition_history") == [0]
        map_director(director, DEPT_A)
        assert rows(conn, "select distinct dept_cd from core.petition_history") == [DEPT_A]
        # versions with A: petition 1, and petition 3 while it was with A
        assert rows(conn, "select i.ptn_no, h.is_current from core.petition i join core.petition_history h"
                          " using (petition_sk) order by 1") == [("PTN-1", True), ("PTN-3", False)]
        assert rows(conn, "select ptn_no from core.petition order by 1") == ["PTN-1", "PTN-3"]
        # steps: every step of the petition currently with A, and A's own steps on other petitions
        assert rows(conn, "select i.ptn_no, i.step_seq from core.petition_step i join core.petition_step_history h"
                          " using (petition_step_sk) order by 1, 2") == [("PTN-1", 1), ("PTN-1", 2), ("PTN-2", 2),
                                                                         ("PTN-3", 1)]
        assert rows(conn, "select count(*) from core.petition_step") == [4]
        # what a director may read besides
        assert can(conn, "select * from core.procedure_history")
        assert can(conn, "select * from core.department_history")
        # a setting, a role setting or the mapping itself cannot move the director elsewhere
        conn.execute(f"set cheongbaek.dept_cd = '{DEPT_B}'")
        assert rows(conn, "select ptn_no from core.petition order by 1") == ["PTN-1", "PTN-3"]
        for denied in ("select * from audit.director_department",
                       f"update audit.director_department set dept_cd = '{DEPT_B}'",
                       f"insert into audit.director_department values ('{director}x', '{DEPT_B}')",
                       "delete from audit.director_department",
                       "select * from core.party", "select * from core.employee_history", "select * from mart.petition",
                       "select * from staging.civ_petition", "select * from core.tax_assessment_history",
                       "select * from monitoring.alert", "update core.petition_history set stat_cd = 'END'",
                       "insert into core.petition (ptn_no, first_seen) values ('X', now())"):
            assert not can(conn, denied), denied
        map_director(director, DEPT_B)
        assert rows(conn, "select ptn_no from core.petition order by 1") == ["PTN-2", "PTN-3"]
        map_director(director, None)
        assert rows(conn, "select count(*) from core.petition_history") == [0]
    map_director(other, DEPT_B)
    with users.connect(other) as conn:  # another director, mapped to B
        assert rows(conn, "select ptn_no from core.petition order by 1") == ["PTN-2", "PTN-3"]
        assert rows(conn, "select count(*) from core.petition_history") == [2]
    map_director(other, None)
    with users.connect(executive) as conn:
        assert rows(conn, "select count(*) from core.petition_history") == [4]
        assert rows(conn, "select count(*) from core.petition_step_history") == [6]
        assert rows(conn, "select ptn_no from core.petition order by 1") == ["PTN-1", "PTN-2", "PTN-3"]
        for denied in ("select * from core.party", "select * from core.employee_history", "select * from mart.party",
                       "delete from core.petition_history"):
            assert not can(conn, denied), denied


def test_row_security_does_not_touch_the_owner(users: Users) -> None:
    """RLS is enabled, not forced: the migrating superuser (the pipeline here) sees and writes everything."""
    with psycopg.connect(users.warehouse) as conn:
        assert rows(conn, "select relname, relrowsecurity, relforcerowsecurity from pg_class"
                          " where relnamespace = 'core'::regnamespace and relrowsecurity order by 1") == [
            ("petition", True, False), ("petition_history", True, False), ("petition_step", True, False),
            ("petition_step_history", True, False)]
        assert rows(conn, "select count(*) from core.petition_history") == [4]


def _policies(uri: str) -> list[Any]:
    with psycopg.connect(uri) as conn:
        return rows(conn, "select tablename, policyname, roles::text from pg_policies order by 1, 2")


def test_migrations_run_twice_and_on_a_second_warehouse(users: Users, fresh_db, monkeypatch) -> None:  # noqa: ANN001
    before = _policies(users.warehouse)
    assert len(before) == 4 * 4
    assert migrate() == []
    with psycopg.connect(users.warehouse) as conn:
        conn.execute("delete from public.cb_schema_version")  # every file runs again
        conn.commit()
    applied = migrate()
    assert "0021_access.sql" in applied and "0022_mart.sql" in applied and "0090_access_grants.sql" in applied
    assert migrate() == []
    assert _policies(users.warehouse) == before

    # two more warehouses on the same server: migrate() on each, then every
    # file again on both at the same time (per-database advisory locks do not
    # serialise them: roles, comments and grants must bear it)
    others = [fresh_db("wh2"), fresh_db("wh3")]
    users.extra_dbs.extend(others)
    for uri in others:
        monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", uri)
        assert "0021_access.sql" in migrate()
        assert migrate() == []
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_rerun_every_file, args=(uri, errors)) for uri in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    reader, director = users.make("cb_reader"), users.make("cb_director")
    for uri in others:
        assert _policies(uri) == before
        with psycopg.connect(uri, autocommit=True) as conn:
            conn.execute(CORE)
            conn.execute("insert into audit.director_department (login, dept_cd) values (%s, %s)", (director, DEPT_A))
        with users.connect(reader, uri) as conn:
            assert rows(conn, "select count(*) from mart.petition") == [3]
            assert not can(conn, "select * from core.petition")
        with users.connect(director, uri) as conn:
            assert rows(conn, "select ptn_no from core.petition order by 1") == ["PTN-1", "PTN-3"]
    # the first warehouse is untouched by the others
    with users.connect(reader) as conn:
        assert rows(conn, "select count(*) from mart.petition") == [3]


def _rerun_every_file(uri: str, errors: list[BaseException]) -> None:
    """Run every migration file again on one database (by URI, not the environment: safe in a thread)."""
    from cheongbaek.migrate import migration_files

    try:
        with psycopg.connect(uri, autocommit=True) as conn:
            conn.execute("select pg_advisory_lock(%s)", (0x43_42_4D_47,))
            try:
                for _name, text in migration_files():
                    with conn.transaction():
                        conn.execute(text)  # type: ignore[arg-type]
            finally:
                conn.execute("select pg_advisory_unlock(%s)", (0x43_42_4D_47,))
    except BaseException as exc:  # noqa: BLE001
        errors.append(exc)
