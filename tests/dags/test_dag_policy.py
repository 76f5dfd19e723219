"""DAG policy: what every DAG of the project must have (in the manner of
mozilla's telemetry-airflow): no import errors, no cycles, an owner, retries,
alerting, operator documentation, tags from a closed vocabulary, and cheap
parsing (no pandas or Great Expectations at parse time)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cheongbaek.pipeline import OWNER, TAGS, dag_order

REPO = Path(__file__).resolve().parents[2]
DAG_FILES = sorted((REPO / "dags").glob("*.py"))


@pytest.fixture(scope="module")
def dagbag():  # noqa: ANN201
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_no_import_errors(dagbag) -> None:  # noqa: ANN001
    assert dagbag.import_errors == {}


def test_every_pipeline_dag_is_defined(dagbag) -> None:  # noqa: ANN001
    assert set(dag_order()) == set(dagbag.dag_ids)


def test_no_cycles(dagbag) -> None:  # noqa: ANN001
    for dag in dagbag.dags.values():
        dag.check_cycle()  # raises AirflowDagCycleException on a cycle
        assert sorted(t.task_id for t in dag.topological_sort()) == sorted(dag.task_dict)


def test_owner_retries_alerting_doc_tags(dagbag) -> None:  # noqa: ANN001
    for dag_id, dag in dagbag.dags.items():
        assert dag.doc_md and "Triage" in dag.doc_md, f"{dag_id}: doc_md must tell an operator how to triage"
        assert dag.tags, f"{dag_id}: no tags"
        assert set(dag.tags) <= TAGS, f"{dag_id}: tags outside the vocabulary: {set(dag.tags) - TAGS}"
        assert not dag.catchup, f"{dag_id}: catchup must be off (runs are driven by logical date)"
        for task in dag.tasks:
            assert task.owner == OWNER, f"{dag_id}.{task.task_id}: owner"
            assert task.retries >= 1, f"{dag_id}.{task.task_id}: retries"
            assert task.on_failure_callback, f"{dag_id}.{task.task_id}: no failure alerting"


def test_asset_wiring(dagbag) -> None:  # noqa: ANN001
    """Reconcile is scheduled on the ingestion Assets; scenarios and publish on core."""
    from cheongbaek.pipeline import CORE_ASSET_URI
    from cheongbaek.sources import sources

    outlets = {
        a.uri for dag in dagbag.dags.values() for t in dag.tasks for a in getattr(t, "outlets", [])
    }
    for s in sources():
        assert s.asset_uri in outlets
    assert CORE_ASSET_URI in outlets
    for dag_id in ("reconcile", "scenarios", "publish"):
        assert dagbag.dags[dag_id].timetable.__class__.__name__ == "AssetTriggeredTimetable"


PARSE_PROBE = r"""
import json, sys, time, runpy
import airflow.sdk  # the framework's own import cost is not the DAG file's
before = set(sys.modules)
t = time.perf_counter()
runpy.run_path(sys.argv[1])
elapsed = time.perf_counter() - t
heavy = sorted(m for m in set(sys.modules) - before
               if m.split('.')[0] in {'pandas', 'great_expectations', 'psycopg', 'pyarrow', 'frictionless'})
print(json.dumps({"seconds": elapsed, "heavy": heavy}))
"""


@pytest.mark.parametrize("path", DAG_FILES, ids=[p.name for p in DAG_FILES])
def test_dag_file_parses_fast_and_light(path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", PARSE_PROBE, str(path)], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == [], f"{path.name} imports heavy modules at parse time: {result['heavy']}"
    assert result["seconds"] < 1.0, f"{path.name} took {result['seconds']:.2f} s to parse"


def test_auditor_report_follows_the_scenarios_of_the_same_run(dagbag) -> None:  # noqa: ANN001
    """The report's alert section must be D's: written after run_scenarios, in the scenarios DAG."""
    scenarios = dagbag.dags["scenarios"]
    assert "auditor_report" in scenarios.task_dict
    assert "run_scenarios" in scenarios.task_dict["auditor_report"].upstream_task_ids
    assert "auditor_report" not in dagbag.dags["reconcile"].task_dict


MANUAL_PROBE = r"""
import json, os
os.environ["CHEONGBAEK_MANUAL_RUNS"] = "1"
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=os.environ["DAGS"])
print(json.dumps({d: type(dag.timetable).__name__ for d, dag in bag.dags.items()}))
"""


def test_manual_mode_has_no_schedules() -> None:
    """What `cheongbaek run` parses: no clock and no Asset starts a run, only its triggers."""
    import os

    out = subprocess.run([sys.executable, "-c", MANUAL_PROBE], capture_output=True, text=True, check=True,
                         env={**os.environ, "DAGS": str(REPO / "dags")})
    timetables = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(timetables) == set(dag_order())
    assert set(timetables.values()) == {"NullTimetable"}
