"""The workbench lifecycle in the warehouse, with real login roles.

The world of test_scenario_lifecycle (three sold properties without their
acquisition tax, a tax department and an audit office) runs TAX-01; people
are mapped in monitoring.workbench_user and act through monitoring.wb_act()
as LOGIN roles of the real server. Proves: the acting person comes from the
session, never from an argument or a setting an ordinary login may set; the
trail refuses UPDATE, DELETE and TRUNCATE from every role, the owner
included; reruns of the scenarios keep every mark and trail row; due dates,
reassignment of a departed official and the statistics.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from test_access import Users
from test_scenario_lifecycle import D1, D2, _world
from test_scenarios import Staging, d, pid, pnu

from cheongbaek.scenarios.runner import run_scenarios

pytestmark = pytest.mark.integration

GROUPS = ("cb_loader", "cb_reader", "cb_auditor", "cb_public", "cb_director", "cb_executive", "cb_workbench")


@pytest.fixture
def logins(pg_server: str, warehouse: str) -> Iterator[Users]:
    """LOGIN roles of the real server, members of one group each (test_access.Users), dropped afterwards."""
    made = Users(pg_server, warehouse)
    yield made
    made.drop_all([warehouse])


@pytest.fixture
def world(warehouse: str) -> Iterator[Staging]:
    stg = Staging(warehouse)
    _world(stg)
    stg.reconcile(D1)
    run_scenarios(D1, only=["TAX-01"])
    with psycopg.connect(warehouse, autocommit=True) as conn:
        for login, emp, role, dept in [("kim", "000000012", "official", "3000001"),
                                       ("lee", "000000011", "manager", "3000001"),
                                       ("park", "000000091", "auditor", None)]:
            conn.execute("insert into monitoring.workbench_user (login, emp_no, role, dept_cd) values (%s, %s, %s, %s)",
                         (login, emp, role, dept))
        # TAX-01 names no officer: the manager assigns them to the official kim (as the workbench does)
        conn.execute("update monitoring.alert set assigned_emp_no = '000000012'")
    yield stg
    stg.close()


def ids(conn: psycopg.Connection[Any]) -> dict[str, int]:
    return dict(conn.execute("select subject, alert_id from monitoring.alert").fetchall())


def as_person(conn: psycopg.Connection[Any], login: str) -> None:
    conn.execute("select set_config('cheongbaek.wb_login', %s, false)", (login,))


def act(conn: psycopg.Connection[Any], alert: int, action: str, text: str | None = None,
        reason: str | None = None) -> str:
    return conn.execute("select monitoring.wb_act(%s, %s, %s, %s)", (alert, action, text, reason)).fetchone()[0]


def trail(conn: psycopg.Connection[Any]) -> list[tuple]:
    return conn.execute("select history_id, alert_id, from_status, to_status, changed_by, actor_role, action, note,"
                        " reason_code, recorded_at from monitoring.alert_status_history order by history_id"
                        ).fetchall()


def test_lifecycle_person_from_the_session_and_reruns_keep_marks(world: Staging, warehouse: str,
                                                                 logins: Users) -> None:
    service = logins.make("cb_workbench")  # the workbench's own login: trusted to name the person
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute(sql.SQL("grant select on all tables in schema monitoring to {}").format(sql.Identifier(service)))
        a = ids(conn)
        due = conn.execute("select due_on from monitoring.alert where subject = 'P1'").fetchone()[0]
        # 10 business days after first_seen (2025-06-30, a Monday): 2025-07-14
        assert due == d("2025-07-14")
    with logins.connect(service) as conn:
        as_person(conn, "kim")
        assert act(conn, a["P1"], "action", "assessment 2025-101-7 issued") == "submitted"
        assert act(conn, a["P2"], "justify", "sold to the state: exempt") == "submitted"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            act(conn, a["P3"], "confirm")  # an official does not confirm
        as_person(conn, "lee")
        assert act(conn, a["P1"], "confirm") == "confirmed"
        assert act(conn, a["P2"], "return", "name the exemption article") == "open"
        as_person(conn, "park")
        assert act(conn, a["P1"], "accept") == "closed"
        assert act(conn, a["P3"], "exclude", "buyer is a public body", "legal_exception") == "excluded"
        as_person(conn, "nobody")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            act(conn, a["P2"], "justify", "x")
    with psycopg.connect(warehouse, autocommit=True) as conn:
        rows = conn.execute("select changed_by, actor_role, action, from_status, to_status from"
                            " monitoring.alert_status_history where actor_role is not null order by history_id"
                            ).fetchall()
        assert rows == [("kim", "official", "action", "open", "submitted"),
                        ("kim", "official", "justify", "open", "submitted"),
                        ("lee", "manager", "confirm", "submitted", "confirmed"),
                        ("lee", "manager", "return", "submitted", "open"),
                        ("park", "auditor", "accept", "confirmed", "closed"),
                        ("park", "auditor", "exclude", "open", "excluded")]
        before_trail = trail(conn)
        before = conn.execute("select alert_id, status, outcome, outcome_text, reason_code, assigned_emp_no, due_on"
                              " from monitoring.alert order by alert_id").fetchall()

    # reruns: the same day, then the next with P1's and P2's assessments arriving
    run_scenarios(D1, only=["TAX-01"])
    world.file("tax_assessment", D2, asmt_no="A1", tax_item_cd="101", party_id=pid(1), pnu=pnu(1),
               cause_dt=d("2025-04-03"), tax_amt=4_000_000, status_cd="02", paid_dt=d("2025-06-30"))
    world.file("tax_assessment", D2, asmt_no="A2", tax_item_cd="101", party_id=pid(2), pnu=pnu(2),
               cause_dt=d("2025-04-03"), tax_amt=3_000_000, status_cd="01")
    world.reconcile(D2)
    run_scenarios(D2, only=["TAX-01"])
    with psycopg.connect(warehouse, autocommit=True) as conn:
        after_trail = trail(conn)
        assert after_trail[:len(before_trail)] == before_trail  # every row kept, unchanged
        after = conn.execute("select alert_id, status, outcome, outcome_text, reason_code, assigned_emp_no, due_on"
                             " from monitoring.alert order by alert_id").fetchall()
        marks = {r[0]: r for r in after}
        for row in before:
            if row[1] == "open":  # P2 (returned, open) resolves automatically as its assessment arrived
                assert marks[row[0]][1] == "resolved" and marks[row[0]][2:] == row[2:]
            else:
                assert marks[row[0]] == row
        stats = conn.execute("select found, actioned, justified, excluded, closed, hit_rate from"
                             " monitoring.workbench_scenario_stats where scenario_id = 'TAX-01'").fetchone()
        # P1 closed as real, P2 resolved (real), P3 excluded: 2 of 3 closed are real
        assert stats[:5] == (3, 1, 0, 1, 3) and float(stats[5]) == pytest.approx(2 / 3, abs=1e-4)


def test_an_ordinary_login_cannot_claim_another_name(world: Staging, warehouse: str, logins: Users) -> None:
    auditor = logins.make("cb_auditor")
    with psycopg.connect(warehouse, autocommit=True) as conn:
        a = ids(conn)
    with logins.connect(auditor) as conn:
        as_person(conn, "park")  # ignored: an auditor's own login is not the trusted workbench service
        assert act(conn, a["P3"], "exclude", "duplicate of P1", "duplicate") == "excluded"
        assert conn.execute("select changed_by from monitoring.alert_status_history order by history_id desc"
                            " limit 1").fetchone() == (auditor,)
        for statement in ("update monitoring.alert set status = 'resolved'",
                          "update monitoring.alert set status = 'closed' where status = 'excluded'",
                          "insert into monitoring.alert_status_history (alert_id, to_status, as_of, changed_by)"
                          " values (1, 'closed', '2025-07-01', 'park')",
                          "update monitoring.workbench_user set role = 'manager'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)  # type: ignore[arg-type]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select monitoring.mark_alert(%s, 'open', 'park', '2025-07-01')", (a["P3"],))
    reader = logins.make("cb_reader")
    with logins.connect(reader) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        act(conn, a["P1"], "exclude", "x", "duplicate")


def test_the_trail_is_append_only_for_every_role(world: Staging, warehouse: str, logins: Users) -> None:
    statements = ("update monitoring.alert_status_history set note = 'rewritten'",
                  "delete from monitoring.alert_status_history",
                  "truncate monitoring.alert_status_history",
                  "delete from monitoring.alert")  # cascades to the trail: refused too
    for group in GROUPS:
        user = logins.make(group)
        with logins.connect(user) as conn:
            for statement in statements:
                with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                    conn.execute(statement)  # type: ignore[arg-type]
    # the owner and superuser that migrated (and runs the pipeline) is refused by the trigger too
    with psycopg.connect(warehouse, autocommit=True) as conn:
        n = conn.execute("select count(*) from monitoring.alert_status_history").fetchone()[0]
        for statement in statements:
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)  # type: ignore[arg-type]
        assert conn.execute("select count(*) from monitoring.alert_status_history").fetchone()[0] == n == 3


def test_a_departed_official_alerts_go_to_the_manager(world: Staging, warehouse: str) -> None:
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("update monitoring.alert set assigned_emp_no = '000000077' where subject = 'P1'")  # not in HR
        moved = conn.execute("select monitoring.wb_reassign_departed(%s)", (D1,)).fetchone()[0]
        assert moved == 1
        assert conn.execute("select assigned_emp_no from monitoring.alert where subject = 'P1'").fetchone() == (
            "000000011",)
        assert conn.execute("select changed_by, action, note from monitoring.alert_status_history"
                            " order by history_id desc limit 1").fetchone() == (
            "workbench", "assign", "official 000000077 left or moved: reassigned to the manager 000000011")
        assert conn.execute("select monitoring.wb_reassign_departed(%s)", (D1,)).fetchone()[0] == 0  # kim is in HR


def test_one_digest_a_person_with_overdue_escalation_and_the_audit_office_always(world: Staging, warehouse: str,
                                                                                cb_home) -> None:  # noqa: ANN001
    import email
    import email.policy

    from cheongbaek.scenarios.notify import notify

    with psycopg.connect(warehouse, autocommit=True) as conn:
        # P1 overdue by far (the audit office is told too), P2 just overdue (official and manager only)
        conn.execute("update monitoring.alert set due_on = '2025-06-02' where subject = 'P1'")
        conn.execute("update monitoring.alert set due_on = '2025-06-27' where subject = 'P2'")
    first = notify(D1)
    assert first["emails"] == 3 and first["notifications"] == 6  # 3 new alerts to the manager and the auditor
    folder = cb_home / "mail" / D1.isoformat()

    def body(emp: str) -> str:
        """The newest message to ``emp`` (the session's mail folder is shared with other tests)."""
        newest = max(folder.glob(f"{emp}*.eml"), key=lambda f: f.stat().st_mtime_ns)
        return email.message_from_bytes(newest.read_bytes(), policy=email.policy.default).get_content()

    official, manager, auditor = body("000000012"), body("000000011"), body("000000091")
    assert "Overdue alerts: 2" in official and "New alerts: none" in official
    assert "New alerts: 3" in manager and "Overdue alerts: 2" in manager
    assert "New alerts: 3" in auditor and "Overdue alerts: 1" in auditor and "subject P1" in auditor
    assert "Audit office: alerts still open per department" in auditor and "3000001: 3 / 0 / 2" in auditor
    # a rerun sends nothing twice
    assert notify(D1)["emails"] == 0
    # the next day: nothing new, nothing newly overdue, and still the audit office's digest
    second = notify(D2)
    assert second == {"as_of": D2.isoformat(), "channel": "file", "emails": 1, "notifications": 0}
    assert list((cb_home / "mail" / D2.isoformat()).glob("000000091*.eml"))
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from monitoring.digest").fetchone()[0] == 4
        assert conn.execute("select count(*) from monitoring.escalation").fetchone()[0] == 5


def test_report_fragment_escapes_and_counts(world: Staging, warehouse: str) -> None:
    from cheongbaek.workbench import report

    with psycopg.connect(warehouse) as conn:
        conn.execute("update monitoring.scenario set title = '<script>x</script>' where scenario_id = 'TAX-01'")
        html = report.render(conn, D1)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<td>TAX-01</td>" in html and "3 alerts" in html


def test_cli_maps_logins(world: Staging, warehouse: str, capsys: pytest.CaptureFixture[str]) -> None:
    from cheongbaek import cli

    # the department comes from HR when not given
    assert cli.main(["workbench", "user", "add", "choi", "--emp-no", "000000012", "--role", "official"]) == 0
    assert "choi: employee 000000012, official, department 3000001" in capsys.readouterr().out
    assert cli.main(["workbench", "user", "add", "bad", "--emp-no", "12", "--role", "official"]) == 2
    assert "emp_no must be 9 digits" in capsys.readouterr().err
    # an unknown role is a usage error: one line, exit 2 (the CLI's argparse never exits with a usage block)
    assert cli.main(["workbench", "user", "add", "x", "--emp-no", "000000012", "--role", "boss"]) == 2
    assert "choose from 'official', 'manager', 'auditor'" in capsys.readouterr().err
    assert cli.main(["workbench", "user", "remove", "choi"]) == 0
    assert cli.main(["workbench", "user", "remove", "choi"]) == 2
    assert cli.main(["workbench", "user", "list"]) == 0
    out = capsys.readouterr().out
    assert "choi" in out and "False" in out and "park" in out
