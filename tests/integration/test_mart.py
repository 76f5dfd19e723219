"""The mart views (0022_mart.sql) against their contracts in schemas/mart/.

Every view's columns (names, order, types) and comments equal its
schemas/mart/<view>.json; every view has a file and every file a view; no
view exposes an RRN, an account, an address or free text; and the views show
the current version of core, with parties by surrogate key only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import frictionless
import psycopg
import pytest

pytestmark = pytest.mark.integration

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "mart"

#: PostgreSQL type (format_type without modifiers) -> Frictionless field type.
PG_TO_FRICTIONLESS = {
    "bigint": "integer",
    "integer": "integer",
    "smallint": "integer",
    "numeric": "number",
    "text": "string",
    "character varying": "string",
    "date": "date",
    "timestamp without time zone": "datetime",
    "timestamp with time zone": "datetime",
    "boolean": "boolean",
    "text[]": "array",
    "jsonb": "object",
}

#: No mart column may be named like these (disclosure.md and the mart's own rule).
FORBIDDEN = re.compile(r"rrn|acct_no|addr|memo|viol_cn|violcn|apln_addr|apln_id|apln_nm")


def _views(conn: psycopg.Connection[Any]) -> dict[str, dict[str, Any]]:
    """Every view in mart: its comment and its columns (name, Frictionless type, PostgreSQL type, comment)."""
    views: dict[str, dict[str, Any]] = {}
    rows = conn.execute(
        """
        select c.relname, obj_description(c.oid, 'pg_class'), a.attname,
               format_type(a.atttypid, null), col_description(c.oid, a.attnum)
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'mart'
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where c.relkind in ('v', 'm')
        order by c.relname, a.attnum
        """
    ).fetchall()
    for view, view_comment, col, pg_type, col_comment in rows:
        v = views.setdefault(view, {"comment": view_comment, "columns": []})
        v["columns"].append({"name": col, "pg_type": pg_type, "type": PG_TO_FRICTIONLESS.get(pg_type, f"?{pg_type}"),
                             "description": col_comment})
    return views


def _schema_files() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.glob("*.json"))}


def test_every_view_has_a_schema_file_and_every_file_a_view(warehouse: str) -> None:
    with psycopg.connect(warehouse) as conn:
        views = set(_views(conn))
        tables = [r[0] for r in conn.execute(
            "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'mart' and c.relkind not in ('v', 'm')")]
    files = set(_schema_files())
    assert views, "the mart has no views"
    assert views == files, f"views without a file: {views - files}; files without a view: {files - views}"
    assert tables == [], "mart holds views only"
    required = {"party", "department", "employee", "vendor", "parcel", "building", "use_approval", "permit",
                "tax_assessment", "duty", "budget", "contract", "payment", "transfer", "petition"}
    assert required <= views


def test_views_equal_their_schema_files(warehouse: str) -> None:
    with psycopg.connect(warehouse) as conn:
        views = _views(conn)
    for name, doc in _schema_files().items():
        view = views[name]
        assert doc["name"] == name
        assert doc["version"] == "1.0.0" or re.fullmatch(r"\d+\.\d+\.\d+", doc["version"])
        assert [f["name"] for f in doc["fields"]] == [c["name"] for c in view["columns"]], name
        assert [(f["name"], f["type"]) for f in doc["fields"]] == [(c["name"], c["type"]) for c in view["columns"]], name
        # the file and the database say the same thing about every column and the view
        assert doc["description"] == view["comment"], name
        assert [f["description"] for f in doc["fields"]] == [c["description"] for c in view["columns"]], name
        assert set(doc) == {"name", "description", "version", "fields", "primaryKey"}, name
        assert all(set(f) == {"name", "type", "description"} for f in doc["fields"]), name
        assert doc["primaryKey"] and set(doc["primaryKey"]) <= {f["name"] for f in doc["fields"]}, name
        # a valid Frictionless table schema
        report = frictionless.Schema.validate_descriptor(doc)
        assert report.valid, (name, report.flatten(["type", "note"]))


def test_every_view_and_column_has_a_comment(warehouse: str) -> None:
    with psycopg.connect(warehouse) as conn:
        views = _views(conn)
    missing = [name for name, v in views.items() if not (v["comment"] or "").strip()]
    missing += [f"{name}.{c['name']}" for name, v in views.items() for c in v["columns"]
                if not (c["description"] or "").strip()]
    assert missing == []


def test_no_view_exposes_personal_or_free_text_columns(warehouse: str) -> None:
    with psycopg.connect(warehouse) as conn:
        views = _views(conn)
    exposed = [f"{name}.{c['name']}" for name, v in views.items() for c in v["columns"]
               if FORBIDDEN.search(c["name"].lower())]
    assert exposed == []
    # party identifiers and names are in mart.party only
    for name, v in views.items():
        if name == "party":
            continue
        cols = {c["name"] for c in v["columns"]}
        assert not cols & {"party_id", "owner_id", "ownr_id", "holder_id", "from_id", "to_id", "user_party_id",
                           "disp_party_id", "party_nm", "owner_nm", "ownr_nm", "holder_nm", "to_nm", "user_nm",
                           "rep_nm", "bank_cd"}, name


def test_every_reference_points_into_the_mart(warehouse: str) -> None:
    """Each *_sk column names its target in its comment, and that target is a mart view."""
    with psycopg.connect(warehouse) as conn:
        views = _views(conn)
    for name, v in views.items():
        for c in v["columns"][1:]:
            if c["name"].endswith("_sk"):
                target = re.search(r"surrogate key into mart\.(\w+)", c["description"])
                assert target and target.group(1) in views, f"{name}.{c['name']}"
                assert c["pg_type"] == "bigint"


CORE = """
insert into core.party (party_sk, party_type, party_id, id_status, first_seen) values
 (1, '1', 'p_00000000000000000000000000000001', 'valid', '2025-01-02'),
 (2, '2', '1234567890', 'brn', '2025-01-03'),
 (3, '1', 'p_00000000000000000000000000000003', 'unverifiable', '2025-01-04');
