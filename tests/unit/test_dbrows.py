"""Database row normaliser: padding, BRN digits, pseudonyms with status, 9-digit employee numbers, JSON records."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from stdnum.kr import rrn as stdnum_rrn

from cheongbaek import privacy
from cheongbaek.ingest import dbrows
from cheongbaek.ingest.records import DB_TABLES, Reject, Row

KEY = b"unit-test-key"
D = dt.date(2025, 3, 3)
UPD = dt.datetime(2025, 3, 3, 10, 0, 0)
PNU = "1111010100100120003"


def rrn(valid: bool = True) -> str:
    first12 = "800101123456"
    check = stdnum_rrn.calc_check_digit(first12)
    digits = first12 + (check if valid else str((int(check) + 1) % 10))
    return digits[:6] + "-" + digits[6:]


BRN = "123456789" + privacy.brn_check_digit("123456789")
STAGING_DDL_ORDER = {
    "fin_vendor": ["vndr_id", "brn", "vndr_nm", "rep_nm", "rep_rrn", "rep_rrn_status", "addr", "bank_cd", "acct_no",
                   "biz_stat_cd", "clsd_dt", "upd_dt"],
    "fin_pub_prop": ["prop_no", "pnu", "prop_type_cd", "area_m2", "acq_dt", "disp_dt", "disp_party_type",
                     "disp_party_id", "disp_party_id_status", "disp_amt", "upd_dt"],
    "civ_petition": ["ptn_no", "proc_cd", "rcpt_dtm", "apln_type", "apln_id", "apln_id_status", "apln_nm",
                     "apln_addr", "pnu", "dept_cd", "chrg_emp_no", "due_dt", "stat_cd", "rslt_cd", "cmpl_dtm",
                     "upd_dtm"],
}


def test_every_db_table_has_columns_and_keys_present() -> None:
    for system, tables in DB_TABLES.items():
        for table, (staging, keys, version) in tables.items():
            src, stg = dbrows.source_columns(system, table), dbrows.staging_columns(system, table)
            for k in (*keys, *([version] if version else [])):
                assert k in src and k in stg, (table, k)
            assert len(stg) >= len(src)
            if staging in STAGING_DDL_ORDER:
                assert stg == STAGING_DDL_ORDER[staging]
    with pytest.raises(KeyError):
        dbrows.source_columns("finance", "tb_unknown")


def test_vendor_padding_hyphenated_brn_and_pseudonym() -> None:
    rec = ("V0000001", f"{BRN[:3]}-{BRN[3:5]}-{BRN[5:]}", "(주)청백", "홍길동", rrn(), "서울시 중구", "004",
           "123-456", "01", None, UPD)
    row = dbrows.normalise("finance", "tb_vendor", rec, D, KEY)
    assert isinstance(row, Row) and row.line_no == 0
    assert row.values == ("V0000001", BRN, "(주)청백", "홍길동", privacy.pseudonym(rrn().replace("-", ""), KEY), "valid",
                          "서울시 중구", "004", "123-456", "01", None, UPD)
    shown = json.loads(row.record)
    assert list(shown) == dbrows.source_columns("finance", "tb_vendor")
    assert shown["rep_rrn"] == row.values[4] and shown["upd_dt"] == "2025-03-03T10:00:00"
    assert rrn() not in row.record and rrn().replace("-", "") not in row.record


@pytest.mark.parametrize(("value", "status"), [
    ("801301-1234567", "invalid"), ("800101-9234567", "invalid"), ("80010112345", "invalid"), (None, None)])
def test_vendor_rep_rrn_statuses_never_raw(value: str | None, status: str | None) -> None:
    rec = ("V1", BRN, "x", "y", value, None, None, None, "01", None, UPD)
    row = dbrows.normalise("finance", "tb_vendor", rec, D, KEY)
    assert isinstance(row, Row) and row.values[5] == status
    if value is not None:
        assert value not in row.record and value.replace("-", "") not in row.record
        assert row.values[4].startswith("p_")


def test_unverifiable_and_future_birth() -> None:
    rec = ("V1", BRN, "x", "y", rrn(valid=False), None, None, None, "01", None, UPD)
    assert dbrows.normalise("finance", "tb_vendor", rec, D, KEY).values[5] == "unverifiable"
    # born 2030 (century digit 3): in the future as of D
    rec = ("V1", BRN, "x", "y", "300101-3000000", None, None, None, "01", None, UPD)
    assert dbrows.normalise("finance", "tb_vendor", rec, D, KEY).values[5] == "invalid"


def test_contract_char_padding_and_emp_no() -> None:
    rec = ("C1", 2025, "3000001", "BZ1", "청사 보수", "10", "V1", Decimal("33000000"), D, D, None, "000123456",
           "N", UPD)
    row = dbrows.normalise("finance", "tb_contract", rec, D, KEY)
    assert isinstance(row, Row)
    assert row.values[7] == 33_000_000 and isinstance(row.values[7], int) and row.values[11] == "000123456"
    padded = ("C2", 2025, "3000001", "BZ1  ", "x", "99", "V1", Decimal("1"), D, D, D, "123456   ", "N", UPD)
    row = dbrows.normalise("finance", "tb_contract", padded, D, KEY)
    assert row.values[3] == "BZ1" and row.values[5] == "99" and row.values[11] == "000123456"


def test_pub_prop_party_by_type_and_bad_amount() -> None:
    rec = ("PP1", PNU, "L", Decimal("120.50"), D, D, "1", rrn(), Decimal("50000000"), UPD)
    row = dbrows.normalise("finance", "tb_pub_prop", rec, D, KEY)
    assert row.values[6:9] == ("1", privacy.pseudonym(rrn().replace("-", ""), KEY), "valid")
    rec = ("PP2", "1111010100-1-0012-0003", "B", Decimal("1.5"), D, None, "2", BRN, Decimal("0.5"), UPD)
    bad = dbrows.normalise("finance", "tb_pub_prop", rec, D, KEY)
    assert isinstance(bad, Reject) and bad.reason == "unparseable_number" and bad.line_no == 0


def test_civil_petition_emp_no_integer_and_memo_scrubbed() -> None:
    rec = ("PT1", "10001", UPD, "1", rrn().replace("-", ""), "김민원", f"주소 {rrn()} 기재", "1111010100-2-0012-0003",
           "3000001", 123456, D, "END", "A", UPD, UPD)
    row = dbrows.normalise("civil", "petition", rec, D, KEY)
    assert isinstance(row, Row)
    pid = privacy.pseudonym(rrn().replace("-", ""), KEY)
    assert row.values[4:6] == (pid, "valid") and row.values[7] == f"주소 {pid} 기재"
    assert row.values[8] == "1111010100200120003" and row.values[10] == "000123456"
    assert rrn() not in row.record and rrn().replace("-", "") not in row.record
    step = ("PT1", 3, "NOTI", UPD, 42, "3000001", f"통지 완료 {rrn()}", UPD)
    row = dbrows.normalise("civil", "petition_step", step, D, KEY)
    assert row.values[4] == "000000042" and row.values[6] == f"통지 완료 {pid}"
    assert rrn() not in row.record


def test_civil_permit_business_and_codes_passed_on() -> None:
    rec = ("PM1", "SIGN", "BAR", "2", f"{BRN[:3]}-{BRN[3:5]}-{BRN[5:]}", "(주)청백", PNU, Decimal("3.00"), D, None,
           "PT1", UPD)
    row = dbrows.normalise("civil", "permit", rec, D, KEY)
    assert isinstance(row, Row) and row.values[1] == "SIGN" and row.values[4:6] == (BRN, "brn")
    insp = ("IN1", "PM1", D, "Y", "V01", "FINE", Decimal("500000"), UPD)
    assert dbrows.normalise("civil", "inspection", insp, D, KEY).values[6] == 500_000
    proc = ("10001", "100", "건축허가", 10, "Y")
    assert dbrows.normalise("civil", "proc_code", proc, D, KEY).values == proc


def test_wrong_arity_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="expected"):
        dbrows.normalise("civil", "proc_code", ("10001",), D, KEY)


def test_record_built_lazily_is_the_same() -> None:
    """with_record=False leaves the record to record_json, which builds exactly what normalise keeps."""
    rec = ("V0000001", BRN, "(주)청백", "홍길동", rrn(), "서울시 중구", "004", "123-456", "01", None, UPD)
    full = dbrows.normalise("finance", "tb_vendor", rec, D, KEY)
    lazy = dbrows.normalise("finance", "tb_vendor", rec, D, KEY, with_record=False)
    assert isinstance(full, Row) and isinstance(lazy, Row)
    assert lazy.values == full.values and lazy.record == ""
    assert dbrows.record_json("finance", "tb_vendor", rec, D, KEY) == full.record
    assert rrn() not in full.record
