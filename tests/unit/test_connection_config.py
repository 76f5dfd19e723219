"""Connection settings a person gets wrong: one sentence naming the variable, never the password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cheongbaek import config, db

SECRET = "S3cretPlanted"


@pytest.mark.parametrize(("uri", "expected"), [
    (f"mysql://etl:{SECRET}@host/db", "AIRFLOW_CONN_CB_WAREHOUSE: scheme 'mysql' is not PostgreSQL"),
    ("not a uri", "AIRFLOW_CONN_CB_WAREHOUSE: 'not a uri' is not a connection URI"),
    (f"postgresql://etl:{SECRET}@host:99999/db", "AIRFLOW_CONN_CB_WAREHOUSE: the port of"),
    (f"postgresql://etl:{SECRET}@host:port/db", "AIRFLOW_CONN_CB_WAREHOUSE: the port of"),
    (f"postgresql://etl:{SECRET}@/db", "AIRFLOW_CONN_CB_WAREHOUSE: 'postgresql://etl:***@/db' names no host"),
])
def test_bad_uri_named_without_password(uri: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_CB_WAREHOUSE", uri)
    with pytest.raises(db.ConnectionConfigError) as err:
        db.dsn("cb_warehouse")
    assert str(err.value).startswith(expected)
    assert SECRET not in str(err.value)


def test_unreachable_server_names_the_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_CB_LEGACY_FINANCE", f"postgresql://etl:{SECRET}@127.0.0.1:1/legacy_finance")
    with pytest.raises(db.ConnectionUnreachable) as err:
        db.connect("cb_legacy_finance")
    text = str(err.value)
    assert text.startswith("cannot reach connection cb_legacy_finance (postgresql://etl:***@127.0.0.1:1/legacy_finance)")
    assert "refused" in text.lower() and SECRET not in text


def test_redact_hides_both_password_forms() -> None:
    assert db.redact(f"postgresql://u:{SECRET}@h:5/d?password={SECRET}&sslmode=require") == \
        "postgresql://u:***@h:5/d?password=***"


def test_home_is_the_checkout_whatever_the_directory(tmp_path: Path) -> None:
    """Without CHEONGBAEK_HOME, every directory resolves to the checkout's .cheongbaek/."""
    env = {k: v for k, v in os.environ.items() if k != "CHEONGBAEK_HOME"}
    code = "from cheongbaek import config; print(config.home())"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    root = config.project_root()
    assert root is not None and out == str(root / ".cheongbaek")
