"""Airflow for this project: its environment, its services, and runs the scheduler executes.

``cheongbaek airflow`` and ``cheongbaek run`` both come here:

* :func:`airflow_env` is the one environment every Airflow process of the
  project gets: home under ``$CHEONGBAEK_HOME/airflow``, the project's
  ``dags/`` and ``plugins/``, no examples, metadata in PostgreSQL (a
  database of the embedded server by default: LocalExecutor needs a
  server, SQLite serialises everything), the warehouse and legacy
  connections, third-party loggers below WARNING;
* :class:`Services` starts the api-server, scheduler, dag-processor (and,
  for the UI, the triggerer) as child processes, records them in
  ``$AIRFLOW_HOME/cheongbaek-services.json`` so a later ``run`` reuses
  them, and stops them on exit;
* :class:`Api` talks to Airflow's REST API (``/api/v2``) with a token of
  the simple auth manager: unpause, trigger a DAG run for a logical date,
  wait for it, read its task instances and logs.

Runs are created through the REST API with a logical date and the conf
``{"as_of": D}``, so the scheduler executes them like any other run: the UI
shows real durations and task logs (no more ``airflow dags test``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cheongbaek import config, db

REPO_ROOT = Path(__file__).resolve().parents[2]
STATE_FILE = "cheongbaek-services.json"
ADMIN_USER = "admin"
#: Loggers whose chatter buries what a task did (GX registers hundreds of functions at import).
QUIET_LOGGERS = ("great_expectations", "frictionless", "numexpr", "matplotlib", "urllib3", "asyncio",
                 "py.warnings", "httpx", "sqlalchemy.engine", "alembic")
#: Components ``cheongbaek run`` needs (tasks talk to the api-server's execution API).
RUN_COMPONENTS = ("api-server", "scheduler", "dag-processor")
UI_COMPONENTS = (*RUN_COMPONENTS, "triggerer")


class AirflowError(Exception):
    """Airflow could not be started or did not answer: one line for the operator."""


# ---------------------------------------------------------------- environment
def metadata_database_name(home: Path) -> str:
    """``airflow`` for the default home; a name per home otherwise (tests run several homes on one server)."""
    if home.resolve() == (config.home() / "airflow").resolve():
        return "airflow"
    return "airflow_" + hashlib.sha1(str(home.resolve()).encode()).hexdigest()[:10]


def metadata_uri(home: Path) -> str:
    """SQLAlchemy URI of Airflow's metadata database on the embedded server (created when missing)."""
    import psycopg

    name = metadata_database_name(home)
    with psycopg.connect(db.embedded_uri("postgres"), autocommit=True) as conn:
        if conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone() is None:
            conn.execute(f'create database "{name}"')
    return db.embedded_uri(name).replace("postgresql://", "postgresql+psycopg2://", 1)


def _secret_file(home: Path, name: str) -> str:
    """A random secret generated once into the Airflow home (0600), shared by every component."""
    path = home / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def airflow_env(base: dict[str, str] | None = None, port: int | None = None, manual: bool = False,
                export_connections: bool = True) -> dict[str, str]:
    """Environment for an Airflow process of this project.

    ``port`` is the api-server's (tasks reach the execution API there);
    ``manual`` parses the DAGs without their clock and Asset schedules, so
    that only the runs ``cheongbaek run`` triggers happen, in its order.
    ``export_connections`` puts the embedded defaults of the connections in
    ``AIRFLOW_CONN_*``; our own services do not (they register them in
    Airflow's metadata with :func:`register_connections` instead, where the UI
    can change them: an environment variable would shadow the UI).
    Settings already in the environment win (a deployment's own).
    """
    env = dict(os.environ if base is None else base)
    home = Path(env.get("AIRFLOW_HOME") or config.airflow_home())
    home.mkdir(parents=True, exist_ok=True)
    env["AIRFLOW_HOME"] = str(home)
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(REPO_ROOT / "dags"))
    env.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(REPO_ROOT / "plugins"))
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    env.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    env.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    env.setdefault("AIRFLOW__CORE__PARALLELISM", "4")
    env.setdefault("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", f"{ADMIN_USER}:admin")
    env.setdefault("AIRFLOW__API_AUTH__JWT_SECRET", _secret_file(home, ".jwt_secret"))
    env.setdefault("AIRFLOW__API__SECRET_KEY", _secret_file(home, ".api_secret"))
    env.setdefault("AIRFLOW__LOGGING__BASE_LOG_FOLDER", str(home / "logs"))
    env.setdefault("AIRFLOW__LOGGING__NAMESPACE_LEVELS", " ".join(f"{n}=WARNING" for n in QUIET_LOGGERS))
    env.setdefault("AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC", "2")
    env.setdefault("AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL", "30")
    env.setdefault("AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL", "60")
    env.setdefault("AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION", "True")
    if not env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = metadata_uri(home)
    if port is not None:
        env["AIRFLOW__API__PORT"] = str(port)
        env["AIRFLOW__API__HOST"] = "127.0.0.1"
        env["AIRFLOW__API__BASE_URL"] = f"http://localhost:{port}"
        env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://localhost:{port}/execution/"
    if manual:
        env["CHEONGBAEK_MANUAL_RUNS"] = "1"
    env.setdefault("CHEONGBAEK_HOME", str(config.home()))
    for conn_id in config.CONN_DATABASES:
        var = config.conn_env_var(conn_id)
        if not env.get(var) and export_connections:
            env[var] = db.dsn(conn_id)
    return env


