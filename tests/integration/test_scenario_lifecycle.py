"""Two-day replay of the alert lifecycle: dedup on reruns, automatic resolution
with the collected amount, auditor marks kept, statistics, notification and
the report section. Each day's staged rows are reconciled into core before
the scenarios run, as the pipeline chains them."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import psycopg
import pytest
from test_scenarios import DAY1, Staging, d, pid, pnu

from cheongbaek.scenarios.notify import notify
from cheongbaek.scenarios.runner import run_scenarios

pytestmark = pytest.mark.integration

D1, D2 = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
PSEUDONYM = re.compile(r"p_[0-9a-f]{32}")


def _world(stg: Staging) -> None:
    for dept, name in [("3000001", "세무과"), ("3000009", "감사관")]:
        stg.file("hr_dept", DAY1, dept_cd=dept, dept_nm=name)
    for emp, person, dept, grade in [("000000011", 11, "3000001", 5), ("000000012", 12, "3000001", 8),
                                     ("000000091", 91, "3000009", 4)]:
        stg.file("hr_emp", DAY1, emp_no=emp, rrn=pid(person), dept_cd=dept, grade=grade)
    for n in (1, 2, 3):
        stg.db("fin_pub_prop", DAY1, prop_no=f"P{n}", pnu=pnu(n), disp_dt=d("2025-04-01"), disp_party_type="1",
               disp_party_id=pid(n), disp_amt=100_000_000)


def _alert(conn: psycopg.Connection, subject: str) -> tuple:
    return conn.execute(
        "select alert_id, status, matching, first_seen, last_seen, resolved_on, collected_krw, estimate_krw,"
        " manager_emp_no, auditor_emp_no, recipients from monitoring.alert where scenario_id = 'TAX-01'"
        " and subject = %s", (subject,)).fetchone()


def test_two_day_replay(warehouse: str, cb_home) -> None:  # noqa: ANN001
    stg = Staging(warehouse)
    _world(stg)
    stg.reconcile(D1)
    first = run_scenarios(D1, only=["TAX-01"])
    assert first["scenarios"]["TAX-01"] == {"found": 3, "new": 3, "resolved": 0}
    again = run_scenarios(D1, only=["TAX-01"])
    assert again["scenarios"]["TAX-01"] == {"found": 3, "new": 0, "resolved": 0}

    with psycopg.connect(warehouse, autocommit=True) as conn:
        assert conn.execute("select count(*) from monitoring.alert").fetchone()[0] == 3
        p1 = _alert(conn, "P1")
        assert p1[1:3] == ("open", True) and p1[7] == 4_000_000
        # recipients: the tax department's head (grade 5) and the head of the audit office
        assert p1[8:10] == ("000000011", "000000091")
        assert p1[10] == [{"role": "manager", "emp_no": "000000011"}, {"role": "auditor", "emp_no": "000000091"}]
        p2, p3 = _alert(conn, "P2"), _alert(conn, "P3")
        # mark_alert records the session's person: the trusted (superuser) session says who acts
        conn.execute("select set_config('cheongbaek.wb_login', 'auditor-kim', false)")
        conn.execute("select monitoring.mark_alert(%s, 'excluded', 'auditor-kim', %s, 'sold to the state')",
                     (p2[0], D1))
        conn.execute("select monitoring.mark_alert(%s, 'actioned', 'auditor-kim', %s)", (p3[0], D1))
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("select monitoring.mark_alert(%s, 'resolved', 'auditor-kim', %s)", (p3[0], D1))

    sent = notify(D1)
    assert sent == {"as_of": "2025-06-30", "channel": "file", "emails": 2, "notifications": 2}  # P1 only is open
    files = sorted((cb_home / "mail" / "2025-06-30").glob("*.eml"))
    assert [f.name for f in files] == ["000000011.eml", "000000091.eml"]
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["To"] == "000000011@cheongbaek.local" and msg["Message-ID"] and msg["Date"]
    body = msg.get_content()
    assert "TAX-01" in body and "P1" in body and not PSEUDONYM.search(body)
    assert notify(D1)["emails"] == 0  # nothing is sent twice

    # Day 2: the acquisition tax of P1 (paid) and of P2 arrive; P3 stays missing.
    stg.file("tax_assessment", D2, asmt_no="A1", tax_item_cd="101", party_id=pid(1), pnu=pnu(1),
             cause_dt=d("2025-04-03"), tax_amt=4_000_000, status_cd="02", paid_dt=d("2025-06-30"))
    stg.file("tax_assessment", D2, asmt_no="A2", tax_item_cd="101", party_id=pid(2), pnu=pnu(2),
             cause_dt=d("2025-04-03"), tax_amt=3_000_000, status_cd="01")
    stg.reconcile(D2)
    second = run_scenarios(D2, only=["TAX-01"])
    assert second["scenarios"]["TAX-01"] == {"found": 1, "new": 0, "resolved": 2}
    assert run_scenarios(D2, only=["TAX-01"])["scenarios"]["TAX-01"] == {"found": 1, "new": 0, "resolved": 0}

    with psycopg.connect(warehouse, autocommit=True) as conn:
        p1, p2, p3 = _alert(conn, "P1"), _alert(conn, "P2"), _alert(conn, "P3")
        assert p1[1:7] == ("resolved", False, D1, D1, D2, 4_000_000)
        assert p2[1:7] == ("excluded", False, D1, D1, D2, 0)   # the mark is kept; nothing paid yet
        assert p3[1:7] == ("actioned", True, D1, D2, None, 0)
        history = conn.execute(
            "select a.subject, h.from_status, h.to_status, h.changed_by from monitoring.alert_status_history h"
            " join monitoring.alert a using (alert_id) order by h.history_id").fetchall()
        assert history == [
            ("P1", None, "open", "scenario-run"), ("P2", None, "open", "scenario-run"),
            ("P3", None, "open", "scenario-run"), ("P2", "open", "excluded", "auditor-kim"),
            ("P3", "open", "actioned", "auditor-kim"), ("P1", "open", "resolved", "scenario-run"),
        ]
        stats = conn.execute(
            "select cases_found, cases_actioned, cases_excluded, cases_resolved, action_rate, exclusion_rate,"
            " estimated_krw, collected_krw from monitoring.scenario_stats where scenario_id = 'TAX-01'").fetchone()
        assert stats[:4] == (3, 1, 1, 1) and float(stats[4]) == pytest.approx(1 / 3, abs=1e-4)
        assert stats[6:] == (12_000_000, 4_000_000)
        area = conn.execute("select cases_found, collected_krw from monitoring.area_stats where area = 'tax'"
                            ).fetchone()
        assert area == (3, 4_000_000)
        evidence = conn.execute("select string_agg(evidence::text, ' ') from monitoring.alert").fetchone()[0]
        assert not PSEUDONYM.search(evidence)

        from cheongbaek.report.sections import scenarios as section

        html = section.render(conn, D2)
        assert section.title and "<table" in html and "TAX-01" in html and "4,000,000" in html

    # Day 3: P2's assessment is paid, raising the collected amount; cancelling P1's reopens it.
    stg.file("tax_assessment", d("2025-07-02"), asmt_no="A2", tax_item_cd="101", party_id=pid(2), pnu=pnu(2),
             cause_dt=d("2025-04-03"), tax_amt=3_000_000, status_cd="02", paid_dt=d("2025-07-02"))
    stg.file("tax_assessment", d("2025-07-02"), asmt_no="A1", tax_item_cd="101", party_id=pid(1), pnu=pnu(1),
             cause_dt=d("2025-04-03"), tax_amt=4_000_000, status_cd="09")
    stg.reconcile(d("2025-07-02"))
    third = run_scenarios(d("2025-07-02"), only=["TAX-01"])
    assert third["scenarios"]["TAX-01"] == {"found": 2, "new": 0, "resolved": 0}
    with psycopg.connect(warehouse) as conn:
        assert _alert(conn, "P1")[1:3] == ("open", True) and _alert(conn, "P1")[6] == 0
        assert _alert(conn, "P2")[1] == "excluded" and _alert(conn, "P2")[6] == 3_000_000
    stg.close()
