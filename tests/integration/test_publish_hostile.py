"""Hostile names through the whole publication: stored as data, canonical CSV as delivered, Excel twin defused.

The hand-made world of test_publish.py, with its business (a vendor and a
business applicant, published by name) and a department renamed to
spreadsheet formulas and markup, staged, reconciled and published by the
real runner on a real warehouse. Every check still passes (Frictionless,
Parquet, OCDS, the privacy guard); the canonical CSV keeps the names as
delivered; the Excel twin starts none of its text cells with a formula
character; the page shows the names as text (its HTML has no tag from them).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import psycopg
import pytest
from test_publish import FIXTURE, D

pytestmark = pytest.mark.integration

VENDOR = '=HYPERLINK("http://x.invalid/?q=1","<script>document.title=1</script>")'
DEPT = '-2+3+cmd|" /C calc"!A0'
STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_world(warehouse: str, publish_dir: Path) -> str:
    from cheongbaek.reconcile.runner import reconcile

    fixture = FIXTURE.replace("(주)한빛건설", VENDOR).replace("'복지정책과'", f"'{DEPT}'")
    assert VENDOR in fixture and DEPT in fixture
    with psycopg.connect(warehouse) as conn:
        conn.execute(fixture)
    reconcile(D)
    return warehouse


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as fh:
        return list(csv.DictReader(fh))


def test_hostile_names_published_safely(hostile_world: str, publish_dir: Path) -> None:
    from cheongbaek.publish.runner import publish

    summary = publish(D)
    folder = Path(summary["folder"])
    assert set(summary["checks"]) == {"frictionless", "parquet", "ocds", "privacy_guard"}
    # stored as data: the warehouse holds the names as delivered
    with psycopg.connect(hostile_world) as conn:
        assert conn.execute("select vndr_nm from disclosure.finance_contracts limit 1").fetchone()[0] == VENDOR
    # the canonical CSV keeps them
    contracts = _rows(folder / "finance_contracts.csv")
    assert {r["vndr_nm"] for r in contracts} == {VENDOR}
    petitions = {r["ptn_no"]: r for r in _rows(folder / "open_petitions.csv")}
    assert petitions["2025-0002"]["applicant"] == VENDOR
    budget = {r["biz_cd"]: r for r in _rows(folder / "finance_budget_execution.csv")}
    assert budget["B002"]["dept_nm"] == DEPT
    # every Excel twin: BOM, no text cell starting like a formula, the same rows otherwise
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for res in package["resources"]:
        text_cols = {f["name"] for f in res["schema"]["fields"] if f["type"] == "string"}
        excel_path = folder / res["cheongbaek:excel"]
        assert excel_path.read_bytes().startswith(b"\xef\xbb\xbf")
        excel, canonical = _rows(excel_path, "utf-8-sig"), _rows(folder / res["path"])
        assert len(excel) == len(canonical)
        for xr, cr in zip(excel, canonical):
            for col in text_cols:
                assert not xr[col].startswith(STARTS), (res["name"], col, xr[col])
                assert xr[col] in (cr[col], "'" + cr[col])
    excel_contracts = _rows(folder / "finance_contracts_excel.csv", "utf-8-sig")
    assert {r["vndr_nm"] for r in excel_contracts} == {"'" + VENDOR}
    # OCDS carries the name as data
    ocds = json.loads((folder / "contracts.ocds.json").read_text(encoding="utf-8"))
    assert any(p["name"] == VENDOR for r in ocds["releases"] for p in r["parties"])
    # the page: the script in the name is text, not a tag
    page = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script>document.title=1" not in page
    assert "-2+3+cmd|&#34; /C calc&#34;!A0" in page  # the department, escaped
    shards = "".join(p.read_text(encoding="utf-8") for p in (folder / "site" / "petitions").glob("*.js"))
    assert "<script>" not in shards and "\\u003cscript\\u003e" in shards
