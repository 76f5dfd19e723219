"""Byte-exact shapes of the simulator's file writers (legacy-interfaces.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from cheongbaek import privacy
from cheongbaek.simulator import formats as F
from cheongbaek.simulator.calendar import add_bdays, business_days, payday


def _rec(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "asmt_no": "A2024000000001", "tax_item_cd": "101", "party_type": "1", "party_id": "8001011234567",
        "party_nm": "가" * 25, "pnu": "1111010100100010000", "tax_base_amt": 123, "tax_amt": -12345,
        "cause_dt": dt.date(2024, 1, 2), "asmt_dt": dt.date(2024, 1, 3), "due_dt": dt.date(2024, 2, 2),
        "paid_dt": None, "status_cd": "01", "dept_cd": "3001001"}
    return base | kw


def test_tax_record_is_200_bytes_and_never_splits_hangul(tmp_path: Path) -> None:
    rec = F.tax_detail(_rec())
    assert len(rec) == 200
    assert rec[36:76] == ("가" * 20).encode("cp949")  # 25 syllables cut to 20 = 40 bytes exactly
    odd = F.tax_detail(_rec(party_nm="A" + "가" * 25))
    assert odd[36:76] == b"A" + ("가" * 19).encode("cp949") + b" "  # the 20th syllable would split: cut, pad
    assert rec[110:125] == b"-00000000012345"
    assert rec[149:157] == b"00000000"
    w = F.TaxWriter(tmp_path / "TAXASMT_20250102.dat", dt.date(2025, 1, 2))
    w.add(_rec())
    w.add(_rec(asmt_no="A2", tax_amt=20000))
    w.close()
    data = (tmp_path / "TAXASMT_20250102.dat").read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(len(x) == 200 for x in lines[:-1])
    assert lines[0].startswith(b"H20250102LOCALTAX  ")
    assert lines[-2].startswith(b"T000000002" + b"000000000000007655")


def test_duty_csv_quoted_cp949_crlf(tmp_path: Path) -> None:
    w = F.CsvWriter(tmp_path / "d.csv", [h for h, _ in F.DUTY_HEADER], "cp949", True)
    w.add(["I1", "R01", "1", "800101-1234567", "홍길동", "", "P1", F.won(1234000), "2025-01-02", "2025-02-01", "",
           "부과", "3001001"])
    w.close()
    text = (tmp_path / "d.csv").read_bytes().decode("cp949")
    head, row, end = text.split("\r\n")
    assert end == ""
    assert head == ",".join(f'"{h}"' for h, _ in F.DUTY_HEADER)
    assert row.startswith('"I1","R01","1","800101-1234567","홍길동","","P1","1,234,000"')


def test_hr_csv_has_bom_and_dotted_dates(tmp_path: Path) -> None:
    w = F.CsvWriter(tmp_path / "HR_PAY_202501.csv", F.HR_PAY_COLS, "utf-8-sig", False)
    w.add(["202501", "000100001", "4400000", "3608000", F.dotted(dt.date(2025, 1, 20)), "004", "1,2"])
    w.close()
    data = (tmp_path / "HR_PAY_202501.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfpay_ym,emp_no,")
    assert b'2025.01.20,004,"1,2"\r\n' in data


def test_jsonl_all_strings(tmp_path: Path) -> None:
    w = F.JsonlWriter(tmp_path / "x.jsonl")
    w.add({"a": "1", "b": ""})
    w.close()
    obj = json.loads((tmp_path / "x.jsonl").read_text(encoding="utf-8"))
    assert all(isinstance(v, str) for v in obj.values())


def test_calendar() -> None:
    assert payday(2025, 1) == dt.date(2025, 1, 20)
    assert payday(2024, 4) == dt.date(2024, 4, 19)  # 20 April 2024 is a Saturday
    assert dt.date(2025, 1, 1) not in business_days(dt.date(2025, 1, 1), 5)
    assert add_bdays(dt.date(2025, 1, 24), 1) == dt.date(2025, 1, 31)  # Seollal 27-30 January 2025


def test_brn_check_digit_roundtrip() -> None:
    first9 = "123456789"
    assert privacy.is_valid_brn(first9 + privacy.brn_check_digit(first9))


def test_tax_writer_puts_every_field_where_the_catalog_and_the_parser_read_it(tmp_path: Path) -> None:
    """Writer and parser share the catalog's byte positions: what is written is what is read back."""
    from cheongbaek import interfaces
    from cheongbaek.ingest.parsers import parse_file

    spec = interfaces.file_spec("tax_assessment")
    brn = "123456789" + privacy.brn_check_digit("123456789")
    rec = _rec(party_nm="홍길동", party_id=brn, party_type="2", paid_dt=dt.date(2024, 1, 9), status_cd="02")
    raw = F.tax_detail(rec)
    assert len(raw) == spec.record_bytes
    for f in spec.fields:
        if f.name not in ("party_nm", "tax_base_amt", "tax_amt") and not f.type == "date":
            assert raw[f.slice].decode("ascii").strip() == rec[f.name], f.name
    path = tmp_path / spec.file_name("20250102")
    w = F.TaxWriter(path, dt.date(2025, 1, 2))
    w.add(rec)
    w.close()
    (row,) = list(parse_file("tax", path, dt.date(2025, 1, 2), b"k").items)
    got = dict(zip(spec.staging_columns, row.values, strict=True))  # type: ignore[union-attr]
    assert got["party_nm"] == "홍길동" and got["party_id"] == brn and got["party_id_status"] == "brn"
    assert (got["tax_base_amt"], got["tax_amt"]) == (123, -12345)
    assert (got["cause_dt"], got["paid_dt"], got["status_cd"]) == (dt.date(2024, 1, 2), dt.date(2024, 1, 9), "02")
