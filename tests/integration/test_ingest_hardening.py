"""Deliveries read safely (issue 17, point 2): links, NUL bytes, loose names, failed re-deliveries.

Hand-made day folders, real parsers, real PostgreSQL. Each test states the
hostile or broken delivery, then what the warehouse holds afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import psycopg
import pytest
from test_ingest_files import D1, D2, D3, tax_detail, write_duty, write_tax

from cheongbaek.ingest.runner import IngestError, ingest_system

SECRET = "TOP-SECRET-KEY-MATERIAL-0123456789"


def _all_text(conn: psycopg.Connection) -> str:
    """Every stored record, reason and error: where a followed link's lines would land."""
    parts = [r[0] or "" for r in conn.execute("select record from quarantine.record")]
    parts += [r[0] or "" for r in conn.execute("select error from audit.batch")]
    return "\n".join(parts)


def test_symlinked_file_is_rejected_unopened(warehouse: str, drop_dir: Path, tmp_path: Path) -> None:
    """A delivery named like TAXASMT but linking to a secret outside the drop is never read."""
    secret = tmp_path / "pseudonym.key"
    secret.write_text(SECRET + "\n" + SECRET + "\n")
    write_tax(drop_dir, D1, [tax_detail("A1")])
    folder = drop_dir / "tax" / "20250303"
    (folder / "TAXASMT_20250303.dat").unlink()
    (folder / "TAXASMT_20250303.dat").symlink_to(secret)
    with pytest.raises(IngestError, match="TAXASMT_20250303.dat: not a regular file"):
        ingest_system("tax", D1)
    with psycopg.connect(warehouse) as conn:
        assert SECRET not in _all_text(conn)
        assert conn.execute("select count(*) from staging.tax_assessment").fetchone()[0] == 0
        status, rejected = conn.execute("select status, rejected from audit.batch").fetchone()
        assert (status, rejected) == ("failed", True)


