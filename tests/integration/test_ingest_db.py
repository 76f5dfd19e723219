"""Database systems: incremental extraction by watermark with overlap, each version once, proc_code by checksum."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import psycopg
from stdnum.kr import rrn as stdnum_rrn

from cheongbaek.ingest.runner import ingest_system

D1, D2, D3 = dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 5)


def rrn(valid: bool = True) -> str:
    first12 = "800101123456"
    check = stdnum_rrn.calc_check_digit(first12)
    return first12[:6] + "-" + first12[6:] + (check if valid else str((int(check) + 1) % 10))


def legacy_schema(uri: str, name: str) -> None:
    ddl = (resources.files("cheongbaek.simulator") / "sql" / f"{name}.sql").read_text(encoding="utf-8")
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(ddl)


def petition(no: str, upd: str, stat: str = "RCV", apln_id: str | None = None) -> tuple:
    return (no, "10001", dt.datetime(2025, 3, 3, 9), "1", apln_id or rrn(), "김민원", "서울시 중구", "1111010100100120003",
            "3000001", 123456, dt.date(2025, 3, 20), stat, None, None, dt.datetime.fromisoformat(upd))


INSERT_PTN = "insert into saeol.petition values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def test_civil_incremental_each_version_once(warehouse: str, legacy_dbs: dict[str, str]) -> None:
    legacy_schema(legacy_dbs["civil"], "legacy_civil")
    with psycopg.connect(legacy_dbs["civil"], autocommit=True) as src:
        src.execute("insert into saeol.proc_code values ('10001', '100', '건축허가', 10, 'Y'),"
                    " ('10002', '100', '옥외광고', 5, 'N')")
        src.cursor().executemany(INSERT_PTN, [
            petition("P1", "2025-03-03 10:00:00"),
            petition("P2", "2025-03-03 23:59:59", apln_id=rrn(valid=False)),   # unverifiable: warning
            petition("P3", "2025-03-03 11:00:00", stat="XXX"),                 # code outside its list
            petition("P4", "2025-03-04 08:00:00"),                             # not known by D1
        ])
    first = ingest_system("civil", D1)
    assert (first["rows_in"], first["loaded"], first["quarantined"], first["warned"]) == (5, 4, 1, 1)
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select ptn_no from staging.civ_petition order by 1").fetchall() == [("P1",), ("P2",)]
        assert conn.execute("select count(*) from staging.civ_proc_code").fetchone()[0] == 2
        wm = conn.execute("select high_water from audit.watermark where source_name = 'saeol.petition'").fetchone()
        assert wm == (dt.datetime(2025, 3, 3, 23, 59, 59),)
        assert conn.execute("select reason from quarantine.record").fetchall() == [
            ("expect_column_values_to_be_in_set:stat_cd",)]
        # the record of a row quarantined by validation is built when it is quarantined: the source row as JSON
        record = json.loads(conn.execute("select record from quarantine.record").fetchone()[0])
        assert record["ptn_no"] == "P3" and record["stat_cd"] == "XXX"

    # rerun as of the same day: nothing new, staging and quarantine identical
    again = ingest_system("civil", D1)
    assert again["batches"] == 0 and again["skipped_unchanged"] == 1

    # P1 updated (a new version), P4 becomes known; the overlap re-reads P1..P3 of D1 without doubling them
    with psycopg.connect(legacy_dbs["civil"], autocommit=True) as src:
        src.execute("update saeol.petition set stat_cd = 'PRC', upd_dtm = '2025-03-04 09:00:00' where ptn_no = 'P1'")
    second = ingest_system("civil", D2)
    assert (second["rows_in"], second["loaded"], second["quarantined"]) == (2, 2, 0)
    with psycopg.connect(warehouse) as conn:
        versions = conn.execute("select ptn_no, stat_cd, upd_dtm from staging.civ_petition order by 1, 3").fetchall()
        assert versions == [
            ("P1", "RCV", dt.datetime(2025, 3, 3, 10)), ("P1", "PRC", dt.datetime(2025, 3, 4, 9)),
            ("P2", "RCV", dt.datetime(2025, 3, 3, 23, 59, 59)), ("P4", "RCV", dt.datetime(2025, 3, 4, 8)),
        ]
        assert conn.execute("select count(*) from quarantine.record").fetchone()[0] == 1
        assert conn.execute("select bool_and(balanced) from audit.batch_balance").fetchone()[0] is True
        before = conn.execute("select * from staging.civ_petition order by ptn_no, upd_dtm").fetchall()
    assert ingest_system("civil", D3)["batches"] == 0
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select * from staging.civ_petition order by ptn_no, upd_dtm").fetchall() == before

    # proc_code changes: a new batch with the whole table
    with psycopg.connect(legacy_dbs["civil"], autocommit=True) as src:
        src.execute("update saeol.proc_code set legal_days = 7 where proc_cd = '10002'")
    third = ingest_system("civil", D3)
    assert third["batches"] == 1 and third["loaded"] == 2
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(distinct batch_id), count(*) from staging.civ_proc_code").fetchone() == (
            2, 4)


def test_finance_vendor_invalid_ids_quarantined(warehouse: str, legacy_dbs: dict[str, str]) -> None:
    legacy_schema(legacy_dbs["finance"], "legacy_finance")
    from cheongbaek.privacy import brn_check_digit

    good = "123456789" + brn_check_digit("123456789")
    with psycopg.connect(legacy_dbs["finance"], autocommit=True) as src:
        src.cursor().executemany(
            "insert into ehojo.tb_vendor values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [("V1", f"{good[:3]}-{good[3:5]}-{good[5:]}", "(주)청백", "이대표", rrn(), "서울", "004", "123", "01", None,
              dt.datetime(2025, 3, 3, 9)),
             ("V2", good, "(주)둘", "박대표", "801301-1234567", "서울", "004", "124", "01", None,
              dt.datetime(2025, 3, 3, 9)),
             ("V3", good, "(주)셋", "최대표", rrn(), "서울", "004", "125", "09", None, dt.datetime(2025, 3, 3, 9))])
    summary = ingest_system("finance", D1)
    assert (summary["loaded"], summary["quarantined"]) == (1, 2)
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select vndr_id, brn from staging.fin_vendor").fetchall() == [("V1", good)]
        records = " ".join(r[0] for r in conn.execute("select record from quarantine.record"))
        assert "801301-1234567" not in records and "8013011234567" not in records