insert into core.party_name (party_sk, party_nm, system, first_seen, last_seen) values
 (1, '홍길동', 'hr', '2025-01-02', '2025-01-02'),
 (1, '홍길동', 'tax', '2025-01-05', '2025-01-05'),
 (1, '홍길 동', 'civil', '2025-01-06', '2025-01-06'),
 (2, '(주)청백', 'finance', '2025-01-03', '2025-01-03');
insert into core.department (department_sk, dept_cd, first_seen) values (10, '1000001', '2025-01-02');
insert into core.department_history (department_sk, valid_from, valid_to, is_current, batch_id, dept_nm, upper_dept_cd)
values (10, '2025-01-02', '2025-02-01', false, 1, '옛 과', null),
       (10, '2025-02-01', null, true, 2, '감사과', null);
insert into core.employee (employee_sk, emp_no, first_seen) values (20, '000000001', '2025-01-02');
insert into core.employee_history (employee_sk, valid_from, valid_to, is_current, batch_id, emp_nm, rrn, rrn_status,
    dept_cd, grade, title, hire_dt, status, bank_cd, acct_no, person_sk, department_sk, orphan)
values (20, '2025-01-02', null, true, 1, '홍길동', 'p_00000000000000000000000000000001', 'valid', '1000001', 5,
        '주무관', '2010-03-02', '재직', '004', '123-456', 1, 10, '{}');
insert into core.petition (petition_sk, ptn_no, first_seen) values (30, 'PTN-1', '2025-03-03 09:00');
insert into core.petition_history (petition_sk, valid_from, valid_to, is_current, batch_id, proc_cd, rcpt_dtm,
    apln_type, apln_id, apln_id_status, apln_nm, pnu, dept_cd, chrg_emp_no, stat_cd, applicant_sk, department_sk,
    employee_sk, orphan)
values (30, '2025-03-03 09:00', '2025-03-04 10:00', false, 3, 'P0001', '2025-03-03 09:00', '1',
        'p_00000000000000000000000000000003', 'unverifiable', '김철수', null, '1000001', '000000001', 'RCV', 3, 10,
        20, '{procedure}'),
       (30, '2025-03-04 10:00', null, true, 4, 'P0001', '2025-03-03 09:00', '1',
        'p_00000000000000000000000000000003', 'unverifiable', '김철수', null, '1000001', '000000001', 'PRC', 3, 10,
        20, '{procedure}');
"""


def test_views_show_current_versions_and_parties_by_key(warehouse: str) -> None:
    with psycopg.connect(warehouse) as conn:
        conn.execute(CORE)
        assert conn.execute("select party_sk, party_type, names from mart.party order by party_sk").fetchall() == [
            (1, "1", ["홍길 동", "홍길동"]), (2, "2", ["(주)청백"]), (3, "1", [])]
        assert conn.execute("select dept_cd, dept_nm, version_from::date::text from mart.department").fetchall() == [
            ("1000001", "감사과", "2025-02-01")]
        emp = conn.execute("select * from mart.employee").fetchone()
        assert emp is not None and "p_00000000000000000000000000000001" not in emp and "123-456" not in emp
        assert conn.execute("select emp_no, person_sk, department_sk, orphan from mart.employee").fetchall() == [
            ("000000001", 1, 10, [])]
        ptn = conn.execute("select ptn_no, stat_cd, applicant_sk, employee_sk, orphan, first_seen::text,"
                           " version_from::text from mart.petition").fetchall()
        assert ptn == [("PTN-1", "PRC", 3, 20, ["procedure"], "2025-03-03 09:00:00", "2025-03-04 10:00:00")]
        row = conn.execute("select * from mart.petition").fetchone()
        assert row is not None and "김철수" not in row and "p_00000000000000000000000000000003" not in row
        conn.rollback()
