"""docker-compose.yml, the production shape, checked as a document (PyYAML; no Docker needed).

It must stay Airflow 3's official layout with the CeleryExecutor (PostgreSQL
metadata, Redis broker, api-server, scheduler, dag-processor, triggerer,
two workers, airflow-init), run the image the requirements pin, mount the
project's folders where the package expects them, take every secret and
every external system from the environment, and install the same pins as
requirements.txt.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cheongbaek import config

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"

#: Airflow component services and the command each runs.
AIRFLOW_COMMANDS = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
LONG_RUNNING = {"postgres", "redis", *AIRFLOW_COMMANDS}
ONE_SHOT = {"airflow-init", "cheongbaek-migrate"}
PROJECT_MOUNTS = {"dags": "/opt/airflow/dags", "include": "/opt/airflow/include",
                  "plugins": "/opt/airflow/plugins", "expectations": "/opt/airflow/expectations"}
PLACEHOLDER = re.compile(r"^\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<op>[-?])(?P<arg>[^}]*))?\}$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def pins() -> dict[str, str]:
    out = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            out[_dist(name)] = version.strip()
    return out


def _dist(name: str) -> str:
    """Normalised distribution name without extras (``psycopg[binary]`` -> ``psycopg``)."""
    return re.sub(r"[-_.]+", "-", name.split("[", 1)[0]).strip().lower()


def _placeholder(value: Any) -> re.Match[str] | None:
    return PLACEHOLDER.match(value) if isinstance(value, str) else None


def _default(value: Any) -> Any:
    """The value a ``${NAME:-default}`` placeholder falls back to (a literal is itself)."""
    m = _placeholder(value)
    if m is None:
        return value
    return m["arg"] if m["op"] == "-" else None


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment must be a mapping (so the common anchor can be merged)"
    return {k: str(v) for k, v in env.items()}


def _volume(spec: str) -> tuple[str, str]:
    """(source, target) of a short-syntax volume; the source may be a ``${...}`` placeholder."""
    m = re.match(r"^(?P<source>\$\{[^}]*\}[^:]*|[^:]+):(?P<target>[^:]+)(?::[a-z,]+)?$", spec)
    assert m, f"unreadable volume {spec!r}"
    return m["source"], m["target"]


def _commands(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def test_the_official_services_exist(services: dict[str, dict[str, Any]]) -> None:
    assert LONG_RUNNING | {"airflow-init"} <= set(services)
    for name, command in AIRFLOW_COMMANDS.items():
        assert _commands(services[name]) == command, f"{name} runs {_commands(services[name])!r}"


def test_the_image_is_the_pinned_airflow(services: dict[str, dict[str, Any]], pins: dict[str, str]) -> None:
    expected = f"apache/airflow:{pins['apache-airflow']}-python3.11"
    for name in [*AIRFLOW_COMMANDS, *ONE_SHOT]:
        assert _default(services[name]["image"]) == expected, f"{name}: image {services[name]['image']}"


def test_celery_executor_with_postgres_metadata_and_redis(services: dict[str, dict[str, Any]]) -> None:
    for name in [*AIRFLOW_COMMANDS, *ONE_SHOT]:
        env = _env(services[name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert re.match(r"^postgresql(\+\w+)?://[^@]+@postgres[:/]", env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]), name
        assert re.match(r"^redis://[^/]*@?redis:6379/\d+$", env["AIRFLOW__CELERY__BROKER_URL"]), name
        assert re.match(r"^db\+postgresql(\+\w+)?://[^@]+@postgres[:/]", env["AIRFLOW__CELERY__RESULT_BACKEND"]), name
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"].lower() == "false", name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith("http://airflow-apiserver:8080/execution"), name
        for var in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"):
            assert var in env, f"{name}: {var} (api-server and workers must share it)"


def test_secrets_and_systems_come_from_the_environment(services: dict[str, dict[str, Any]]) -> None:
    """No secret in the file: each is a required ``${...:?...}`` placeholder (or an optional one)."""
    required = ["AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY",
                # without a shared key each container would generate its own: pseudonyms would not link
                "CHEONGBAEK_PSEUDONYM_KEY",
                *(config.conn_env_var(c) for c in config.CONN_DATABASES)]
    for name in [*AIRFLOW_COMMANDS, *ONE_SHOT]:
        env = _env(services[name])
        for var in required:
            m = _placeholder(env.get(var))
            assert m is not None and m["op"] == "?", f"{name}: {var} must be a required ${{...:?...}} placeholder"
        assert _placeholder(env.get("AIRFLOW_CONN_CB_SMTP")) is not None, f"{name}: AIRFLOW_CONN_CB_SMTP"
        for var in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__RESULT_BACKEND"):
            password = re.match(r"^[^:]+://[^:]+:(?P<pw>.*)@postgres", env[var])
            assert password and _placeholder(password["pw"]), f"{name}: {var} holds a literal password"
    assert _placeholder(_env(services["postgres"])["POSTGRES_PASSWORD"])


def test_project_folders_are_mounted(services: dict[str, dict[str, Any]]) -> None:
    """dags, include, plugins and expectations under one root, as the package finds them (REPO_ROOT)."""
    for folder in ("dags", "include", "expectations"):
        assert (REPO / folder).is_dir(), folder
    for name in [*AIRFLOW_COMMANDS, *ONE_SHOT]:
        mounts = {}
        for volume in services[name]["volumes"]:
            source, target = _volume(volume)
            mounts[target] = source
        for folder, target in PROJECT_MOUNTS.items():
            assert mounts.get(target) == f"./{folder}", f"{name}: ./{folder} not mounted at {target}"
        env = _env(services[name])
        assert "/opt/airflow/include" in env.get("PYTHONPATH", "").split(":"), f"{name}: cheongbaek not importable"
        # the package resolves the repository root as include/..; the suites live beside it
        assert env["CHEONGBAEK_EXPECTATIONS_DIR"].startswith(PROJECT_MOUNTS["expectations"] + "/"), name
        for var in ("CHEONGBAEK_HOME", "CHEONGBAEK_DROP_DIR", "CHEONGBAEK_PUBLISH_DIR"):
            assert any(env[var] == t or env[var].startswith(t + "/") for t in mounts), \
                f"{name}: {var}={env[var]} is not on a volume (workers must share it)"


def test_every_airflow_service_shares_the_same_volumes(services: dict[str, dict[str, Any]]) -> None:
    reference = services["airflow-worker"]["volumes"]
    for name in [*AIRFLOW_COMMANDS, *ONE_SHOT]:
        assert services[name]["volumes"] == reference, name


def test_additional_requirements_are_the_project_pins(services: dict[str, dict[str, Any]],
                                                      pins: dict[str, str]) -> None:
    runtime = {"apache-airflow", "apache-airflow-providers-postgres", "apache-airflow-providers-celery",
               "great-expectations", "psycopg", "python-stdnum", "holidays", "frictionless", "pyarrow",
               "jsonschema", "pandas"}
    for name in AIRFLOW_COMMANDS:
        specs = str(_default(_env(services[name])["_PIP_ADDITIONAL_REQUIREMENTS"]) or "").split()
        seen = {}
        for spec in specs:
            assert "==" in spec, f"{name}: {spec} is not pinned"
            dist, version = spec.split("==", 1)
            seen[_dist(dist)] = version
        for dist, version in seen.items():
            assert pins.get(dist) == version, f"{name}: {dist}=={version}, requirements.txt pins {pins.get(dist)}"
        assert runtime <= set(seen), f"{name}: missing {sorted(runtime - set(seen))}"


def test_workers_two_on_redis_and_postgres(services: dict[str, dict[str, Any]]) -> None:
    workers = {n: s for n, s in services.items() if _commands(s) == "celery worker"}
    count = sum(int((s.get("deploy") or {}).get("replicas", 1)) for s in workers.values())
    assert count >= 2, f"{count} Celery worker(s)"
    for name, worker in workers.items():
        deps = worker["depends_on"]
        for dep in ("redis", "postgres"):
            assert deps[dep]["condition"] == "service_healthy", f"{name} must wait for a healthy {dep}"
        assert deps["airflow-apiserver"]["condition"] == "service_healthy", f"{name}: execution API first"
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
        assert _env(worker).get("DUMB_INIT_SETSID") == "0", f"{name}: warm shutdown"


def test_airflow_components_wait_for_init(services: dict[str, dict[str, Any]]) -> None:
    for name in AIRFLOW_COMMANDS:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
        assert {"redis", "postgres"} <= set(deps), name
    init = services["airflow-init"]
    assert _env(init).get("_AIRFLOW_DB_MIGRATE") == "true", "airflow-init must migrate the metadata"
    migrate = services["cheongbaek-migrate"]
    assert "cheongbaek.cli migrate" in _commands(migrate)


def test_healthchecks(services: dict[str, dict[str, Any]]) -> None:
    for name in LONG_RUNNING:
        check = services[name].get("healthcheck") or {}
        test = check.get("test")
        assert test and test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, f"{name}: no healthcheck"
    assert "8974/health" in " ".join(services["airflow-scheduler"]["healthcheck"]["test"])
    assert _env(services["airflow-scheduler"])["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"


def test_depends_on_names_real_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        for dep in service.get("depends_on") or {}:
            assert dep in services, f"{name} depends on unknown {dep}"
    named = set(compose.get("volumes") or {})
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            source = _volume(volume)[0]
            if not source.startswith(("/", ".", "$")):
                assert source in named, f"{name}: undeclared volume {source}"
