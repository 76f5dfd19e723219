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
from pathlib import Path
from typing import BinaryIO

from cheongbaek import privacy
from cheongbaek.ingest.parsers.common import Context, ParseError, integer, pnu_value, scrub_reject
from cheongbaek.ingest.records import CorruptFileError, ParsedFile, Reject, Row, open_delivered

TABLE = "tax_assessment"
COLUMNS = ["asmt_no", "tax_item_cd", "party_type", "party_id", "party_id_status", "party_nm", "pnu",
           "tax_base_amt", "tax_amt", "cause_dt", "asmt_dt", "due_dt", "paid_dt", "status_cd", "dept_cd"]
RECORD_BYTES = 200
ENCODING = "cp949"


def parse(path: Path, delivery_date: dt.date, key: bytes | None = None) -> ParsedFile:
    """Open a TAXASMT file: the header is checked now, details and trailer while streaming."""
    f = open_delivered(path)
    try:
        first = _strip_eol(f.readline())
        if first[:1] != b"H":
            raise CorruptFileError(path, "missing header record (first line does not start with 'H')")
        try:
            first.decode(ENCODING)
        except UnicodeDecodeError as e:
            raise CorruptFileError(path, f"line 1: bytes not valid {ENCODING} at byte {e.start + 1}") from None
    except BaseException:
        f.close()
        raise
    return ParsedFile(path=path, table=TABLE, columns=list(COLUMNS), items=_items(path, f, delivery_date, key))


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


def _items(path: Path, f: BinaryIO, delivery_date: dt.date, key: bytes | None) -> Iterator[Row | Reject]:
    ctx = Context(delivery_date, key)
    detail = _detail_parser(ctx)
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
                txt = raw.decode(ENCODING)
            except UnicodeDecodeError as e:
                raise CorruptFileError(path, f"line {line_no}: bytes not valid {ENCODING} at byte {e.start + 1}"
                                       ) from None
            kind = raw[:1]
            if kind == b"D":
                count += 1
                amount = raw[110:125]
                total += int(amount) if amount.isdigit() else _amount_as_read(amount)
                yield detail(raw, txt, line_no)
            elif kind == b"T":
                trailer = raw
            elif raw.strip():
                yield Reject(line_no, "unknown_record_type", f"record type {txt[:1]!r} is not H, D or T",
                             _reject_record(raw, txt, key))
    finally:
        f.close()
    if trailer is None:
        raise CorruptFileError(path, "missing trailer record (T)")
    t_count, t_sum = trailer[1:10], trailer[10:28].strip()
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


def _reject_record(raw: bytes, txt: str, key: bytes | None) -> str:
    """A malformed line's text with its party id pseudonymised, valid or not.

    The id at bytes 24-36 follows the party-type digit, so no RRN pattern
    with digit boundaries sees it: it is replaced by position when the line
    starts as the layout says, and otherwise every run of 13 or more digits
    goes (privacy wins over fidelity on a line that is broken anyway).
    """
    head = raw[:36]
    if len(head) == 36 and head.isascii():
        field = txt[23:36].strip()
        if field and not privacy.is_valid_brn(field):
            txt = txt[:23] + privacy.pseudonym(privacy.rrn_digits(field) or field, key) + txt[36:]
            return txt[:57] + scrub_reject(txt[57:], key)
        return scrub_reject(txt, key)
    return _DIGIT_RUN.sub(lambda m: privacy.pseudonym(m.group(0), key), scrub_reject(txt, key))


def _detail_parser(ctx: Context) -> Callable[[bytes, str, int], Row | Reject]:
    """A D-line parser with the file's caches bound as locals (this is the hot loop of the tax system).

    Fast paths, each falling back to the general rule: ASCII checks on bytes
    instead of decoding the ASCII parts, a dictionary of the distinct date
    fields seen, ``isdigit`` before ``int``, and the RRN pattern searched only
    where free text can hold one (asmt_no, name, filler); any hit sends the
    whole line through ``privacy.scrub_text``.
    """
    key = ctx.key
    parties = ctx.parties.get
    dates: dict[str, dt.date | None] = {"00000000": None, "        ": None}
    dget = dates.get
    ymd = ctx.dates.ymd
    search = privacy.RRN_SHAPED.search
    scrub = privacy.scrub_text
    prefix = privacy.PSEUDONYM_PREFIX
    missing = object()
    pcache: dict[str, tuple[str | None, str | None]] = {}
    pcache_get = pcache.get

    def date(v: str, field: str) -> dt.date | None:
        d = dget(v, missing)
        if d is missing:
            d = ymd(v, field)  # raises ParseError for what is not a date
            dates[v] = d
        return d  # type: ignore[return-value]

    def parse(raw: bytes, txt: str, line_no: int) -> Row | Reject:
        if len(raw) != RECORD_BYTES:
            return Reject(line_no, "wrong_length", f"detail record of {len(raw)} bytes, not {RECORD_BYTES}",
                          _reject_record(raw, txt, key))
        try:
            if not (raw[:36].isascii() and raw[76:].isascii()):
                raise UnicodeDecodeError(ENCODING, raw, 0, 1, "non-ASCII outside the name")
            name = raw[36:76].decode(ENCODING)
        except UnicodeDecodeError:
            return Reject(line_no, "wrong_layout", "a field is not where the layout puts it (non-ASCII outside "
                          "the name, or a Hangul syllable split at a field boundary)", _reject_record(raw, txt, key))
        tail = txt[-124:]
        party_type = txt[22]
        party = txt[22:36]
        hit = pcache_get(party)
        if hit is None:
            hit = pcache[party] = parties(party_type, txt[23:36])
            if len(pcache) > _PARTY_CACHE:
                pcache.clear()
        pid, status = hit
        nm = name.strip() or None
        suspicious = search(txt, 0, 23) or (nm is not None and search(nm)) or (
            tail[90:].strip() and search(tail, 90))
        if nm is not None and search(nm):
            nm = scrub(nm, key)
        if pid is not None and pid.startswith(prefix):
            rest = txt[36:]
            record = txt[:23] + pid + (scrub(rest, key) if suspicious else rest)
            if suspicious:
                record = scrub(txt[:23], key) + record[23:]
        else:
            record = scrub(txt, key) if suspicious else txt
        base = tail[19:34]
        amt = tail[34:49]
        pnu = tail[0:19]
        try:
            values = (
                txt[1:19].strip(),
                txt[19:22].strip(),
                party_type.strip(),
                pid,
                status,
                nm,
                None if pnu == _BLANK_PNU else pnu if pnu.isdigit() else pnu_value(pnu),
                int(base) if base.isdigit() else integer(base, "tax_base_amt"),
                int(amt) if amt.isdigit() else (-int(amt[1:]) if amt[:1] == "-" and amt[1:].isdigit()
                                                else integer(amt, "tax_amt")),
                d1 if (d1 := dget(tail[49:57], missing)) is not missing else date(tail[49:57], "cause_dt"),
                d2 if (d2 := dget(tail[57:65], missing)) is not missing else date(tail[57:65], "asmt_dt"),
                d3 if (d3 := dget(tail[65:73], missing)) is not missing else date(tail[65:73], "due_dt"),
                d4 if (d4 := dget(tail[73:81], missing)) is not missing else date(tail[73:81], "paid_dt"),
                tail[81:83].strip(),
                tail[83:90].strip() or None,
            )
        except ParseError as e:
            return Reject(line_no, e.reason, e.detail, record)
        return new_row(line_no, values, record)

    return parse


_BLANK_PNU = " " * 19
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
