"""``cheongbaek run`` end to end through Airflow, and no raw RRN anywhere it wrote.

A tiny simulated world (planted defects included) goes through every DAG
through Airflow's scheduler (``cheongbaek run``), as ``make demo`` does. Then every raw RRN the
legacy systems delivered is searched, in both its written forms, in a full
``pg_dump`` of the warehouse, in every Airflow log, in a ``pg_dump`` of
Airflow's metadata database (XComs live there), and in every file the pipeline wrote under
CHEONGBAEK_HOME and the publication folder: it must be nowhere.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.integration

#: An RRN as the legacy systems write it: YYMMDD, optional hyphen, S in 1-8, 6 digits; not inside a longer number.
RRN = re.compile(rb"(?<![0-9])([0-9]{6})-?([1-8][0-9]{6})(?![0-9])")


def _raw_rrns(legacy: dict[str, str], drop: Path) -> set[str]:
    """Every RRN the legacy systems delivered, as 13 digits."""
    found: set[str] = set()
    with psycopg.connect(legacy["finance"]) as conn:
        for sql in ("select rep_rrn from ehojo.tb_vendor",
                    "select disp_party_id from ehojo.tb_pub_prop where disp_party_type = '1'",
                    "select user_party_id from ehojo.tb_pub_prop_use where user_party_type = '1'"):
            found |= {re.sub(r"\D", "", r[0]) for r in conn.execute(sql) if r[0]}
    with psycopg.connect(legacy["civil"]) as conn:
        for sql in ("select apln_id from saeol.petition where apln_type = '1'",
                    "select holder_id from saeol.permit where holder_type = '1'",
                    "select memo from saeol.petition_step where memo is not null"):
            for (value,) in conn.execute(sql):
                found |= {a.decode() + b.decode() for a, b in RRN.findall(value.encode())}
    for path in drop.rglob("*"):
        if path.is_file() and path.suffix in {".dat", ".csv", ".jsonl"}:
            found |= {a.decode() + b.decode() for a, b in RRN.findall(path.read_bytes())}
    return {r for r in found if len(r) == 13}


def _leaks(blob: bytes, rrns: set[str]) -> set[str]:
    """The RRNs of ``rrns`` that occur in ``blob``, compact or hyphenated."""
    return {a.decode() + b.decode() for a, b in RRN.findall(blob)} & rrns


def test_run_all_dags_and_no_raw_rrn_anywhere(warehouse: str, legacy_dbs: dict[str, str], drop_dir: Path,
                                             publish_dir: Path, tmp_path: Path, cb_home: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from cheongbaek import cli, db
    from cheongbaek.pipeline import dag_order
    from cheongbaek.simulator import simulate

    airflow_home = tmp_path / "airflow"
    monkeypatch.setenv("AIRFLOW_HOME", str(airflow_home))
    monkeypatch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(Path(__file__).resolve().parents[2] / "dags"))
    truth = tmp_path / "truth"
    simulate(dt.date(2025, 3, 3), 10, scale="tiny", seed=5, truth_dir=truth)
    as_of = json.loads((truth / "manifest.json").read_text())["as_of"]

    assert cli.main(["run", "--as-of", as_of]) == 0

    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from audit.batch_balance where not balanced").fetchone()[0] == 0
        assert conn.execute("select count(*) from core.reconcile_run").fetchone()[0] >= 1
        assert conn.execute("select count(*) from monitoring.alert").fetchone()[0] > 0
        assert conn.execute("select count(*) from audit.batch where status = 'failed'").fetchone()[0] >= 1
    assert (publish_dir / "latest" / "datapackage.json").exists()
    logs = {p.stem for p in (airflow_home / "logs" / "cheongbaek-run" / as_of).glob("*.log")}
    assert logs == set(dag_order())

    rrns = _raw_rrns(legacy_dbs, drop_dir)
    assert len(rrns) > 50, "the simulated world delivers RRNs to search for"
    pg_dump = Path(db.psql_path()).with_name("pg_dump")
    dump = subprocess.run([str(pg_dump), warehouse], check=True, capture_output=True).stdout
    assert b"COPY staging.hr_emp" in dump and len(dump) > 100_000
    assert _leaks(dump, rrns) == set(), "raw RRN in the warehouse"
    from cheongbaek.airflow_runner import metadata_database_name

    metadata = db.embedded_uri(metadata_database_name(airflow_home))
    airflow_dump = subprocess.run([str(pg_dump), metadata], check=True, capture_output=True).stdout
    assert b"COPY public.xcom" in airflow_dump and b"COPY public.dag_run" in airflow_dump
    assert _leaks(airflow_dump, rrns) == set(), "raw RRN in Airflow's metadata database"
    key = os.environ["CHEONGBAEK_PSEUDONYM_KEY"].encode()  # the planted secret: never written anywhere
    assert key not in dump and key not in airflow_dump, "the pseudonym key in a database"
    for path in [*airflow_home.rglob("*"), *cb_home.rglob("*"), *publish_dir.rglob("*")]:
        if path.is_file() and not path.is_symlink():
            if (cb_home / "pg") in path.parents:
                continue  # the embedded server's files hold the legacy databases too: the dump covers the warehouse
            blob = path.read_bytes()
            assert _leaks(blob, rrns) == set(), f"raw RRN in {path}"
            assert key not in blob, f"the pseudonym key in {path}"
