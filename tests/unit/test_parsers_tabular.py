"""CSV and JSON Lines parsers: names not positions, strict encodings, quoting, BOM, PNUs, privacy."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.kr import rrn as stdnum_rrn

from cheongbaek import privacy
from cheongbaek.ingest.parsers import FILE_KINDS, kind_for, parse_file
from cheongbaek.ingest.records import CorruptFileError, Reject, Row

KEY = b"unit-test-key"
DAY = dt.date(2025, 3, 3)
PNU = "1111010100100120003"
PNU_H = "1111010100-1-0012-0003"


def rrn(valid: bool = True) -> str:
    first12 = "800101123456"
    check = stdnum_rrn.calc_check_digit(first12)
    return first12 + (check if valid else str((int(check) + 1) % 10))


def hy(digits: str) -> str:
    return digits[:6] + "-" + digits[6:]


INVALID_RRN = "801301-1234567"  # month 13
S9_RRN = "800101-9234567"  # century digit 9
BRN = "123456789" + privacy.brn_check_digit("123456789")
BRN_H = f"{BRN[:3]}-{BRN[3:5]}-{BRN[5:]}"


def no_raw(items: list[Row | Reject], numbers: list[str]) -> None:
    for it in items:
        blob = it.record + repr(getattr(it, "values", ())) + getattr(it, "detail", "")
        for n in numbers:
            digits = n.replace("-", "")
            assert digits not in blob and hy(digits) not in blob, it


# ------------------------------------------------------------------ kinds

def test_file_kinds_cover_every_delivered_file() -> None:
    assert set(FILE_KINDS) == {"tax", "duties", "hr", "construction", "realestate"}
    cases = {
        ("duties", "DUTY_20250303.csv"): "duty", ("hr", "HR_DEPT.csv"): "hr_dept", ("hr", "HR_EMP.csv"): "hr_emp",
        ("hr", "HR_PAY_202502.csv"): "hr_pay", ("construction", "bld_permit.jsonl"): "bld_permit",
        ("construction", "bld_useapr.jsonl"): "bld_useapr", ("construction", "bld_violation.jsonl"): "bld_violation",
        ("realestate", "RE_PARCEL_20250303.csv"): "re_parcel", ("realestate", "RE_TRANSFER_20250303.csv"): "re_transfer",
        ("realestate", "RE_REALNAME_VIOL_20250303.csv"): "re_realname_viol",
    }
    for (system, name), table in cases.items():
        kind = kind_for(system, name)
        assert kind is not None and kind.table == table and kind.system == system
    assert kind_for("hr", "hr_emp.csv") is None  # case-sensitive, as delivered
    assert kind_for("realestate", "_DONE") is None


# ------------------------------------------------------------------ duties

DUTY_HEAD = ["부과번호", "세입코드", "납부자구분", "납부자번호", "납부자명", "필지번호", "근거번호", "부과금액", "부과일자",
             "납기일자", "수납일자", "상태", "부서코드"]


def duty_file(tmp_path: Path, rows: list[list[str]], head: list[str] = DUTY_HEAD, eol: str = "\r\n") -> Path:
    lines = [",".join(f'"{v}"' for v in r) for r in [head, *rows]]
    path = tmp_path / "DUTY_20250303.csv"
    path.write_bytes((eol.join(lines) + eol).encode("cp949"))
    return path


def duty(imps: str = "I1", **kw: str) -> list[str]:
    base = {"imps_no": imps, "duty_cd": "R01", "party_type": "1", "party_id": hy(rrn()), "party_nm": "홍길동",
            "pnu": PNU, "basis_no": "P1", "imps_amt": "1,234,000", "imps_dt": "2025-03-03", "due_dt": "2025-03-31",
            "paid_dt": "", "status": "부과", "dept_cd": "3000001"}
    base |= kw
    return list(base.values())


def test_duties_typed_values(tmp_path: Path) -> None:
    parsed = parse_file("duties", duty_file(tmp_path, [
        duty(), duty("I2", imps_amt="-12,000", party_type="2", party_id=BRN_H, paid_dt="2025-03-04", status="수납",
                     pnu=""),
    ]), DAY, KEY)
    assert parsed.table == "duty" and parsed.extra_columns == []
    a, b = list(parsed.items)
    assert isinstance(a, Row) and a.line_no == 2
    assert a.values == ("I1", "R01", "1", privacy.pseudonym(rrn(), KEY), "valid", "홍길동", PNU, "P1", 1_234_000,
                        dt.date(2025, 3, 3), dt.date(2025, 3, 31), None, "부과", "3000001")
    assert isinstance(b, Row)
    assert b.values[3:5] == (BRN, "brn") and b.values[6] is None and b.values[8] == -12_000
    assert b.values[11] == dt.date(2025, 3, 4) and b.values[12] == "수납"
    assert b.record.startswith('"I2","R01","2","' + BRN_H)  # the line as delivered


def test_duties_columns_matched_by_name_extra_reported_lf(tmp_path: Path) -> None:
    head = list(reversed(DUTY_HEAD)) + ["비고"]
    row = list(reversed(duty())) + ["메모, 쉼표 포함"]
    parsed = parse_file("duties", duty_file(tmp_path, [row], head=head, eol="\n"), DAY, KEY)
    assert parsed.extra_columns == ["비고"]
    [r] = list(parsed.items)
    assert isinstance(r, Row) and r.values[0] == "I1" and r.values[8] == 1_234_000


def test_duties_missing_column_is_corrupt(tmp_path: Path) -> None:
    head = [h for h in DUTY_HEAD if h != "상태"]
    row = duty()[:11] + ["3000001"]
    with pytest.raises(CorruptFileError, match="상태|status") as e:
        parse_file("duties", duty_file(tmp_path, [row], head=head), DAY, KEY)
    assert "status" in e.value.reason and e.value.path.endswith("DUTY_20250303.csv")


def test_duties_bad_values(tmp_path: Path) -> None:
    out = list(parse_file("duties", duty_file(tmp_path, [
        duty("N1", imps_amt="1,2x4"),
        duty("D1", imps_dt="2024-13-45"),
        duty("D2", imps_dt="20250303"),
        duty("C1", duty_cd="X99", status="보류"),
        duty("R1", party_id=INVALID_RRN),
        duty("R2", party_id=S9_RRN, imps_amt="abc"),
        duty("R3", party_id=hy(rrn(valid=False))),
    ]), DAY, KEY).items)
    assert [(r.line_no, r.reason) for r in out if isinstance(r, Reject)] == [
        (2, "unparseable_number"), (3, "unparseable_date"), (4, "unparseable_date"), (7, "unparseable_number")]
    rows = {r.values[0]: r for r in out if isinstance(r, Row)}
    assert rows["C1"].values[1] == "X99" and rows["C1"].values[12] == "보류"
    assert rows["R1"].values[4] == "invalid" and rows["R3"].values[4] == "unverifiable"
    no_raw(out, [INVALID_RRN, S9_RRN, rrn(), rrn(valid=False)])


def test_duties_bytes_not_cp949_corrupt(tmp_path: Path) -> None:
    path = duty_file(tmp_path, [duty()])
    path.write_bytes(path.read_bytes() + b'"I9","R01","1","","\xff\xfe\xff","","","1","","","","","1"\r\n')
    with pytest.raises(CorruptFileError, match="not valid cp949"):
        list(parse_file("duties", path, DAY, KEY).items)


# ------------------------------------------------------------------ hr

def hr_file(tmp_path: Path, name: str, text: str, bom: bool = True) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


EMP_HEAD = "emp_no,emp_nm,rrn,dept_cd,grade,title,hire_dt,retire_dt,status,bank_cd,acct_no,addr\r\n"


def test_hr_emp_bom_dotted_dates_quoted_commas(tmp_path: Path) -> None:
    path = hr_file(tmp_path, "HR_EMP.csv", EMP_HEAD
                   + f'000123456,김철수,{hy(rrn())},3000001,7,주무관,2020.03.02,,재직,004,123-45,'
                   f'"서울특별시 중구 세종대로 110, 3층 ""별관"""\r\n'
                   + f"123,이영희,{hy(rrn(valid=False))},3000001,5,팀장,2010.01.04,2024.12.31,퇴직,,,\r\n"
                   + f"000000999,박오류,{INVALID_RRN},3000001,12,주무관,2024.13.45,,재직,,,\r\n")
    out = list(parse_file("hr", path, DAY, KEY).items)
    a, b, c = out
    assert isinstance(a, Row) and isinstance(b, Row) and isinstance(c, Reject)
    assert a.values == ("000123456", "김철수", privacy.pseudonym(rrn(), KEY), "valid", "3000001", 7, "주무관",
                        dt.date(2020, 3, 2), None, "재직", "004", "123-45", '서울특별시 중구 세종대로 110, 3층 "별관"')
    assert b.values[0] == "000000123" and b.values[3] == "unverifiable" and b.values[8] == dt.date(2024, 12, 31)
    assert c.reason == "unparseable_date" and c.line_no == 4
    assert a.record.endswith('"서울특별시 중구 세종대로 110, 3층 ""별관"""')
    no_raw(out, [rrn(), rrn(valid=False), INVALID_RRN])


