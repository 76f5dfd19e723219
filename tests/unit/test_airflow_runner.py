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


NEW_LINE = ("2026-12-05T02:35:55.87Z error CHEONGBAEK FAILURE dag=ingest_tax task=check_deliveries "
            "run=cheongbaek__2025-03-12T00:00:00 as_of=2025-03-12: ingest tax: 1 file(s) rejected: x.dat: trailer")


def test_parse_failures_reads_the_scheduler_log_format() -> None:
    assert parse_failures(NEW_LINE) == {"check_deliveries": "ingest tax: 1 file(s) rejected: x.dat: trailer"}


class _Event:
    def __init__(self, extra: dict) -> None:
        self.extra = extra


class _Run:
    def __init__(self, conf: dict | None = None, run_id: str = "r1") -> None:
        self.conf = conf or {}
        self.run_id = run_id


def test_as_of_precedence_conf_then_asset_events_then_logical_date() -> None:
    import datetime as dt

    from cheongbaek.tasks import as_of

    logical = dt.datetime(2025, 3, 12, 7, 0, tzinfo=dt.UTC)
    events = {"asset": [_Event({"as_of": "2025-03-10"}), _Event({"as_of": "2025-03-11"})]}
    assert as_of({"dag_run": _Run({"as_of": "2025-03-07"}), "logical_date": logical}) == dt.date(2025, 3, 7)
    assert as_of({"dag_run": _Run(), "triggering_asset_events": events, "logical_date": logical}) == dt.date(2025, 3, 11)
    assert as_of({"dag_run": _Run(), "logical_date": logical}) == dt.date(2025, 3, 12)


def test_as_of_never_falls_back_to_the_clock() -> None:
    from cheongbaek.tasks import NoRunDate, as_of

    with pytest.raises(NoRunDate, match="cannot tell the run's as-of date"):
        as_of({"dag_run": _Run(), "triggering_asset_events": {"a": [_Event({})]}, "logical_date": None})


def test_failure_notification_names_dag_task_d_reason_and_link(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import email

    from cheongbaek import tasks

    monkeypatch.setenv("CHEONGBAEK_HOME", str(tmp_path))
    monkeypatch.delenv("AIRFLOW_CONN_CB_SMTP", raising=False)
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "http://localhost:8080")

    class _Ti:
        dag_id, task_id, run_id = "ingest_tax", "check_deliveries", "cheongbaek__2025-03-12T00:00:00"

    context = {"task_instance": _Ti(), "dag_run": _Run({"as_of": "2025-03-12"}, _Ti.run_id),
               "exception": ValueError("ingest tax: 1 file(s) rejected")}
    tasks.on_failure(context)
    path = tmp_path / "mail" / "failures" / "2025-03-12" / "ingest_tax.check_deliveries.eml"
    msg = email.message_from_bytes(path.read_bytes())
    body = msg.get_payload(decode=True).decode()
    assert "ingest_tax.check_deliveries failed for D=2025-03-12" in msg["Subject"]
    assert "1 file(s) rejected" in body
    assert "http://localhost:8080/dags/ingest_tax/runs/cheongbaek__2025-03-12T00%3A00%3A00/tasks/check_deliveries" in body


def test_tasks_resolve_connections_through_airflow(monkeypatch) -> None:  # noqa: ANN001
    """Inside a task a conn id goes through Airflow (env, secrets backend, the UI's metadata), as libpq URIs."""
    from cheongbaek import db
    from cheongbaek.tasks import airflow_connection_uri

    monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", "postgresql://etl:p%40ss@db.city:6432/wh?sslmode=require")
    monkeypatch.setenv("AIRFLOW_CONN_CB_LEGACY_CIVIL",
                       '{"conn_type": "postgres", "host": "/tmp/sock", "schema": "legacy", "login": "u", "port": 5433}')
    assert airflow_connection_uri("cb_warehouse") == "postgresql://etl:p%40ss@db.city:6432/wh?sslmode=require"
    assert airflow_connection_uri("cb_legacy_civil") == "postgresql://u@/legacy?host=%2Ftmp%2Fsock&port=5433"
    assert airflow_connection_uri("cb_nosuch") is None
    try:
        db.use_resolver(lambda conn_id: "postgres://a@h:1/x?__extra__=1" if conn_id == "cb_other" else None)
        assert db.dsn("cb_other") == "postgresql://a@h:1/x"
    finally:
        db.use_resolver(None)
