"""The expectation suites: one per staging table, well-formed, reading real columns; sample masking."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cheongbaek.validation.suites import SuiteValidator, load_suite_document, mask_value, suites_dir

STAGING_SQL = Path(__file__).resolve().parents[2] / "include/cheongbaek/sql/migrations/0003_staging.sql"


def staging_columns() -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    current = None
    for line in STAGING_SQL.read_text(encoding="utf-8").splitlines():
        m = re.match(r"create table if not exists staging\.(\w+)", line)
        if m:
            current = m.group(1)
            tables[current] = set()
            continue
        m = re.match(r"\s+(\w+)\s+\w+", line)
        if current and m and m.group(1) not in {"primary", "constraint"}:
            tables[current].add(m.group(1))
    return tables


def test_one_suite_per_staging_table_reading_real_columns() -> None:
    tables = staging_columns()
    assert len(tables) == 22
    files = {p.stem for p in suites_dir().glob("*.json")}
    assert files == set(tables)
    for table, columns in tables.items():
        assert json.loads((suites_dir() / f"{table}.json").read_text(encoding="utf-8"))["name"] == table
        doc = load_suite_document(table)  # the file merged with what the interface catalog implies
        assert doc["name"] == table
        seen = set()
        for e in doc["expectations"]:
            assert isinstance(e["meta"]["blocking"], bool), (table, e)
            assert e["kwargs"]["column"] in columns, (table, e["kwargs"]["column"])
            key = (e["type"], e["kwargs"]["column"])
            assert key not in seen, f"{table}: {key} twice (dq.result key)"
            seen.add(key)
        status_cols = [c for c in columns if c.endswith("_status")]
        for c in status_cols:  # every id status: invalid blocks, unverifiable warns
            kinds = {(e["type"], e["meta"]["blocking"]) for e in doc["expectations"] if e["kwargs"]["column"] == c}
            assert ("expect_column_values_to_be_in_set", True) in kinds, (table, c)
            assert ("expect_column_values_to_not_be_in_set", False) in kinds, (table, c)


@pytest.mark.parametrize("table", ["tax_assessment", "civ_petition"])
def test_validator_flags_rows_by_position(table: str) -> None:
    v = SuiteValidator(table)
    if table == "tax_assessment":
        cols = ["asmt_no", "tax_item_cd", "party_type", "party_id", "party_id_status", "pnu", "tax_base_amt",
                "tax_amt", "status_cd"]
        rows = [("A1", "201", "1", "p_x", "valid", None, 1, 1, "01"),
                ("A2", "999", "1", "p_x", "valid", "1111010100100120003", 1, 1, "01"),
                ("A3", "201", "1", "p_x", "unverifiable", "123", 1, 1, "01"),
                ("A4", "201", "2", "1234567890", "brn", None, 1, -5, "09")]
        stats = v.new_stats()
        out = v.validate(cols, rows, stats)
        assert out.blocking == {1: "expect_column_values_to_be_in_set:tax_item_cd",
                                2: "expect_column_values_to_match_regex:pnu"}
        assert out.warned == set()  # row 2 is unverifiable but already quarantined
        total = {s.spec.label: s.unexpected_count for s in stats}
        assert total["expect_column_values_to_not_be_in_set:party_id_status"] == 1
    else:
        cols = ["ptn_no", "apln_type", "apln_id_status", "pnu", "chrg_emp_no", "stat_cd", "rslt_cd", "upd_dtm"]
        rows = [("P1", "1", "unverifiable", None, "000123456", "RCV", None, "2025-03-03 10:00:00"),
                ("P2", "1", "invalid", None, "000123456", "RCV", None, "2025-03-03 10:00:00")]
        out = v.validate(cols, rows, v.new_stats())
        assert out.blocking == {1: "expect_column_values_to_be_in_set:apln_id_status"} and out.warned == {0}


def test_mask_value_keeps_codes_and_masks_identifiers() -> None:
    assert mask_value("tax_item_cd", "999") == "999"
    assert mask_value("party_id_status", "invalid") == "invalid"
    assert mask_value("party_id", "p_0123456789abcdef") == "p_********"
    assert mask_value("owner_nm", "홍길동") == "홍길*"
    assert mask_value("pnu", None) is None


def test_custom_brn_expectation_quarantines_a_bad_check_digit() -> None:
    from cheongbaek.privacy import brn_check_digit

    good = "123456789" + brn_check_digit("123456789")
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    v = SuiteValidator("fin_vendor")
    cols = ["vndr_id", "rep_rrn_status", "brn", "biz_stat_cd", "upd_dt"]
    rows = [("V1", "valid", good, "01", "2025-03-03"), ("V2", "valid", bad, "01", "2025-03-03"),
            ("V3", "valid", None, "01", "2025-03-03")]
    out = v.validate(cols, rows, v.new_stats())
    assert out.blocking == {1: "expect_column_values_to_be_valid_brn:brn"}
