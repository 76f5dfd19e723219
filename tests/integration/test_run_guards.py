"""Guards on D (issue 13, point 4), with the real warehouse and the real steps.

* a replay (D before the warehouse's latest run) leaves the alerts, their
  history and ``scenario_input`` as the latest run left them, and writes its
  publication beside ``latest`` without switching it or the disclosure tables;
* one ``cheongbaek run`` per warehouse: a second one exits at once with a
  clear message (exit 1), whatever Airflow home it comes from;
* a D after today is refused before anything runs (exit 2).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.integration


def _alerts(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "select alert_id, scenario_id, subject, status, matching, first_seen, last_seen, resolved_on"
        " from monitoring.alert order by alert_id").fetchall()


def test_replay_keeps_alerts_and_latest(warehouse: str, legacy_dbs: dict[str, str], drop_dir: Path,
                                        publish_dir: Path, tmp_path: Path) -> None:
    from cheongbaek.ingest.runner import ingest_system
    from cheongbaek.publish import runner as publish
    from cheongbaek.reconcile.runner import reconcile
    from cheongbaek.scenarios.runner import run_scenarios
    from cheongbaek.simulator import simulate
    from cheongbaek.sources import sources

    truth = tmp_path / "truth"
    simulate(dt.date(2025, 3, 3), 10, scale="tiny", seed=7, truth_dir=truth)
    d = dt.date.fromisoformat(json.loads((truth / "manifest.json").read_text())["as_of"])
    for s in sources():
        ingest_system(s.system, d, strict=False)
    reconcile(d)
    run_scenarios(d)
    latest_pub = publish.publish(d)
    assert latest_pub["latest"] is True
    with psycopg.connect(warehouse) as conn:
        before = _alerts(conn)
        history_before = conn.execute("select count(*) from monitoring.alert_status_history").fetchone()[0]
        inputs_before = conn.execute("select max(as_of) from scenario_input.refresh").fetchone()[0]
        disclosure_before = conn.execute("select count(*), max(bdays_elapsed) from disclosure.open_petitions"
                                         ).fetchone()
    assert any(a[3] == "open" for a in before), "the world raises alerts to protect"

    earlier = d - dt.timedelta(days=7)
    summary = run_scenarios(earlier)
    assert summary["replay_of"] == d.isoformat()
    assert summary["resolved"] == 0 and summary["new"] == 0
    with psycopg.connect(warehouse) as conn:
        assert _alerts(conn) == before, "a replay changed the alerts"
        assert conn.execute("select count(*) from monitoring.alert_status_history").fetchone()[0] == history_before
        assert conn.execute("select count(*) from monitoring.scenario_run where as_of = %s",
                            (earlier,)).fetchone()[0] > 0, "the replay is recorded"

    replay_pub = publish.publish(earlier)
    assert replay_pub["latest"] is False
    assert publish.current_latest(publish_dir) == Path(latest_pub["folder"]).resolve()
    assert (Path(replay_pub["folder"]) / "datapackage.json").exists(), "the replay is written beside latest"
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*), max(bdays_elapsed) from disclosure.open_petitions"
                            ).fetchone() == disclosure_before, "cb_public would read the replay's tables"
        assert conn.execute("select max(as_of) from scenario_input.refresh").fetchone()[0] == inputs_before

    # The same D again is a rerun, not a replay: it may switch latest (to a new folder of the same D).
    again = publish.publish(d)
    assert again["latest"] is True


def test_second_run_on_a_warehouse_exits_with_a_message(warehouse: str, capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs at once: the second is refused by the warehouse's lock, from another Airflow home too."""
    from cheongbaek import cli

    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "other-airflow-home"))
    with cli.run_lock("cheongbaek run 2025-03-12 pid 1"):
        code = cli.main(["run", "--as-of", "2025-03-12"])
        err = capsys.readouterr().err
    assert code == 1
    assert "another cheongbaek run is using this warehouse" in err
    assert "cheongbaek run 2025-03-12 pid 1" in err
    assert "Traceback" not in err
    # Released with its session: the next run takes it.
    with cli.run_lock("next"):
        pass


def test_future_date_is_refused_before_anything_runs(warehouse: str, capsys: pytest.CaptureFixture[str]) -> None:
    from cheongbaek import cli

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert cli.main(["run", "--as-of", tomorrow.isoformat()]) == 2
    err = capsys.readouterr().err
    assert f"{tomorrow} is after today" in err and "Traceback" not in err
    assert cli.main(["run", "--from", "2025-03-03", "--to", "2030-01-01"]) == 2
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from monitoring.scenario_run").fetchone()[0] == 0


def test_run_refuses_a_scheduled_airflow_of_the_same_home(warehouse: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`cheongbaek airflow` with its schedules is serving this home: run says where to trigger instead."""
    import os

    from cheongbaek import cli
    from cheongbaek.airflow_runner import STATE_FILE

    home = tmp_path / "airflow"
    home.mkdir()
    monkeypatch.setenv("AIRFLOW_HOME", str(home))
    (home / STATE_FILE).write_text(json.dumps({"pids": {"scheduler": os.getpid()}, "port": 8080,
                                               "url": "http://localhost:8080", "manual": False}))
    assert cli.main(["run", "--as-of", "2025-03-12"]) == 1
    err = capsys.readouterr().err
    assert "Airflow is running for this home with its schedules (http://localhost:8080" in err
    assert "Traceback" not in err
