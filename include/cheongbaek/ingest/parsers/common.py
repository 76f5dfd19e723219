"""Shared typing helpers of the file parsers (and the database row normaliser).

Why caches: a delivery repeats the same few hundred dates and the same
parties over and over; parsing a date or computing an HMAC pseudonym once per
distinct value keeps the parsers near C speed. Caches are per file (or per
reference date), bounded, and hold pseudonyms only, never a raw number
outside the process' own short-lived dictionary keys.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from cheongbaek import config, privacy
from cheongbaek.ingest import pnu as _pnu

#: Largest magnitude a staging ``bigint`` amount accepts from a parser.
MAX_BIGINT = 10**18
#: numeric(14,2) and numeric(12,2) bounds of the staging area columns.
MAX_AREA_14 = Decimal(10) ** 12
MAX_SMALLINT = 32767
_CACHE_LIMIT = 200_000


class ParseError(ValueError):
    """A value that cannot be typed; ``reason`` is the quarantine code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# ------------------------------------------------------------------ text

def text(value: str | None) -> str | None:
    """Stripped text; empty -> None."""
    if value is None:
        return None
    v = value.strip()
    return v or None


def free_text(value: str | None, key: bytes | None = None) -> str | None:
    """Names, addresses, memos: kept, but any RRN-shaped value inside is pseudonymised."""
    v = text(value)
    if v is None:
        return None
    return privacy.scrub_text(v, key) if privacy.RRN_SHAPED.search(v) else v


def emp_no(value: str | None) -> str | None:
    """Employee numbers are 9 digits everywhere; a number that lost its leading zeros gets them back."""
    v = text(value)
    if v is None:
        return None
    if v.isascii() and v.isdigit() and len(v) < 9:
        return v.zfill(9)
    return v


# ------------------------------------------------------------------ numbers

def integer(value: str | None, field: str, *, thousands: bool = False, limit: int = MAX_BIGINT) -> int | None:
    """A whole number, optionally signed ('-' first) and with thousands separators; empty -> None.

    ``int()`` alone is too lenient (it accepts '_', '+' and inner blanks), so
    digits are checked first.
    """
    if value is None:
        return None
    v = value.strip()
    if not v:
        return None
    if thousands:
        v = v.replace(",", "")
    neg = v[:1] == "-"
    digits = v[1:] if neg else v
    if not (digits.isascii() and digits.isdigit()):
        raise ParseError("unparseable_number", f"{field} {value!r} is not a whole number")
    n = int(digits)
    if n >= limit:
        raise ParseError("unparseable_number", f"{field} {value!r} is out of range")
    return -n if neg else n


_DECIMAL_OK = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def decimal(value: str | None, field: str, *, limit: Decimal = MAX_AREA_14) -> Decimal | None:
    """A decimal number written plainly ('123.45'); empty -> None."""
    if value is None:
        return None
    v = value.strip()
    if not v:
        return None
    if not _DECIMAL_OK.fullmatch(v):
        raise ParseError("unparseable_number", f"{field} {value!r} is not a decimal number")
    try:
        d = Decimal(v)
    except InvalidOperation as e:  # pragma: no cover - the pattern already excludes this
        raise ParseError("unparseable_number", f"{field} {value!r} is not a decimal number") from e
    if abs(d) >= limit:
        raise ParseError("unparseable_number", f"{field} {value!r} is out of range")
    return d


# ------------------------------------------------------------------ dates

class Dates:
    """Date and timestamp parsing with a cache (one per format) of the distinct values seen."""

    def __init__(self) -> None:
        self._caches: dict[str, dict[str, Any]] = {}

    def _get(self, fmt: str, value: str, field: str, build: Callable[[str], Any]) -> Any:
        cache = self._caches.get(fmt)
        if cache is None:
            cache = self._caches[fmt] = {}
        try:
            return cache[value]
        except KeyError:
            pass
        try:
            out = build(value)
        except (ValueError, IndexError) as e:
            raise ParseError("unparseable_date", f"{field} {value!r} is not a date ({fmt})") from e
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[value] = out
        return out

    def ymd(self, value: str | None, field: str, *, zero_is_null: bool = True) -> dt.date | None:
        """``YYYYMMDD``; blanks (and ``00000000``, the legacy "no date") -> None."""
        if value is None:
            return None
        v = value.strip()
        if not v or (zero_is_null and v == "00000000"):
            return None
        return self._get("YYYYMMDD", v, field, _ymd)

    def sep(self, value: str | None, field: str, sep: str) -> dt.date | None:
        """``YYYY-MM-DD`` (sep '-') or ``YYYY.MM.DD`` (sep '.'); empty -> None."""
        if value is None:
            return None
        v = value.strip()
        if not v:
            return None
        return self._get("YYYY" + sep + "MM" + sep + "DD", v, field, lambda s: _sep(s, sep))

    def ymdhms(self, value: str | None, field: str) -> dt.datetime | None:
        """``YYYYMMDDHHMMSS``; empty -> None."""
        if value is None:
            return None
        v = value.strip()
        if not v:
            return None
        return self._get("YYYYMMDDHHMMSS", v, field, _ymdhms)


def _ymd(s: str) -> dt.date:
    if len(s) != 8 or not (s.isascii() and s.isdigit()):
        raise ValueError(s)
    return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))


def _sep(s: str, sep: str) -> dt.date:
    if len(s) != 10 or s[4] != sep or s[7] != sep:
        raise ValueError(s)
    d = s[:4] + s[5:7] + s[8:]
    return _ymd(d)


