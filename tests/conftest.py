"""Shared fixtures: a real embedded PostgreSQL for the whole test session.

Each test that needs a database gets a fresh one on that server (created
here, dropped after), so tests never see each other's data and the
developer's own ``.cheongbaek`` is never touched.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[1]

# Airflow reads its configuration at import: point it at a private home
# before any test imports it, so tests never touch a developer's Airflow.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="cb-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(REPO / "dags"))
SHARED = REPO.parent / "shared"
TEST_KEY = "cheongbaek-test-pseudonym-key"


@pytest.fixture(scope="session", autouse=True)
def cb_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private CHEONGBAEK_HOME (and embedded server) for the test session."""
    home = tmp_path_factory.mktemp("cbhome")
    saved = {k: os.environ.get(k) for k in ("CHEONGBAEK_HOME", "CHEONGBAEK_PSEUDONYM_KEY", "XDG_RUNTIME_DIR")}
    os.environ["CHEONGBAEK_HOME"] = str(home)
    os.environ["CHEONGBAEK_PSEUDONYM_KEY"] = TEST_KEY
    os.environ.pop("XDG_RUNTIME_DIR", None)
    for var in ("AIRFLOW_CONN_CB_WAREHOUSE", "AIRFLOW_CONN_CB_LEGACY_FINANCE", "AIRFLOW_CONN_CB_LEGACY_CIVIL",
                "CHEONGBAEK_DROP_DIR", "CHEONGBAEK_PUBLISH_DIR"):
        os.environ.pop(var, None)
    yield home
    from cheongbaek import db

    if db.pgdata().exists():
        db.embedded_down()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def pg_server(cb_home: Path) -> str:
    """URI of the embedded server's maintenance database."""
    from cheongbaek import db

    return db.embedded_up()


def _create_db(server_uri: str, prefix: str) -> tuple[str, str]:
    from cheongbaek import db

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_uri, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return name, db.embedded_uri(name)


def _drop_db(server_uri: str, name: str) -> None:
    with psycopg.connect(server_uri, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def fresh_db(pg_server: str) -> Iterator[object]:
    """Factory: ``fresh_db('prefix')`` returns the URI of a new empty database."""
    created: list[str] = []

    def make(prefix: str = "t") -> str:
        name, uri = _create_db(pg_server, prefix)
        created.append(name)
        return uri

    yield make
    for name in created:
        _drop_db(pg_server, name)


@pytest.fixture
def warehouse(fresh_db, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ANN001
    """A fresh, migrated warehouse; AIRFLOW_CONN_CB_WAREHOUSE points at it."""
    from cheongbaek.migrate import migrate

    uri = fresh_db("wh")
    monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", uri)
    migrate()
    return uri


@pytest.fixture
def legacy_dbs(fresh_db, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:  # noqa: ANN001
    """Fresh, empty legacy_finance and legacy_civil databases (env points at them)."""
    fin, civ = fresh_db("fin"), fresh_db("civ")
    monkeypatch.setenv("AIRFLOW_CONN_CB_LEGACY_FINANCE", fin)
    monkeypatch.setenv("AIRFLOW_CONN_CB_LEGACY_CIVIL", civ)
    return {"finance": fin, "civil": civ}


@pytest.fixture
def drop_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "drop"
    path.mkdir()
    monkeypatch.setenv("CHEONGBAEK_DROP_DIR", str(path))
    return path


@pytest.fixture
def publish_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "publish"
    path.mkdir()
    monkeypatch.setenv("CHEONGBAEK_PUBLISH_DIR", str(path))
    return path
