"""The reconcile engine: staging into the conformed ``core`` model, set-based.

Why one generic engine: every entity of ``core`` is reconciled the same way
(identity with a surrogate key, type-2 history recomputed for the keys that
changed, references resolved to surrogate keys, unknown references kept and
flagged), so the rules live once in ``sql/merge.sql`` and an entity is a few
lines of ``entities.yaml`` plus its ``sources/<entity>.sql`` query. Adding an
entity never means writing another merge.

Incremental: an entity takes in only the loaded batches it has not seen
(``core.reconciled_batch``) and recomputes only the keys they carry, plus the
keys whose history came from a batch that a re-delivered day superseded.
Idempotent: a run with no new batches changes nothing.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import psycopg
import yaml

log = logging.getLogger(__name__)

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_META = ("batch_id", "version_at", "src_order")


@dataclass(frozen=True)
class Ref:
    """A reference from an entity's version to another identity."""

    name: str                 # the reference's name: <name>_sk column and orphan flag
    entity: str               # the referenced entity
    on: dict[str, str]        # (yaml: match) referenced key column -> source column (or a quoted literal)
    when: str | None = None   # only for source rows matching this condition

    def value_columns(self) -> list[str]:
        """Source columns that hold the reference (literals excluded)."""
        return [v for v in self.on.values() if not v.startswith("'")]


@dataclass(frozen=True)
class Entity:
    name: str
    systems: tuple[str, ...]
    keys: tuple[str, ...]
    refs: tuple[Ref, ...] = field(default_factory=tuple)

    @property
    def sk(self) -> str:
        return f"{self.name}_sk"

    def source_sql(self) -> str:
        return _sql_file("sources", f"{self.name}.sql")


def _check(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def _sql_file(*parts: str) -> str:
    path = resources.files("cheongbaek.reconcile").joinpath("sql", *parts)
    text = path.read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--")).strip().rstrip(";")


@cache
def entities() -> tuple[Entity, ...]:
    """The entities of ``entities.yaml``, in dependency order."""
    text = (resources.files("cheongbaek.reconcile") / "entities.yaml").read_text(encoding="utf-8")
    found = []
    for name, spec in yaml.safe_load(text).items():
        refs = tuple(
            Ref(_check(r["name"]), _check(r["entity"]), {_check(k): v for k, v in r["match"].items()}, r.get("when"))
            for r in spec.get("refs") or []
        )
        for r in refs:
            for v in r.value_columns():
                _check(v)
        systems = spec["system"] if isinstance(spec["system"], list) else [spec["system"]]
        found.append(Entity(_check(name), tuple(systems), tuple(_check(k) for k in spec["key"]), refs))
    known = {"party"}
    for e in found:
        for r in e.refs:
            if r.entity not in known:
                raise ValueError(f"entities.yaml: {e.name} references {r.entity}, which is not defined above it")
        known.add(e.name)
    return tuple(found)


@cache
def statements() -> dict[str, str]:
    """The named sections of ``sql/merge.sql``."""
    text = (resources.files("cheongbaek.reconcile") / "sql" / "merge.sql").read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\w+)\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts), 2)}


def _attributes(conn: psycopg.Connection[Any], entity: Entity) -> list[str]:
    """The source query's value columns (everything but metadata and keys)."""
    cur = conn.execute(f"select * from ({entity.source_sql()}) q limit 0")  # type: ignore[arg-type]
    names = [d.name for d in cur.description or []]
    return [_check(n) for n in names if n not in _META and n not in entity.keys]


