"""Operating the pipeline in Airflow 3, as a data engineer does (issue 13, "Done when").

One ``cheongbaek airflow --manual`` on a fresh Airflow home (metadata on the
embedded PostgreSQL, LocalExecutor), for the whole module:

* ``cheongbaek run --from D1 --to D3`` replays three business days of a tiny
  simulated world through that scheduler; Airflow's REST API then shows
  every DAG run succeeded (or failed only at ``check_deliveries`` for the
  planted rejected files), with a duration under an hour and non-empty task
  logs; and the warehouse holds the same alerts as the steps run directly
  (what the ``airflow dags test`` path computed);
* headless Chromium logs in to the UI, opens the DAG list (exactly the
  project's DAGs), one DAG's docs and the Asset graph, and saves screenshots
  under ``build/``;
* Ctrl-C (SIGINT) stops every component and exits 0.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"


def _business_days(truth: Path, n: int) -> list[dt.date]:
    from cheongbaek.cli import business_days

    last = dt.date.fromisoformat(json.loads((truth / "manifest.json").read_text())["as_of"])
    return business_days(last - dt.timedelta(days=14), last)[-n:]


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> Iterator[dict]:
    """A tiny world, a fresh warehouse, and ``cheongbaek airflow --manual`` serving it."""
    from cheongbaek.airflow_runner import Api, free_port
    from cheongbaek.migrate import migrate
    from cheongbaek.simulator import simulate

    tmp = tmp_path_factory.mktemp("operate")
    mp = pytest.MonkeyPatch()
    created = []
    try:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            for prefix in ("op_wh", "op_fin", "op_civ"):
                name = f"{prefix}_{os.getpid()}"
                conn.execute(f'drop database if exists "{name}" with (force)')
                conn.execute(f'create database "{name}"')
                created.append(name)
        uri = {n: pg_server.replace("/postgres?", f"/{n}?") for n in created}
        mp.setenv("AIRFLOW_CONN_CB_WAREHOUSE", uri[created[0]])
        mp.setenv("AIRFLOW_CONN_CB_LEGACY_FINANCE", uri[created[1]])
        mp.setenv("AIRFLOW_CONN_CB_LEGACY_CIVIL", uri[created[2]])
        for var in ("DROP_DIR", "PUBLISH_DIR"):
            (tmp / var.lower()).mkdir()
            mp.setenv(f"CHEONGBAEK_{var}", str(tmp / var.lower()))
        home = tmp / "airflow"
        mp.setenv("AIRFLOW_HOME", str(home))
        for var in [v for v in os.environ if v.startswith("AIRFLOW__")]:
            mp.delenv(var)  # a fresh home: nothing of the test session's own Airflow settings
        migrate()
        truth = tmp / "truth"
        simulate(dt.date(2025, 3, 3), 10, scale="tiny", seed=11, truth_dir=truth)
        port = free_port()
        out = (tmp / "cheongbaek-airflow.out").open("w")
        proc = subprocess.Popen([sys.executable, "-m", "cheongbaek.cli", "airflow", "--manual", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ))
        api = Api(f"http://localhost:{port}", home)
        deadline = time.monotonic() + 300
        while not (api.healthy() and "Ctrl-C stops it" in (tmp / "cheongbaek-airflow.out").read_text()):
            assert proc.poll() is None, (tmp / "cheongbaek-airflow.out").read_text()[-3000:]
            assert time.monotonic() < deadline, "the api-server did not answer in 5 minutes"
            time.sleep(1)
        api.login()
        yield {"api": api, "port": port, "proc": proc, "home": home, "truth": truth, "tmp": tmp,
               "warehouse": uri[created[0]], "output": tmp / "cheongbaek-airflow.out"}
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=120)
    finally:
        mp.undo()
        with psycopg.connect(pg_server, autocommit=True) as conn:
            for name in created:
                conn.execute(f'drop database if exists "{name}" with (force)')


def test_run_replays_days_through_the_scheduler(airflow: dict, capsys: pytest.CaptureFixture[str]) -> None:
    from cheongbaek import cli
    from cheongbaek.pipeline import dag_order

    api = airflow["api"]
    days = _business_days(airflow["truth"], 3)
    assert cli.main(["run", "--from", days[0].isoformat(), "--to", days[-1].isoformat()]) == 0
    out = capsys.readouterr().out
    assert "using the running Airflow" in out
    for day in days:
        assert f"as of {day}" in out

    seen: dict[str, int] = {}
    for dag_id in dag_order():
        runs = api.request("GET", f"/dags/{dag_id}/dagRuns", params={"limit": 100})["dag_runs"]
        assert len(runs) == len(days), f"{dag_id}: {len(runs)} runs"
        assert {r["logical_date"][:10] for r in runs} == {d.isoformat() for d in days}
        for run in runs:
            assert run["run_type"] == "manual" and run["conf"]["as_of"] == run["logical_date"][:10]
            seconds = (dt.datetime.fromisoformat(run["end_date"]) - dt.datetime.fromisoformat(run["start_date"])
                       ).total_seconds()
            assert 0 < seconds < 3600, f"{dag_id} {run['dag_run_id']}: {seconds} s"
            tis = api.task_instances(dag_id, run["dag_run_id"])
            failed = {t["task_id"] for t in tis if t["state"] != "success"}
            if run["state"] == "failed":
                assert failed == {"check_deliveries"}, f"{dag_id} {run['dag_run_id']}: {failed}"
            else:
                assert run["state"] == "success" and not failed
            for ti in tis:
                text = api.task_log(dag_id, run["dag_run_id"], ti["task_id"], max(1, ti["try_number"]))
                assert text.strip(), f"{dag_id}.{ti['task_id']}: empty log"
                assert "Skipping registering function" not in text, "third-party noise in the task log"
                seen[dag_id] = seen.get(dag_id, 0) + 1
    assert set(seen) == set(dag_order())
    failure_mails = sorted((Path(os.environ.get("CHEONGBAEK_HOME", "")) / "mail" / "failures").rglob("*.eml"))
    assert failure_mails, "a rejected file notifies the operator"

    # The same alerts as the steps run directly, day after day (what `airflow dags test` computed).
    _compare_with_direct_steps(airflow, days)


def _compare_with_direct_steps(airflow: dict, days: list[dt.date]) -> None:
    from cheongbaek import db
    from cheongbaek.ingest.runner import ingest_system
    from cheongbaek.migrate import migrate
    from cheongbaek.reconcile.runner import reconcile
    from cheongbaek.scenarios.runner import run_scenarios
    from cheongbaek.sources import sources

    with psycopg.connect(airflow["warehouse"]) as conn:
        got = conn.execute("select scenario_id, subject, status, matching, first_seen, estimate_krw"
                           " from monitoring.alert order by 1, 2").fetchall()
    assert got, "the replay raised alerts"
    server = db.embedded_uri("postgres")
    name = f"op_direct_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("AIRFLOW_CONN_CB_WAREHOUSE", server.replace("/postgres?", f"/{name}?"))
        mp.setenv("CHEONGBAEK_PUBLISH_DIR", str(airflow["tmp"] / "direct-publish"))
        migrate()
        for day in days:
            for s in sources():
                ingest_system(s.system, day, strict=False)
            reconcile(day)
            run_scenarios(day)
        with db.connect("cb_warehouse") as conn:
            want = conn.execute("select scenario_id, subject, status, matching, first_seen, estimate_krw"
                                " from monitoring.alert order by 1, 2").fetchall()
    finally:
        mp.undo()
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
    assert got == want


@pytest.mark.browser
def test_ui_login_dags_docs_and_asset_graph(airflow: dict, tmp_path: Path) -> None:
    from cheongbaek.airflow_runner import admin_password
    from cheongbaek.pipeline import dag_order
    from tests.browser.cdp import CHROMIUM, Browser

    if not Path(CHROMIUM).exists():
        if os.environ.get("CHEONGBAEK_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} missing: run scripts/install-chromium.sh")
        pytest.skip(f"{CHROMIUM} missing: run scripts/install-chromium.sh")
    base = f"http://localhost:{airflow['port']}"
    browser = Browser(tmp_path / "profile")
    try:
        browser.goto(base + "/")
        assert browser.wait_for("document.querySelector('input[name=username]')", 90), browser.text()
        browser.type_into("input[name=username]", "admin")
        browser.type_into("input[type=password]", admin_password(airflow["home"]) or "")
        browser.screenshot(BUILD / "airflow_login.png")
        browser.eval("document.querySelector('button[type=submit]').click()")
        assert browser.wait_for("!location.pathname.includes('login')", 60), browser.text()[:2000]

        browser.goto(base + "/dags")
        assert browser.wait_text(*dag_order(), timeout=90), browser.text()[:3000]
        time.sleep(1)
        browser.screenshot(BUILD / "airflow_dags.png")
        listed = set(re.findall(r"\b(ingest_\w+|reconcile|scenarios|publish|example_\w+|tutorial\w*)\b",
                                browser.text()))
        assert listed == set(dag_order()), listed

        browser.goto(base + "/dags/ingest_tax")
        assert browser.wait_text("ingest_tax", timeout=60)
        assert browser.wait_for("document.querySelector('button[aria-label=\"Dag Docs\"]')", 60), browser.text()[:2000]
        browser.eval("document.querySelector('button[aria-label=\"Dag Docs\"]').click()")
        assert browser.wait_text("Triage", timeout=30), browser.text()[:3000]
        time.sleep(1)
        browser.screenshot(BUILD / "airflow_dag_docs.png")

        browser.goto(base + "/assets")
        assert browser.wait_text("cheongbaek://warehouse/core", timeout=60), browser.text()[:3000]
        asset_id = airflow["api"].request("GET", "/assets", params={"uri_pattern": "warehouse/core"})["assets"][0]["id"]
        browser.goto(f"{base}/assets/{asset_id}")
        assert browser.wait_for("document.querySelector('.react-flow__node')", 60), browser.text()[:3000]
        time.sleep(2)
        browser.screenshot(BUILD / "airflow_asset_graph.png")
    finally:
        browser.close()
    for name in ("airflow_dags.png", "airflow_dag_docs.png", "airflow_asset_graph.png"):
        assert (BUILD / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ctrl_c_stops_every_component(airflow: dict) -> None:
    proc = airflow["proc"]
    state = json.loads((airflow["home"] / "cheongbaek-services.json").read_text())
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=120) == 0
    assert "stopped" in airflow["output"].read_text()
    for pid in state["pids"].values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not (airflow["home"] / "cheongbaek-services.json").exists()
