"""CSV and JSON Lines files: matched by column name, decoded strictly, streamed line by line.

Why by name: only the fixed-width tax file is positional; the other systems'
columns may come in another order, and an unknown column is reported and kept
out instead of shifting every value. Why strict decoding: a few bytes that are
not valid in the declared encoding make the whole file untrustworthy
(CorruptFileError), while a single row that cannot be typed is only rejected.
The record kept for quarantine is the physical text of the row as delivered,
its RRNs and pseudonymised ids replaced.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from cheongbaek.ingest.parsers.common import Context, ParseError, pseudonymise_record, scrub_reject
from cheongbaek.ingest.records import CorruptFileError, ParsedFile, Reject, Row, open_delivered

#: A converter types one record: (fields by name, context, ids it pseudonymised) -> staging values.
Converter = Callable[[dict[str, Any], Context, list[tuple[str, str]]], tuple[Any, ...]]


@dataclass(frozen=True)
class Layout:
    """One file kind: its staging table and columns, the fields it must carry and how to type them."""

    table: str
    columns: tuple[str, ...]  # staging columns after (batch_id, delivery_date, line_no), DDL order
    fields: tuple[str, ...]  # the spec's field names, every one required
    convert: Converter
    aliases: dict[str, str] = field(default_factory=dict)  # header text (e.g. Korean) -> field name


class _Tap:
    """Feeds the csv reader line by line and remembers the physical lines of the current record."""

    def __init__(self, f: TextIO) -> None:
        self.f = f
        self.buf: list[str] = []
        self.lines = 0

    def __iter__(self) -> _Tap:
        return self

    def __next__(self) -> str:
        line = self.f.readline()
        if not line:
            raise StopIteration
        self.lines += 1
        self.buf.append(line)
        return line

    def take(self) -> tuple[int, str]:
        """(first physical line number, text without its line end) of the record just read."""
        first = self.lines - len(self.buf) + 1
        text = "".join(self.buf)
        self.buf.clear()
        if text.endswith("\n"):
            text = text[:-2] if text.endswith("\r\n") else text[:-1]
        return first, text


def _header_names(path: Path, header: list[str], layout: Layout) -> tuple[dict[str, int], list[str]]:
    names = [h.strip().lstrip("\ufeff").strip() for h in header]
    mapped = [layout.aliases.get(n, n) for n in names]
    known = set(layout.fields)
    missing = [f for f in layout.fields if f not in mapped]
    if missing:
        raise CorruptFileError(path, f"header lacks required column(s) {', '.join(missing)}")
    seen: set[str] = set()
    for m in mapped:
        if m in known and m in seen:
            raise CorruptFileError(path, f"header names column {m} twice")
        seen.add(m)
    positions = {m: i for i, m in enumerate(mapped) if m in known}
    extra = [n for n, m in zip(names, mapped, strict=True) if m not in known]
    return positions, extra


def read_csv(path: Path, layout: Layout, encoding: str, delivery_date: dt.date,
             key: bytes | None = None) -> ParsedFile:
    """Open a CSV file: header checked now (missing column -> CorruptFileError), rows typed while streaming."""
    f = open_delivered(path, "r", encoding)
    try:
        tap = _Tap(f)
        reader = csv.reader(tap, strict=False)
        try:
            header = next(reader)
        except StopIteration:
            raise CorruptFileError(path, "empty file: no header row") from None
        except UnicodeDecodeError as e:
            raise CorruptFileError(path, f"bytes not valid {encoding} in the header ({e.reason})") from None
        except csv.Error as e:
            raise CorruptFileError(path, f"header is not CSV: {e}") from None
        tap.take()
        positions, extra = _header_names(path, header, layout)
    except BaseException:
        f.close()
        raise
    items = _csv_items(path, f, tap, reader, len(header), positions, layout, encoding, delivery_date, key)
    return ParsedFile(path=path, table=layout.table, columns=list(layout.columns), items=items, extra_columns=extra)


def _csv_items(path: Path, f: TextIO, tap: _Tap, reader: Any, width: int, positions: dict[str, int],
               layout: Layout, encoding: str, delivery_date: dt.date, key: bytes | None) -> Iterator[Row | Reject]:
    ctx = Context(delivery_date, key)
    convert = layout.convert
    pos = list(positions.items())
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as e:
                raise CorruptFileError(path, f"bytes not valid {encoding} after line {tap.lines} ({e.reason})"
                                       ) from None
            except csv.Error as e:
                raise CorruptFileError(path, f"line {tap.lines}: not CSV: {e}") from None
            line_no, text = tap.take()
            if not row or (len(row) == 1 and not row[0].strip() and width > 1):
                continue  # a blank line
            if len(row) != width:
                yield Reject(line_no, "wrong_field_count", f"{len(row)} fields, the header has {width}",
                             scrub_reject(text, key))
                continue
            yield _typed(line_no, text, {f_: row[i] for f_, i in pos}, convert, ctx)
    finally:
        f.close()


def _typed(line_no: int, text: str, rec: dict[str, Any], convert: Converter, ctx: Context) -> Row | Reject:
    replaced: list[tuple[str, str]] = []
    try:
        values = convert(rec, ctx, replaced)
    except ParseError as e:
        return Reject(line_no, e.reason, e.detail, scrub_reject(pseudonymise_record(text, replaced, ctx.key), ctx.key))
    return Row(line_no, values, pseudonymise_record(text, replaced, ctx.key))


def read_jsonl(path: Path, layout: Layout, delivery_date: dt.date, key: bytes | None = None) -> ParsedFile:
    """Open a JSON Lines file (UTF-8): each line one object of string values, typed while streaming.

    JSON Lines has no header, so a key missing from an object rejects that
    record ('missing_field'); an unknown key is kept out and reported in
    ``extra_columns`` as soon as it is seen.
    """
    f = open_delivered(path, "r", "utf-8")
    parsed = ParsedFile(path=path, table=layout.table, columns=list(layout.columns), items=iter(()))
    parsed.items = _jsonl_items(path, f, layout, delivery_date, key, parsed.extra_columns)
    return parsed


def _jsonl_items(path: Path, f: TextIO, layout: Layout, delivery_date: dt.date, key: bytes | None,
                 extra: list[str]) -> Iterator[Row | Reject]:
    ctx = Context(delivery_date, key)
    known = set(layout.fields)
    line_no = 0
    try:
        while True:
            try:
                line = f.readline()
            except UnicodeDecodeError as e:
                raise CorruptFileError(path, f"bytes not valid UTF-8 after line {line_no} ({e.reason})") from None
            if not line:
                break
            line_no += 1
            text = line.rstrip("\r\n")
            if line_no == 1:
                text = text.lstrip("\ufeff")
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except ValueError:
                yield Reject(line_no, "parse_error", "not a JSON object", scrub_reject(text, key))
                continue
            if not isinstance(obj, dict):
                yield Reject(line_no, "parse_error", "not a JSON object", scrub_reject(text, key))
                continue
            rec: dict[str, Any] = {}
            bad: list[str] = []
            for k, v in obj.items():
                if k not in known:
                    if k not in extra:
                        extra.append(k)
                    continue
                if v is None or isinstance(v, str):
                    rec[k] = v
                elif isinstance(v, int | float) and not isinstance(v, bool):
                    rec[k] = str(v)
                else:
                    bad.append(k)
            missing = [k for k in layout.fields if k not in obj]
            if missing or bad:
                reason = "missing_field" if missing else "parse_error"
                detail = (f"missing key(s) {', '.join(missing)}" if missing
                          else f"key(s) {', '.join(bad)} not a string")
                yield Reject(line_no, reason, detail, scrub_reject(text, key))
                continue
            yield _typed(line_no, text, rec, layout.convert, ctx)
    finally:
        f.close()