def test_symlinked_day_folder_and_duty_link_are_not_followed(warehouse: str, drop_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "20250303"
    outside.mkdir(parents=True)
    (outside / "DUTY_20250303.csv").write_text("\"부과번호\"\n\"" + SECRET + "\"\n")
    (outside / "_DONE").touch()
    (drop_dir / "duties").mkdir()
    (drop_dir / "duties" / "20250303").symlink_to(outside, target_is_directory=True)
    with pytest.raises(IngestError, match="20250303: a symbolic link"):
        ingest_system("duties", D1)
    with psycopg.connect(warehouse) as conn:
        assert SECRET not in _all_text(conn)
        assert conn.execute("select count(*) from audit.batch").fetchone()[0] == 0


def test_nul_byte_rejects_the_file_and_a_retry_says_so_again(warehouse: str, drop_dir: Path) -> None:
    """COPY refuses a NUL byte: the file is a rejected file, reported on every attempt of the day, never green."""
    write_duty(drop_dir, D1, [{"imps_no": "I1"}, {"imps_no": "I2", "party_nm": "(주)청\x00백"}])
    write_duty(drop_dir, D2, [{"imps_no": "I3"}])
    with pytest.raises(IngestError, match=r"DUTY_20250303.csv: refused by the database.*NUL") as err:
        ingest_system("duties", D2)
    assert err.value.summary["batches"] == 1  # the good day still loaded
    with pytest.raises(IngestError, match="DUTY_20250303.csv"):  # Airflow's retry: still red
        ingest_system("duties", D2)
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select imps_no from staging.duty").fetchall() == [("I3",)]
        row = conn.execute("select status, rejected, error from audit.batch where source_name = 'DUTY_20250303.csv'"
                           " order by batch_id").fetchall()
        assert [r[:2] for r in row] == [("failed", True)]
        assert "청" not in row[0][2]  # the refusal names no value of the file
    # corrected and re-delivered: loaded, the day is whole again
    write_duty(drop_dir, D1, [{"imps_no": "I1"}, {"imps_no": "I2"}])
    os.utime(drop_dir / "duties" / "20250303" / "_DONE")
    summary = ingest_system("duties", D2)
    assert summary["failed"] == [] and summary["loaded"] == 2
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select bool_and(balanced) from audit.batch_balance").fetchone()[0] is True


def test_failed_redelivery_then_corrected_supersedes_the_first_load(warehouse: str, drop_dir: Path) -> None:
    """loaded -> re-delivered corrupt (rejected) -> re-delivered good: exactly one loaded batch, the newest."""
    write_tax(drop_dir, D1, [tax_detail("A1", amt=100), tax_detail("A2", amt=200)])
    ingest_system("tax", D1)
    write_tax(drop_dir, D1, [tax_detail("A1", amt=101)], trailer_count=5)      # corrupt: rejected
    with pytest.raises(IngestError):
        ingest_system("tax", D2)
    write_tax(drop_dir, D1, [tax_detail("A1", amt=102)])                       # A2 withdrawn
    summary = ingest_system("tax", D3)
    assert summary["superseded"] == 1
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select asmt_no, tax_amt from staging.tax_assessment").fetchall() == [("A1", 102)]
        loaded = conn.execute("select count(*) from audit.batch where status = 'loaded'").fetchone()[0]
        assert loaded == 1
        assert conn.execute("select bool_and(balanced) from audit.batch_balance").fetchone()[0] is True


def test_transient_failure_is_not_a_rejection(warehouse: str, drop_dir: Path) -> None:
    """A batch that failed for the run's sake (not the file's) is loaded by the next attempt."""
    write_tax(drop_dir, D1, [tax_detail("A1")])
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("insert into audit.batch (system, source_name, delivery_date, logical_date, checksum, status,"
                     " error) select 'tax', 'TAXASMT_20250303.dat', %s, %s, null, 'failed', 'OperationalError'",
                     (D1, D1))
    summary = ingest_system("tax", D1)
    assert summary["loaded"] == 1 and summary["failed"] == []


def test_loose_files_are_reported_not_loaded(warehouse: str, drop_dir: Path) -> None:
    write_tax(drop_dir, D1, [tax_detail("A1")], extra_files={
        "TAXASMT_2025 03 03 한글.dat": b"", "TAXASMT_20250303 (1).dat": b"",
    })
    write_duty(drop_dir, D1, [{"imps_no": "I1"}])
    (drop_dir / "duties" / "20250303" / "DUTY_20250303 (1).csv").write_bytes(
        (drop_dir / "duties" / "20250303" / "DUTY_20250303.csv").read_bytes())
    tax = ingest_system("tax", D1)
    duties = ingest_system("duties", D1)
    assert tax["batches"] == 1 and duties["batches"] == 1
    assert sorted(tax["unknown_files"]) == ["20250303/TAXASMT_2025 03 03 한글.dat", "20250303/TAXASMT_20250303 (1).dat"]
    assert duties["unknown_files"] == ["20250303/DUTY_20250303 (1).csv"]
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from staging.duty").fetchone()[0] == 1


def test_open_delivered_refuses_links_and_devices(tmp_path: Path) -> None:
    from cheongbaek.ingest.records import UnsafeFileError, open_delivered

    target = tmp_path / "t.txt"
    target.write_text("x")
    link = tmp_path / "l.txt"
    link.symlink_to(target)
    with pytest.raises(UnsafeFileError, match="symbolic link"):
        open_delivered(link)
    with pytest.raises(UnsafeFileError, match="not a regular file"):
        open_delivered(Path("/dev/null"))
    with open_delivered(target, "r", "utf-8") as f:
        assert f.read() == "x"


def test_missing_drop_folder_fails_naming_the_variable(warehouse: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from cheongbaek.ingest.files import DeliveryError

    monkeypatch.setenv("CHEONGBAEK_DROP_DIR", str(tmp_path / "no-such-drop"))
    with pytest.raises(DeliveryError, match="no-such-drop does not exist: set CHEONGBAEK_DROP_DIR"):
        ingest_system("tax", D1)


def test_a_day_that_never_comes_is_reported(warehouse: str, drop_dir: Path) -> None:
    write_tax(drop_dir, D1, [tax_detail("A1")])
    write_tax(drop_dir, D3, [tax_detail("A3")])          # D2 (a Tuesday) never delivered
    summary = ingest_system("tax", D3 + dt.timedelta(days=1))
    assert summary["missing_days"] == ["20250304"] and summary["batches"] == 2


def _twice_at_once(code: str) -> list[int]:
    """Run ``code`` in two worker processes at the same time; the integers they print, sorted."""
    import subprocess
    import sys

    procs = [subprocess.Popen([sys.executable, "-c", "import datetime as dt; " + code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    return sorted(int(o[0].strip().splitlines()[-1]) for o in outs)


def test_two_writers_load_each_file_once(warehouse: str, drop_dir: Path) -> None:
    """Two processes (two workers, two Airflow homes) ingest the same system at once: one loads, one waits."""
    for i, day in enumerate([D1, D2, D3]):
        write_tax(drop_dir, day, [tax_detail(f"A{i}{j}") for j in range(50)])
    assert _twice_at_once("from cheongbaek.ingest.runner import ingest_system;"
                          " print(ingest_system('tax', dt.date(2025, 3, 5))['batches'])") == [0, 3]
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from staging.tax_assessment").fetchone()[0] == 150
        assert conn.execute("select count(*) from audit.batch").fetchone()[0] == 3


def test_batch_left_running_by_a_dead_run_is_closed(warehouse: str, drop_dir: Path) -> None:
    """kill -9 mid-batch leaves 'running': the next run (holding the lock) marks it failed and loads the file."""
    write_tax(drop_dir, D1, [tax_detail("A1")])
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute("insert into audit.batch (system, source_name, delivery_date, logical_date, status)"
                     " values ('tax', 'TAXASMT_20250303.dat', %s, %s, 'running')", (D1, D1))
    summary = ingest_system("tax", D1)
    assert summary["loaded"] == 1
    with psycopg.connect(warehouse) as conn:
        rows = conn.execute("select status, rejected from audit.batch order by batch_id").fetchall()
        assert rows == [("failed", False), ("loaded", False)]


def test_two_reconciles_at_once_neither_fails(warehouse: str, drop_dir: Path) -> None:
    """The reconcile lock is taken before its REPEATABLE READ snapshot: the second waits, then finds nothing new."""
    write_tax(drop_dir, D1, [tax_detail(f"A{j}") for j in range(200)])
    ingest_system("tax", D1)
    versions = _twice_at_once("from cheongbaek.reconcile.runner import reconcile;"
                              " print(reconcile(dt.date(2025, 3, 3))['versions'])")
    assert versions[0] == 0 and versions[1] > 0
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from core.tax_assessment").fetchone()[0] == 200


def test_folders_that_are_not_days_are_reported(warehouse: str, drop_dir: Path) -> None:
    write_tax(drop_dir, D1, [tax_detail("A1")])
    for name in ("2025-13-45", "20251345", "backup"):
        (drop_dir / "tax" / name).mkdir()
    summary = ingest_system("tax", D1)
    assert sorted(summary["unknown_folders"]) == ["2025-13-45", "20251345", "backup"]
    assert summary["batches"] == 1


def test_cut_trailer_rejects_the_file(warehouse: str, drop_dir: Path) -> None:
    folder = write_tax(drop_dir, D1, [tax_detail("A1")])
    path = folder / "TAXASMT_20250303.dat"
    lines = path.read_bytes().split(b"\r\n")
    lines[-2] = lines[-2][:50]  # the trailer cut to 50 bytes
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(IngestError, match="trailer record of 50 bytes, not 200"):
        ingest_system("tax", D1)


@pytest.mark.parametrize("csv_limit", [None, 2**31 - 1])  # another library may have raised csv's limit
def test_a_10_mb_line_is_one_quarantined_record(warehouse: str, drop_dir: Path, csv_limit: int | None) -> None:
    import csv

    before = csv.field_size_limit()
    if csv_limit:
        csv.field_size_limit(csv_limit)
    try:
        _ten_mb_line(warehouse, drop_dir)
    finally:
        csv.field_size_limit(before)


def _ten_mb_line(warehouse: str, drop_dir: Path) -> None:
    write_duty(drop_dir, D1, [{"imps_no": "I1"}, {"imps_no": "I2", "party_nm": "가" * 5_000_000},
                              {"imps_no": "I3"}])
    summary = ingest_system("duties", D1)
    assert (summary["rows_in"], summary["loaded"], summary["quarantined"], summary["failed"]) == (3, 2, 1, [])
    with psycopg.connect(warehouse) as conn:
        reason, size = conn.execute("select reason, length(record) from quarantine.record").fetchone()
        assert reason == "field_too_long" and size > 5_000_000