def register_connections(api: Api, env: dict[str, str]) -> list[str]:
    """Create the project's connections in Airflow (Admin > Connections) when missing.

    Only those not configured in the environment, with their embedded
    default; an existing connection (set in the UI) is left as it is, and
    tasks resolve it by conn id through Airflow. Returns the ids created.
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    created = []
    for conn_id in config.CONN_DATABASES:
        if env.get(config.conn_env_var(conn_id)):
            continue
        r = api.client.get(f"/api/v2/connections/{conn_id}")
        if r.status_code == 200:
            continue
        parts = urlsplit(db.dsn(conn_id))
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = {"connection_id": conn_id, "conn_type": "postgres",
                "host": query.pop("host", None) or parts.hostname, "port": parts.port,
                "login": unquote(parts.username) if parts.username else None,
                "password": unquote(parts.password) if parts.password else None,
                "schema": parts.path.lstrip("/"), "extra": json.dumps(query) if query else None,
                "description": f"{conn_id}: embedded default (cheongbaek); edit here or set {config.conn_env_var(conn_id)}"}
        api.request("POST", "/connections", json=body)
        created.append(conn_id)
    return created


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def migrate_metadata(env: dict[str, str]) -> None:
    """Create or upgrade Airflow's metadata database (idempotent)."""
    proc = subprocess.run([airflow_bin(), "db", "migrate"], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise AirflowError(f"airflow db migrate failed: {last}")


# ---------------------------------------------------------------- services
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def running_services(home: Path | None = None) -> dict[str, Any] | None:
    """The services recorded for this Airflow home if their processes are alive, else None."""
    path = (home or config.airflow_home()) / STATE_FILE
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    pids = state.get("pids", {})
    if not pids or not all(_alive(int(p)) for p in pids.values()):
        return None
    return state


@dataclass
class Services:
    """Airflow's components as child processes of this command, logs under ``$AIRFLOW_HOME/logs/services``."""

    env: dict[str, str]
    port: int
    components: tuple[str, ...] = RUN_COMPONENTS
    manual: bool = False
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def home(self) -> Path:
        return Path(self.env["AIRFLOW_HOME"])

    def start(self) -> None:
        logs = self.home / "logs" / "services"
        logs.mkdir(parents=True, exist_ok=True)
        for name in self.components:
            cmd = [airflow_bin(), *name.split()]
            if name == "api-server":
                cmd += ["--port", str(self.port), "--host", "127.0.0.1"]
            out = (logs / f"{name}.log").open("ab")
            # A new session: Ctrl-C in the terminal reaches this command only, which stops
            # the children in order (the scheduler first), instead of all at once.
            self.procs[name] = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                                start_new_session=True)
        state = {"pids": {n: p.pid for n, p in self.procs.items()}, "port": self.port, "url": self.url,
                 "manual": self.manual, "owner_pid": os.getpid()}
        (self.home / STATE_FILE).write_text(json.dumps(state))

    def failed(self) -> str | None:
        """The first component that exited, with the last line of its log."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                log = self.home / "logs" / "services" / f"{name}.log"
                lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
                return f"airflow {name} exited ({proc.returncode}): {lines[-1] if lines else 'no output'} (log: {log})"
        return None

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM each component (scheduler first: it hands its tasks back), then wait; SIGKILL stragglers."""
        order = sorted(self.procs, key=lambda n: {"scheduler": 0, "triggerer": 1, "dag-processor": 2}.get(n, 3))
        for name in order:
            proc = self.procs[name]
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        state = self.home / STATE_FILE
        try:
            if json.loads(state.read_text()).get("owner_pid") == os.getpid():
                state.unlink()
        except (OSError, ValueError):
            pass


