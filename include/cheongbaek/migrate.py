"""Versioned, idempotent warehouse migrations.

Each ``sql/migrations/NNNN_name.sql`` file is itself idempotent (``if not
exists``, guarded role creation: roles are server-wide and several warehouses
may share a server); the version table only saves work. A PostgreSQL advisory
lock serialises concurrent migrators.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Any

import psycopg

from cheongbaek import db

_LOCK_ID = 0x43_42_4D_47  # "CBMG"


def migration_files() -> list[tuple[str, str]]:
    """(version name, SQL text) of every migration, in order."""
    folder = resources.files("cheongbaek") / "sql" / "migrations"
    files = sorted((f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql"))
    return files


class MigrationPrivilegeError(RuntimeError):
    """Migrations are pending and the login may not apply them (a pipeline login is not the owner)."""


def _owner_or_superuser(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute(
        "select rolsuper or pg_has_role(current_user, (select datdba from pg_database"
        " where datname = current_database()), 'MEMBER') from pg_roles where rolname = current_user").fetchone()
    return bool(row and row[0])


def migrate(conn_id: str = "cb_warehouse") -> list[str]:
    """Apply every migration not yet applied; return the names applied."""
    applied: list[str] = []
    with db.connect(conn_id, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            # only the owner creates in public: a pipeline login (cb_loader) checks, and finds nothing to do
            if conn.execute("select to_regclass('public.cb_schema_version')").fetchone() == (None,):
                conn.execute(
                    "create table if not exists public.cb_schema_version ("
                    " version text primary key, checksum text not null,"
                    " applied_at timestamptz not null default now())"
                )
            done = dict(conn.execute("select version, checksum from public.cb_schema_version").fetchall())
            pending = [(n, s) for n, s in migration_files() if done.get(n) != hashlib.sha256(s.encode()).hexdigest()]
            if pending and not _owner_or_superuser(conn):
                raise MigrationPrivilegeError(
                    f"{len(pending)} migration(s) pending ({pending[0][0]} first) and this login may not apply them:"
                    " run `cheongbaek migrate` once as the warehouse database's owner (or a superuser)")
            for name, sql in pending:
                checksum = hashlib.sha256(sql.encode()).hexdigest()
                with conn.transaction():
                    conn.execute(sql)  # type: ignore[arg-type]
                    conn.execute(
                        "insert into public.cb_schema_version (version, checksum) values (%s, %s)"
                        " on conflict (version) do update set checksum = excluded.checksum, applied_at = now()",
                        (name, checksum),
                    )
                applied.append(name)
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (_LOCK_ID,))
    return applied