def test_hr_dept_pay_and_without_bom(tmp_path: Path) -> None:
    dept = hr_file(tmp_path, "HR_DEPT.csv", "dept_cd,dept_nm,upper_dept_cd\n3000000,시장실,\n3000001,감사담당관,3000000\n",
                   bom=False)
    assert [r.values for r in parse_file("hr", dept, DAY, KEY).items] == [
        ("3000000", "시장실", None), ("3000001", "감사담당관", "3000000")]
    pay = hr_file(tmp_path, "HR_PAY_202502.csv", "pay_ym,emp_no,gross_amt,net_amt,pay_dt,bank_cd,acct_no\r\n"
                  "202502,000123456,4500000,3800000,2025.02.20,004,123-45\r\n")
    [r] = list(parse_file("hr", pay, DAY, KEY).items)
    assert r.values == ("202502", "000123456", 4_500_000, 3_800_000, dt.date(2025, 2, 20), "004", "123-45")


def test_hr_emp_missing_rrn_column_is_corrupt(tmp_path: Path) -> None:
    path = hr_file(tmp_path, "HR_EMP.csv", EMP_HEAD.replace("rrn,", ""))
    with pytest.raises(CorruptFileError, match="rrn"):
        parse_file("hr", path, DAY, KEY)


def test_wrong_field_count_is_rejected_without_raw_rrn(tmp_path: Path) -> None:
    path = hr_file(tmp_path, "HR_EMP.csv", EMP_HEAD + f"000123456,김철수,{S9_RRN},3000001,7\r\n")
    [r] = list(parse_file("hr", path, DAY, KEY).items)
    assert isinstance(r, Reject) and r.reason == "wrong_field_count"
    no_raw([r], [S9_RRN])