def _ref_sql(entity: Entity, row: str) -> tuple[str, str, str, str, str, str]:
    """SQL fragments resolving the entity's references for rows aliased ``row``.

    Returns (joins, values, columns, named values, sets, orphan array).
    """
    joins, values, cols, named, sets, flags = [], [], [], [], [], []
    for n, r in enumerate(entity.refs, 1):
        alias = f"r{n}"
        target_sk = f"{r.entity}_sk"
        conds = [f"{alias}.{k} = " + (v if v.startswith("'") else f"{row}.{v}") for k, v in r.on.items()]
        if r.when:
            conds.insert(0, f"({r.when})")
        joins.append(f"left join core.{r.entity} {alias} on {' and '.join(conds)}")
        values.append(f"{alias}.{target_sk}")
        cols.append(f"{r.name}_sk")
        named.append(f"{alias}.{target_sk} as {r.name}_sk")
        sets.append(f"{r.name}_sk = x.{r.name}_sk")
        present = " and ".join(f"{row}.{v} is not null" for v in r.value_columns()) or "true"
        when = f"({r.when}) and " if r.when else ""
        flags.append(f"case when {when}{present} and {alias}.{target_sk} is null then '{r.name}' end")
    orphan = f"array_remove(array[{', '.join(flags)}]::text[], null)" if flags else "'{}'::text[]"
    lead = ", " if values else ""
    return ("\n".join(joins), lead + ", ".join(values), lead + ", ".join(cols), lead + ", ".join(named),
            "".join(f"{s}, " for s in sets), orphan)


def render(entity: Entity, attrs: list[str]) -> dict[str, str]:
    """Every merge statement of one entity, formatted."""
    keys = entity.keys
    joins, values, cols, named, sets, orphan = _ref_sql(entity, "kept")
    fmt = {
        "entity": entity.name,
        "source": entity.source_sql(),
        "keys": ", ".join(keys),
        "s_keys": ", ".join(f"s.{k}" for k in keys),
        "i_keys": ", ".join(f"i.{k}" for k in keys),
        "ik_match": " and ".join(f"i.{k} = k.{k}" for k in keys),
        "sk_match": " and ".join(f"k.{k} = s.{k}" for k in keys),
        "si_match": " and ".join(f"i.{k} = s.{k}" for k in keys),
        "attrs": ", ".join(attrs),
        "src_attrs": ", ".join(f"src.{a}" for a in attrs),
        "kept_attrs": ", ".join(f"kept.{a}" for a in attrs),
        "ref_cols": cols,
        "ref_values": values,
        "ref_values_named": named,
        "ref_sets": sets,
        "ref_joins": joins,
        "orphan": orphan,
    }
    fmt["type2"] = statements()["type2"].format(**fmt, keep_only="")
    fmt["type2_new"] = statements()["type2"].format(**fmt, keep_only=" and is_new")
    out = {}
    for name in ("new_batches", "gone_batches", "affected_keys", "watermark", "identities", "delete_history",
                 "insert_history", "append_history", "close_current", "insert_appended", "record_batches",
                 "forget_batches", "drop_temp"):
        out[name] = statements()[name].format(**fmt)
    if entity.refs:
        out["resolve_orphans"] = statements()["resolve_orphans"].format(**fmt)
    return out


def _rowcount(cur: psycopg.Cursor[Any]) -> int:
    return max(cur.rowcount, 0)


def _watermark(conn: psycopg.Connection[Any], entity: Entity, sql: dict[str, str]) -> str | None:
    """The newest version_at the entity has taken in (as text), recorded by the last run, else computed once."""
    row = conn.execute("select entities -> %s ->> 'watermark' from core.reconcile_run"
                       " order by run_id desc limit 1", (entity.name,)).fetchone()
    if row is not None and row[0] is not None:
        return str(row[0])
    if conn.execute("select not exists (select 1 from core.reconciled_batch where entity = %s)",
                    (entity.name,)).fetchone()[0]:  # type: ignore[index]
        return None
    found = conn.execute(sql["watermark"], {"entity": entity.name}).fetchone()  # type: ignore[arg-type]
    return None if found is None or found[0] is None else str(found[0])


