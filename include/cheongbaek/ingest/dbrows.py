"""Database systems (finance e-hojo, civil Saeol): one legacy row -> one typed staging row.

Why a normaliser per row and not SQL on the source: the legacy databases are
read-only to us and may be on another server; what the warehouse needs (char
padding stripped, BRNs as digits, RRNs as pseudonyms with their status, civil
employee numbers as 9-digit text, PNUs in one form) is applied in the first
step that reads a row, so no raw RRN ever reaches the warehouse, a log or the
quarantine. Invalid ids and out-of-list codes are passed on (status
'invalid', the raw code): the expectation suites quarantine them.

Values are accepted as the source's driver gives them (int, Decimal, date,
datetime, str) and also as text, so a deployment whose legacy columns are
typed a little differently still loads.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from cheongbaek import config, interfaces, privacy
from cheongbaek.ingest.parsers.common import MAX_BIGINT, ParseError, Parties, pnu_value
from cheongbaek.ingest.records import Reject, Row

# Column kinds: how a source value becomes a staging value.
TEXT = "text"  # char(n)/varchar: stripped, '' -> None
FREE = "free"  # names, addresses, memos: stripped, RRN-shaped values pseudonymised
INT = "int"  # whole numbers (int, numeric(15))
NUM = "num"  # numeric(12,2)
DATE = "date"
TS = "ts"
BRN = "brn"  # digits only
PERSON = "person"  # always an RRN: pseudonym + status
EMP9 = "emp9"  # employee number: 9-digit text
PNU = "pnu"

#: Catalog field type -> column kind.
_KINDS = {"text": TEXT, "code": TEXT, "party_id": TEXT, "free": FREE, "int": INT, "decimal": NUM, "date": DATE,
          "timestamp": TS, "brn": BRN, "rrn": PERSON, "emp_no": EMP9, "pnu": PNU}


def _specs() -> dict[str, dict[str, list[tuple[str, str, str | None]]]]:
    return {name: {t.name: [(c.name, _KINDS[c.type], c.party_type) for c in t.columns] for t in s.tables}
            for name, s in interfaces.database_systems().items()}


#: source table -> [(source column, kind, party-type column for a party id)] in the spec's column order,
#: from the interface catalog. A PERSON column, or a TEXT column with a party-type column, adds its
#: ``<column>_status`` after it.
SPECS: dict[str, dict[str, list[tuple[str, str, str | None]]]] = _specs()

#: Integer columns whose staging type is narrower than bigint (their legacy type: int, smallint).
_INT_LIMITS = {c.name: c.int_limit for s in interfaces.database_systems().values() for t in s.tables
               for c in t.columns if c.type == "int" and c.int_limit is not None}
_AREA_LIMIT = Decimal(10) ** 10  # numeric(12,2)


def _spec(system: str, table: str) -> list[tuple[str, str, str | None]]:
    try:
        return SPECS[system][table]
    except KeyError:
        raise KeyError(f"{system}.{table} is not a legacy table the pipeline reads") from None


def source_columns(system: str, table: str) -> list[str]:
    """The columns to SELECT from the legacy table, in the spec's order (the order ``normalise`` expects)."""
    return [c for c, _, _ in _spec(system, table)]


def staging_columns(system: str, table: str) -> list[str]:
    """The staging table's columns after ``batch_id``, in DDL order: the order of ``normalise``'s values."""
    out: list[str] = []
    for col, kind, ptype in _spec(system, table):
        out.append(col)
        if kind == PERSON or ptype is not None:
            out.append(f"{col}_status")
    return out


@lru_cache(maxsize=8)
def _parties(ref_date: dt.date, key: bytes | None, _env: str | None) -> Parties:
    return Parties(ref_date, key if key is not None else config.pseudonym_key())


