"""Run the project's DAGs through Airflow for one logical date.

``cheongbaek run --as-of D`` uses this: it prepares Airflow's environment
(home under ``$CHEONGBAEK_HOME/airflow``, SQLite metadata, no examples, the
embedded connections unless configured), migrates Airflow's metadata, and
runs each DAG with ``airflow dags test`` in dependency order.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cheongbaek import config, db

REPO_ROOT = Path(__file__).resolve().parents[2]


def airflow_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for an Airflow process of this project."""
    env = dict(os.environ if base is None else base)
    home = config.airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    env.setdefault("AIRFLOW_HOME", str(home))
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(REPO_ROOT / "dags"))
    env.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(REPO_ROOT / "plugins"))
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    env.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    env.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    env.setdefault("AIRFLOW__LOGGING__BASE_LOG_FOLDER", str(home / "logs"))
    env.setdefault("CHEONGBAEK_HOME", str(config.home()))
    for conn_id in config.CONN_DATABASES:
        var = config.conn_env_var(conn_id)
        if not env.get(var):
            env[var] = db.dsn(conn_id)
    return env


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def migrate_metadata(env: dict[str, str]) -> None:
    """Create or upgrade Airflow's metadata database (idempotent)."""
    subprocess.run([airflow_bin(), "db", "migrate"], env=env, check=True, capture_output=True, text=True)


@dataclass
class DagResult:
    dag_id: str
    ok: bool
    seconds: float
    tail: str


def run_dag(dag_id: str, as_of: str, env: dict[str, str]) -> DagResult:
    started = time.monotonic()
    proc = subprocess.run(
        [airflow_bin(), "dags", "test", dag_id, as_of, "--conf", json.dumps({"as_of": as_of})],
        env=env, capture_output=True, text=True,
    )
    out = proc.stdout + proc.stderr
    ok = proc.returncode == 0 and "state=failed" not in out.lower().replace(" ", "")
    return DagResult(dag_id, ok, time.monotonic() - started, "\n".join(out.splitlines()[-40:]))
