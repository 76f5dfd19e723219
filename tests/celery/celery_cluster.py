"""A distributed Airflow on loopback, for tests/celery.

The shape of docker-compose.yml without Docker: PostgreSQL metadata (a
database on the test session's embedded server), Redis as the Celery broker,
an api-server (which also serves the execution API the workers call), a
scheduler, a dag-processor and two Celery workers with distinct names. Every
process runs in its own process group with its output in a log file, and
``Cluster.stop`` ends them all (their children included).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import psycopg

#: Terminal and failing states of Airflow's metadata.
ACTIVE_RUN_STATES = ("queued", "running")
FAILED_TI_STATES = ("failed", "up_for_retry", "upstream_failed", "removed")


#: Log lines of a crashed component, and what they mean.
KNOWN_CAUSES = {
    "cannot import name 'retry' from 'celery.backends.database'":
        "celery >= 5.7 removed celery.backends.database.retry, which apache-airflow-providers-celery 3.26.0"
        " imports: requirements.txt must pin celery below 5.7 (e.g. celery[redis]==5.6.3).",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _redis_ping(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class Broker:
    url: str
    #: a redis-server this test started (None: a shared one at 127.0.0.1:6379)
    process: subprocess.Popen[bytes] | None
    port: int
    db: int


@contextlib.contextmanager
def redis_broker(workdir: Path, say: Any = print) -> Iterator[Broker]:
    """Redis at 127.0.0.1:6379 if it answers, else Debian's redis-server on a free port.

    On the shared server, an empty database number is chosen (the Celery
    queue is private to the test anyway, see ``Cluster``).
    """
    if _redis_ping(6379):
        import redis

        db = 15
        for candidate in range(15, 0, -1):
            if redis.Redis(host="127.0.0.1", port=6379, db=candidate).dbsize() == 0:
                db = candidate
                break
        say(f"broker: the running Redis at 127.0.0.1:6379, database {db}")
        yield Broker(f"redis://127.0.0.1:6379/{db}", None, 6379, db)
        return
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                               else None)
    if binary is None:
        raise RuntimeError(
            "The distributed test needs Redis: nothing answers at 127.0.0.1:6379 and there is no redis-server "
            "binary. Install Debian's redis-server (scripts/install-redis.sh, which `make test` runs) or start "
            "a Redis on 127.0.0.1:6379."
        )
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log = (workdir / "redis.log").open("wb")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--daemonize", "no"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not _redis_ping(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {(workdir / 'redis.log').read_text()[-2000:]}")
            time.sleep(0.1)
        say(f"broker: redis-server started on 127.0.0.1:{port}")
        yield Broker(f"redis://127.0.0.1:{port}/0", proc, port, 0)
    finally:
        _stop_trees([proc], grace=10)
        log.close()


def cleanup_broker(broker: Broker, queue: str) -> None:
    """Remove the private queue's keys from a shared Redis (nothing else is touched)."""
    if broker.process is not None:
        return
    import redis

    client = redis.Redis(host="127.0.0.1", port=broker.port, db=broker.db)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)


def sqlalchemy_url(libpq_uri: str, driver: str = "postgresql+psycopg") -> str:
    """``postgresql://user:@/db?host=/socket`` as a SQLAlchemy URL for ``driver``."""
    scheme, rest = libpq_uri.split("://", 1)
    assert scheme in {"postgresql", "postgres"}, libpq_uri
    return f"{driver}://{rest.replace(':@', '@', 1)}"


def _members(popen: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The processes a started process left: its group (it is a session leader) and its descendants."""
    found: dict[int, psutil.Process] = {}
    if popen.poll() is None and (leader := _ps(popen.pid)) is not None:
        found[leader.pid] = leader
        for child in _descendants(popen.pid):
            found[child.pid] = child
    for p in psutil.process_iter():
        with contextlib.suppress(psutil.Error, ProcessLookupError):
            if p.pid not in found and os.getpgid(p.pid) == popen.pid:
                found[p.pid] = p
    return list(found.values())


def _stop_trees(popens: list[subprocess.Popen[bytes]], grace: float) -> None:
    """SIGTERM every process each of ``popens`` left; SIGKILL whatever is still alive after ``grace``."""
    members = [m for popen in popens for m in _members(popen)]
    for p in members:
        with contextlib.suppress(psutil.Error):
            p.send_signal(signal.SIGTERM)
    _, alive = psutil.wait_procs(members, timeout=grace)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(alive, timeout=5)
    for popen in popens:
        with contextlib.suppress(subprocess.TimeoutExpired):
            popen.wait(timeout=5)


def _ps(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


def _descendants(pid: int) -> list[psutil.Process]:
    p = _ps(pid)
    if p is None:
        return []
    try:
        return p.children(recursive=True)
    except psutil.Error:
        return []


def tail(path: Path, lines: int = 60) -> str:
    """The last lines of a log, without the api-server's access log (one line per execution API call)."""
    if not path.exists():
        return f"({path} does not exist)"
    text = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if "[http.access]" not in line]
    return "\n".join(text[-lines:])