def _text(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _int(v: Any, col: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool):
        raise ParseError("unparseable_number", f"{col} is a boolean")
    if isinstance(v, int):
        n = v
    elif isinstance(v, Decimal):
        if not v.is_finite() or v != v.to_integral_value():
            raise ParseError("unparseable_number", f"{col} {v} is not a whole number")
        n = int(v)
    else:
        s = str(v).strip()
        if not s:
            return None
        digits = s[1:] if s[:1] == "-" else s
        if not (digits.isascii() and digits.isdigit()):
            raise ParseError("unparseable_number", f"{col} {s!r} is not a whole number")
        n = int(s)
    if abs(n) >= _INT_LIMITS.get(col, MAX_BIGINT):
        raise ParseError("unparseable_number", f"{col} {n} is out of range")
    return n


def _num(v: Any, col: str) -> Decimal | None:
    if v is None:
        return None
    try:
        d = v if isinstance(v, Decimal) else Decimal(str(v).strip())
    except ArithmeticError:
        raise ParseError("unparseable_number", f"{col} {v!r} is not a number") from None
    if not d.is_finite() or abs(d) >= _AREA_LIMIT:
        raise ParseError("unparseable_number", f"{col} {v!r} is out of range")
    return d


def _date(v: Any, col: str) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise ParseError("unparseable_date", f"{col} {s!r} is not a date") from None


def _ts(v: Any, col: str) -> dt.datetime | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    s = str(v).strip()
    if not s:
        return None
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        raise ParseError("unparseable_date", f"{col} {s!r} is not a timestamp") from None


def _emp9(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, int | Decimal) and not isinstance(v, bool):
        return str(int(v)).zfill(9) if v >= 0 else str(v)
    s = str(v).strip()
    if not s:
        return None
    return s.zfill(9) if s.isascii() and s.isdigit() and len(s) < 9 else s


def _free(v: Any, key: bytes) -> str | None:
    s = _text(v)
    if s is None:
        return None
    return privacy.scrub_text(s, key) if privacy.RRN_SHAPED.search(s) else s


def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, str | int | float | bool):
        return v
    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    return str(v)


_CONVERT: dict[str, Callable[[Any, str], Any]] = {INT: _int, NUM: _num, DATE: _date, TS: _ts}


def normalise(system: str, table: str, record: tuple[Any, ...], ref_date: dt.date,
              key: bytes | None = None, *, with_record: bool = True) -> Row | Reject:
    """One legacy row (values in ``source_columns`` order) -> a Row in ``staging_columns`` order, or a Reject.

    ``ref_date`` is the run's date D (the reference for "a birth date not in
    the future"). ``line_no`` is 0: the engine numbers rows. The record kept
    for quarantine is the source row as JSON, RRNs replaced by pseudonyms
    (:func:`record_json`); with ``with_record=False`` a Row carries an empty
    record (the loader builds it only for a row it quarantines), a Reject
    always carries it.
    """
    spec = _spec(system, table)
    if len(record) != len(spec):
        raise ValueError(f"{system}.{table}: {len(record)} values, expected {len(spec)} ({source_columns(system, table)})")
    parties = _parties(ref_date, key, None if key is not None else os.environ.get("CHEONGBAEK_PSEUDONYM_KEY"))
    k = parties.key
    assert k is not None
    values: list[Any] = []
    error: ParseError | None = None
    for (col, kind, ptype_col), v in zip(spec, record, strict=True):
        if kind == PERSON or ptype_col is not None:
            ptype = "1" if kind == PERSON else _text(record[_position(system, table, ptype_col)])
            values.extend(parties.get(ptype, None if v is None else str(v)))
        elif kind == TEXT:
            values.append(_text(v))
        elif kind == FREE:
            values.append(_free(v, k))
        elif kind == BRN:
            t = _text(v)
            values.append(privacy.brn_digits(t) if t is not None else None)
        elif kind == EMP9:
            values.append(_emp9(v))
        elif kind == PNU:
            t = _text(v)
            values.append(pnu_value(t) if t is not None else None)
        else:
            try:
                values.append(_CONVERT[kind](v, col))
            except ParseError as e:
                error = error or e
                values.append(None)
    if error is not None:
        return Reject(0, error.reason, error.detail, record_json(system, table, record, ref_date, key))
    return Row(0, tuple(values), record_json(system, table, record, ref_date, key) if with_record else "")


@lru_cache(maxsize=256)
def _position(system: str, table: str, col: str) -> int:
    return [c for c, _, _ in _spec(system, table)].index(col)


def record_json(system: str, table: str, record: tuple[Any, ...], ref_date: dt.date, key: bytes | None = None) -> str:
    """The source row as JSON for quarantine: party identifiers as their pseudonyms, RRN-shaped text scrubbed."""
    spec = _spec(system, table)
    parties = _parties(ref_date, key, None if key is not None else os.environ.get("CHEONGBAEK_PSEUDONYM_KEY"))
    k = parties.key
    assert k is not None
    shown: dict[str, Any] = {}
    for (col, kind, ptype_col), v in zip(spec, record, strict=True):
        shown[col] = _jsonable(v)
        if kind == PERSON or ptype_col is not None:
            ptype = "1" if kind == PERSON else _text(record[_position(system, table, ptype_col)])
            pid, _status = parties.get(ptype, None if v is None else str(v))
            if pid is not None and pid.startswith(privacy.PSEUDONYM_PREFIX):
                shown[col] = pid
            continue
        if isinstance(v, str) and privacy.RRN_SHAPED.search(v):
            shown[col] = privacy.scrub_text(v, k)
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"))
