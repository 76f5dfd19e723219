"""Byte-exact writers for the five file systems of legacy-interfaces.md.

Each writer streams: a record is encoded and written the moment it is added,
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
from typing import Any, BinaryIO

CRLF = b"\r\n"

DUTY_HEADER = [
    ("부과번호", "imps_no"), ("세입코드", "duty_cd"), ("납부자구분", "party_type"), ("납부자번호", "party_id"),
    ("납부자명", "party_nm"), ("필지번호", "pnu"), ("근거번호", "basis_no"), ("부과금액", "imps_amt"),
    ("부과일자", "imps_dt"), ("납기일자", "due_dt"), ("수납일자", "paid_dt"), ("상태", "status"), ("부서코드", "dept_cd"),
]
HR_DEPT_COLS = ["dept_cd", "dept_nm", "upper_dept_cd"]
HR_EMP_COLS = ["emp_no", "emp_nm", "rrn", "dept_cd", "grade", "title", "hire_dt", "retire_dt", "status",
               "bank_cd", "acct_no", "addr"]
HR_PAY_COLS = ["pay_ym", "emp_no", "gross_amt", "net_amt", "pay_dt", "bank_cd", "acct_no"]
BLD_PERMIT_COLS = ["mgmPmsrgstPk", "sigunguCd", "bjdongCd", "platGbCd", "bun", "ji", "platPlc", "mainPurpsCd",
                   "mainPurpsCdNm", "totArea", "archPmsDay", "ownrGbCd", "ownrId", "ownrNm", "stat", "lastUpdDt"]
BLD_USEAPR_COLS = ["mgmPmsrgstPk", "useAprDay", "totArea", "mainPurpsCd", "ownrGbCd", "ownrId", "ownrNm", "lastUpdDt"]
BLD_VIOL_COLS = ["violPk", "sigunguCd", "bjdongCd", "platGbCd", "bun", "ji", "violDay", "violArea", "violCn",
                 "ownrGbCd", "ownrId", "ownrNm", "crctDay", "lastUpdDt"]
RE_PARCEL_COLS = ["pnu", "jimok", "area_m2", "ofcl_price", "owner_type", "owner_id", "owner_nm", "public_yn", "chg_dt"]
RE_TRANSFER_COLS = ["trnsf_id", "pnu", "obj_type", "cntr_dt", "rgst_dt", "price", "from_type", "from_id", "to_type",
                    "to_id", "to_nm", "cause"]
RE_VIOL_COLS = ["viol_id", "pnu", "party_type", "party_id", "party_nm", "dtct_dt", "prop_value"]


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


def tax_detail(r: dict[str, Any]) -> bytes:
    """One 200-byte `D` record (without the line end)."""
    rec = (
        b"D" + r["asmt_no"].ljust(18).encode("ascii") + r["tax_item_cd"].encode("ascii")
        + r["party_type"].encode("ascii") + r["party_id"].ljust(13).encode("ascii")
        + fit_cp949(r["party_nm"], 40) + (r["pnu"] or "").ljust(19).encode("ascii")
        + str(r["tax_base_amt"]).zfill(15).encode("ascii") + signed(r["tax_amt"], 15).encode("ascii")
        + ymd(r["cause_dt"]).encode("ascii") + ymd(r["asmt_dt"]).encode("ascii") + ymd(r["due_dt"]).encode("ascii")
        + (ymd(r["paid_dt"]) or "00000000").encode("ascii") + r["status_cd"].encode("ascii")
        + r["dept_cd"].encode("ascii")
    )
    return rec + b" " * (200 - len(rec))


class TaxWriter:
    """TAXASMT_<day>.dat: header, details as they come, trailer with count and signed sum at close."""

    def __init__(self, path: Path, day: dt.date) -> None:
        self.path = path
        self.f: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.count = 0
        self.total = 0
        self.f.write((b"H" + ymd(day).encode() + b"LOCALTAX  ").ljust(200) + CRLF)

    def add_raw(self, record: bytes, amount_field: int) -> None:
        """A physical D line as given (possibly malformed): it still counts in the trailer."""
        self.f.write(record + CRLF)
        self.count += 1
        self.total += amount_field

    def add(self, r: dict[str, Any]) -> None:
        self.add_raw(tax_detail(r), r["tax_amt"])

    def close(self, count_delta: int = 0) -> None:
        trailer = b"T" + str(self.count + count_delta).zfill(9).encode() + signed(self.total, 18).encode()
        self.f.write(trailer.ljust(200) + CRLF)
        self.f.close()


class CsvWriter:
    """A CSV file written row by row in a given encoding, quoting and header."""

    def __init__(self, path: Path, header: list[str], encoding: str, quote_all: bool) -> None:
        self.path = path
        self.encoding = encoding
        self.f: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
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
