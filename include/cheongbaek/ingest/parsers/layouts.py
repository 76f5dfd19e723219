"""Field layouts of the CSV and JSON Lines systems, built from the interface catalog.

Each layout's converter types one record into its staging columns, in the
DDL order of ``0003_staging.sql`` (the catalog's field order). What a field
is (text, code, free text, number, date and its format, party id and the
field holding its type, employee number, PNU, a PNU built from parts) is
read from ``interfaces/<system>.yaml``; how each type is read lives once, in
:mod:`.common`. So a new CSV or JSON Lines system needs no parser code.

Party ids are turned into (pseudonym or BRN digits, status) first, so even a
record rejected for a later field never keeps a raw RRN. Out-of-list codes,
invalid ids and PNUs that are not 19 digits are passed on as they are: the
expectation suites quarantine them, so every quarantine reason of that kind
is an expectation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cheongbaek import interfaces
from cheongbaek.ingest.parsers.common import (
    MAX_BIGINT,
    Context,
    decimal,
    emp_no,
    free_text,
    integer,
    pnu_parts_value,
    pnu_value,
    text,
)
from cheongbaek.ingest.parsers.tabular import Layout

R = dict[str, Any]
Ids = list[tuple[str, str]]
#: One staging value from (record, context).
_Getter = Callable[[R, Context], Any]


def _getter(f: interfaces.Field) -> _Getter:
    """How one non-party field becomes its staging value (the catalog's type and format, read once here)."""
    n = f.name
    if f.derived:
        parts = tuple(f.derived)
        if f.type != "pnu" or len(parts) != 5:
            raise ValueError(f"{n}: only a PNU from its five building-register parts can be derived")
        a, b, c, d, e = parts
        return lambda r, ctx: pnu_parts_value(r[a], r[b], r[c], r[d], r[e])
    if f.type in ("text", "code"):
        return lambda r, ctx: text(r[n])
    if f.type == "free":
        return lambda r, ctx: free_text(r[n], ctx.key)
    if f.type == "pnu":
        return lambda r, ctx: pnu_value(r[n])
    if f.type == "emp_no":
        return lambda r, ctx: emp_no(r[n])
    if f.type == "int":
        thousands, limit = f.thousands, f.int_limit or MAX_BIGINT
        return lambda r, ctx: integer(r[n], n, thousands=thousands, limit=limit)
    if f.type == "decimal":
        return lambda r, ctx: decimal(r[n], n)
    if f.format == "YYYY-MM-DD" or f.format == "YYYY.MM.DD":
        sep = f.format[4]
        return lambda r, ctx: ctx.dates.sep(r[n], n, sep)
    if f.format == "YYYYMMDD":
        return lambda r, ctx: ctx.dates.ymd(r[n], n)
    if f.format == "YYYYMMDDHHMMSS":
        return lambda r, ctx: ctx.dates.ymdhms(r[n], n)
    raise ValueError(f"{n}: no reader for type {f.type} ({f.format})")


def converter(spec: interfaces.FileSpec) -> Callable[[R, Context, Ids], tuple[Any, ...]]:
    """The record converter of a file kind: party ids first (in field order), then every column in order.

    Why parties first: a record rejected for a later field must not keep a
    raw RRN, and the ids pseudonymised so far are what its quarantined text
    is cleaned with.
    """
    parties: list[tuple[str, str | None]] = []  # (field, its party-type field; None: always an RRN)
    plan: list[tuple[str | None, _Getter | None]] = []  # (party field, None) or (None, getter)
    for f in spec.fields:
        if f.type in ("party_id", "rrn"):
            parties.append((f.name, f.party_type if f.type == "party_id" else None))
            plan.append((f.name, None))
        else:
            plan.append((None, _getter(f)))

    def convert(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
        got = {name: ctx.party(text(r[ptype]) if ptype is not None else "1", r[name], ids)
               for name, ptype in parties}
        out: list[Any] = []
        for party, getter in plan:
            if party is not None:
                out.extend(got[party])
            else:
                assert getter is not None
                out.append(getter(r, ctx))
        return tuple(out)

    return convert


def _layout(spec: interfaces.FileSpec) -> Layout:
    """Built once per catalog entry (the catalog is cached, so its objects are too)."""
    hit = _LAYOUTS.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    built = Layout(
        table=spec.table,
        columns=tuple(spec.staging_columns),
        fields=tuple(f.name for f in spec.delivered),
        convert=converter(spec),
        aliases={f.header: f.name for f in spec.delivered if f.header},
    )
    _LAYOUTS[id(spec)] = (spec, built)
    return built


_LAYOUTS: dict[int, tuple[interfaces.FileSpec, Layout]] = {}


def layout(table: str) -> Layout:
    """The layout of the CSV or JSON Lines kind feeding a staging table, from the current catalog."""
    return _layout(interfaces.file_spec(table))
