"""The whole pipeline on a distributed Airflow: CeleryExecutor, two workers, Redis, PostgreSQL metadata.

Everything runs on loopback (see celery_cluster.py): a tiny simulated world
is written, the seven ingest DAGs are triggered for its as-of date through
the REST API, and the scheduler has to take it from there: reconcile,
scenarios and publish are Asset-scheduled. The test waits until nothing is
running or queued any more, then requires that every DAG of the pipeline ran,
that every run succeeded, and that both workers ran task instances.

Never skipped: without a Redis at 127.0.0.1:6379 it starts Debian's
redis-server (scripts/install-redis.sh installs it), and fails saying so
when there is none.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from celery_cluster import (
    Cluster,
    Snapshot,
    cleanup_broker,
    free_port,
    make_env,
    redis_broker,
    snapshot,
    task_log_tails,
)

pytestmark = pytest.mark.celery

WORKERS = ("cb-worker-1", "cb-worker-2")
#: Task slots per worker (CI has 2 cores; the API server, scheduler and dag-processor share them).
CONCURRENCY = int(os.environ.get("CB_CELERY_CONCURRENCY", "1"))
#: Upper bound for the whole pipeline once triggered.
TIMEOUT = float(os.environ.get("CB_CELERY_TIMEOUT", "900"))
START, DAYS = dt.date(2025, 3, 3), 3


def test_pipeline_on_two_celery_workers(fresh_db, warehouse: str, legacy_dbs: dict[str, str],  # noqa: ANN001
                                        drop_dir: Path, publish_dir: Path, tmp_path: Path) -> None:
    from cheongbaek.airflow_runner import airflow_env
    from cheongbaek.pipeline import CORE_ASSET_URI, dag_order
    from cheongbaek.simulator import simulate
    from cheongbaek.sources import sources

    t0 = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - t0:6.1f} s] {message}", flush=True)

    truth = tmp_path / "truth"
    simulate(START, DAYS, scale="tiny", seed=42, truth_dir=truth)
    as_of = json.loads((truth / "manifest.json").read_text())["as_of"]
    say(f"simulated a tiny world {START} + {DAYS} days, as of {as_of}")
    metadata = fresh_db("airflow")
    ingest_dags = [s.dag_id for s in sources()]
    dated_assets = {s.asset_uri for s in sources()} | {CORE_ASSET_URI}
    pipeline = dag_order()

    with redis_broker(tmp_path / "redis", say) as broker:
        queue = f"cb_{uuid.uuid4().hex[:12]}"
        port = free_port()
        env = make_env(airflow_env(), tmp_path, metadata_uri=metadata, broker_url=broker.url, queue=queue,
                       api_port=port)
        cluster = Cluster(tmp_path, env, queue, port)
        log_root = Path(env["AIRFLOW__LOGGING__BASE_LOG_FOLDER"])
        snap: Snapshot | None = None
        try:
            cluster.run("db", "migrate", timeout=600)
            say("Airflow metadata migrated (PostgreSQL)")
            cluster.start("api-server", "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1")
            cluster.start("scheduler", "scheduler")
            cluster.start("dag-processor", "dag-processor")
            workers = [
                cluster.start(name, "celery", "worker", "--celery-hostname", f"{name}@{queue}",
                              "--concurrency", str(CONCURRENCY), "--queues", queue, "--skip-serve-logs",
                              "--pid", str(tmp_path / f"{name}.pid"), "--without-mingle", "--without-gossip",
                              extra_env={"CHEONGBAEK_WORKER_NAME": name})
                for name in WORKERS
            ]
            cluster.wait_for_api(timeout=240)
            say(f"api-server up on 127.0.0.1:{port}")
            for w in workers:
                cluster.wait_for_log(w, " ready.", timeout=240)
            say(f"workers ready: {', '.join(WORKERS)} on queue {queue}")

            dags = _wait_for_dags(cluster, pipeline, timeout=240)
            say("every DAG parsed and serialized")
            for dag_id in pipeline:
                if dag_id not in ingest_dags:
                    cluster.set_paused(dag_id, False)
            for dag_id in ingest_dags:
                # The run takes the logical date of the cron tick the scheduler is due to fill (catchup is off,
                # so unpausing would otherwise start a scheduled run as of today); the conf sets D.
                logical = dags[dag_id].get("next_dagrun_logical_date") or f"{as_of}T00:00:00+00:00"
                cluster.trigger(dag_id, logical, {"as_of": as_of})
                cluster.set_paused(dag_id, False)
            say(f"triggered {len(ingest_dags)} ingest DAGs with conf as_of={as_of}; all DAGs unpaused")

            snap = _wait_until_quiet(cluster, metadata, say, timeout=TIMEOUT)
            say("pipeline quiet: nothing running or queued")

            problems = []
            runs_by_dag: dict[str, list[dict]] = defaultdict(list)
            for r in snap.runs:
                runs_by_dag[r["dag_id"]].append(r)
            for dag_id in pipeline:
                states = Counter(r["state"] for r in runs_by_dag.get(dag_id, []))
                say(f"  {dag_id:<22} runs: {dict(states) or 'none'}")
                if not states:
                    problems.append(f"{dag_id} never ran")
                elif set(states) != {"success"}:
                    problems.append(f"{dag_id}: runs {dict(states)}")
            hosts = Counter(t["hostname"] for t in snap.tis if t["state"] == "success")
            say(f"  task instances by worker: {dict(hosts)}")
            missing = [w for w in WORKERS if not hosts.get(w)]
            if missing:
                problems.append(f"no task instance ran on {', '.join(missing)} (by worker: {dict(hosts)})")
            # D travels along the staging and core Asset events (conf only reaches the ingest runs); a cron
            # tick passing mid-test would add a scheduled run as of today, legitimately.
            dated = [extra for uri, _dag, extra in snap.asset_events if uri in dated_assets]
            carried = Counter(str(extra.get("as_of")) for extra in dated)
            say(f"  as_of carried by {len(dated)} staging/core Asset events: {dict(carried)}")
            if not any(r["run_type"] == "scheduled" for r in snap.runs) and set(carried) != {as_of}:
                problems.append(f"Asset events carry as_of {dict(carried)}, expected only {as_of}")
            assert not problems, "\n".join(problems)
            say("every run succeeded; both workers ran tasks")
        except BaseException:
            print("\n########## process logs (tails)", flush=True)
            print(cluster.process_logs(), flush=True)
            with_snap = snap
            try:
                with_snap = snapshot(metadata)
            except Exception as e:  # noqa: BLE001 - diagnostics only
                print(f"(could not read the metadata database: {e})")
            if with_snap is not None:
                print("\n########## dag runs", flush=True)
                for r in with_snap.runs:
                    print(f"  {r['dag_id']:<22} {r['run_type']:<16} {r['state']:<8} {r['run_id']}")
                print("\n########## failing task logs", flush=True)
                print(task_log_tails(log_root, with_snap), flush=True)
            raise
        finally:
            cluster.stop()
            cleanup_broker(broker, queue)
            say("every process stopped")


def _wait_for_dags(cluster: Cluster, pipeline: list[str], timeout: float) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while True:
        cluster.check_alive()
        errors = cluster.import_errors()
        if errors:
            raise AssertionError(f"DAG import errors: {json.dumps(errors, indent=1)[:4000]}")
        dags = cluster.dags()
        if set(pipeline) <= set(dags):
            return dags
        if time.monotonic() > deadline:
            raise TimeoutError(f"DAGs not serialized after {timeout:.0f} s: have {sorted(dags)}")
        time.sleep(1)


def _wait_until_quiet(cluster: Cluster, metadata: str, say, timeout: float) -> Snapshot:  # noqa: ANN001
    """Poll the metadata database until no run is active and no Asset event awaits a run.

    Fails at the first failed (or retrying) task instead of waiting out the retries.
    """
    deadline = time.monotonic() + timeout
    seen: set[tuple[str, str, str]] = set()
    quiet = 0
    while True:
        cluster.check_alive()
        snap = snapshot(metadata)
        for r in snap.runs:
            key = (r["dag_id"], r["run_id"], r["state"])
            if key not in seen:
                seen.add(key)
                say(f"  {r['dag_id']:<22} {r['state']:<8} {r['run_id']}")
        failures = snap.failures()
        if failures:
            raise AssertionError("pipeline failed:\n" + "\n".join(failures))
        quiet = quiet + 1 if snap.active_runs == 0 and snap.queued_asset_events == 0 else 0
        if quiet >= 3:
            return snap
        if time.monotonic() > deadline:
            raise TimeoutError(f"pipeline not finished after {timeout:.0f} s "
                               f"({snap.active_runs} active runs, {snap.queued_asset_events} queued Asset events)")
        time.sleep(2)
