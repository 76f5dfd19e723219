"""The contract between the parsers and the loading engine.

A parser turns one delivered file (or one database row) into typed values in
the column order of its ``staging`` table, or into a rejection with a reason.
Batch-level problems (corrupt file) raise :class:`CorruptFileError`, which
fails the whole batch: nothing of that file is loaded.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


class CorruptFileError(Exception):
    """The file as a whole cannot be trusted (trailer mismatch, bad encoding, missing column)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class UnsafeFileError(CorruptFileError):
    """A delivered path that is not a regular file of the drop (a symbolic link, a device, a folder)."""


def open_delivered(path: Path, mode: str = "rb", encoding: str | None = None) -> IO[Any]:
    """Open a delivered file for reading, refusing anything but a regular file reached without a link.

    Why here and not only in the folder scan: the scan checks with lstat,
    but a producer (or an intruder) could swap the file for a symbolic link
    between that check and the open. ``O_NOFOLLOW`` makes the open itself
    refuse a link in the last component, and ``fstat`` on the opened
    descriptor proves it is a regular file, so a link to ``/etc/passwd`` or
    to the pseudonym key is never read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        if os.path.islink(path):
            raise UnsafeFileError(path, "a symbolic link, not a delivered file: not opened") from None
        raise UnsafeFileError(path, f"cannot be opened ({e.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafeFileError(path, "not a regular file: not read")
        raw = open(fd, "rb", closefd=True)  # noqa: SIM115 - the caller closes it
    except BaseException:
        os.close(fd)
        raise
    if mode == "rb":
        return raw
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")


@dataclass(frozen=True)
class Row:
    """A parsed record: values in the order of ``ParsedFile.columns``."""

    line_no: int
    values: tuple[Any, ...]
    record: str  # the record as delivered, RRNs pseudonymised (kept for quarantine); "" when built lazily
    source: tuple[Any, ...] | None = None  # the source row a lazily built record comes from (database rows)


@dataclass(frozen=True)
class Reject:
    """A record that could not be parsed; it goes to quarantine with its reason."""

    line_no: int
    reason: str  # short code, e.g. 'parse_error', 'wrong_length'
    detail: str  # human-readable, no raw RRN
    record: str  # the record as delivered, RRNs pseudonymised


@dataclass
class ParsedFile:
    """A delivered file being parsed; ``items`` is a one-shot stream."""

    path: Path
    table: str  # staging table, without the schema
    columns: list[str]  # staging columns after (batch_id, delivery_date, line_no)
    items: Iterator[Row | Reject]
    extra_columns: list[str] = field(default_factory=list)  # unknown columns seen (filled while streaming)


#: Key columns of each file-fed staging table: the same key twice in one file
#: keeps the later line and quarantines the earlier; across days the newest
#: delivery wins.
FILE_KEYS: dict[str, tuple[str, ...]] = {
    "tax_assessment": ("asmt_no",),
    "duty": ("imps_no",),
    "hr_dept": ("dept_cd",),
    "hr_emp": ("emp_no",),
    "hr_pay": ("pay_ym", "emp_no"),
    "bld_permit": ("mgm_pmsrgst_pk",),
    "bld_useapr": ("mgm_pmsrgst_pk",),
    "bld_violation": ("viol_pk",),
    "re_parcel": ("pnu",),
    "re_transfer": ("trnsf_id",),
    "re_realname_viol": ("viol_id",),
}

#: Database-fed staging tables: source table -> (staging table, key columns, version column).
DB_TABLES: dict[str, dict[str, tuple[str, tuple[str, ...], str | None]]] = {
    "finance": {
        "tb_budget": ("fin_budget", ("fscl_yr", "biz_cd"), "upd_dt"),
        "tb_vendor": ("fin_vendor", ("vndr_id",), "upd_dt"),
        "tb_contract": ("fin_contract", ("cntr_no",), "upd_dt"),
        "tb_payment": ("fin_payment", ("pay_no",), "upd_dt"),
        "tb_pub_prop": ("fin_pub_prop", ("prop_no",), "upd_dt"),
        "tb_pub_prop_use": ("fin_pub_prop_use", ("use_no",), "upd_dt"),
    },
    "civil": {
        "proc_code": ("civ_proc_code", ("proc_cd",), None),
        "petition": ("civ_petition", ("ptn_no",), "upd_dtm"),
        "petition_step": ("civ_petition_step", ("ptn_no", "step_seq"), "upd_dtm"),
        "permit": ("civ_permit", ("prmt_no",), "upd_dtm"),
        "inspection": ("civ_inspection", ("insp_no",), "upd_dtm"),
    },
}
