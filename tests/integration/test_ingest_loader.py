"""The loader on its own: GX quarantine, duplicate keys, balance, dq.result, all-or-nothing.

Rows are built here as the parsers would emit them (typed values in staging
column order), so these tests pin the engine independently of any parser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import psycopg
import pytest

from cheongbaek.ingest import loader
from cheongbaek.ingest.records import FILE_KEYS, Reject, Row

COLUMNS = ["asmt_no", "tax_item_cd", "party_type", "party_id", "party_id_status", "party_nm", "pnu",
           "tax_base_amt", "tax_amt", "cause_dt", "asmt_dt", "due_dt", "paid_dt", "status_cd", "dept_cd"]
DAY = dt.date(2025, 3, 3)
PNU = "1111010100100120003"


def tax_row(line: int, asmt_no: str, *, item: str = "201", status: str = "valid", pnu: str | None = PNU,
            amt: int = 1000) -> Row:
    values = (asmt_no, item, "1", "p_" + "a" * 32, status, "홍길동", pnu, 100_000, amt, DAY, DAY, DAY, None, "01",
              "3000001")
    return Row(line, values, f"D{asmt_no} record {line}")


def load(conn: psycopg.Connection, items: list[Row | Reject], *, source_name: str = "TAXASMT_20250303.dat",
         replaces: list[int] | None = None) -> tuple[int, dict[str, int]]:
    batch_id = loader.open_batch(conn, system="tax", source_name=source_name, delivery_date=DAY,
                                 logical_date=DAY, checksum="x")
    with conn.transaction():
        landed = loader.land(conn, table="tax_assessment", columns=COLUMNS, items=iter(items))
        counts = loader.settle_file(conn, batch_id=batch_id, system="tax", source_name=source_name,
                                    table="tax_assessment", columns=COLUMNS, keys=FILE_KEYS["tax_assessment"],
                                    delivery_date=DAY, replaces=replaces or [])
        loader.close_batch(conn, batch_id=batch_id, counts=counts, suite="tax_assessment", stats=landed.stats)
    loader.keep_validation_result("tax_assessment", batch_id, source_name, landed)
    return batch_id, counts


@pytest.fixture
def conn(warehouse: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(warehouse, autocommit=True) as c:
        yield c


def test_quarantine_duplicates_warnings_and_balance(conn: psycopg.Connection) -> None:
    items: list[Row | Reject] = [
        tax_row(2, "A1"),
        tax_row(3, "A2", item="999"),                      # code outside its list
        tax_row(4, "A3", status="invalid"),                # invalid RRN
        tax_row(5, "A4", status="unverifiable"),           # warning, loaded
        tax_row(6, "A5", pnu="12345"),                     # PNU not 19 digits
        Reject(7, "wrong_length", "record of 199 bytes", "Dbroken"),
        tax_row(8, "A1", amt=2000),                        # same key later: wins, line 2 quarantined
        tax_row(9, "A6", pnu=None),                        # no parcel: fine
    ]
    batch_id, counts = load(conn, items)
    assert counts == {"rows_in": 8, "rows_loaded": 3, "rows_quarantined": 5, "rows_warned": 1}
    staged = conn.execute("select asmt_no, line_no, tax_amt from staging.tax_assessment order by line_no").fetchall()
    assert staged == [("A4", 5, 1000), ("A1", 8, 2000), ("A6", 9, 1000)]
    reasons = dict(conn.execute("select line_no, reason from quarantine.record where batch_id = %s",
                                (batch_id,)).fetchall())
    assert reasons == {
        2: "duplicate_key",
        3: "expect_column_values_to_be_in_set:tax_item_cd",
        4: "expect_column_values_to_be_in_set:party_id_status",
        6: "expect_column_values_to_match_regex:pnu",
        7: "wrong_length",
    }
    b = conn.execute("select status, rows_in, rows_loaded, rows_quarantined, rows_warned from audit.batch"
                     " where batch_id = %s", (batch_id,)).fetchone()
    assert b == ("loaded", 8, 3, 5, 1)
    assert conn.execute("select bool_and(balanced) from audit.batch_balance").fetchone()[0] is True
    dq = {(r[0], r[1]): r[2:] for r in conn.execute(
        "select expectation, column_name, blocking, success, unexpected_count, sample from dq.result"
        " where batch_id = %s", (batch_id,))}
    assert dq[("expect_column_values_to_be_in_set", "tax_item_cd")][:4] == (True, False, 1, ["999"])
    assert dq[("expect_column_values_to_not_be_in_set", "party_id_status")][:3] == (False, False, 1)
    assert dq[("expect_column_values_to_not_be_null", "asmt_no")][:3] == (True, True, 0)


def test_data_docs_built_without_row_values(conn: psycopg.Connection) -> None:
    from cheongbaek import config
    from cheongbaek.validation.docs import build_data_docs

    load(conn, [tax_row(2, "D1"), tax_row(3, "D2", item="998")])
    index = build_data_docs("tax")
    assert index == config.home() / "data_docs" / "index.html" and index.exists()
    pages = [p for p in (config.home() / "data_docs").rglob("*.html") if "tax_assessment" in str(p)]
    assert pages, "no validation page for the tax_assessment suite"
    text = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert "p_" + "a" * 32 not in text  # no identifier, even a pseudonym, in the docs


def test_redelivery_replaces_and_failure_loads_nothing(conn: psycopg.Connection) -> None:
    first, _ = load(conn, [tax_row(2, "A1"), tax_row(3, "A2", item="999")])
    second, counts = load(conn, [tax_row(2, "A1", amt=5)], replaces=[first])
    assert counts["rows_loaded"] == 1
    assert conn.execute("select asmt_no, tax_amt, batch_id from staging.tax_assessment").fetchall() == [
        ("A1", 5, second)]
    assert conn.execute("select count(*) from quarantine.record where batch_id = %s", (first,)).fetchone()[0] == 0
    assert conn.execute("select status from audit.batch where batch_id = %s", (first,)).fetchone()[0] == "superseded"

    def broken() -> Iterator[Row | Reject]:
        yield tax_row(2, "B1")
        raise loader_error

    loader_error = RuntimeError("trailer mismatch")
    batch_id = loader.open_batch(conn, system="tax", source_name="TAXASMT_20250304.dat", delivery_date=DAY,
                                 logical_date=DAY, checksum="y")
    with pytest.raises(RuntimeError, match="trailer mismatch"), conn.transaction():
        loader.land(conn, table="tax_assessment", columns=COLUMNS, items=broken())
    loader.fail_batch(conn, batch_id, "TAXASMT_20250304.dat: trailer mismatch")
    assert conn.execute("select count(*) from staging.tax_assessment where asmt_no = 'B1'").fetchone()[0] == 0
    assert conn.execute("select status, error from audit.batch where batch_id = %s", (batch_id,)).fetchone() == (
        "failed", "TAXASMT_20250304.dat: trailer mismatch")


def test_binary_copy_refuses_a_mistyped_value_and_text_accepts_it(conn: psycopg.Connection) -> None:
    loader.TEXT_ONLY.discard("tax_assessment")
    good = tax_row(2, "C1")
    mistyped = Row(3, (*good.values[:7], "100000", *good.values[8:]), "D...")  # tax_base_amt as text
    with pytest.raises(loader.BinaryTypeMismatch), conn.transaction():
        loader.land(conn, table="tax_assessment", columns=COLUMNS, items=iter([good, mistyped]), binary=True)
    assert "tax_assessment" in loader.TEXT_ONLY
    with conn.transaction():
        landed = loader.land(conn, table="tax_assessment", columns=COLUMNS, items=iter([good, mistyped]), binary=True)
        assert conn.execute("select count(*), sum(tax_base_amt) from _ld").fetchone() == (2, 200_000)
    assert landed.stats
    loader.TEXT_ONLY.discard("tax_assessment")


def test_data_docs_keep_earlier_pages_on_incremental_builds(conn: psycopg.Connection) -> None:
    from cheongbaek import config
    from cheongbaek.validation.docs import build_data_docs

    first, _ = load(conn, [tax_row(2, "E1")], source_name="TAXASMT_20250310.dat")
    build_data_docs("tax")
    second, _ = load(conn, [tax_row(2, "E2")], source_name="TAXASMT_20250311.dat")
    index = build_data_docs("tax")
    text = index.read_text(encoding="utf-8")
    assert f"batch_{first}" in text and f"batch_{second}" in text
    pages = {p.name for p in (config.home() / "data_docs").rglob("*.html")}
    assert len(pages) >= 3
