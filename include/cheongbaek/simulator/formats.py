"""Byte-exact writers for the five file systems of legacy-interfaces.md.

What each file looks like (names, encodings, quoting, BOM, byte positions,
header and trailer) is read from the interface catalog; each writer streams: a record is encoded and written the moment it is added,
so memory stays flat however large the delivery. Writers know nothing about
the world; they only guarantee the shapes (200-byte CP949 records with a
counting trailer, quoted CP949 CSV with Korean headers, UTF-8-BOM HR CSV,
all-string JSON Lines, CP949 realestate CSV).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, BinaryIO, Literal

from cheongbaek import interfaces

CRLF = b"\r\n"


def _names(table: str) -> list[str]:
    return [f.name for f in interfaces.file_spec(table).delivered]


#: Column lists of each kind, as the interface catalog states them (defects build variants of them).
DUTY_HEADER = [(f.header or f.name, f.name) for f in interfaces.file_spec("duty").delivered]
HR_DEPT_COLS = _names("hr_dept")
HR_EMP_COLS = _names("hr_emp")
HR_PAY_COLS = _names("hr_pay")
BLD_PERMIT_COLS = _names("bld_permit")
BLD_USEAPR_COLS = _names("bld_useapr")
BLD_VIOL_COLS = _names("bld_violation")
RE_PARCEL_COLS = _names("re_parcel")
RE_TRANSFER_COLS = _names("re_transfer")
RE_VIOL_COLS = _names("re_realname_viol")


def ymd(d: dt.date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def iso(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def dotted(d: dt.date | None) -> str:
    return d.strftime("%Y.%m.%d") if d else ""


def fit_cp949(text: str, width: int) -> bytes:
    """Text right-padded to ``width`` CP949 bytes, cut before a Hangul syllable that would not fit."""
    out = bytearray()
    for ch in text:
        b = ch.encode("cp949")
        if len(out) + len(b) > width:
            break
        out += b
    return bytes(out) + b" " * (width - len(out))


def signed(amount: int, width: int) -> str:
    """Number left-padded with zeros; a negative one starts with '-'."""
    if amount < 0:
        return "-" + str(-amount).zfill(width - 1)
    return str(amount).zfill(width)


def _fixed(f: interfaces.Field | interfaces.Framing, value: Any) -> bytes:
    """One fixed-width field as the catalog writes it: text padded right, numbers zero-padded left."""
    width = f.width
    assert width is not None
    if isinstance(f, interfaces.Field) and f.hangul:
        return fit_cp949(value or "", width)
    if f.type == "date":
        text = ymd(value) or (f.null_value if isinstance(f, interfaces.Field) else None) or ""
    elif f.type == "int":
        text = signed(value, width) if f.signed else str(value).zfill(width)
    else:
        text = value or ""
    return text.ljust(width).encode("ascii")


def _fixed_record(fields: list[Any], values: dict[str, Any], size: int) -> bytes:
    out = bytearray()
    for f in sorted(fields, key=lambda x: x.start):
        out += b" " * (f.start - 1 - len(out))
        out += f.value.encode("ascii") if getattr(f, "value", None) is not None else _fixed(f, values.get(f.name))
    return bytes(out) + b" " * (size - len(out))


def tax_detail(r: dict[str, Any], spec: interfaces.FileSpec | None = None) -> bytes:
    """One 200-byte `D` record (without the line end), laid out by the catalog's byte positions."""
    spec = spec or interfaces.file_spec("tax_assessment")
    assert spec.record_bytes is not None and spec.detail_record_type is not None
    return spec.detail_record_type.encode("ascii") + _fixed_record(spec.fields, r, spec.record_bytes)[1:]


class TaxWriter:
    """TAXASMT_<day>.dat: header, details as they come, trailer with count and signed sum at close."""

    def __init__(self, path: Path, day: dt.date, spec: interfaces.FileSpec | None = None) -> None:
        self.path = path
        self.spec = spec or interfaces.file_spec("tax_assessment")
        assert self.spec.header is not None and self.spec.record_bytes is not None
        self.f: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.count = 0
        self.total = 0
        self.f.write(_fixed_record(self.spec.header, {"file_date": day}, self.spec.record_bytes) + CRLF)

    def add_raw(self, record: bytes, amount_field: int) -> None:
        """A physical D line as given (possibly malformed): it still counts in the trailer."""
        self.f.write(record + CRLF)
        self.count += 1
        self.total += amount_field

    def add(self, r: dict[str, Any]) -> None:
        self.add_raw(tax_detail(r, self.spec), r["tax_amt"])

    def close(self, count_delta: int = 0) -> None:
        assert self.spec.trailer is not None and self.spec.record_bytes is not None
        values = {"count": self.count + count_delta, "amount_sum": self.total}
        self.f.write(_fixed_record(self.spec.trailer, values, self.spec.record_bytes) + CRLF)
        self.f.close()


class CsvWriter:
    """A CSV file written row by row in a given encoding, quoting and header."""

    def __init__(self, path: Path, header: list[str], encoding: str, quote_all: bool) -> None:
        self.path = path
        self.encoding = encoding
        self.f: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.quoting: Literal[0, 1] = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
        self.rows = 0
        self._buf = io.StringIO()
        self._w = csv.writer(self._buf, quoting=self.quoting, lineterminator="\r\n")
        if encoding == "utf-8-sig":
            self.f.write("\ufeff".encode())
            self.encoding = "utf-8"
        self._line(header)

    def _line(self, values: list[str]) -> None:
        self._buf.seek(0)
        self._buf.truncate()
        self._w.writerow(values)
        self.f.write(self._buf.getvalue().encode(self.encoding))

    def add(self, values: list[str]) -> None:
        self._line(values)
        self.rows += 1

    def add_raw(self, data: bytes) -> None:
        self.f.write(data)
        self.rows += 1

    def close(self) -> None:
        self.f.close()


def open_writer(spec: interfaces.FileSpec, path: Path, day: dt.date, header: list[str] | None = None) -> Any:
    """The writer of a file kind by its framing, encoding and quoting in the catalog."""
    if spec.format == "fixed_width":
        return TaxWriter(path, day, spec)
    if spec.format == "jsonl":
        return JsonlWriter(path)
    return CsvWriter(path, header or spec.header_names, spec.python_encoding, spec.quoting == "all")


class JsonlWriter:
    """JSON Lines, UTF-8, every value a string."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.f: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.rows = 0

    def add(self, obj: dict[str, str]) -> None:
        self.f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        self.rows += 1

    def close(self) -> None:
        self.f.close()


def won(amount: int) -> str:
    """'1,234,000' (duties amounts have thousands separators)."""
    return f"{amount:,}"


def hyphen_rrn(digits: str) -> str:
    return digits[:6] + "-" + digits[6:]


def hyphen_brn(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def hyphen_pnu(pnu: str) -> str:
    return f"{pnu[:10]}-{pnu[10]}-{pnu[11:15]}-{pnu[15:]}"