# ---------------------------------------------------------------- REST API
def admin_password(home: Path) -> str | None:
    """The simple auth manager's generated password of the admin user (written by the api-server)."""
    path = home / "simple_auth_manager_passwords.json.generated"
    try:
        return str(json.loads(path.read_text())[ADMIN_USER])
    except (OSError, ValueError, KeyError):
        return None


class Api:
    """The few calls of Airflow's REST API v2 the command needs, with the admin's token."""

    def __init__(self, url: str, home: Path) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.home = home
        self.client = httpx.Client(base_url=self.url, timeout=30)
        self._token: str | None = None

    def healthy(self) -> bool:
        import httpx

        try:
            r = self.client.get("/api/v2/monitor/health")
        except httpx.HTTPError:
            return False
        return r.status_code == 200

    def login(self) -> None:
        password = admin_password(self.home)
        if password is None:
            raise AirflowError(f"no admin password in {self.home}: the api-server has not written it yet")
        r = self.client.post("/auth/token", json={"username": ADMIN_USER, "password": password})
        if r.status_code not in (200, 201):
            raise AirflowError(f"login to {self.url} refused ({r.status_code})")
        self._token = r.json()["access_token"]
        self.client.headers["Authorization"] = f"Bearer {self._token}"

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        r = self.client.request(method, "/api/v2" + path, **kwargs)
        if r.status_code == 401 and self._token is not None:
            self.login()
            r = self.client.request(method, "/api/v2" + path, **kwargs)
        if r.status_code >= 400:
            raise AirflowError(f"{method} /api/v2{path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def dag_ids(self) -> set[str]:
        return {d["dag_id"] for d in self.request("GET", "/dags", params={"limit": 1000})["dags"]}

    def unpause(self, dag_id: str) -> None:
        self.request("PATCH", f"/dags/{dag_id}", json={"is_paused": False})

    def pause(self, dag_id: str) -> None:
        self.request("PATCH", f"/dags/{dag_id}", json={"is_paused": True})

    def paused(self) -> dict[str, bool]:
        return {d["dag_id"]: bool(d["is_paused"]) for d in self.request("GET", "/dags", params={"limit": 1000})["dags"]}

    def trigger(self, dag_id: str, as_of: dt.date, note: str) -> dict[str, Any]:
        """A DAG run with logical date D (00:00 UTC; seconds added when D was run before) and conf as_of D."""
        for offset in range(0, 600):
            logical = dt.datetime.combine(as_of, dt.time(), dt.UTC) + dt.timedelta(seconds=offset)
            body = {"dag_run_id": f"cheongbaek__{logical:%Y-%m-%dT%H:%M:%S}", "logical_date": logical.isoformat(),
                    "conf": {"as_of": as_of.isoformat()}, "note": note}
            r = self.client.post(f"/api/v2/dags/{dag_id}/dagRuns", json=body)
            if r.status_code == 409:
                continue
            if r.status_code >= 400:
                raise AirflowError(f"trigger {dag_id} for {as_of}: {r.status_code} {r.text[:300]}")
            return dict(r.json())
        raise AirflowError(f"trigger {dag_id} for {as_of}: too many runs of that day")

    def dag_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        return dict(self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}"))

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        return list(self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances")["task_instances"])

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int) -> str:
        """The task's log as text lines (the API returns structured events)."""
        data = self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}",
                            params={"full_content": "true"})
        lines = []
        for item in data.get("content") or []:
            if isinstance(item, dict):
                lines.append(" ".join(str(item.get(k, "")) for k in ("timestamp", "level", "event") if item.get(k)))
            else:
                lines.append(str(item))
        return "\n".join(lines)


