"""The README's least-privilege pipeline login runs `migrate` and every stage (issue 17, point 7).

A real LOGIN role, member of cb_loader with ``set role cb_loader`` as the
README says, on a warehouse the owner migrated: it must find nothing to
migrate (not fail on ``public``), then ingest, reconcile, run the scenarios
and publish. A pending migration gets one clear sentence, not a
``permission denied``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from test_access import Users
from test_ingest_files import D1, tax_detail, write_tax

from cheongbaek.migrate import MigrationPrivilegeError, migrate


@pytest.fixture
def etl(pg_server: str, warehouse: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    users = Users(pg_server, warehouse)
    name = users.make("cb_loader", settings={"role": "cb_loader"})
    parts = urlsplit(warehouse)  # the same database, as the pipeline login (an Airflow connection URI)
    monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", urlunsplit(parts._replace(netloc=f"{name}@{parts.hostname or ''}")))
    yield name
    users.drop_all([warehouse])


def test_pipeline_login_migrates_and_runs(etl: str, warehouse: str, drop_dir: Path, publish_dir: Path,
                                          legacy_dbs: dict[str, str]) -> None:
    from cheongbaek.ingest.runner import ingest_system
    from cheongbaek.publish.runner import publish
    from cheongbaek.reconcile.runner import reconcile
    from cheongbaek.scenarios.runner import run_scenarios

    assert migrate() == []  # up to date: nothing to do, nothing refused
    write_tax(drop_dir, D1, [tax_detail("A1")])
    assert ingest_system("tax", D1)["loaded"] == 1
    reconcile(D1)
    run_scenarios(D1)
    result = publish(D1)
    assert (publish_dir / "latest").resolve() == Path(result["folder"])
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from core.tax_assessment").fetchone()[0] == 1


def test_pending_migration_is_one_clear_sentence(etl: str, warehouse: str) -> None:
    with psycopg.connect(warehouse, autocommit=True) as conn:  # as the owner: pretend one migration is new
        conn.execute("update public.cb_schema_version set checksum = 'old' where version = '0050_ingest_hardening.sql'")
    with pytest.raises(MigrationPrivilegeError, match="run `cheongbaek migrate` once as the warehouse"):
        migrate()
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select checksum from public.cb_schema_version"
                            " where version = '0050_ingest_hardening.sql'").fetchone() == ("old",)
