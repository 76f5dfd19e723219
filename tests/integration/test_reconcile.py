"""Reconcile: staging into core on real PostgreSQL.

Two kinds of test: hand-made batches written straight into staging (as the
loader leaves them) to pin down history, re-delivery and orphan resolution
exactly; and a simulated tiny world ingested whole, to check that every core
table fills, identities link across systems, the planted orphans are
reported, and a rerun changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import psycopg
import pytest

from cheongbaek.reconcile.engine import entities
from cheongbaek.reconcile.runner import reconcile

D1, D2, D3 = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)

pytestmark = pytest.mark.integration


# ------------------------------------------------------------ hand-made batches

def _batch(conn: psycopg.Connection[Any], system: str, source: str, day: dt.date | None) -> int:
    return conn.execute(
        "insert into audit.batch (system, source_name, delivery_date, logical_date, status, ended_at)"
        " values (%s, %s, %s, %s, 'loaded', now()) returning batch_id", (system, source, day, day or D3),
    ).fetchone()[0]


def _hr(conn: psycopg.Connection[Any], day: dt.date, emps: list[tuple[str, str, int]],
        pays: list[tuple[str, str]] = ()) -> int:
    """One HR day: the department file, an HR_EMP snapshot (emp_no, dept, grade) and payroll rows."""
    b = _batch(conn, "hr", "HR_EMP.csv", day)
    conn.execute("insert into staging.hr_dept values (%s, %s, 1, '3000001', '감사담당관', null)", (b, day))
    for n, (emp_no, dept, grade) in enumerate(emps, 1):
        conn.execute(
            "insert into staging.hr_emp (batch_id, delivery_date, line_no, emp_no, emp_nm, rrn, rrn_status, dept_cd,"
            " grade, title, hire_dt, status) values (%s, %s, %s, %s, '김민수', %s, 'valid', %s, %s, '주무관',"
            " '2010-01-01', '재직')", (b, day, n, emp_no, f"p_{emp_no}", dept, grade))
    for n, (pay_ym, emp_no) in enumerate(pays, 1):
        conn.execute("insert into staging.hr_pay values (%s, %s, %s, %s, %s, 3000000, 2500000, %s, '004', '1')",
                     (b, day, n, pay_ym, emp_no, day))
    return b


def _history(conn: psycopg.Connection[Any], entity: str, key_col: str, key: str) -> list[tuple[Any, ...]]:
    return conn.execute(
        f"select h.valid_from::date, h.valid_to::date, h.is_current, h.orphan from core.{entity}_history h"
        f" join core.{entity} i using ({entity}_sk) where i.{key_col} = %s order by h.valid_from", (key,),
    ).fetchall()


def test_type2_history_redelivery_and_orphans(warehouse: str) -> None:
    with psycopg.connect(warehouse, autocommit=True) as conn:
        _hr(conn, D1, [("000000001", "3000001", 5)], pays=[("202502", "000000002")])
        first = reconcile(D1)
        assert first["entities"]["employee"]["versions"] == 1
        # the payroll row of an employee HR does not know is kept, flagged
        assert _history(conn, "payroll", "emp_no", "000000002") == [(D1, None, True, ["employee"])]

        b2 = _hr(conn, D2, [("000000001", "3000001", 4)])
        _hr(conn, D3, [("000000001", "3000001", 4), ("000000002", "3000001", 9)])
        reconcile(D3)
        assert _history(conn, "employee", "emp_no", "000000001") == [(D1, D2, False, []), (D2, None, True, [])]
        # the employee arrived: the payroll orphan resolves by itself
        assert _history(conn, "payroll", "emp_no", "000000002") == [(D1, None, True, [])]
        assert conn.execute("select employee_sk is not null from core.payroll_history").fetchone()[0]

        # day 2 delivered again without the promotion: day 2's version is withdrawn
        conn.execute("update audit.batch set status = 'superseded' where batch_id = %s", (b2,))
        conn.execute("delete from staging.hr_emp where batch_id = %s", (b2,))
        conn.execute("delete from staging.hr_dept where batch_id = %s", (b2,))
        _hr(conn, D2, [("000000001", "3000001", 5)])
        again = reconcile(D3)
        assert again["entities"]["employee"]["gone_batches"] == 1
        assert _history(conn, "employee", "emp_no", "000000001") == [(D1, D3, False, []), (D3, None, True, [])]
        sk_before = conn.execute("select employee_sk from core.employee where emp_no = '000000001'").fetchone()

        # nothing new: nothing changes, surrogate keys included
        quiet = reconcile(D3)
        assert quiet["keys"] == 0 and quiet["versions"] == 0
        assert conn.execute("select employee_sk from core.employee where emp_no = '000000001'").fetchone() == sk_before


def _employee_histories(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return conn.execute(
        "select i.emp_no, h.valid_from, h.valid_to, h.is_current, h.batch_id, h.grade, h.department_sk, h.orphan"
        " from core.employee_history h join core.employee i using (employee_sk) order by 1, 2").fetchall()


def test_append_only_path_equals_full_recompute(warehouse: str) -> None:
    """Day after day (the append-only path), with a late version mixed in: the same history as one recompute."""
    d4, d5 = dt.date(2025, 3, 6), dt.date(2025, 3, 7)
    with psycopg.connect(warehouse, autocommit=True) as conn:
        _hr(conn, D1, [("000000001", "3000001", 5), ("000000002", "3000001", 9)])
        reconcile(D1)
        _hr(conn, D2, [("000000001", "3000001", 4), ("000000002", "3000001", 9), ("000000003", "3000001", 7)])
        second = reconcile(D2)["entities"]["employee"]
        assert (second["keys"], second["fast_keys"], second["versions"]) == (3, 3, 2)
        _hr(conn, D3, [("000000001", "3000001", 4), ("000000002", "3000001", 8), ("000000003", "3000001", 1)])
        _hr(conn, d4, [("000000001", "3000001", 5), ("000000002", "3000001", 8), ("000000004", "9999999", 2)])
        reconcile(d4)
        # a second file of day 2 (no re-delivery: a late version) and a new day in the same run
        _hr(conn, D2, [("000000009", "3000001", 9), ("000000002", "3000001", 6)])
        _hr(conn, d5, [("000000001", "3000001", 3), ("000000002", "3000001", 6)])
        mixed = reconcile(d5)["entities"]["employee"]
        assert (mixed["keys"], mixed["fast_keys"]) == (3, 1)
        incremental = _employee_histories(conn)
        assert [r[1].date() for r in incremental if r[0] == "000000002"] == [D1, D2, D3, d5]

        # the same batches recomputed in one run, every key by the full path
        conn.execute("delete from core.employee_history")
        conn.execute("delete from core.reconciled_batch where entity = 'employee'")
        conn.execute("delete from core.reconcile_run")
        full = reconcile(d5)["entities"]["employee"]
        assert full["fast_keys"] == 0
        assert _employee_histories(conn) == incremental


def test_database_versions_and_late_reference(warehouse: str) -> None:
    """Finance rows are versioned by upd_dt; a payment to a contract not yet known is flagged, then resolved."""
    with psycopg.connect(warehouse, autocommit=True) as conn:
        b = _batch(conn, "finance", "ehojo.tb_payment", None)
        conn.execute(
            "insert into staging.fin_payment (batch_id, pay_no, cntr_no, vndr_id, pay_amt, pay_dt, del_yn, upd_dt)"
            " values (%s, 'PY1', 'C1', 'V1', 1000, '2025-03-03', 'N', '2025-03-03 10:00'),"
            "        (%s, 'PY1', 'C1', 'V1', 900, '2025-03-03', 'N', '2025-03-04 09:00')", (b, b))
        reconcile(D3)
        rows = conn.execute("select pay_amt, is_current, orphan from core.payment_history order by valid_from").fetchall()
        assert rows == [(1000, False, ["contract", "vendor"]), (900, True, ["contract", "vendor"])]
        b2 = _batch(conn, "finance", "ehojo.tb_contract", None)
        conn.execute("insert into staging.fin_contract (batch_id, cntr_no, cntr_amt, del_yn, upd_dt)"
                     " values (%s, 'C1', 5000, 'N', '2025-03-04 12:00')", (b2,))
        result = reconcile(D3)
        assert result["entities"]["payment"]["orphans_resolved"] == 2
        assert conn.execute("select array_agg(distinct o) from core.payment_history, unnest(orphan) o").fetchone()[0] \
            == ["vendor"]
        recon = conn.execute("select cntr_no, paid_amt, status from audit.recon_contract_payment").fetchall()
        assert recon == [("C1", 900, "within contract")]


def test_every_entity_has_its_tables_and_source(warehouse: str) -> None:
    with psycopg.connect(warehouse) as conn:
        for e in entities():
            for table in (e.name, f"{e.name}_history"):
                assert conn.execute("select to_regclass(%s)", (f"core.{table}",)).fetchone()[0], table
            conn.execute(f"select * from ({e.source_sql()}) s limit 0")


# ------------------------------------------------------------ a simulated world

_ENTITY_OF = {"tb_contract": "contract", "tb_payment": "payment", "inspection": "inspection", "petition": "petition",
              "HR_EMP.csv": "employee", "TAXASMT": "tax_assessment", "DUTY": "duty", "permit": "permit"}


def _planted_orphans(truth: Path) -> set[tuple[str, str, str]]:
    """(entity, natural key, reference) of every orphan the simulator planted."""
    out = set()
    for row in csv.DictReader((truth / "defects.csv").open(encoding="utf-8")):
        if row["expected_handling"] != "orphan_flag":
            continue
        where = row["file_or_table"]
        entity = next(v for k, v in _ENTITY_OF.items() if where.startswith(k))
        key = row["line_or_key"]
        inner = re.search(r"\((?:\w+ )?([^)]+)\)", key)
        key = inner.group(1) if inner else key
        out.add((entity, key, row["defect_class"].removeprefix("orphan_")))
    return out


def _core_fingerprint(conn: psycopg.Connection[Any]) -> dict[str, str]:
    tables = [r[0] for r in conn.execute(
        "select table_name from information_schema.tables where table_schema = 'core'"
        " and table_name <> 'reconcile_run' order by 1")]
    return {t: conn.execute(f"select md5(coalesce(string_agg(x::text, ',' order by x::text), '')) from core.{t} x")
            .fetchone()[0] for t in tables}


def test_simulated_world_reconciles(warehouse: str, legacy_dbs: dict[str, str], drop_dir: Path,
                                    tmp_path: Path) -> None:
    from cheongbaek.ingest.runner import IngestError, ingest_system
    from cheongbaek.simulator import simulate
    from cheongbaek.sources import sources

    truth = tmp_path / "truth"
    simulate(dt.date(2025, 3, 3), 10, scale="tiny", seed=11, truth_dir=truth)
    as_of = dt.date.fromisoformat(json.loads((truth / "manifest.json").read_text())["as_of"])
    for s in sources():
        try:
            ingest_system(s.system, as_of)
        except IngestError:
            pass  # the planted corrupt files; test_ingest_simulated checks them
    result = reconcile(as_of)
    assert result["versions"] > 0

    with psycopg.connect(warehouse) as conn:
        for e in [*entities(), "party", "party_name"]:
            name = getattr(e, "name", e)
            table = f"core.{name}_history" if hasattr(e, "name") else f"core.{name}"
            assert conn.execute(f"select count(*) from {table}").fetchone()[0] > 0, f"{table} is empty"

        # one identity per employee across HR (9 digits), finance (char(9)) and civil (integer)
        linked = conn.execute(
            "select count(*) filter (where p.employee_sk is not null), count(*) from core.petition_history p"
            " where p.is_current").fetchone()
        assert linked[0] >= linked[1] - 1 and linked[0] > 0

        # from a use approval to its building's parcel, the owner's acquisition tax there, and the parcel's transfers
        walk = conn.execute("""
            select count(distinct ua.use_approval_sk), count(distinct t.tax_assessment_sk)
            from core.use_approval_history ua
            join core.building_history b on b.building_sk = ua.building_sk and b.is_current
            join core.parcel p on p.parcel_sk = b.parcel_sk
            join core.tax_assessment_history t on t.party_sk = ua.owner_sk and t.parcel_sk = p.parcel_sk
                 and t.is_current and t.tax_item_cd in ('101', '102')
            where ua.is_current""").fetchone()
        assert walk[0] > 0 and walk[1] > 0
        transfers = conn.execute("""
            select count(*) from core.transfer_history tr
            join core.tax_assessment_history t on t.parcel_sk = tr.parcel_sk and t.party_sk = tr.buyer_sk
            where tr.is_current and t.is_current""").fetchone()[0]
        assert transfers > 0

        # parties are matched by identifier, never by name; name variants are kept
        assert conn.execute("select count(*) from core.party where party_type = '1' and party_id !~ '^p_'"
                            ).fetchone()[0] == 0

        # the planted orphans are in the reconciliation report
        found = {(r[0], r[1], ref) for r in conn.execute("select entity, natural_key, orphan from audit.recon_orphan")
                 for ref in r[2]}
        planted = _planted_orphans(truth)
        assert planted and planted <= found, planted - found

        # per system and day, what audit.batch says was loaded is what staging holds, and core took it all in
        bad = conn.execute("select system, day from audit.recon_batch_totals"
                           " where not counts_agree or batches_reconciled <> batches").fetchall()
        assert bad == []

        # the auditor report's reconciliation section renders from those views
        from cheongbaek.report.sections import reconcile as section

        html = section.render(conn, as_of)
        assert "could not be rendered" not in html and "Orphans" in html and "parcel" in html

        before = _core_fingerprint(conn)
    again = reconcile(as_of)
    assert again["keys"] == 0 and again["versions"] == 0
    with psycopg.connect(warehouse) as conn:
        assert _core_fingerprint(conn) == before
