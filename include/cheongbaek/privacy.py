"""Identifier rules and privacy at the door.

RRNs are classified exactly as ``legacy-interfaces.md`` says (stdnum's own
``validate`` is deliberately not used: it is stricter and looser in places)
and replaced by a keyed pseudonym in the first step that reads them, so no
raw RRN ever reaches a table, a log or an XCom.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from functools import lru_cache

from stdnum.kr import brn as _brn
from stdnum.kr import rrn as _rrn

from cheongbaek import config

RRN_VALID = "valid"
RRN_UNVERIFIABLE = "unverifiable"
RRN_INVALID = "invalid"
BRN_STATUS = "brn"

#: Anything that looks like an RRN inside free text (memo, address, raw record).
RRN_SHAPED = re.compile(r"(?<!\d)(\d{6})-?([1-8]\d{6})(?!\d)")
PSEUDONYM_PREFIX = "p_"

_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}
_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def rrn_digits(value: str) -> str | None:
    """The 13 digits of ``YYMMDDSNNNNNC`` or ``YYMMDD-SNNNNNC``, else None."""
    value = value.strip()
    if len(value) == 14 and value[6] == "-":
        value = value[:6] + value[7:]
    if len(value) == 13 and value.isascii() and value.isdigit():
        return value
    return None


def classify_rrn(value: str, today: dt.date) -> str:
    """'valid', 'unverifiable' (well-formed, wrong check digit) or 'invalid'.

    ``today`` is the reference date for "not in the future" (the delivery's
    date, never the wall clock, so reruns classify the same way).
    """
    digits = rrn_digits(value)
    if digits is None:
        return RRN_INVALID
    century = _CENTURY.get(digits[6])
    if century is None:
        return RRN_INVALID
    try:
        birth = dt.date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return RRN_INVALID
    if birth > today:
        return RRN_INVALID
    if _rrn.calc_check_digit(digits[:-1]) != digits[-1]:
        return RRN_UNVERIFIABLE
    return RRN_VALID


def brn_digits(value: str) -> str:
    return value.strip().replace("-", "")


def is_valid_brn(value: str) -> bool:
    """stdnum's format rules plus the National Tax Service check digit."""
    digits = brn_digits(value)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    if not _brn.is_valid(digits):
        return False
    s = sum(w * int(d) for w, d in zip(_BRN_WEIGHTS, digits[:9])) + (5 * int(digits[8])) // 10
    return (10 - s % 10) % 10 == int(digits[9])


def brn_check_digit(first9: str) -> str:
    """The NTS check digit for nine digits (used by the simulator)."""
    s = sum(w * int(d) for w, d in zip(_BRN_WEIGHTS, first9)) + (5 * int(first9[8])) // 10
    return str((10 - s % 10) % 10)


@lru_cache(maxsize=4)
def _key(raw: bytes) -> bytes:
    return raw


def pseudonym(digits: str, key: bytes | None = None) -> str:
    """Keyed, deterministic pseudonym of an RRN's 13 digits.

    HMAC-SHA256 with ``CHEONGBAEK_PSEUDONYM_KEY``: the same person links across
    systems, and nobody without the key can test a guessed number.
    """
    k = key if key is not None else _key(config.pseudonym_key())
    return PSEUDONYM_PREFIX + hmac.new(k, digits.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def party_id(party_type: str, value: str, today: dt.date, key: bytes | None = None) -> tuple[str, str]:
    """Normalise a party id: (id, status).

    Persons (type 1) get their pseudonym and 'valid'/'unverifiable'; an invalid
    RRN still gets a pseudonym (for the quarantined record) with status
    'invalid'. Businesses (type 2) get BRN digits and 'brn' or 'invalid'.
    """
    if party_type == "1":
        status = classify_rrn(value, today)
        digits = rrn_digits(value) or value.strip()
        return pseudonym(digits, key), status
    if party_type == "2":
        digits = brn_digits(value)
        return digits, BRN_STATUS if is_valid_brn(digits) else RRN_INVALID
    return value.strip(), RRN_INVALID


def scrub_text(text: str, key: bytes | None = None) -> str:
    """Replace every RRN-shaped value in free text by its pseudonym."""
    return RRN_SHAPED.sub(lambda m: pseudonym(m.group(1) + m.group(2), key), text)


def mask_name(name: str) -> str:
    """Mask a person's name as disclosure.md says: first and last kept."""
    n = len(name)
    if n == 0:
        return name
    if n == 1:
        return "*"
    if n == 2:
        return name[0] + "*"
    return name[0] + "*" * (n - 2) + name[-1]
