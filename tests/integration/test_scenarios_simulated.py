"""All 22 scenarios against the simulator's planted truth, through the whole pipeline.

The simulator (an independent producer of legacy-interfaces.md) writes
truth/alerts.csv (every subject that must fire as of D, with its estimate)
and truth/near_misses.csv (cases built to look alike that must stay
silent). Here the world goes through ingest, reconcile and the scenario run
exactly as the DAGs chain them, and every scenario must reach 100% recall and
100% precision, estimates included. The per-scenario table is printed (run
with -s) and is what the release note quotes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.integration

SCENARIOS = ["TAX-01", "TAX-02", "TAX-03", "TAX-04", "TAX-05", "TAX-06", "DUTY-01", "DUTY-02", "DUTY-03", "DUTY-04",
             "DUTY-05", "DUTY-06", "FIN-01", "FIN-02", "FIN-03", "FIN-04", "FIN-05", "HR-01", "HR-02", "CIV-01",
             "CIV-02", "CIV-03"]


def run_world(start: dt.date, days: int, seed: int, truth: Path) -> tuple[dt.date, dict]:
    """Simulate, then ingest every system, reconcile and run the scenarios as of the last delivered day."""
    from cheongbaek.ingest.runner import ingest_system
    from cheongbaek.reconcile.runner import reconcile
    from cheongbaek.scenarios.runner import run_scenarios
    from cheongbaek.simulator import simulate
    from cheongbaek.sources import sources

    simulate(start, days, scale="tiny", seed=seed, truth_dir=truth)
    as_of = dt.date.fromisoformat(json.loads((truth / "manifest.json").read_text())["as_of"])
    for s in sources():
        ingest_system(s.system, as_of, strict=False)  # planted corrupt files are rejected, the rest loads
    reconcile(as_of)
    return as_of, run_scenarios(as_of)


def score(conn: psycopg.Connection, truth: Path) -> dict[str, dict[str, int]]:
    """Per scenario: true positives, false positives, false negatives, wrong estimates, near misses fired."""
    expected = {(r["scenario_id"], r["subject"]): int(r["estimate_krw"])
                for r in csv.DictReader((truth / "alerts.csv").open(encoding="utf-8"))}
    near = {(r["scenario_id"], r["subject"]) for r in csv.DictReader((truth / "near_misses.csv").open(encoding="utf-8"))}
    fired = {(s, subj): int(est) for s, subj, est in conn.execute(
        "select scenario_id, subject, estimate_krw from monitoring.alert where matching")}
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("planted", "near_misses", "fired", "tp", "fp", "fn", "estimate_wrong", "near_fired"), 0))
    for (sid, subj), est in expected.items():
        row = table[sid]
        row["planted"] += 1
        if (sid, subj) in fired:
            row["tp"] += 1
            row["estimate_wrong"] += fired[(sid, subj)] != est
        else:
            row["fn"] += 1
    for key in near:
        table[key[0]]["near_misses"] += 1
        table[key[0]]["near_fired"] += key in fired
    for key in fired:
        table[key[0]]["fired"] += 1
        table[key[0]]["fp"] += key not in expected
    return dict(table)


def format_table(table: dict[str, dict[str, int]]) -> str:
    lines = ["| scenario | planted | fired | TP | FP | FN | recall | precision | estimates wrong | near misses (fired) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for sid in SCENARIOS:
        r = table.get(sid, {})
        tp, fp, fn = r.get("tp", 0), r.get("fp", 0), r.get("fn", 0)
        recall = f"{tp / (tp + fn):.0%}" if tp + fn else "-"
        precision = f"{tp / (tp + fp):.0%}" if tp + fp else "-"
        lines.append(f"| {sid} | {r.get('planted', 0)} | {r.get('fired', 0)} | {tp} | {fp} | {fn} | {recall} | "
                     f"{precision} | {r.get('estimate_wrong', 0)} | {r.get('near_misses', 0)} "
                     f"({r.get('near_fired', 0)}) |")
    return "\n".join(lines)


@pytest.mark.parametrize(("start", "days", "seed"), [(dt.date(2025, 3, 3), 10, 42), (dt.date(2025, 1, 2), 45, 7)],
                         ids=["10d", "45d-payday-seollal"])
def test_every_scenario_matches_the_truth(warehouse: str, legacy_dbs: dict[str, str], drop_dir: Path,
                                          tmp_path: Path, start: dt.date, days: int, seed: int) -> None:
    truth = tmp_path / "truth"
    run_world(start, days, seed, truth)
    with psycopg.connect(warehouse) as conn:
        table = score(conn, truth)
    print("\n" + format_table(table))
    assert set(SCENARIOS) <= set(table), f"scenarios without planted cases: {set(SCENARIOS) - set(table)}"
    for sid in SCENARIOS:
        r = table[sid]
        assert r["planted"] >= 1 and r["near_misses"] >= 1, f"{sid}: the truth must hold true cases and near misses"
        assert (r["fp"], r["fn"], r["estimate_wrong"], r["near_fired"]) == (0, 0, 0, 0), f"{sid}: {r}"
