"""A real Airflow api-server with the workbench plugin, for the workbench's API and browser tests.

Airflow's SimpleAuthManager holds the test's users (their passwords in a
file, as a deployment would); the api-server loads ``plugins/`` exactly as
in production, reads the warehouse through ``AIRFLOW_CONN_CB_WAREHOUSE`` and
issues real JWTs at ``/auth/token``. Metadata is SQLite in a private
AIRFLOW_HOME. The process runs in its own group and is ended by its id.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ApiServer:
    def __init__(self, root: Path, warehouse_uri: str, users: list[str]) -> None:
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.passwords = {u: secrets.token_urlsafe(12) for u in users}
        home = root / "airflow"
        home.mkdir(parents=True, exist_ok=True)
        pw_file = root / "passwords.json"
        pw_file.write_text(json.dumps(self.passwords))
        pw_file.chmod(0o600)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        self.env.update({
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{u}:viewer" for u in users),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(pw_file),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": self.base,
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(48),
            "AIRFLOW__API_AUTH__JWT_ISSUER": "cheongbaek-workbench-test",
            "AIRFLOW_CONN_CB_WAREHOUSE": warehouse_uri,
            "PYTHONUNBUFFERED": "1",
        })
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = root / "api-server.log"

    def start(self, timeout: float = 240) -> None:
        airflow = str(Path(sys.executable).with_name("airflow"))
        subprocess.run([airflow, "db", "migrate"], env=self.env, check=True, capture_output=True)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([airflow, "api-server", "--host", "127.0.0.1", "--port", str(self.port),
                                          "--workers", "1"], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"api-server exited: {self.log.read_text(errors='replace')[-3000:]}")
            try:
                status, _, _ = self.request("GET", "/api/v2/monitor/health")
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"api-server not up: {self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def request(self, method: str, path: str, body: Any = None, token: str | None = None,
                headers: dict[str, str] | None = None, form: dict[str, str] | list[tuple[str, str]] | None = None
                ) -> tuple[int, dict[str, str], bytes]:
        hdrs = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if form is not None:
            from urllib.parse import urlencode

            data = urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(req, timeout=60) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def token(self, user: str) -> str:
        status, _, payload = self.request("POST", "/auth/token",
                                          {"username": user, "password": self.passwords[user]})
        assert status in (200, 201), payload[:500]
        return str(json.loads(payload)["access_token"])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        return None
