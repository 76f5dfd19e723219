"""Tax fixed-width parser: bytes not characters, signed amounts, zero dates, trailer, encoding, privacy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from stdnum.kr import rrn as stdnum_rrn

from cheongbaek import privacy
from cheongbaek.ingest.parsers import kind_for, parse_file
from cheongbaek.ingest.records import CorruptFileError, Reject, Row

KEY = b"unit-test-key"
DAY = dt.date(2025, 3, 3)
PNU = "1111010100100120003"


def rrn(valid: bool = True, first12: str = "800101123456") -> str:
    check = stdnum_rrn.calc_check_digit(first12)
    return first12 + (check if valid else str((int(check) + 1) % 10))


INVALID_RRN = "8013011234567"  # month 13
S9_RRN = "8001019234567"  # century digit 9: not RRN-shaped for the text scrubber, still never kept
BRN = "123456789" + privacy.brn_check_digit("123456789")
BAD_BRN = BRN[:9] + str((int(BRN[9]) + 1) % 10)  # NTS check digit wrong


def detail(asmt_no: str = "A1", *, item: str = "201", ptype: str = "1", pid: str | None = None,
           name: bytes | None = None, pnu: str = PNU, base: str = "000000100000000", amt: str = "000000000012000",
           cause: str = "20250101", paid: str = "00000000", status: str = "01") -> bytes:
    rec = (b"D" + asmt_no.ljust(18).encode() + item.encode() + ptype.encode() + (pid or rrn()).ljust(13).encode()
           + (name if name is not None else "홍길동".encode("cp949")).ljust(40) + pnu.ljust(19).encode()
           + base.encode() + amt.encode() + cause.encode() + b"20250301" + b"20250331" + paid.encode()
           + status.encode() + b"3000001")
    return rec.ljust(200)


def write(tmp_path: Path, details: list[bytes], *, count: int | None = None, total: int | None = None,
          eol: bytes = b"\r\n", header: bool = True, trailer: bool = True, tail: bytes = b"") -> Path:
    def amount(d: bytes) -> int:
        f = d[110:125]
        neg = f[:1] == b"-"
        digits = f[1:] if neg else f
        if not digits.isdigit():
            return 0  # the producer adds what it can read
        return -int(digits) if neg else int(digits)

    s = sum(amount(d) for d in details) if total is None else total
    n = len(details) if count is None else count
    lines = []
    if header:
        lines.append((b"H" + DAY.strftime("%Y%m%d").encode() + b"LOCALTAX  ").ljust(200))
    lines += details
    if trailer:
        sign = "-" if s < 0 else ""
        lines.append((b"T" + str(n).zfill(9).encode() + (sign + str(abs(s)).zfill(18 - len(sign))).encode()).ljust(200))
    path = tmp_path / "TAXASMT_20250303.dat"
    path.write_bytes(b"".join(line + eol for line in lines) + tail)
    return path


def items(path: Path) -> list[Row | Reject]:
    return list(parse_file("tax", path, DAY, KEY).items)


def test_kind_and_columns(tmp_path: Path) -> None:
    assert kind_for("tax", "TAXASMT_20250303.dat").table == "tax_assessment"
    assert kind_for("tax", "README.txt") is None
    assert kind_for("duties", "TAXASMT_20250303.dat") is None
    parsed = parse_file("tax", write(tmp_path, [detail()]), DAY, KEY)
    assert parsed.table == "tax_assessment"
    assert parsed.columns[:5] == ["asmt_no", "tax_item_cd", "party_type", "party_id", "party_id_status"]
    assert len(parsed.columns) == 15


def test_typed_row_with_hangul_name_ending_at_byte_76(tmp_path: Path) -> None:
    name = ("가" * 20).encode("cp949")  # 40 bytes: the name ends exactly at byte 76
    assert len(name) == 40
    [row] = items(write(tmp_path, [detail(name=name)]))
    assert isinstance(row, Row) and row.line_no == 2
    (asmt, item, ptype, pid, status, nm, pnu, base, amt, cause, asmt_dt, due, paid, st, dept) = row.values
    assert (asmt, item, ptype, nm, pnu) == ("A1", "201", "1", "가" * 20, PNU)
    assert pid == privacy.pseudonym(rrn(), KEY) and status == "valid"
    assert (base, amt) == (100_000_000, 12_000)
    assert (cause, asmt_dt, due, paid) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1), dt.date(2025, 3, 31), None)
    assert (st, dept) == ("01", "3000001")


def test_negative_amount_blank_pnu_and_brn(tmp_path: Path) -> None:
    rows = items(write(tmp_path, [
        detail("R1", amt="-00000000012345", pnu=""),
        detail("B1", ptype="2", pid=BRN, name="(주)청백".encode("cp949"), paid="20250305", status="02"),
    ]))
    assert [type(r) for r in rows] == [Row, Row]
    assert rows[0].values[8] == -12_345 and rows[0].values[6] is None
    assert rows[1].values[3:5] == (BRN, "brn") and rows[1].values[12] == dt.date(2025, 3, 5)


def test_statuses_are_emitted_not_rejected(tmp_path: Path) -> None:
    rows = items(write(tmp_path, [
        detail("U1", pid=rrn(valid=False)),
        detail("I1", pid=INVALID_RRN),
        detail("I2", pid=S9_RRN),
        detail("I3", ptype="2", pid=BAD_BRN),
        detail("C1", item="999", status="77", pnu="11110101001"),
    ]))
    assert all(isinstance(r, Row) for r in rows)
    assert [r.values[4] for r in rows] == ["unverifiable", "invalid", "invalid", "invalid", "valid"]
    assert rows[3].values[3] == BAD_BRN
    # out-of-list codes and a bad PNU are passed on for the expectation suite
    assert rows[4].values[1] == "999" and rows[4].values[13] == "77" and rows[4].values[6] == "11110101001"


def test_no_raw_rrn_in_values_or_records(tmp_path: Path) -> None:
    ids = [rrn(), rrn(valid=False), INVALID_RRN, S9_RRN]
    lines = [detail(f"P{i}", pid=p) for i, p in enumerate(ids)]
    lines.append(detail("P9", pid=INVALID_RRN)[:-1])  # malformed line: still no raw number
    lines.append(detail("P8", pid=S9_RRN, cause="2025AB01"))
    out = items(write(tmp_path, lines))
    assert [type(r) for r in out] == [Row, Row, Row, Row, Reject, Reject]
    for r in out:
        blob = r.record + repr(getattr(r, "values", ())) + getattr(r, "detail", "")
        for p in ids:
            assert p not in blob and (p[:6] + "-" + p[6:]) not in blob
    # the record is the line as delivered, only the id replaced
    good = out[0]
    assert isinstance(good, Row)
    assert good.record.startswith("DP0") and privacy.pseudonym(rrn(), KEY) in good.record
    assert "홍길동" in good.record and good.record.rstrip().endswith("3000001")


def test_malformed_lines_are_rejected_with_reasons(tmp_path: Path) -> None:
    out = items(write(tmp_path, [
        detail("W1")[:-1],                             # 199 bytes
        detail("W2") + b" ",                           # 201 bytes
        detail("N1", base="00000ABC0000000"),          # not a number
        detail("N2", amt="000000+00012000"),           # int() would accept '+', the parser must not
        detail("D1", cause="2024AB01"),                # not a date
        detail("D2", cause="20250230"),                # no such day
        detail("OK"),
    ]))
    reasons = [(r.line_no, r.reason) for r in out if isinstance(r, Reject)]
    assert reasons == [(2, "wrong_length"), (3, "wrong_length"), (4, "unparseable_number"),
                       (5, "unparseable_number"), (6, "unparseable_date"), (7, "unparseable_date")]
    assert isinstance(out[-1], Row) and out[-1].line_no == 8


def test_lf_line_ends_and_missing_final_newline(tmp_path: Path) -> None:
    path = write(tmp_path, [detail("A1"), detail("A2")], eol=b"\n")
    assert [r.values[0] for r in items(path)] == ["A1", "A2"]
    data = path.read_bytes().rstrip(b"\n")
    path.write_bytes(data)
    assert len(items(path)) == 2


def test_trailer_counts_every_physical_line_as_written(tmp_path: Path) -> None:
    # a malformed line still counts, and its amount is added as it reads
    out = items(write(tmp_path, [detail("A1"), detail("A2", amt="-00000000002000")[:-1]]))
    assert [type(r) for r in out] == [Row, Reject]


@pytest.mark.parametrize(("count", "total", "why"), [(3, None, "trailer mismatch"), (None, 1, "trailer mismatch")])
def test_trailer_mismatch_is_corrupt(tmp_path: Path, count: int | None, total: int | None, why: str) -> None:
    path = write(tmp_path, [detail("A1"), detail("A2")], count=count, total=total)
    with pytest.raises(CorruptFileError, match=why) as e:
        items(path)
    assert e.value.path.endswith("TAXASMT_20250303.dat")


def test_missing_header_or_trailer_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match="missing header"):
        parse_file("tax", write(tmp_path, [detail()], header=False), DAY, KEY)
    with pytest.raises(CorruptFileError, match="missing trailer"):
        items(write(tmp_path, [detail()], trailer=False))
    with pytest.raises(CorruptFileError, match="after the trailer"):
        items(write(tmp_path, [detail()], tail=detail("X9") + b"\r\n"))


def test_bytes_not_cp949_make_the_file_corrupt(tmp_path: Path) -> None:
    bad = detail(name=b"\xff\xfe\xff" + b" " * 37)
    with pytest.raises(CorruptFileError, match="not valid cp949"):
        items(write(tmp_path, [detail("A1"), bad]))


def test_quiet_day_has_no_details(tmp_path: Path) -> None:
    assert items(write(tmp_path, [])) == []
