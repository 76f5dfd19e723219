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
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from cheongbaek.ingest.parsers import layouts, tax
from cheongbaek.ingest.parsers.tabular import Layout, read_csv, read_jsonl
from cheongbaek.ingest.records import ParsedFile


@dataclass(frozen=True)
class FileKind:
    """A kind of delivered file: its system, its name pattern (fnmatch, case-sensitive) and its staging table."""

    system: str
    pattern: str
    table: str


FILE_KINDS: dict[str, list[FileKind]] = {
    "tax": [FileKind("tax", "TAXASMT_*.dat", "tax_assessment")],
    "duties": [FileKind("duties", "DUTY_*.csv", "duty")],
    "hr": [
        FileKind("hr", "HR_DEPT.csv", "hr_dept"),
        FileKind("hr", "HR_EMP.csv", "hr_emp"),
        FileKind("hr", "HR_PAY_*.csv", "hr_pay"),
    ],
    "construction": [
        FileKind("construction", "bld_permit.jsonl", "bld_permit"),
        FileKind("construction", "bld_useapr.jsonl", "bld_useapr"),
        FileKind("construction", "bld_violation.jsonl", "bld_violation"),
    ],
    "realestate": [
        FileKind("realestate", "RE_PARCEL_*.csv", "re_parcel"),
        FileKind("realestate", "RE_TRANSFER_*.csv", "re_transfer"),
        FileKind("realestate", "RE_REALNAME_VIOL_*.csv", "re_realname_viol"),
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
        if fnmatchcase(filename, kind.pattern):
            return kind
    return None


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