# ------------------------------------------------------------------ construction

def jsonl(tmp_path: Path, name: str, objs: list[dict[str, str]], eol: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes("".join(json.dumps(o, ensure_ascii=False) + eol for o in objs).encode("utf-8"))
    return path


def permit(pk: str = "11110-000000000001", **kw: str) -> dict[str, str]:
    base = {"mgmPmsrgstPk": pk, "sigunguCd": "11110", "bjdongCd": "10100", "platGbCd": "0", "bun": "0012",
            "ji": "0003", "platPlc": "서울특별시 종로구 청운동 12-3", "mainPurpsCd": "14000", "mainPurpsCdNm": "업무시설",
            "totArea": "1234.56", "archPmsDay": "20250102", "ownrGbCd": "1", "ownrId": rrn(), "ownrNm": "홍길동",
            "stat": "허가", "lastUpdDt": "20250102093000"}
    return base | kw


def test_bld_permit_parts_block_site_and_types(tmp_path: Path) -> None:
    out = list(parse_file("construction", jsonl(tmp_path, "bld_permit.jsonl", [
        permit(),
        permit("B", platGbCd="2", bun="0007", ji="0001", ownrGbCd="2", ownrId=BRN, totArea=""),
        permit("M", platGbCd="1", stat="착공"),
        permit("X", bun="12A4"),
    ], eol="\r\n"), DAY, KEY).items)
    a, b, m, x = out
    assert all(isinstance(r, Row) for r in out)
    assert a.values[6] == PNU and a.values[10] == Decimal("1234.56") and a.values[11] == dt.date(2025, 1, 2)
    assert a.values[13:15] == (privacy.pseudonym(rrn(), KEY), "valid")
    assert a.values[17] == dt.datetime(2025, 1, 2, 9, 30)
    assert b.values[6] is None and b.values[3:6] == ("2", "0007", "0001") and b.values[10] is None
    assert b.values[13:15] == (BRN, "brn")
    assert m.values[6] == "1111010100200120003"
    assert x.values[6] is not None and not (len(x.values[6]) == 19 and x.values[6].isdigit())  # for the suite
    no_raw(out, [rrn()])


def test_bld_violation_free_text_extra_key_bad_values(tmp_path: Path) -> None:
    base = {"violPk": "V1", "sigunguCd": "11110", "bjdongCd": "10100", "platGbCd": "0", "bun": "0012", "ji": "0003",
            "violDay": "20250110", "violArea": "12.50", "violCn": f"신고인 {hy(rrn())} 진술: 무단 증축",
            "ownrGbCd": "1", "ownrId": INVALID_RRN.replace("-", ""), "ownrNm": "홍길동", "crctDay": "",
            "lastUpdDt": "20250110101010"}
    parsed = parse_file("construction", jsonl(tmp_path, "bld_violation.jsonl", [
        base, base | {"violPk": "V2", "violGbNm": "기타"}, base | {"violPk": "V3", "violDay": "20241399"},
        base | {"violPk": "V4", "violArea": "12,5m2"}, {"violPk": "V5", "sigunguCd": "11110"},
    ]), DAY, KEY)
    out = list(parsed.items)
    assert parsed.extra_columns == ["violGbNm"]
    assert [(r.line_no, r.reason) for r in out if isinstance(r, Reject)] == [
        (3, "unparseable_date"), (4, "unparseable_number"), (5, "missing_field")]
    v1 = out[0]
    assert isinstance(v1, Row)
    assert v1.values[9] == f"신고인 {privacy.pseudonym(rrn(), KEY)} 진술: 무단 증축"
    assert v1.values[12] == "invalid" and v1.values[14] is None and v1.values[8] == Decimal("12.50")
    no_raw(out, [rrn(), INVALID_RRN])


def test_bld_useapr_and_bad_utf8(tmp_path: Path) -> None:
    obj = {"mgmPmsrgstPk": "P1", "useAprDay": "20250228", "totArea": "99.00", "mainPurpsCd": "02000",
           "ownrGbCd": "2", "ownrId": BRN, "ownrNm": "(주)청백", "lastUpdDt": "20250228180000"}
    path = jsonl(tmp_path, "bld_useapr.jsonl", [obj])
    [r] = list(parse_file("construction", path, DAY, KEY).items)
    assert r.values == ("P1", dt.date(2025, 2, 28), Decimal("99.00"), "02000", "2", BRN, "brn", "(주)청백",
                        dt.datetime(2025, 2, 28, 18))
    path.write_bytes(path.read_bytes() + b'{"mgmPmsrgstPk":"\xff\xfe"}\n')
    with pytest.raises(CorruptFileError, match="UTF-8"):
        list(parse_file("construction", path, DAY, KEY).items)


# ------------------------------------------------------------------ realestate

def re_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("cp949"))
    return path


