"""Parsers of the file systems of the interface catalog: one delivered file -> typed staging rows.

Which files a system delivers, their encoding and fields come from
:mod:`cheongbaek.interfaces`; a parser module exists per framing only (fixed
width with header and trailer: :mod:`.tax`; CSV and JSON Lines:
:mod:`.tabular` with the catalog-built :mod:`.layouts`).

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

from cheongbaek import interfaces
from cheongbaek.ingest.parsers import layouts, tax
from cheongbaek.ingest.parsers.tabular import read_csv, read_jsonl
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


def file_kinds() -> dict[str, list[FileKind]]:
    """Every file system's kinds, read from the interface catalog (its current contents)."""
    return {name: [FileKind(name, f.name, f.table) for f in s.files]
            for name, s in interfaces.file_systems().items()}


#: The file kinds of the package's catalog (a catalog extended at run time is read by :func:`kind_for`).
FILE_KINDS: dict[str, list[FileKind]] = file_kinds()


def kind_for(system: str, filename: str) -> FileKind | None:
    """The kind of a file of ``system``'s day folder by its name; None for a file the system does not deliver."""
    try:
        spec = interfaces.system(system)
    except KeyError:
        return None
    for f in spec.files:
        kind = FileKind(system, f.name, f.table)
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
    spec = interfaces.file_spec(kind.table)
    if spec.format == "fixed_width":
        return tax.parse(path, delivery_date, key, spec)
    if spec.format == "jsonl":
        return read_jsonl(path, layouts.layout(kind.table), delivery_date, key)
    return read_csv(path, layouts.layout(kind.table), spec.python_encoding, delivery_date, key)


__all__ = ["FILE_KINDS", "FileKind", "file_kinds", "kind_for", "parse_file"]
