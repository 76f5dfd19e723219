"""Up-front checks of what a person typed or configured, and how the CLI words a failure.

The command must answer every mistake of a person in one line that names
the argument or variable and says what to do, and must never print a
password: connection URIs carry them (``postgresql://etl:secret@host/db``),
and libpq or Python errors quote URIs verbatim. So every message leaving
the CLI goes through :func:`redact`, and configured URIs are checked here
before any driver sees them (a driver's own message is cryptic and may echo
the password).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from urllib.parse import unquote, urlsplit

from cheongbaek import config


class UsageError(Exception):
    """A person's mistake (argument or configuration): exit code 2, one line, no traceback."""


class OperationError(Exception):
    """The command could not do its work (a server down, a run already going): exit code 1, one line."""


#: Connection URI schemes the warehouse and the legacy databases accept.
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"})
SCALES = ("tiny", "small", "large")

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@\s]*)@")
_KV_PASSWORD = re.compile(r"(?i)(password\s*[=:]\s*)('[^']*'|\"[^\"]*\"|\S+)")


def _secrets() -> list[str]:
    """Every secret the environment configures: URI passwords and the pseudonym key."""
    found: list[str] = []
    for name, value in os.environ.items():
        if not value:
            continue
        if name.startswith("AIRFLOW_CONN_"):
            try:
                password = urlsplit(value).password
            except ValueError:
                password = None
            if password:
                found += [password, unquote(password)]
            for m in re.finditer(r'"password"\s*:\s*"([^"]+)"', value):
                found.append(m.group(1))
        elif name == "CHEONGBAEK_PSEUDONYM_KEY":
            found.append(value)
    return [s for s in found if len(s) >= 3]


def redact(text: str) -> str:
    """``text`` with every password and key replaced by ``***``.

    Covers the ``user:password@`` part of any URI, ``password=...`` pairs
    (libpq keyword strings) and, literally, every secret configured in the
    environment (a driver may quote one out of context).
    """
    text = _USERINFO.sub(lambda m: m.group(0) if m.group("pw") == "PASSWORD"  # the placeholder of a hint
                         else f"{m.group('scheme')}{m.group('user')}:***@", text)
    text = _KV_PASSWORD.sub(lambda m: f"{m.group(1)}***", text)
    for secret in sorted(_secrets(), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def parse_date(value: str, name: str = "--as-of") -> dt.date:
    """A calendar date written YYYY-MM-DD, or a UsageError naming the argument."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{name}: {value!r} is not a date; write it YYYY-MM-DD, e.g. 2025-03-14") from None


def check_not_future(day: dt.date, name: str = "--as-of", today: dt.date | None = None) -> dt.date:
    """Refuse a D after today: the warehouse cannot know what has not been delivered yet.

    ``today`` is the only reading of the clock in a run, and only to refuse;
    it never becomes a D.
    """
    today = today or dt.date.today()
    if day > today:
        raise UsageError(f"{name}: {day.isoformat()} is after today ({today.isoformat()}): "
                         "a run is evaluated as of a day that has happened; give today or an earlier date")
    return day


def parse_scale(value: str) -> str | int:
    """``tiny``, ``small``, ``large`` or a positive number of source rows."""
    if value in SCALES:
        return value
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise UsageError(f"--scale: {value!r} is not a scale; use one of {', '.join(SCALES)} or a number of rows")


def check_conn_id(conn_id: str, name: str = "--conn") -> str:
    """A connection id the project knows, or a UsageError listing them."""
    known = sorted(config.CONN_DATABASES)
    if conn_id in config.CONN_DATABASES or config.configured_uri(conn_id):
        return conn_id
    raise UsageError(f"{name}: unknown connection {conn_id!r}; use one of {', '.join(known)}"
                     f" (or set {config.conn_env_var(conn_id)})")


def check_postgres_uri(var: str, value: str) -> None:
    """A PostgreSQL connection URI: scheme, host (or socket directory) and port, checked without a driver.

    The message names the variable and shows the URI with its password masked.
    """
    shown = redact(value)
    fix = f"set {var} to postgresql://USER:PASSWORD@HOST:5432/DATABASE"
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise UsageError(f"{var}: the port of {shown!r} is not a number from 1 to 65535; {fix}") from None
    if "://" not in value or not parts.scheme:
        raise UsageError(f"{var}: {shown!r} is not a connection URI; {fix}")
    if parts.scheme.lower() not in POSTGRES_SCHEMES:
        raise UsageError(f"{var}: scheme {parts.scheme!r} is not PostgreSQL (use postgresql://); {fix}")
    socket_host = "host=" in parts.query
    if not parts.hostname and not socket_host:
        raise UsageError(f"{var}: {shown!r} names no host; {fix}")
    if port is not None and not 0 < port < 65536:
        raise UsageError(f"{var}: port {port} is out of range 1-65535; {fix}")
    if not parts.path.strip("/"):
        raise UsageError(f"{var}: {shown!r} names no database; {fix}")


def check_configuration() -> None:
    """Every configured connection and folder that a command would use, before it starts."""
    for conn_id in config.CONN_DATABASES:
        value = config.configured_uri(conn_id)
        if value and not value.lstrip().startswith("{"):
            check_postgres_uri(config.conn_env_var(conn_id), value)
    home = os.environ.get("CHEONGBAEK_HOME")
    if home and os.path.exists(home) and not os.path.isdir(home):
        raise UsageError(f"CHEONGBAEK_HOME: {home} exists and is not a folder; point it at a folder")