def test_re_transfer_pnu_forms_and_parties(tmp_path: Path) -> None:
    head = "trnsf_id,pnu,obj_type,cntr_dt,rgst_dt,price,from_type,from_id,to_type,to_id,to_nm,cause,rmk\r\n"
    path = re_file(tmp_path, "RE_TRANSFER_20250303.csv", head
                   + f"T1,{PNU},L,2025-02-10,2025-03-03,100000000,1,{hy(rrn())},2,{BRN_H},(주)청백,매매,\r\n"
                   + f"T2,{PNU_H},LB,2025-02-10,2025-03-03,5000,2,{BRN},1,{hy(rrn(valid=False))},김상속,상속,메모\r\n"
                   + f"T3,11110101001,L,2025-02-10,2025-03-03,1,1,{INVALID_RRN},1,{S9_RRN},\"이, 름\",증여,\r\n")
    parsed = parse_file("realestate", path, DAY, KEY)
    out = list(parsed.items)
    assert parsed.extra_columns == ["rmk"]
    t1, t2, t3 = out
    assert t1.values == ("T1", PNU, "L", dt.date(2025, 2, 10), dt.date(2025, 3, 3), 100_000_000, "1",
                         privacy.pseudonym(rrn(), KEY), "valid", "2", BRN, "brn", "(주)청백", "매매")
    assert t2.values[1] == PNU and t2.values[11] == "unverifiable"
    assert t3.values[1] == "11110101001" and t3.values[8] == "invalid" and t3.values[11] == "invalid"
    assert t3.values[12] == "이, 름"
    no_raw(out, [rrn(), rrn(valid=False), INVALID_RRN, S9_RRN])


