"""Run the project's DAGs through Airflow for one logical date.

``cheongbaek run --as-of D`` uses this: it prepares Airflow's environment
(home under ``$CHEONGBAEK_HOME/airflow``, SQLite metadata, no examples, the
embedded connections unless configured), migrates Airflow's metadata, and
runs each DAG with ``airflow dags test`` in dependency order.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
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


#: Tasks whose failure is a data incident (files rejected whole), not a broken pipeline.
DATA_INCIDENT_TASKS = frozenset({"check_deliveries"})

_FAILURE = re.compile(r"CHEONGBAEK FAILURE dag=(\S+) task=(\S+) run=\S+: (.*?)(?:\s+\[cheongbaek\.tasks\].*)?$")


@dataclass
class DagResult:
    dag_id: str
    returncode: int
    seconds: float
    tail: str
    failures: dict[str, str] = field(default_factory=dict)  # task id -> error, from the failure callback
    log_file: Path | None = None

    @property
    def state(self) -> str:
        """``success``, ``rejected files`` (only data-incident tasks failed) or ``failed``."""
        if self.returncode == 0 and not self.failures:
            return "success"
        if self.failures and set(self.failures) <= DATA_INCIDENT_TASKS:
            return "rejected files"
        return "failed"

    @property
    def ok(self) -> bool:
        """The pipeline worked: rejected files are reported, they do not stop the run."""
        return self.state != "failed"


def parse_failures(output: str) -> dict[str, str]:
    """Failed task ids and their errors, from the lines the failure callback logs."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        m = _FAILURE.search(line)
        if m:
            found[m.group(2)] = m.group(3).strip()
    return found


def run_dag(dag_id: str, as_of: str, env: dict[str, str]) -> DagResult:
    started = time.monotonic()
    proc = subprocess.run(
        [airflow_bin(), "dags", "test", dag_id, as_of, "--conf", json.dumps({"as_of": as_of})],
        env=env, capture_output=True, text=True,
    )
    out = proc.stdout + proc.stderr
    log_file = run_log_path(env, as_of, dag_id)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log_file.write_text(out, encoding="utf-8")
    failures = parse_failures(out)
    code = proc.returncode or (1 if "state=failed" in out.lower().replace(" ", "") and not failures else 0)
    return DagResult(dag_id, code, time.monotonic() - started, "\n".join(out.splitlines()[-40:]), failures,
                     log_file)


def run_log_path(env: dict[str, str], as_of: str, dag_id: str) -> Path:
    """Where the whole output of one ``airflow dags test`` is kept (it logs to stdout, not to task log files)."""
    return Path(env["AIRFLOW_HOME"]) / "logs" / "cheongbaek-run" / as_of / f"{dag_id}.log"
