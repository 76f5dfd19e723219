"""Parsers of the five file systems of legacy-interfaces.md: one delivered file -> typed staging rows.

The loading engine asks :func:`kind_for` which staging table a file of a day
folder feeds (None: an unknown file, which it reports) and streams
:func:`parse_file`'s items. Every parser:

- streams (never reads a whole file into memory) and numbers rows by their
  physical line (the header, where there is one, is line 1);
- replaces every RRN by its keyed pseudonym in the first step that reads it,
  in the typed values and in the record text kept for quarantine;
- rejects only what cannot be typed (wrong length, unparseable date or
  number), and passes invalid ids (status 'invalid'), out-of-list codes and
  PNUs that are not 19 digits on, so the expectation suites quarantine them;
- raises :class:`~cheongbaek.ingest.records.CorruptFileError` for what makes
  the file as a whole untrustworthy (bad encoding, trailer mismatch, missing
  header/trailer, a header lacking a required column).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from cheongbaek.ingest.parsers import layouts, tax
from cheongbaek.ingest.parsers.tabular import Layout, read_csv, read_jsonl
from cheongbaek.ingest.records import ParsedFile


@dataclass(frozen=True)
class FileKind:
    """A kind of delivered file: its system, its name pattern and its staging table.

    The pattern is the interface page's name with ``<YYYYMMDD>`` written as
    ``YYYYMMDD`` (``YYYYMM`` for a month): only those digits stand in for
    it, so ``DUTY_20250312 (1).csv`` or ``TAXASMT_2025 03 11.dat`` beside a
    delivery are unknown files, reported and left alone, not loaded twice.
    """

    system: str
    pattern: str
    table: str


FILE_KINDS: dict[str, list[FileKind]] = {
    "tax": [FileKind("tax", "TAXASMT_YYYYMMDD.dat", "tax_assessment")],
    "duties": [FileKind("duties", "DUTY_YYYYMMDD.csv", "duty")],
    "hr": [
        FileKind("hr", "HR_DEPT.csv", "hr_dept"),
        FileKind("hr", "HR_EMP.csv", "hr_emp"),
        FileKind("hr", "HR_PAY_YYYYMM.csv", "hr_pay"),
    ],
    "construction": [
        FileKind("construction", "bld_permit.jsonl", "bld_permit"),
        FileKind("construction", "bld_useapr.jsonl", "bld_useapr"),
        FileKind("construction", "bld_violation.jsonl", "bld_violation"),
    ],
    "realestate": [
        FileKind("realestate", "RE_PARCEL_YYYYMMDD.csv", "re_parcel"),
        FileKind("realestate", "RE_TRANSFER_YYYYMMDD.csv", "re_transfer"),
        FileKind("realestate", "RE_REALNAME_VIOL_YYYYMMDD.csv", "re_realname_viol"),
    ],
}

#: staging table -> (layout, encoding) of the CSV and JSON Lines kinds ("jsonl" for JSON Lines).
_TABULAR: dict[str, tuple[Layout, str]] = {
    "duty": (layouts.DUTY, "cp949"),
    "hr_dept": (layouts.HR_DEPT, "utf-8-sig"),
    "hr_emp": (layouts.HR_EMP, "utf-8-sig"),
    "hr_pay": (layouts.HR_PAY, "utf-8-sig"),
    "bld_permit": (layouts.BLD_PERMIT, "jsonl"),
    "bld_useapr": (layouts.BLD_USEAPR, "jsonl"),
    "bld_violation": (layouts.BLD_VIOLATION, "jsonl"),
    "re_parcel": (layouts.RE_PARCEL, "cp949"),
    "re_transfer": (layouts.RE_TRANSFER, "cp949"),
    "re_realname_viol": (layouts.RE_REALNAME_VIOL, "cp949"),
}


def kind_for(system: str, filename: str) -> FileKind | None:
    """The kind of a file of ``system``'s day folder by its name; None for a file the system does not deliver."""
    for kind in FILE_KINDS.get(system, []):
        if _name_regex(kind.pattern).fullmatch(filename):
            return kind
    return None


def _name_regex(pattern: str) -> re.Pattern[str]:
    """``YYYYMMDD`` -> 8 digits, ``YYYYMM`` -> 6 digits, everything else literal (case-sensitive)."""
    rx = _REGEX.get(pattern)
    if rx is None:
        text = re.escape(pattern).replace("YYYYMMDD", "[0-9]{8}").replace("YYYYMM", "[0-9]{6}")
        rx = _REGEX[pattern] = re.compile(text)
    return rx


_REGEX: dict[str, re.Pattern[str]] = {}


def parse_file(system: str, path: Path, delivery_date: dt.date, key: bytes | None = None) -> ParsedFile:
    """Parse one delivered file as of its delivery date (the reference date of RRN checks).

    ``key`` is the pseudonym key (None: the configured one). Raises
    CorruptFileError now (unreadable header, missing column) or while the
    items stream (bad bytes, trailer mismatch); ValueError for a file name
    the system does not deliver.
    """
    path = Path(path)
    kind = kind_for(system, path.name)
    if kind is None:
        raise ValueError(f"{system} delivers no file named {path.name}")
    if kind.table == tax.TABLE:
        return tax.parse(path, delivery_date, key)
    layout, encoding = _TABULAR[kind.table]
    if encoding == "jsonl":
        return read_jsonl(path, layout, delivery_date, key)
    return read_csv(path, layout, encoding, delivery_date, key)


__all__ = ["FILE_KINDS", "FileKind", "kind_for", "parse_file"]