def test_re_parcel_missing_chg_dt_is_corrupt_and_viol_ok(tmp_path: Path) -> None:
    path = re_file(tmp_path, "RE_PARCEL_20250303.csv",
                   "pnu,jimok,area_m2,ofcl_price,owner_type,owner_id,owner_nm,public_yn\n"
                   f"{PNU},대,100.00,1000000,1,{hy(rrn())},홍길동,N\n")
    with pytest.raises(CorruptFileError, match="chg_dt"):
        parse_file("realestate", path, DAY, KEY)
    path = re_file(tmp_path, "RE_PARCEL_20250303.csv",
                   "pnu,jimok,area_m2,ofcl_price,owner_type,owner_id,owner_nm,public_yn,chg_dt\n"
                   f"{PNU_H},대,100.5,1000000,2,{BRN},서울특별시,Y,2025-03-03\n")
    [p] = list(parse_file("realestate", path, DAY, KEY).items)
    assert p.values == (PNU, "대", Decimal("100.5"), 1_000_000, "2", BRN, "brn", "서울특별시", "Y", dt.date(2025, 3, 3))
    path = re_file(tmp_path, "RE_REALNAME_VIOL_20250303.csv",
                   "viol_id,pnu,party_type,party_id,party_nm,dtct_dt,prop_value\r\n"
                   f"RV1,{PNU},1,{hy(rrn())},홍길동,2025-03-01,350000000\r\n")
    [v] = list(parse_file("realestate", path, DAY, KEY).items)
    assert v.values == ("RV1", PNU, "1", privacy.pseudonym(rrn(), KEY), "valid", "홍길동", dt.date(2025, 3, 1),
                        350_000_000)
    assert hy(rrn()) not in v.record and privacy.pseudonym(rrn(), KEY) in v.record


def test_empty_file_is_corrupt(tmp_path: Path) -> None:
    path = re_file(tmp_path, "RE_PARCEL_20250303.csv", "")
    with pytest.raises(CorruptFileError, match="no header"):
        parse_file("realestate", path, DAY, KEY)
