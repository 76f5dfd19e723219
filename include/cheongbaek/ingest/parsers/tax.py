"""Local tax assessments: fixed-width CP949, 200-byte records, H header / D details / T trailer.

Why bytes: positions are CP949 byte positions and a Hangul syllable takes two
bytes, so every field is cut from the raw bytes (a name may end exactly at
byte 76) and only the 40-byte name is decoded as CP949; the rest must be
ASCII. Each line is also decoded whole once, strictly: a byte sequence that
is not CP949 anywhere makes the whole file corrupt, and the decoded line is
the record kept for quarantine (its party id pseudonymised).

The trailer describes the file as written: every physical D line counts,
malformed or not, and its tax_amt field is added as it reads (a field that
does not read as a number adds nothing). A mismatch, like a missing header or
trailer, fails the whole file while streaming (the loader's transaction then
loads nothing of it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cheongbaek import interfaces, privacy
from cheongbaek.ingest.parsers.common import Context, ParseError, integer, pnu_value, scrub_reject
from cheongbaek.ingest.records import CorruptFileError, ParsedFile, Reject, Row, open_delivered

TABLE = "tax_assessment"


@dataclass(frozen=True)
class _Positions:
    """The catalog's byte positions as the slices the hot loop cuts (computed once per catalog entry).

    Only the name field may hold multi-byte CP949, so every field after it is
    cut from the decoded line's ASCII ``tail`` (the bytes after the name, one
    character each) and every field before it from the line's start.
    """

    spec: interfaces.FileSpec
    record_bytes: int
    header_type: bytes
    detail_type: bytes
    trailer_type: bytes
    count: slice
    total: slice
    amount: slice  # in the raw bytes: the field the trailer sums
    asmt_no: slice
    item: slice
    ptype: int
    party: slice  # party type and id
    pid: slice
    name: slice
    tail_len: int
    t_pnu: slice  # the rest: in the tail
    t_base: slice
    t_amt: slice
    t_dates: tuple[tuple[slice, str], ...]
    t_status: slice
    t_dept: slice
    t_filler: int

    @classmethod
    def of(cls, spec: interfaces.FileSpec) -> _Positions:
        f = spec.field
        name = f("party_nm").slice
        rec = spec.record_bytes or 0

        def tail(n: str) -> slice:
            s = f(n).slice
            return slice(s.start - name.stop, s.stop - name.stop)

        last = max(x.slice.stop for x in spec.fields)
        return cls(
            spec=spec, record_bytes=rec,
            header_type=(spec.framing("header", "record_type").value or "").encode("ascii"),
            detail_type=(spec.detail_record_type or "").encode("ascii"),
            trailer_type=(spec.framing("trailer", "record_type").value or "").encode("ascii"),
            count=spec.framing("trailer", "count").slice, total=spec.framing("trailer", "amount_sum").slice,
            amount=f("tax_amt").slice, asmt_no=f("asmt_no").slice, item=f("tax_item_cd").slice,
            ptype=f("party_type").slice.start, party=slice(f("party_type").slice.start, f("party_id").slice.stop),
            pid=f("party_id").slice, name=name, tail_len=rec - name.stop,
            t_pnu=tail("pnu"), t_base=tail("tax_base_amt"), t_amt=tail("tax_amt"),
            t_dates=tuple((tail(n), n) for n in ("cause_dt", "asmt_dt", "due_dt", "paid_dt")),
            t_status=tail("status_cd"), t_dept=tail("dept_cd"), t_filler=last - name.stop,
        )


_POSITIONS: dict[int, _Positions] = {}


def _positions(spec: interfaces.FileSpec | None) -> _Positions:
    spec = spec or interfaces.file_spec(TABLE)
    hit = _POSITIONS.get(id(spec))
    if hit is None or hit.spec is not spec:
        hit = _POSITIONS[id(spec)] = _Positions.of(spec)
    return hit


def parse(path: Path, delivery_date: dt.date, key: bytes | None = None,
          spec: interfaces.FileSpec | None = None) -> ParsedFile:
    """Open a TAXASMT file: the header is checked now, details and trailer while streaming."""
    pos = _positions(spec)
    encoding = pos.spec.encoding
    f = open_delivered(path)
    try:
        first = _strip_eol(f.readline())
        if first[:1] != pos.header_type:
            raise CorruptFileError(path, f"missing header record (first line does not start with {pos.header_type.decode()!r})")
        try:
            first.decode(encoding)
        except UnicodeDecodeError as e:
            raise CorruptFileError(path, f"line 1: bytes not valid {encoding} at byte {e.start + 1}") from None
    except BaseException:
        f.close()
        raise
    return ParsedFile(path=path, table=pos.spec.table, columns=pos.spec.staging_columns,
                      items=_items(path, f, delivery_date, key, pos))


def _strip_eol(raw: bytes) -> bytes:
    if raw[-1:] == b"\n":
        raw = raw[:-1]
        if raw[-1:] == b"\r":
            raw = raw[:-1]
    return raw


def _amount_as_read(field: bytes) -> int:
    """A tax_amt field as the trailer's producer added it; unreadable -> 0."""
    neg = field[:1] == b"-"
    digits = (field[1:] if neg else field).strip()
    if not digits.isdigit():
        return 0
    return -int(digits) if neg else int(digits)


