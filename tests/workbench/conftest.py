"""Fixtures of the workbench tests: a migrated warehouse and a real api-server for a whole module."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest


@pytest.fixture(scope="module")
def module_warehouse(pg_server: str) -> Iterator[str]:
    """A fresh migrated warehouse shared by one module (the api-server outlives a single test)."""
    from cheongbaek import db
    from cheongbaek.migrate import migrate

    name = f"wb_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    uri = db.embedded_uri(name)
    saved = os.environ.get("AIRFLOW_CONN_CB_WAREHOUSE")
    os.environ["AIRFLOW_CONN_CB_WAREHOUSE"] = uri
    try:
        migrate()
        yield uri
    finally:
        if saved is None:
            os.environ.pop("AIRFLOW_CONN_CB_WAREHOUSE", None)
        else:
            os.environ["AIRFLOW_CONN_CB_WAREHOUSE"] = saved
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wb")