def wait_for(condition: Callable[[], bool], timeout: float, what: str, poll: float = 1.0,
              check: Callable[[], str | None] | None = None) -> None:
    """Poll ``condition`` until true; AirflowError naming ``what`` on timeout or when ``check`` reports a fault."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if check is not None:
            fault = check()
            if fault:
                raise AirflowError(fault)
        time.sleep(poll)
    raise AirflowError(f"timed out after {timeout:.0f} s waiting for {what}")


# ---------------------------------------------------------------- results
#: Tasks whose failure is a data incident (files rejected whole), not a broken pipeline.
DATA_INCIDENT_TASKS = frozenset({"check_deliveries"})

_FAILURE = re.compile(r"CHEONGBAEK FAILURE dag=(\S+) task=(\S+) run=\S+ as_of=\S+: (.*?)(?:\s+\[cheongbaek\.tasks\].*)?$"
                      r"|CHEONGBAEK FAILURE dag=(\S+) task=(\S+) run=\S+: (.*?)(?:\s+\[cheongbaek\.tasks\].*)?$")


@dataclass
class DagResult:
    dag_id: str
    returncode: int
    seconds: float
    tail: str
    failures: dict[str, str] = field(default_factory=dict)  # task id -> error, from the failure callback
    log_file: Path | None = None
    run_id: str | None = None
    as_of: str | None = None

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
            task, error = (m.group(2), m.group(3)) if m.group(2) else (m.group(5), m.group(6))
            found[task] = error.strip()
    return found


def _seconds(run: dict[str, Any]) -> float:
    start, end = run.get("start_date"), run.get("end_date")
    if not start or not end:
        return 0.0
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()


def run_dags(api: Api, dag_ids: list[str], as_of: dt.date, log_dir: Path, timeout: float = 3600,
             check: Callable[[], str | None] | None = None) -> list[DagResult]:
    """Trigger a DAG run for D of each DAG at once, wait until the scheduler finished them all, read the outcomes.

    Used with independent DAGs (the ingestions) so they run side by side, as
    their schedules would run them, and with a single DAG for the chain.
    """
    runs = [(dag_id, api.trigger(dag_id, as_of, note="cheongbaek run")["dag_run_id"]) for dag_id in dag_ids]
    final: dict[str, dict[str, Any]] = {}

    def done() -> bool:
        for dag_id, run_id in runs:
            if final.get(dag_id, {}).get("state") not in ("success", "failed"):
                final[dag_id] = api.dag_run(dag_id, run_id)
        return all(final[d].get("state") in ("success", "failed") for d, _ in runs)

    wait_for(done, timeout, ", ".join(f"{d} {r}" for d, r in runs), poll=2.0, check=check)
    return [collect(api, dag_id, run_id, final[dag_id], as_of, log_dir) for dag_id, run_id in runs]


def run_dag(api: Api, dag_id: str, as_of: dt.date, log_dir: Path, timeout: float = 3600,
            check: Callable[[], str | None] | None = None) -> DagResult:
    """Trigger one DAG run for D and wait until the scheduler finished it."""
    return run_dags(api, [dag_id], as_of, log_dir, timeout, check)[0]


def collect(api: Api, dag_id: str, run_id: str, final: dict[str, Any], as_of: dt.date, log_dir: Path) -> DagResult:
    """The outcome of a finished run: its failed tasks' errors (from the failure callback's
    ``CHEONGBAEK FAILURE`` line in their logs), and a copy of every task's log in ``log_dir``."""
    failures: dict[str, str] = {}
    texts = []
    for ti in api.task_instances(dag_id, run_id):
        tries = max(1, int(ti.get("try_number") or 1))
        text = api.task_log(dag_id, run_id, ti["task_id"], tries)
        texts.append(f"===== {ti['task_id']} ({ti.get('state')}, try {tries}) =====\n{text}")
        if ti.get("state") == "failed":
            failures[ti["task_id"]] = parse_failures(text).get(ti["task_id"]) or "failed (see its log)"
    log_file = log_dir / f"{dag_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log_file.write_text("\n".join(texts), encoding="utf-8")
    code = 0 if final.get("state") == "success" else 1
    tail = "\n".join("\n".join(texts).splitlines()[-40:])
    return DagResult(dag_id, code, _seconds(final), tail, failures, log_file, run_id, as_of.isoformat())


def run_log_dir(home: Path, as_of: dt.date) -> Path:
    """Where ``cheongbaek run`` keeps a copy of each DAG run's task logs for D."""
    return home / "logs" / "cheongbaek-run" / as_of.isoformat()


def ensure_dags(api: Api, dag_ids: Iterable[str], timeout: float = 300,
                check: Callable[[], str | None] | None = None) -> list[str]:
    """Wait until the dag-processor has parsed every DAG, then unpause them (runs of a paused DAG never start).

    Returns the DAGs it unpaused, so that the caller can pause them again:
    a DAG left unpaused would start its scheduled run for the latest tick as
    soon as a scheduler with schedules (``cheongbaek airflow``) comes up.
    """
    wanted = set(dag_ids)
    wait_for(lambda: wanted <= api.dag_ids(), timeout, "the dag-processor to parse " + ", ".join(sorted(wanted)),
             poll=2.0, check=check)
    paused = api.paused()
    unpaused = sorted(d for d in wanted if paused.get(d, True))
    for dag_id in unpaused:
        api.unpause(dag_id)
    return unpaused