def _ymdhms(s: str) -> dt.datetime:
    if len(s) != 14 or not (s.isascii() and s.isdigit()):
        raise ValueError(s)
    return dt.datetime(int(s[:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:]))


# ------------------------------------------------------------------ parties

class Parties:
    """Party ids as the warehouse keeps them: (id, status), persons as pseudonyms.

    Persons (type '1') get their keyed pseudonym and 'valid'/'unverifiable'/
    'invalid'; businesses (type '2') their BRN digits and 'brn' or 'invalid'.
    Whatever could be an RRN behind an unknown or wrong type is pseudonymised
    too (status 'invalid'), so no raw number ever leaves the parser. The
    expectation suites decide what an 'invalid' status means (quarantine).
    """

    def __init__(self, ref_date: dt.date, key: bytes | None = None) -> None:
        self.ref_date = ref_date
        self.key = key
        self._cache: dict[tuple[str | None, str], tuple[str, str]] = {}

    def get(self, party_type: str | None, value: str | None) -> tuple[str | None, str | None]:
        if value is None:
            return None, None
        v = value.strip()
        if not v:
            return None, None
        k = (party_type, v)
        hit = self._cache.get(k)
        if hit is not None:
            return hit
        out = self._compute(party_type, v)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[k] = out
        return out

    def person(self, value: str | None) -> tuple[str | None, str | None]:
        """A column that always holds an RRN (hr rrn, vendor rep_rrn)."""
        return self.get("1", value)

    def _compute(self, party_type: str | None, v: str) -> tuple[str, str]:
        if party_type == "1":
            return privacy.party_id("1", v, self.ref_date, self.key)
        if party_type == "2":
            ident, status = privacy.party_id("2", v, self.ref_date, self.key)
            if status == privacy.BRN_STATUS:
                return ident, status
        else:
            ident, status = v, privacy.RRN_INVALID
        digits = privacy.rrn_digits(v)
        if digits is not None or privacy.RRN_SHAPED.search(v) or _long_digit_run(v):
            return privacy.pseudonym(digits or v, self.key), privacy.RRN_INVALID
        return ident, status


def _long_digit_run(v: str) -> bool:
    """Eleven digits or more (ignoring hyphens) may be a mistyped RRN: never kept raw."""
    d = v.replace("-", "").replace(" ", "")
    return len(d) >= 11 and d.isascii() and d.isdigit()


def pseudonymise_record(record: str, replaced: list[tuple[str, str]], key: bytes | None = None) -> str:
    """The record as delivered, with every RRN-shaped value and every pseudonymised id replaced.

    ``replaced`` holds (raw value, pseudonym) of the id fields the parser
    pseudonymised; a raw value the RRN pattern does not catch (an invalid
    number) is replaced where it stands alone, so nothing else changes.
    """
    out = privacy.scrub_text(record, key) if privacy.RRN_SHAPED.search(record) else record
    for raw, pid in replaced:
        raw = raw.strip()
        if raw and raw in out:
            out = re.sub(r"(?<![0-9])" + re.escape(raw) + r"(?![0-9])", pid, out)
    return out


def pnu_value(value: str | None) -> str | None:
    """A delivered PNU normalised to 19 digits; one that cannot be is passed on as written.

    The PNU expectation (19 digits) then quarantines the record with an
    expectation as its reason, like every other out-of-rule value.
    """
    if value is None:
        return None
    try:
        return _pnu.normalise_pnu(value)
    except ValueError:
        return value.strip()


def pnu_parts_value(sigungu: str | None, bjdong: str | None, gb: str | None, bun: str | None,
                    ji: str | None) -> str | None:
    """The PNU of building-register parts; parts that make no PNU are passed on hyphen-joined.

    The hyphens guarantee the value fails the 19-digit expectation (a plain
    concatenation of wrong-length parts could look like a PNU).
    """
    try:
        return _pnu.pnu_from_parts(sigungu, bjdong, gb, bun, ji)
    except ValueError:
        return "-".join((p or "").strip() for p in (sigungu, bjdong, gb, bun, ji))


#: Anything shaped like 13 digits (hyphen after six allowed), whatever its validity.
_ANY_RRN_SHAPE = re.compile(r"(?<![0-9])([0-9]{6})-?([0-9]{7})(?![0-9])")


def scrub_reject(record: str, key: bytes | None = None) -> str:
    """A rejected record's text: its fields could not all be told apart, so every 13-digit shape goes.

    Stricter than :func:`privacy.scrub_text` (any seventh digit): a line that
    could not be parsed may hold an invalid RRN in any position.
    """
    out = privacy.scrub_text(record, key)
    return _ANY_RRN_SHAPE.sub(lambda m: privacy.pseudonym(m.group(1) + m.group(2), key), out)


class Context:
    """What a parser needs while typing one file: dates, parties and the pseudonyms it made."""

    def __init__(self, ref_date: dt.date, key: bytes | None = None) -> None:
        self.key = key if key is not None else config.pseudonym_key()  # resolved once per file
        self.dates = Dates()
        self.parties = Parties(ref_date, self.key)

    def party(self, party_type: str | None, value: str | None,
              replaced: list[tuple[str, str]]) -> tuple[str | None, str | None]:
        """(id, status) of a party; a pseudonymised raw value is noted for the record's text."""
        ident, status = self.parties.get(party_type, value)
        if ident is not None and value is not None and ident.startswith(privacy.PSEUDONYM_PREFIX):
            replaced.append((value, ident))
        return ident, status
