"""A simulated tiny world ingested whole: staging, quarantine and audit agree with the simulator's truth.

The simulator (an independent producer following legacy-interfaces.md)
writes truth_dir/counts.csv (per staging table: valid keys, staging rows,
quarantined, warnings) and truth_dir/defects.csv (every planted defect and
the handling the pipeline owes it); this test holds the engine to both.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import psycopg

from cheongbaek.ingest import parsers
from cheongbaek.ingest.records import DB_TABLES, FILE_KEYS
from cheongbaek.ingest.runner import IngestError, ingest_system
from cheongbaek.sources import sources


def _table_of(system: str, source_name: str) -> str | None:
    if system in DB_TABLES:
        return DB_TABLES[system][source_name.split(".", 1)[1]][0]
    kind = parsers.kind_for(system, source_name)
    return kind.table if kind else None


def test_simulated_tiny_world(warehouse: str, legacy_dbs: dict[str, str], drop_dir: Path, tmp_path: Path) -> None:
    from cheongbaek.simulator import simulate

    truth = tmp_path / "truth"
    simulate(dt.date(2025, 3, 3), 10, scale="tiny", seed=7, truth_dir=truth)
    as_of = dt.date.fromisoformat(json.loads((truth / "manifest.json").read_text())["as_of"])
    summaries: dict[str, dict] = {}
    failures: dict[str, list[str]] = {}
    for s in sources():
        try:
            summaries[s.system] = ingest_system(s.system, as_of)
        except IngestError as e:
            summaries[s.system] = e.summary
            failures[s.system] = e.failures
    expected = {r["staging_table"]: r for r in csv.DictReader((truth / "counts.csv").open(encoding="utf-8"))}
    defects = list(csv.DictReader((truth / "defects.csv").open(encoding="utf-8")))

    with psycopg.connect(warehouse) as conn:
        batches = conn.execute("select batch_id, system, source_name, status, rows_warned, error, extra_columns"
                               " from audit.batch").fetchall()
        table_of = {b[0]: _table_of(b[1], b[2]) for b in batches}
        quarantined: Counter[str] = Counter()
        for batch_id, n in conn.execute("select q.batch_id, count(*) from quarantine.record q join audit.batch b"
                                        " using (batch_id) where b.status = 'loaded' group by 1"):
            quarantined[table_of[batch_id]] += n
        warned: Counter[str] = Counter()
        for b in batches:
            if b[3] == "loaded":
                warned[table_of[b[0]]] += b[4]
        problems = []
        for table, exp in expected.items():
            rows = conn.execute(f"select count(*) from staging.{table}").fetchone()[0]
            if table in FILE_KEYS:
                keys = ", ".join(FILE_KEYS[table])
            else:
                keys = ", ".join(next(v[1] for t in DB_TABLES.values() for v in t.values() if v[0] == table))
            distinct = conn.execute(f"select count(*) from (select distinct {keys} from staging.{table}) k").fetchone()[0]
            got = (distinct, rows, quarantined[table], warned[table])
            want = (int(exp["valid_keys"]), int(exp["staging_rows"]), int(exp["quarantined"]), int(exp["warnings"]))
            if got != want:
                problems.append(f"{table}: got (keys, rows, quarantined, warnings) {got}, truth {want}")
        assert not problems, "\n".join(problems)
        assert conn.execute("select coalesce(bool_and(balanced), true) from audit.batch_balance").fetchone()[0]

    failed_files = {b[2] for b in batches if b[3] == "failed"}
    for d in defects:
        handling, system, name = d["expected_handling"], d["system"], d["file_or_table"]
        if handling == "reject_file":
            assert name in failed_files, f"{name} should have failed as a whole"
            assert any(name in f for f in failures.get(system, [])), f"{name} missing from the IngestError"
        elif handling == "skip_folder":
            assert name in summaries[system]["folders_without_done"]
        elif handling == "ignore_column":
            assert any(b[6] for b in batches if b[1] == system and b[2] == name and b[3] == "loaded"), name
    assert not (set(failures) - {d["system"] for d in defects if d["expected_handling"] == "reject_file"})
