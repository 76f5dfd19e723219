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


def _expression(f: interfaces.Field) -> str:
    """The Python expression typing one non-party field (the catalog's type and format, read once here)."""
    n = repr(f.name)
    v = f"r[{n}]"
    if f.derived:
        if f.type != "pnu" or len(f.derived) != 5:
            raise ValueError(f"{f.name}: only a PNU from its five building-register parts can be derived")
        return "pnu_parts_value(" + ", ".join(f"r[{d!r}]" for d in f.derived) + ")"
    if f.type in ("text", "code"):
        return f"text({v})"
    if f.type == "free":
        return f"free_text({v}, ctx.key)"
    if f.type == "pnu":
        return f"pnu_value({v})"
    if f.type == "emp_no":
        return f"emp_no({v})"
    if f.type == "int":
        return f"integer({v}, {n}, thousands={f.thousands!r}, limit={f.int_limit or MAX_BIGINT!r})"
    if f.type == "decimal":
        return f"decimal({v}, {n})"
    if f.format in ("YYYY-MM-DD", "YYYY.MM.DD"):
        return f"ctx.dates.sep({v}, {n}, {f.format[4]!r})"
    if f.format == "YYYYMMDD":
        return f"ctx.dates.ymd({v}, {n})"
    if f.format == "YYYYMMDDHHMMSS":
        return f"ctx.dates.ymdhms({v}, {n})"
    raise ValueError(f"{f.name}: no reader for type {f.type} ({f.format})")


_NAMESPACE = {"text": text, "free_text": free_text, "pnu_value": pnu_value, "pnu_parts_value": pnu_parts_value,
              "emp_no": emp_no, "integer": integer, "decimal": decimal}


def converter(spec: interfaces.FileSpec) -> Callable[[R, Context, Ids], tuple[Any, ...]]:
    """The record converter of a file kind, compiled from the catalog into one straight-line function.

    Why compiled: the converter runs once per delivered record, and a loop
    over per-field closures costs half as much again as the hand-written
    tuple it replaces; the generated source is exactly such a tuple. Why
    party ids first (in field order): a record rejected for a later field
    must not keep a raw RRN, and the ids pseudonymised so far are what its
    quarantined text is cleaned with.
    """
    lines = ["def convert(r, ctx, ids):"]
    values: list[str] = []
    for i, f in enumerate(spec.fields):
        if f.type in ("party_id", "rrn"):
            ptype = f"text(r[{f.party_type!r}])" if f.type == "party_id" else "'1'"
            lines.append(f"    p{i} = ctx.party({ptype}, r[{f.name!r}], ids)")
            values += [f"p{i}[0]", f"p{i}[1]"]
        else:
            values.append(_expression(f))
    lines.append("    return (" + ", ".join(values) + ",)")
    namespace: dict[str, Any] = dict(_NAMESPACE)
    exec(compile("\n".join(lines), f"<converter {spec.table}>", "exec"), namespace)  # noqa: S102 - catalog-built
    convert: Callable[[R, Context, Ids], tuple[Any, ...]] = namespace["convert"]
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