def _items(path: Path, f: IO[bytes], delivery_date: dt.date, key: bytes | None,
           pos: _Positions) -> Iterator[Row | Reject]:
    ctx = Context(delivery_date, key)
    detail = _detail_parser(ctx, pos)
    encoding = pos.spec.encoding
    d_type, t_type, amount_at = pos.detail_type, pos.trailer_type, pos.amount
    types = f"{pos.header_type.decode()}, {d_type.decode()} or {t_type.decode()}"
    count = 0
    total = 0
    trailer: bytes | None = None
    line_no = 1
    try:
        for raw_line in f:
            line_no += 1
            if raw_line[-1:] == b"\n":
                raw = raw_line[:-2] if raw_line[-2:-1] == b"\r" else raw_line[:-1]
            else:
                raw = raw_line
            if trailer is not None:
                if raw.strip():
                    raise CorruptFileError(path, f"line {line_no}: a record after the trailer")
                continue
            try:
                txt = raw.decode(encoding)
            except UnicodeDecodeError as e:
                raise CorruptFileError(path, f"line {line_no}: bytes not valid {encoding} at byte {e.start + 1}"
                                       ) from None
            kind = raw[:1]
            if kind == d_type:
                count += 1
                amount = raw[amount_at]
                total += int(amount) if amount.isdigit() else _amount_as_read(amount)
                yield detail(raw, txt, line_no)
            elif kind == t_type:
                trailer = raw
            elif raw.strip():
                yield Reject(line_no, "unknown_record_type", f"record type {txt[:1]!r} is not {types}",
                             _reject_record(raw, txt, key, pos))
    finally:
        f.close()
    if trailer is None:
        raise CorruptFileError(path, f"missing trailer record ({t_type.decode()})")
    if pos.record_bytes and len(trailer) != pos.record_bytes:  # a cut trailer cannot vouch for the file
        raise CorruptFileError(path, f"trailer record of {len(trailer)} bytes, not {pos.record_bytes}")
    t_count, t_sum = trailer[pos.count], trailer[pos.total].strip()
    if not t_count.isdigit():
        raise CorruptFileError(path, f"trailer count {t_count!r} is not a number")
    neg = t_sum[:1] == b"-"
    if not (t_sum[1:] if neg else t_sum).isdigit():
        raise CorruptFileError(path, f"trailer sum {t_sum!r} is not a number")
    want_count = int(t_count)
    want_sum = -int(t_sum[1:]) if neg else int(t_sum)
    if want_count != count or want_sum != total:
        raise CorruptFileError(path, f"trailer mismatch: trailer says {want_count} detail records summing "
                                     f"{want_sum}, the file has {count} summing {total}")


_DIGIT_RUN = re.compile(r"[0-9]{13,}")


def _reject_record(raw: bytes, txt: str, key: bytes | None, pos: _Positions) -> str:
    """A malformed line's text with its party id pseudonymised, valid or not.

    The id at bytes 24-36 follows the party-type digit, so no RRN pattern
    with digit boundaries sees it: it is replaced by position when the line
    starts as the layout says, and otherwise every run of 13 or more digits
    goes (privacy wins over fidelity on a line that is broken anyway).
    """
    pid_at, name_start = pos.pid, pos.name.start
    head = raw[:name_start]
    if len(head) == name_start and head.isascii():
        field = txt[pid_at].strip()
        if field and not privacy.is_valid_brn(field):
            pseudo = privacy.pseudonym(privacy.rrn_digits(field) or field, key)
            txt = txt[:pid_at.start] + pseudo + txt[pid_at.stop:]
            cut = pid_at.start + len(pseudo)
            return txt[:cut] + scrub_reject(txt[cut:], key)
        return scrub_reject(txt, key)
    return _DIGIT_RUN.sub(lambda m: privacy.pseudonym(m.group(0), key), scrub_reject(txt, key))


