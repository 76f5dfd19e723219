"""Typed configuration of the legacy sources (``sources.yaml``).

Read at DAG parse time, so it must stay cheap: a small YAML file, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml


@dataclass(frozen=True)
class Source:
    system: str
    kind: Literal["files", "database"]
    schedule: str
    description: str
    folder: str | None = None
    conn_id: str | None = None
    schema: str | None = None

    @property
    def dag_id(self) -> str:
        return f"ingest_{self.system}"

    @property
    def asset_uri(self) -> str:
        return f"cheongbaek://warehouse/staging/{self.system}"


@lru_cache(maxsize=1)
def sources() -> tuple[Source, ...]:
    text = (resources.files("cheongbaek") / "sources.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return tuple(Source(system=name, **entry) for name, entry in raw.items())


def source(system: str) -> Source:
    for s in sources():
        if s.system == system:
            return s
    raise KeyError(system)
