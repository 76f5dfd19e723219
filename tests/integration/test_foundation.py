"""The embedded default and the migrations, against the real server."""

from __future__ import annotations

import psycopg

from cheongbaek import config, db
from cheongbaek.migrate import migrate

SCHEMAS = {"staging", "quarantine", "core", "mart", "scenario_input", "monitoring", "disclosure", "audit", "dq"}


def test_embedded_server_has_the_three_databases(pg_server: str) -> None:
    with psycopg.connect(pg_server) as conn:
        names = {r[0] for r in conn.execute("select datname from pg_database")}
    assert set(config.CONN_DATABASES.values()) <= names
    # a second start reuses the running server
    assert db.embedded_up() == pg_server
    assert str(db.pgdata()).startswith(str(config.home()))


def test_dsn_prefers_the_environment(monkeypatch, pg_server: str) -> None:  # noqa: ANN001
    monkeypatch.setenv("AIRFLOW_CONN_CB_LEGACY_CIVIL", "postgres://u:p@db.example:5433/civil?__extra__=%7B%7D")
    assert db.dsn("cb_legacy_civil") == "postgresql://u:p@db.example:5433/civil"
    monkeypatch.delenv("AIRFLOW_CONN_CB_LEGACY_CIVIL")
    assert db.dsn("cb_legacy_civil").endswith("legacy_civil?host=" + db.dsn("cb_legacy_civil").split("host=")[1])


def test_migrations_are_idempotent(warehouse: str) -> None:
    assert migrate() == []  # already applied by the fixture
    with psycopg.connect(warehouse) as conn:
        conn.execute("delete from public.cb_schema_version")  # force a full re-run of every file
        conn.commit()
    applied = migrate()
    assert len(applied) >= 3
    with psycopg.connect(warehouse) as conn:
        names = {r[0] for r in conn.execute("select nspname from pg_namespace")}
    assert SCHEMAS <= names


def test_pseudonym_key_generated_outside_the_repo(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.delenv("CHEONGBAEK_PSEUDONYM_KEY")
    monkeypatch.setenv("CHEONGBAEK_HOME", str(tmp_path))
    key = config.pseudonym_key()
    assert key == config.pseudonym_key()
    assert (tmp_path / "pseudonym.key").stat().st_mode & 0o077 == 0