def _detail_parser(ctx: Context, pos: _Positions) -> Callable[[bytes, str, int], Row | Reject]:
    """A D-line parser with the file's caches and the catalog's positions bound as locals (the hot loop).

    Fast paths, each falling back to the general rule: ASCII checks on bytes
    instead of decoding the ASCII parts, a dictionary of the distinct date
    fields seen, ``isdigit`` before ``int``, and the RRN pattern searched only
    where free text can hold one (asmt_no, name, filler); any hit sends the
    whole line through ``privacy.scrub_text``.
    """
    key = ctx.key
    parties = ctx.parties.get
    spec = pos.spec
    encoding = spec.encoding
    record_bytes = pos.record_bytes
    null_date = spec.field("paid_dt").null_value or ""
    dates: dict[str, dt.date | None] = {null_date: None, " " * len(null_date): None}
    dget = dates.get
    ymd = ctx.dates.ymd
    search = privacy.RRN_SHAPED.search
    scrub = privacy.scrub_text
    prefix = privacy.PSEUDONYM_PREFIX
    missing = object()
    pcache: dict[str, tuple[str | None, str | None]] = {}
    pcache_get = pcache.get
    name_at, name_start, name_stop, tail_len = pos.name, pos.name.start, pos.name.stop, pos.tail_len
    asmt_no_at, item_at, ptype_at, party_at, pid_at = pos.asmt_no, pos.item, pos.ptype, pos.party, pos.pid
    pid_start, pid_stop = pid_at.start, pid_at.stop
    pnu_at, base_at, amt_at, status_at, dept_at, filler = (pos.t_pnu, pos.t_base, pos.t_amt, pos.t_status,
                                                          pos.t_dept, pos.t_filler)
    (d1_at, d1_n), (d2_at, d2_n), (d3_at, d3_n), (d4_at, d4_n) = pos.t_dates
    blank_pnu = " " * (pnu_at.stop - pnu_at.start)

    def date(v: str, field: str) -> dt.date | None:
        d = dget(v, missing)
        if d is missing:
            d = ymd(v, field)  # raises ParseError for what is not a date
            dates[v] = d
        return d  # type: ignore[return-value]

    def parse(raw: bytes, txt: str, line_no: int) -> Row | Reject:
        if len(raw) != record_bytes:
            return Reject(line_no, "wrong_length", f"detail record of {len(raw)} bytes, not {record_bytes}",
                          _reject_record(raw, txt, key, pos))
        try:
            if not (raw[:name_start].isascii() and raw[name_stop:].isascii()):
                raise UnicodeDecodeError(encoding, raw, 0, 1, "non-ASCII outside the name")
            name = raw[name_at].decode(encoding)
        except UnicodeDecodeError:
            return Reject(line_no, "wrong_layout", "a field is not where the layout puts it (non-ASCII outside "
                          "the name, or a Hangul syllable split at a field boundary)",
                          _reject_record(raw, txt, key, pos))
        tail = txt[-tail_len:]
        party_type = txt[ptype_at]
        party = txt[party_at]
        hit = pcache_get(party)
        if hit is None:
            hit = pcache[party] = parties(party_type, txt[pid_at])
            if len(pcache) > _PARTY_CACHE:
                pcache.clear()
        pid, status = hit
        nm = name.strip() or None
        suspicious = search(txt, 0, pid_start) or (nm is not None and search(nm)) or (
            tail[filler:].strip() and search(tail, filler))
        if nm is not None and search(nm):
            nm = scrub(nm, key)
        if pid is not None and pid.startswith(prefix):
            rest = txt[pid_stop:]
            record = txt[:pid_start] + pid + (scrub(rest, key) if suspicious else rest)
            if suspicious:
                record = scrub(txt[:pid_start], key) + record[pid_start:]
        else:
            record = scrub(txt, key) if suspicious else txt
        base = tail[base_at]
        amt = tail[amt_at]
        pnu = tail[pnu_at]
        try:
            values = (
                txt[asmt_no_at].strip(),
                txt[item_at].strip(),
                party_type.strip(),
                pid,
                status,
                nm,
                None if pnu == blank_pnu else pnu if pnu.isdigit() else pnu_value(pnu),
                int(base) if base.isdigit() else integer(base, "tax_base_amt"),
                int(amt) if amt.isdigit() else (-int(amt[1:]) if amt[:1] == "-" and amt[1:].isdigit()
                                                else integer(amt, "tax_amt")),
                d1 if (d1 := dget(tail[d1_at], missing)) is not missing else date(tail[d1_at], d1_n),
                d2 if (d2 := dget(tail[d2_at], missing)) is not missing else date(tail[d2_at], d2_n),
                d3 if (d3 := dget(tail[d3_at], missing)) is not missing else date(tail[d3_at], d3_n),
                d4 if (d4 := dget(tail[d4_at], missing)) is not missing else date(tail[d4_at], d4_n),
                tail[status_at].strip(),
                tail[dept_at].strip() or None,
            )
        except ParseError as e:
            return Reject(line_no, e.reason, e.detail, record)
        return new_row(line_no, values, record)

    return parse


_PARTY_CACHE = 200_000
_row_new = Row.__new__


def new_row(line_no: int, values: tuple[object, ...], record: str) -> Row:
    """A Row without the frozen dataclass' per-field ``object.__setattr__`` (half the cost, same object).

    Equal to ``Row(line_no, values, record)`` in every respect (fields,
    equality, hash); the tax loop makes hundreds of thousands of them.
    """
    row = _row_new(Row)
    d = row.__dict__
    d["line_no"] = line_no
    d["values"] = values
    d["record"] = record
    return row