@dataclass
class Service:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    worker: bool


@dataclass
class Cluster:
    """Airflow's components as subprocesses sharing one environment."""

    root: Path
    env: dict[str, str]
    queue: str
    api_port: int
    services: list[Service] = field(default_factory=list)
    _token: str | None = None

    # -- processes ---------------------------------------------------------------------------------

    @property
    def airflow(self) -> str:
        from cheongbaek.airflow_runner import airflow_bin

        return airflow_bin()

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([self.airflow, *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed ({proc.returncode}):\n"
                               f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
        return proc

    def start(self, name: str, *args: str, extra_env: dict[str, str] | None = None) -> Service:
        log = self.root / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        env = {**self.env, **(extra_env or {})}
        with log.open("wb") as out:
            proc = subprocess.Popen([self.airflow, *args], env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        service = Service(name, proc, log, worker=args[:2] == ("celery", "worker"))
        self.services.append(service)
        return service

    def check_alive(self) -> None:
        for s in self.services:
            if s.proc.poll() is not None:
                text = tail(s.log, 80)
                hints = [hint for needle, hint in KNOWN_CAUSES.items() if needle in text]
                raise RuntimeError(f"{s.name} exited with {s.proc.returncode}:\n{text}"
                                   + "".join(f"\n\nHINT: {h}" for h in hints))

    def stop(self) -> None:
        """End every process started: the workers first (and their tasks), then the rest."""
        workers = [s.proc for s in self.services if s.worker]
        _stop_trees(workers, grace=20)
        _stop_trees([s.proc for s in self.services if not s.worker], grace=20)

    def wait_for_log(self, service: Service, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while needle not in service.log.read_text(encoding="utf-8", errors="replace"):
            self.check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError(f"{service.name}: no {needle!r} after {timeout:.0f} s:\n{tail(service.log)}")
            time.sleep(0.5)

    def process_logs(self, lines: int = 40) -> str:
        return "\n".join(f"===== {s.name} (exit {s.proc.poll()}) {s.log}\n{tail(s.log, lines)}"
                         for s in self.services)

    # -- REST API ----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def _request(self, method: str, path: str, body: Any = None, auth: bool = True) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                payload = resp.read()
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path}: HTTP {e.code} {e.read().decode(errors='replace')[:2000]}") from e
        return json.loads(payload) if payload else None

    def token(self) -> str:
        if self._token is None:
            user, password = json.loads(Path(self.env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
                                        .read_text()).popitem()
            resp = self._request("POST", "/auth/token", {"username": user, "password": password}, auth=False)
            self._token = str(resp["access_token"])
        return self._token

    def wait_for_api(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                health = self._request("GET", "/api/v2/monitor/health", auth=False)
                if health.get("metadatabase", {}).get("status") == "healthy":
                    return
            except (OSError, RuntimeError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"api-server not healthy after {timeout:.0f} s")
            time.sleep(0.5)

    def import_errors(self) -> list[dict[str, Any]]:
        return list(self._request("GET", "/api/v2/importErrors")["import_errors"])

    def dags(self) -> dict[str, dict[str, Any]]:
        resp = self._request("GET", "/api/v2/dags?limit=100")
        return {d["dag_id"]: d for d in resp["dags"]}

    def set_paused(self, dag_id: str, paused: bool) -> None:
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": paused})

    def trigger(self, dag_id: str, logical_date: str | None, conf: dict[str, Any]) -> str:
        resp = self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": logical_date, "conf": conf})
        return str(resp["dag_run_id"])


def make_env(base: dict[str, str], root: Path, *, metadata_uri: str, broker_url: str, queue: str,
             api_port: int) -> dict[str, str]:
    """The Airflow environment every component of the cluster shares."""
    home = root / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    passwords = root / "passwords.json"
    passwords.write_text(json.dumps({"cb": secrets.token_urlsafe(16)}))
    passwords.chmod(0o600)
    env = dict(base)
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "cheongbaek.distributed.hostname",
        "AIRFLOW__CORE__FERNET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "cb:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(metadata_uri),
        # every component shares one embedded server (max_connections 100) with the warehouse
        "AIRFLOW__DATABASE__SQL_ALCHEMY_POOL_SIZE": "3",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_MAX_OVERFLOW": "5",
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sqlalchemy_url(metadata_uri),
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "3600",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(48),
        "AIRFLOW__API_AUTH__JWT_ISSUER": "cheongbaek-test",
        "PYTHONUNBUFFERED": "1",
    })
    return env


# -- the metadata database, read directly ---------------------------------------------------------


@dataclass
class Snapshot:
    runs: list[dict[str, Any]]
    tis: list[dict[str, Any]]
    active_runs: int
    queued_asset_events: int
    #: (asset uri, source dag id, extra) of every Asset event
    asset_events: list[tuple[str, str | None, dict[str, Any]]]

    def failures(self) -> list[str]:
        out = [f"run {r['dag_id']} {r['run_id']}: {r['state']}" for r in self.runs if r["state"] == "failed"]
        out += [f"task {t['dag_id']}.{t['task_id']} ({t['run_id']}, try {t['try_number']}, on {t['hostname']}):"
                f" {t['state']}" for t in self.tis if t["state"] in FAILED_TI_STATES]
        return out


def snapshot(metadata_uri: str) -> Snapshot:
    with psycopg.connect(metadata_uri, autocommit=False) as conn:
        conn.execute("set transaction isolation level repeatable read")
        cols = ("dag_id", "run_id", "run_type", "state", "start_date", "end_date")
        runs = [dict(zip(cols, r)) for r in conn.execute(
            f"select {', '.join(cols)} from dag_run order by id")]
        cols_ti = ("dag_id", "task_id", "run_id", "state", "hostname", "try_number", "start_date", "end_date")
        tis = [dict(zip(cols_ti, r)) for r in conn.execute(
            f"select {', '.join(cols_ti)} from task_instance order by start_date nulls last")]
        active = conn.execute("select count(*) from dag_run where state = any(%s)",
                              (list(ACTIVE_RUN_STATES),)).fetchone()[0]
        queued = conn.execute("select count(*) from asset_dag_run_queue").fetchone()[0]
        events = [(uri, dag_id, extra if isinstance(extra, dict) else json.loads(extra or "{}"))
                  for uri, dag_id, extra in conn.execute(
                      "select a.uri, e.source_dag_id, e.extra from asset_event e join asset a on a.id = e.asset_id"
                      " order by e.id")]
    return Snapshot(runs, tis, int(active), int(queued), events)


def task_log_tails(log_root: Path, snap: Snapshot, lines: int = 60) -> str:
    """The last lines of every failing task's log files."""
    out = []
    for t in snap.tis:
        if t["state"] not in FAILED_TI_STATES:
            continue
        folder = log_root / f"dag_id={t['dag_id']}" / f"run_id={t['run_id']}" / f"task_id={t['task_id']}"
        files = sorted(folder.glob("attempt=*.log")) if folder.exists() else []
        if not files:
            out.append(f"===== {t['dag_id']}.{t['task_id']} {t['run_id']}: no log under {folder}")
        for f in files:
            out.append(f"===== task log {f.relative_to(log_root)}\n{_readable_task_log(f, lines)}")
    return "\n".join(out)


def _readable_task_log(path: Path, lines: int) -> str:
    """Airflow 3 task logs are JSON lines: show event, level and any exception text."""
    rendered = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            rec = json.loads(raw)
        except ValueError:
            rendered.append(raw)
            continue
        line = f"{rec.get('timestamp', '')} {rec.get('level', '')} {rec.get('event', '')}"
        rendered.append(line)
        for exc in rec.get("error_detail") or []:
            for frame in exc.get("frames", [])[-5:]:
                rendered.append(f"    {frame.get('filename')}:{frame.get('lineno')} in {frame.get('name')}")
            rendered.append(f"  {exc.get('exc_type')}: {exc.get('exc_value')}")
    return "\n".join(rendered[-lines:])
