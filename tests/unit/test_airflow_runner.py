"""``cheongbaek run``'s reading of a DAG test: rejected files are a data incident, anything else a failure."""

from __future__ import annotations

import pytest

from cheongbaek.airflow_runner import DagResult, parse_failures

LINE = ("2026-12-01T02:39:57.644475Z [error    ] CHEONGBAEK FAILURE dag=ingest_realestate task=check_deliveries "
        "run=manual__2026-12-01T02:39:48+00:00: ingest realestate: 1 file(s) rejected, nothing of them loaded: "
        "20250306/RE_PARCEL_20250306.csv: header lacks required column(s) chg_dt [cheongbaek.tasks] loc=tasks.py:50")


def test_parse_failures_reads_task_and_error() -> None:
    found = parse_failures("noise\n" + LINE + "\nmore noise")
    assert list(found) == ["check_deliveries"]
    assert found["check_deliveries"].endswith("header lacks required column(s) chg_dt")


@pytest.mark.parametrize(("code", "failures", "state", "ok"), [
    (0, {}, "success", True),
    (1, {"check_deliveries": "rejected"}, "rejected files", True),
    (1, {"extract_validate_load": "boom"}, "failed", False),
    (1, {"check_deliveries": "x", "extract_validate_load": "y"}, "failed", False),
    (1, {}, "failed", False),
])
def test_state(code: int, failures: dict[str, str], state: str, ok: bool) -> None:
    result = DagResult("ingest_tax", code, 1.0, "", failures)
    assert (result.state, result.ok) == (state, ok)
