"""The privacy guard catches every kind of leak disclosure.md forbids, in every format.

Each test plants one leak in an otherwise clean publication-like folder and
checks that the guard reports exactly that kind, and that the clean folder
passes (so the guard does not pass by finding everything everywhere).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cheongbaek.publish import guard

KNOWLEDGE = guard.Knowledge(
    person_names={"홍길동", "남궁민수", "이수"},
    addresses={"서울특별시 종로구 세종대로 110"},
    accounts={"110-123-456789"},
    free_texts={"신청인 방문하여 서류 보완함"},
    tax_ids={"TX2025000000000001", "DU2025-000042"},
    amount_pairs={(3512340, 2987650)},
)

HEADER = ["ptn_no", "status", "dept_nm", "official_nm", "applicant", "district", "bdays_elapsed"]
CLEAN = ["2025-0001", "completed", "도로관리과", "남궁민수", "홍*동", "종로구", "4"]


def _write_csv(folder: Path, header: list[str], rows: list[list[str]], name: str = "open_petitions.csv") -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def _clean_folder(folder: Path) -> Path:
    _write_csv(folder, HEADER, [CLEAN])
    pq.write_table(pa.table({k: [v] for k, v in zip(HEADER, CLEAN)}), folder / "open_petitions.parquet")
    (folder / "contracts.ocds.json").write_text(json.dumps(
        {"releases": [{"ocid": "ocds-cheongbaek-C001", "parties": [{"name": "(주)한빛건설", "id": "KR-BRN-1234567891"}],
                       "contracts": [{"value": {"amount": 800000000, "currency": "KRW"}}]}]},
        ensure_ascii=False), encoding="utf-8")
    site = folder / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><h1>OPEN</h1><p>도로관리과: 종로구</p></body></html>",
                                     encoding="utf-8")
    data = {"petitions": {"2025-0001": dict(zip(HEADER, CLEAN))}}
    (site / "data.js").write_text(f"window.CB_DATA = {json.dumps(data, ensure_ascii=False)};\n", encoding="utf-8")
    return folder


def _kinds(folder: Path) -> set[str]:
    return {f.kind for f in guard.scan(folder, KNOWLEDGE)}


def test_clean_publication_passes(tmp_path: Path) -> None:
    folder = _clean_folder(tmp_path)
    assert guard.scan(folder, KNOWLEDGE) == []
    guard.check(folder, KNOWLEDGE)


@pytest.mark.parametrize(("value", "kind"), [
    ("900101-1234568", guard.RRN),
    ("9001011234568", guard.RRN),
    ("접수자 0312314123456 확인", guard.RRN),
    ("p_0123456789abcdef0123456789abcdef", guard.PSEUDONYM),
    ("홍길동", guard.PERSON_NAME),
    ("이수", guard.PERSON_NAME),
    ("서울특별시 종로구 세종대로 110", guard.ADDRESS),
    ("삼일대로4길 12", guard.ADDRESS),
    ("역삼동 123-4", guard.ADDRESS),
    ("산 45번지", guard.ADDRESS),
    ("101동 1203호", guard.ADDRESS),
    ("신청인 방문하여 서류 보완함", guard.FREE_TEXT),
    ("110-123-456789", guard.BANK_ACCOUNT),
    ("110123456789", guard.BANK_ACCOUNT),
    ("TX2025000000000001", guard.TAX_DUTY_PAYROLL),
])
def test_planted_value_is_caught_in_csv(tmp_path: Path, value: str, kind: str) -> None:
    folder = _clean_folder(tmp_path)
    row = list(CLEAN)
    row[HEADER.index("applicant")] = value
    _write_csv(folder, HEADER, [CLEAN, row])
    findings = guard.scan(folder, KNOWLEDGE)
    assert kind in {f.kind for f in findings}
    assert all(f.file == "open_petitions.csv" for f in findings)
    assert all(value not in str(f) for f in findings)  # never echoed


@pytest.mark.parametrize(("column", "kind"), [
    ("memo", guard.FREE_TEXT), ("violCn", guard.FREE_TEXT), ("apln_addr", guard.FREE_TEXT),
    ("acct_no", guard.BANK_ACCOUNT), ("tax_amt", guard.TAX_DUTY_PAYROLL), ("gross_amt", guard.TAX_DUTY_PAYROLL),
    ("imps_no", guard.TAX_DUTY_PAYROLL),
])
def test_forbidden_column_is_caught_in_parquet(tmp_path: Path, column: str, kind: str) -> None:
    folder = _clean_folder(tmp_path)
    pq.write_table(pa.table({"ptn_no": ["2025-0001"], column: ["x"]}), folder / "open_petitions.parquet")
    assert _kinds(folder) == {kind}


def test_payroll_amounts_in_one_row_are_caught(tmp_path: Path) -> None:
    folder = _clean_folder(tmp_path)
    pq.write_table(pa.table({"dept_cd": ["1000001"], "a": [3512340], "b": [2987650]}), folder / "x.parquet")
    assert _kinds(folder) == {guard.TAX_DUTY_PAYROLL}
    # one of the two amounts alone is an ordinary number
    pq.write_table(pa.table({"dept_cd": ["1000001"], "a": [3512340]}), folder / "x.parquet")
    assert _kinds(folder) == set()


def test_leaks_in_ocds_json(tmp_path: Path) -> None:
    folder = _clean_folder(tmp_path)
    (folder / "contracts.ocds.json").write_text(json.dumps(
        {"releases": [{"parties": [{"name": "홍길동", "address": {"streetAddress": "세종대로 110"}},
                                   {"name": "x", "identifier": {"id": "p_0123456789abcdef0123456789abcdef"}}]}]},
        ensure_ascii=False), encoding="utf-8")
    assert _kinds(folder) == {guard.PERSON_NAME, guard.ADDRESS, guard.FREE_TEXT, guard.PSEUDONYM}


def test_leaks_in_site_html_and_data(tmp_path: Path) -> None:
    folder = _clean_folder(tmp_path)
    (folder / "site" / "index.html").write_text(
        "<html><body><p>신청인 남궁민수 님, 계좌 110-123-456789</p></body></html>", encoding="utf-8")
    assert _kinds(folder) == {guard.PERSON_NAME, guard.BANK_ACCOUNT}
    (tmp_path / "b").mkdir()
    folder2 = _clean_folder(tmp_path / "b")
    data = {"petitions": {"2025-0001": {**dict(zip(HEADER, CLEAN)), "applicant": "남궁민수", "memo": "검토"}}}
    (folder2 / "site" / "data.js").write_text(f"window.CB_DATA = {json.dumps(data, ensure_ascii=False)};",
                                              encoding="utf-8")
    assert _kinds(folder2) == {guard.PERSON_NAME, guard.FREE_TEXT}


def test_leaks_in_site_petition_shard(tmp_path: Path) -> None:
    folder = _clean_folder(tmp_path)
    (folder / "site" / "petitions").mkdir()
    shard = {"2025-0001": {**dict(zip(HEADER, CLEAN)), "applicant": "홍길동", "district": "역삼동 123-4"}}
    (folder / "site" / "petitions" / "p-000.js").write_text(
        f"window.CB_SHARD = {json.dumps(shard, ensure_ascii=False)};\n", encoding="utf-8")
    findings = guard.scan(folder, KNOWLEDGE)
    assert {f.kind for f in findings} == {guard.PERSON_NAME, guard.ADDRESS}
    assert {f.file for f in findings} == {"site/petitions/p-000.js"}
    assert all(f.where.startswith("$.") for f in findings)  # read as JSON, not as text


def test_official_name_is_allowed_only_as_official(tmp_path: Path) -> None:
    """남궁민수 is an official and an applicant: fine as official_nm, a leak as applicant."""
    folder = _clean_folder(tmp_path)
    assert _kinds(folder) == set()  # CLEAN has him as official_nm
    row = list(CLEAN)
    row[HEADER.index("applicant")] = "남궁민수"
    _write_csv(folder, HEADER, [row])
    assert _kinds(folder) == {guard.PERSON_NAME}


def test_unreadable_file_fails(tmp_path: Path) -> None:
    folder = _clean_folder(tmp_path)
    (folder / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    assert _kinds(folder) == {guard.UNREADABLE}


def test_check_raises_with_findings(tmp_path: Path) -> None:
    folder = _clean_folder(tmp_path)
    (folder / "site" / "index.html").write_text("<p>9001011234568</p>", encoding="utf-8")
    with pytest.raises(guard.PrivacyLeak) as err:
        guard.check(folder, KNOWLEDGE)
    assert [f.kind for f in err.value.findings] == [guard.RRN]
    assert "9001011234568" not in str(err.value)


def test_numbers_that_are_not_rrns_pass(tmp_path: Path) -> None:
    """Amounts, PNUs, dates and 13-digit numbers without a birth date are not RRN-shaped."""
    folder = _clean_folder(tmp_path)
    rows = [["1500000000000", "1111010100100010000", "2025-03-14", "2025-0001", "1234567891", "9913011234567"]]
    _write_csv(folder, ["a", "b", "c", "d", "e", "f"], rows, name="numbers.csv")
    assert _kinds(folder) == set()


@pytest.mark.parametrize(("value", "kind"), [
    ("홍길동", guard.PERSON_NAME),
    ("'900101-1234568", guard.RRN),  # a defused cell still holds the RRN
    ("서울특별시 종로구 세종대로 110", guard.ADDRESS),
])
def test_leaks_in_excel_twin_with_bom(tmp_path: Path, value: str, kind: str) -> None:
    """The Excel twin (UTF-8 with BOM, CRLF, formula-like text prefixed with ') is scanned like the CSV."""
    folder = _clean_folder(tmp_path)
    row = dict(zip(HEADER, CLEAN))
    row["applicant"] = value
    with (folder / "open_petitions_excel.csv").open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(HEADER)
        w.writerow([row[h] for h in HEADER])
    assert (folder / "open_petitions_excel.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert _kinds(folder) == {kind}


def test_catalogue_and_dcat_files_are_scanned(tmp_path: Path) -> None:
    """catalogue.json and catalogue.jsonld are published too: a leak planted in either is found."""
    folder = _clean_folder(tmp_path)
    (folder / "catalogue.json").write_text(json.dumps({"관리부서": "홍길동"}, ensure_ascii=False), encoding="utf-8")
    assert _kinds(folder) == {guard.PERSON_NAME}
    (folder / "catalogue.json").unlink()
    (folder / "catalogue.jsonld").write_text(json.dumps({"title": {"ko": "900101-1234568"}}), encoding="utf-8")
    assert _kinds(folder) == {guard.RRN}
