"""A new legacy system is one catalog file and one suite file: written, recognised, parsed and validated.

The throwaway ``parking`` system (parking fines, CP949 CSV, Korean headers)
lives in this test's temporary directories only: no parser module, no DAG,
no test count, no tag list and no package file is edited for it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from stdnum.kr import rrn as stdnum_rrn

from cheongbaek import interfaces, privacy
from cheongbaek.ingest.parsers import FILE_KINDS, kind_for, parse_file
from cheongbaek.ingest.records import FILE_KEYS, Reject, Row
from cheongbaek.simulator import formats as F
from cheongbaek.validation.suites import SuiteValidator, load_suite_document

KEY = b"unit-test-key"
DAY = dt.date(2025, 3, 3)

CATALOG = """\
system: parking
kind: files
description: parking fines (CP949 CSV, Korean headers)
files:
  - name: PARK_YYYYMMDD.csv
    table: park_fine
    format: csv
    encoding: cp949
    quoting: all
    key: [fine_no]
    fields:
      - {name: fine_no, header: 과태료번호, type: text, required: true}
      - {name: party_type, header: 납부자구분, type: code, codes: {"1": person, "2": business}}
      - {name: party_id, header: 납부자번호, type: party_id, party_type: party_type, ident: rrn_or_brn}
      - {name: car_no, header: 차량번호, type: free}
      - {name: pnu, header: 필지번호, type: pnu, ident: pnu}
      - {name: fine_amt, header: 과태료, type: int, thousands: true}
      - {name: fine_dt, header: 부과일자, type: date, format: YYYY-MM-DD}
      - {name: status, header: 상태, type: code, codes: {부과: imposed, 수납: paid}}
"""
#: The business rule the catalog cannot state: a fine is 1 to 1,000,000 won.
SUITE = {"name": "park_fine", "expectations": [
    {"type": "expect_column_values_to_be_between",
     "kwargs": {"column": "fine_amt", "min_value": 1, "max_value": 1_000_000},
     "meta": {"blocking": True, "why": "a parking fine is at most 1,000,000 won"}}]}


@pytest.fixture
def parking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> interfaces.FileSpec:
    catalog, suites = tmp_path / "interfaces", tmp_path / "suites"
    catalog.mkdir()
    suites.mkdir()
    (catalog / "parking.yaml").write_text(CATALOG, encoding="utf-8")
    (suites / "park_fine.json").write_text(json.dumps(SUITE, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(interfaces.ENV, str(catalog))
    monkeypatch.setenv("CHEONGBAEK_EXPECTATIONS_DIR", str(suites))
    return interfaces.file_spec("park_fine")


def _rrn() -> str:
    first12 = "800101123456"
    return f"{first12[:6]}-{first12[6:]}{stdnum_rrn.calc_check_digit(first12)}"


def test_a_throwaway_system_is_written_parsed_and_validated(parking: interfaces.FileSpec, tmp_path: Path) -> None:
    assert list(interfaces.catalog())[-1] == "parking"  # after the seven of the interface page
    assert "parking" not in FILE_KINDS  # the package's own kinds are untouched...
    kind = kind_for("parking", "PARK_20250303.csv")  # ...and the catalog's are read at run time
    assert kind is not None and kind.table == "park_fine"
    assert kind_for("parking", "PARK_2025030.csv") is None
    assert FILE_KEYS["park_fine"] == ("fine_no",)

    brn = "123456789" + privacy.brn_check_digit("123456789")
    path = tmp_path / "PARK_20250303.csv"
    w = F.open_writer(parking, path, DAY)  # the simulator's writer, from the same catalog entry
    w.add(["F1", "1", _rrn(), "12가3456", "1111010100100120003", F.won(40000), "2025-03-03", "부과"])
    w.add(["F2", "2", brn, "34나5678", "", F.won(2_000_000), "2025-03-03", "수납"])
    w.add(["F3", "1", _rrn(), "56다7890", "1111010100-1-0012-0003", "40,000", "2025-03-03", "압류"])
    w.add(["F4", "1", _rrn(), "78라1234", "", "40,000", "2025-02-30", "부과"])
    w.close()
    text = path.read_bytes().decode("cp949")
    assert text.startswith('"과태료번호","납부자구분","납부자번호"') and text.endswith("\r\n")

    parsed = parse_file("parking", path, DAY, KEY)
    assert parsed.table == "park_fine"
    assert parsed.columns == ["fine_no", "party_type", "party_id", "party_id_status", "car_no", "pnu", "fine_amt",
                              "fine_dt", "status"]
    items = list(parsed.items)
    rows = [it for it in items if isinstance(it, Row)]
    rejects = [it for it in items if isinstance(it, Reject)]
    assert [r.line_no for r in rows] == [2, 3, 4]
    assert rows[0].values[2].startswith(privacy.PSEUDONYM_PREFIX) and rows[0].values[3] == "valid"
    assert rows[0].values[5] == "1111010100100120003" and rows[0].values[6] == 40000
    assert rows[1].values[2:4] == (brn, "brn")
    assert rows[2].values[5] == "1111010100100120003"  # the hyphenated PNU normalised
    assert [(r.line_no, r.reason) for r in rejects] == [(5, "unparseable_date")]
    assert _rrn().replace("-", "") not in rejects[0].record  # pseudonymised before the date failed

    # the suite: generated from the catalog (required key, code lists, id status, PNU) + the file's business rule
    labels = [f"{e['type']}:{e['kwargs']['column']}" for e in load_suite_document("park_fine")["expectations"]]
    assert labels == ["expect_column_values_to_not_be_null:fine_no",
                      "expect_column_values_to_be_in_set:party_type",
                      "expect_column_values_to_be_in_set:party_id_status",
                      "expect_column_values_to_not_be_in_set:party_id_status",
                      "expect_column_values_to_match_regex:pnu",
                      "expect_column_values_to_be_between:fine_amt",
                      "expect_column_values_to_be_in_set:status"]
    v = SuiteValidator("park_fine")
    out = v.validate(parsed.columns, [r.values for r in rows], v.new_stats())
    assert out.blocking == {1: "expect_column_values_to_be_between:fine_amt",
                            2: "expect_column_values_to_be_in_set:status"}


def test_the_package_catalog_is_unchanged_without_the_extra_directory() -> None:
    assert "parking" not in interfaces.catalog()
    assert kind_for("parking", "PARK_20250303.csv") is None
