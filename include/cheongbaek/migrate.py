"""Versioned, idempotent warehouse migrations.

Each ``sql/migrations/NNNN_name.sql`` file is itself idempotent (``if not
exists``, guarded role creation: roles are server-wide and several warehouses
may share a server); the version table only saves work. A PostgreSQL advisory
lock serialises concurrent migrators.
"""

from __future__ import annotations

import hashlib
from importlib import resources

from cheongbaek import db

_LOCK_ID = 0x43_42_4D_47  # "CBMG"


def migration_files() -> list[tuple[str, str]]:
    """(version name, SQL text) of every migration, in order."""
    folder = resources.files("cheongbaek") / "sql" / "migrations"
    files = sorted((f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql"))
    return files


def migrate(conn_id: str = "cb_warehouse") -> list[str]:
    """Apply every migration not yet applied; return the names applied."""
    applied: list[str] = []
    with db.connect(conn_id, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            conn.execute(
                "create table if not exists public.cb_schema_version ("
                " version text primary key, checksum text not null,"
                " applied_at timestamptz not null default now())"
            )
            done = dict(conn.execute("select version, checksum from public.cb_schema_version").fetchall())
            for name, sql in migration_files():
                checksum = hashlib.sha256(sql.encode()).hexdigest()
                if done.get(name) == checksum:
                    continue
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