def merge_entity(conn: psycopg.Connection[Any], entity: Entity) -> dict[str, Any]:
    """Reconcile one entity inside the caller's transaction; returns its counts (and its watermark).

    Keys whose new versions are all newer than anything taken in before
    (the usual next day: a new day folder, new database versions) take the
    append-only path; the others (a re-delivered day, a late version) have
    their whole history recomputed. Both give the same history.
    """
    started = time.monotonic()
    sql = render(entity, _attributes(conn, entity))
    params = {"entity": entity.name, "systems": list(entity.systems)}
    conn.execute(sql["new_batches"], params)  # type: ignore[arg-type]
    conn.execute(sql["gone_batches"], params)  # type: ignore[arg-type]
    new, gone = (conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("_nb", "_gone"))  # type: ignore[index]
    stats: dict[str, Any] = {"new_batches": int(new), "gone_batches": int(gone), "keys": 0, "fast_keys": 0,
                             "identities": 0, "versions": 0, "orphans_resolved": 0}
    watermark = _watermark(conn, entity, sql)
    if new or gone:
        conn.execute(sql["affected_keys"], {"watermark": watermark})  # type: ignore[arg-type]
        conn.execute("analyze _k")
        keys, fast, top = conn.execute("select count(*), count(*) filter (where fast), max(top)::text"
                                       " from _k").fetchone()  # type: ignore[misc]
        stats["keys"], stats["fast_keys"] = int(keys), int(fast)
        stats["identities"] = _rowcount(conn.execute(sql["identities"]))  # type: ignore[arg-type]
        if keys > fast:
            conn.execute(sql["delete_history"])  # type: ignore[arg-type]
            stats["versions"] = _rowcount(conn.execute(sql["insert_history"]))  # type: ignore[arg-type]
        if fast:
            conn.execute(sql["append_history"])  # type: ignore[arg-type]
            conn.execute(sql["close_current"])  # type: ignore[arg-type]
            stats["versions"] += _rowcount(conn.execute(sql["insert_appended"]))  # type: ignore[arg-type]
        conn.execute(sql["record_batches"], params)  # type: ignore[arg-type]
        conn.execute(sql["forget_batches"], params)  # type: ignore[arg-type]
        if top is not None and (watermark is None or
                                conn.execute("select %s::timestamp > %s::timestamp", (top, watermark)).fetchone()[0]):  # type: ignore[index]
            watermark = top
    stats["watermark"] = watermark
    if "resolve_orphans" in sql:
        stats["orphans_resolved"] = _rowcount(conn.execute(sql["resolve_orphans"]))  # type: ignore[arg-type]
    conn.execute(sql["drop_temp"])  # type: ignore[arg-type]
    stats["ms"] = int((time.monotonic() - started) * 1000)
    log.info("reconcile %s: %s", entity.name, stats)
    return stats


def party_source_sql() -> str:
    return _sql_file("party_source.sql")


def merge_parties(conn: psycopg.Connection[Any], systems: list[str]) -> dict[str, int]:
    """Parties (persons by RRN pseudonym, businesses by BRN) and their name variants, from new batches."""
    started = time.monotonic()
    fmt = {"source": party_source_sql()}
    params = {"entity": "party", "systems": systems}
    conn.execute(statements()["new_batches"].format(**fmt), params)  # type: ignore[arg-type]
    new = int(conn.execute("select count(*) from _nb").fetchone()[0])  # type: ignore[index]
    stats = {"new_batches": new, "identities": 0, "names": 0}
    if new:
        stats["identities"] = _rowcount(conn.execute(statements()["party_identities"].format(**fmt)))  # type: ignore[arg-type]
        stats["names"] = _rowcount(conn.execute(statements()["party_names"].format(**fmt)))  # type: ignore[arg-type]
        conn.execute(statements()["record_batches"], params)  # type: ignore[arg-type]
    conn.execute("drop table if exists _nb")
    stats["ms"] = int((time.monotonic() - started) * 1000)
    log.info("reconcile party: %s", stats)
    return stats
