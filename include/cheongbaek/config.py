"""Configuration from the environment only.

Every setting has an embedded default so that a fresh clone runs with no
configuration at all; production points the same variables at real systems.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

#: Airflow connection ids the DAGs use, and the embedded database behind each.
CONN_DATABASES: dict[str, str] = {
    "cb_warehouse": "warehouse",
    "cb_legacy_finance": "legacy_finance",
    "cb_legacy_civil": "legacy_civil",
}


def project_root() -> Path | None:
    """The checkout this package runs from (the folder holding pyproject.toml), or None when installed."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "include" / "cheongbaek").is_dir() else None


def home() -> Path:
    """Root of all local state (embedded PostgreSQL, Airflow home, drops).

    ``CHEONGBAEK_HOME`` when set; otherwise the checkout's ``.cheongbaek/``
    (``~/.cheongbaek`` for a package installed outside a checkout). Never the
    current directory: a ``db up`` run from elsewhere must find the same
    warehouse, not silently create a second, empty one.
    """
    value = os.environ.get("CHEONGBAEK_HOME")
    if value:
        return Path(value).expanduser().resolve()
    root = project_root()
    return (root / ".cheongbaek") if root is not None else Path.home() / ".cheongbaek"


def drop_dir() -> Path:
    """Root of the file deliveries: ``<drop>/<system>/<YYYYMMDD>/``."""
    value = os.environ.get("CHEONGBAEK_DROP_DIR")
    return Path(value).resolve() if value else home() / "drop"


def publish_dir() -> Path:
    """Where disclosure publications are written (``latest`` points at one)."""
    value = os.environ.get("CHEONGBAEK_PUBLISH_DIR")
    return Path(value).resolve() if value else home() / "publish"


def airflow_home() -> Path:
    return Path(os.environ.get("AIRFLOW_HOME", str(home() / "airflow"))).resolve()


def pseudonym_key() -> bytes:
    """The secret HMAC key for RRN pseudonyms.

    Taken from ``CHEONGBAEK_PSEUDONYM_KEY``; when unset (embedded default) a
    random key is generated once into ``$CHEONGBAEK_HOME/pseudonym.key`` so
    that pseudonyms stay stable across runs. It is never written to the repo.
    """
    value = os.environ.get("CHEONGBAEK_PSEUDONYM_KEY")
    if value:
        return value.encode("utf-8")
    path = home() / "pseudonym.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic: the first writer wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip().encode("utf-8")


def conn_env_var(conn_id: str) -> str:
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def configured_uri(conn_id: str) -> str | None:
    """The connection URI from the environment, or None for the embedded default."""
    return os.environ.get(conn_env_var(conn_id)) or None


@dataclass(frozen=True)
class Settings:
    home: Path
    drop_dir: Path
    publish_dir: Path
    airflow_home: Path


def settings() -> Settings:
    return Settings(home=home(), drop_dir=drop_dir(), publish_dir=publish_dir(), airflow_home=airflow_home())
