"""File systems end to end: hand-made day folders written per legacy-interfaces.md, real parsers, real PostgreSQL.

Covers: a folder without _DONE, an unknown file, a corrupt file (trailer
mismatch) failing with its name and loading nothing, quarantine reasons,
the same key twice in one file, an extra column, a re-delivered day,
idempotent reruns and the balance rows_in = loaded + quarantined.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import psycopg
import pytest
from stdnum.kr import rrn as stdnum_rrn

from cheongbaek.ingest.runner import IngestError, ingest_system
from cheongbaek.privacy import brn_check_digit

D1, D2, D3 = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)
PNU = "1111010100100120003"


def rrn(valid: bool = True) -> str:
    first12 = "800101123456"
    check = stdnum_rrn.calc_check_digit(first12)
    return first12 + (check if valid else str((int(check) + 1) % 10))


BAD_RRN = "8013011234567"  # month 13


def brn() -> str:
    first9 = "123456789"
    return first9 + brn_check_digit(first9)


def tax_detail(asmt_no: str, *, item: str = "201", party_type: str = "1", party_id: str | None = None,
               name: str = "홍길동", pnu: str = PNU, amt: int = 12_000, status: str = "01") -> bytes:
    pid = party_id if party_id is not None else rrn()
    sign = "-" if amt < 0 else ""
    amount = sign + str(abs(amt)).zfill(15 - len(sign))
    rec = (b"D" + asmt_no.ljust(18).encode() + item.encode() + party_type.encode() + pid.ljust(13).encode()
           + name.encode("cp949").ljust(40) + pnu.ljust(19).encode() + b"000000100000000" + amount.encode()
           + b"20250101" + b"20250301" + b"20250331" + b"00000000" + status.encode() + b"3000001")
    rec = rec.ljust(200)
    assert len(rec) == 200
    return rec


def write_tax(drop: Path, day: dt.date, details: list[bytes], *, done: bool = True, trailer_count: int | None = None,
              extra_files: dict[str, bytes] | None = None) -> Path:
    folder = drop / "tax" / day.strftime("%Y%m%d")
    folder.mkdir(parents=True, exist_ok=True)
    total = sum(int(d[110:125].decode().replace("-", "") or 0) * (-1 if d[110:111] == b"-" else 1) for d in details)
    header = (b"H" + day.strftime("%Y%m%d").encode() + b"LOCALTAX  ").ljust(200)
    sign = "-" if total < 0 else ""
    count = len(details) if trailer_count is None else trailer_count
    trailer = (b"T" + str(count).zfill(9).encode() + (sign + str(abs(total)).zfill(18 - len(sign))).encode()).ljust(200)
    body = b"".join(line + b"\r\n" for line in [header, *details, trailer])
    (folder / f"TAXASMT_{day:%Y%m%d}.dat").write_bytes(body)
    for name, data in (extra_files or {}).items():
        (folder / name).write_bytes(data)
    if done:
        (folder / "_DONE").touch()
    return folder


def write_duty(drop: Path, day: dt.date, rows: list[dict[str, str]], *, extra: bool = False) -> Path:
    folder = drop / "duties" / day.strftime("%Y%m%d")
    folder.mkdir(parents=True, exist_ok=True)
    head = ["부과번호", "세입코드", "납부자구분", "납부자번호", "납부자명", "필지번호", "근거번호", "부과금액", "부과일자",
            "납기일자", "수납일자", "상태", "부서코드"] + (["비고"] if extra else [])
    lines = [",".join(f'"{h}"' for h in head)]
    for r in rows:
        values = [r.get("imps_no", "I1"), r.get("duty_cd", "R01"), r.get("party_type", "2"),
                  r.get("party_id", f"{brn()[:3]}-{brn()[3:5]}-{brn()[5:]}"), r.get("party_nm", "(주)청백"),
                  r.get("pnu", ""), r.get("basis_no", "P1"), r.get("imps_amt", "1,234,000"),
                  r.get("imps_dt", "2025-03-03"), r.get("due_dt", "2025-03-31"), r.get("paid_dt", ""),
                  r.get("status", "부과"), r.get("dept_cd", "3000001")] + (["메모"] if extra else [])
        lines.append(",".join(f'"{v}"' for v in values))
    (folder / f"DUTY_{day:%Y%m%d}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    (folder / "_DONE").touch()
    return folder


def snapshot(conn: psycopg.Connection, table: str) -> list[tuple]:
    return conn.execute(f"select * from staging.{table} order by batch_id, line_no").fetchall()


def test_tax_days_quarantine_duplicates_and_reruns(warehouse: str, drop_dir: Path) -> None:
    write_tax(drop_dir, D1, [
        tax_detail("A1"),
        tax_detail("A2", item="999"),                                   # code outside its list
        tax_detail("A3", party_id=BAD_RRN),                             # invalid RRN
        tax_detail("A4", party_id=rrn(valid=False)),                    # unverifiable: warning, loaded
        tax_detail("A5", party_type="2", party_id=brn(), name="(주)청백"),
        tax_detail("A1", amt=15_000),                                   # same key again: the later line wins
        tax_detail("A6")[:-1],                                          # 199 bytes: malformed line
    ], extra_files={"README.txt": b"not a delivery"})
    write_tax(drop_dir, D2, [tax_detail("B1")], done=False)              # still being written
    summary = ingest_system("tax", D2)
    assert summary["batches"] == 1 and summary["folders_without_done"] == ["20250304"]
    assert summary["unknown_files"] == ["20250303/README.txt"]
    assert (summary["rows_in"], summary["loaded"], summary["quarantined"], summary["warned"]) == (7, 3, 4, 1)
    with psycopg.connect(warehouse) as conn:
        staged = conn.execute("select asmt_no, line_no, tax_amt, party_id_status from staging.tax_assessment"
                              " order by line_no").fetchall()
        assert staged == [("A4", 5, 12_000, "unverifiable"), ("A5", 6, 12_000, "brn"), ("A1", 7, 15_000, "valid")]
        reasons = dict(conn.execute("select line_no, reason from quarantine.record").fetchall())
        assert reasons[2] == "duplicate_key"
        assert reasons[3] == "expect_column_values_to_be_in_set:tax_item_cd"
        assert reasons[4] == "expect_column_values_to_be_in_set:party_id_status"
        assert 8 in reasons and len(reasons) == 4
        records = " ".join(r[0] for r in conn.execute("select record from quarantine.record"))
        assert BAD_RRN not in records and rrn() not in records  # pseudonymised, never the number
        assert conn.execute("select bool_and(balanced) from audit.batch_balance").fetchone()[0] is True
        before = snapshot(conn, "tax_assessment")

    # the folder completes; reruns load it once and leave staging identical
    (drop_dir / "tax" / "20250304" / "_DONE").touch()
    assert ingest_system("tax", D2)["batches"] == 1
    again = ingest_system("tax", D2)
    assert again["batches"] == 0 and again["skipped_unchanged"] == 2
    with psycopg.connect(warehouse) as conn:
        after = snapshot(conn, "tax_assessment")
        assert after[: len(before)] == before and len(after) == len(before) + 1

    # D1 delivered again with other contents: replaces its earlier load entirely
    write_tax(drop_dir, D1, [tax_detail("A1", amt=99)])
    os.utime(drop_dir / "tax" / "20250303" / "_DONE")
    summary = ingest_system("tax", D2)
    assert summary["batches"] == 1 and summary["superseded"] == 1
    with psycopg.connect(warehouse) as conn:
        rows = conn.execute("select asmt_no, tax_amt, delivery_date from staging.tax_assessment"
                            " order by delivery_date, line_no").fetchall()
        assert rows == [("A1", 99, D1), ("B1", 12_000, D2)]
        statuses = conn.execute("select status, count(*) from audit.batch group by 1 order by 1").fetchall()
        assert statuses == [("loaded", 2), ("superseded", 1)]
        assert conn.execute("select count(*) from quarantine.record").fetchone()[0] == 0


def test_corrupt_file_fails_with_its_name_and_loads_nothing(warehouse: str, drop_dir: Path) -> None:
    write_tax(drop_dir, D1, [tax_detail("A1"), tax_detail("A2")], trailer_count=3)
    write_tax(drop_dir, D2, [tax_detail("B1")])
    with pytest.raises(IngestError, match="TAXASMT_20250303.dat") as err:
        ingest_system("tax", D3)
    assert err.value.summary["batches"] == 1  # the good day still loaded
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select asmt_no from staging.tax_assessment").fetchall() == [("B1",)]
        status, error = conn.execute("select status, error from audit.batch where source_name ="
                                     " 'TAXASMT_20250303.dat'").fetchone()
        assert status == "failed" and error.startswith("TAXASMT_20250303.dat: ")
    # a retry of the same day reports the rejection again (read from audit.batch), without reading it twice
    with pytest.raises(IngestError, match="TAXASMT_20250303.dat") as again:
        ingest_system("tax", D3)
    assert again.value.summary["batches"] == 0
    # a later day's run lists it as a known failure and stays green
    summary = ingest_system("tax", D3 + dt.timedelta(days=1))
    assert summary["batches"] == 0 and len(summary["known_failures"]) == 1 and summary["failed"] == []


def test_duties_extra_column_reported_not_loaded(warehouse: str, drop_dir: Path) -> None:
    write_duty(drop_dir, D1, [{"imps_no": "I1"}, {"imps_no": "I2", "duty_cd": "X99"},
                              {"imps_no": "I3", "party_type": "1", "party_id": "801301-1234567"}], extra=True)
    summary = ingest_system("duties", D1)
    assert summary["extra_columns"] == {"20250303/DUTY_20250303.csv": ["비고"]}
    assert (summary["loaded"], summary["quarantined"]) == (1, 2)
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select imps_no, imps_amt, status from staging.duty").fetchall() == [
            ("I1", 1_234_000, "부과")]
        assert conn.execute("select extra_columns from audit.batch").fetchone()[0] == ["비고"]
        records = " ".join(r[0] for r in conn.execute("select record from quarantine.record"))
        assert "801301-1234567" not in records and "8013011234567" not in records
