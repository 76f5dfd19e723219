"""GX Data Docs work offline: no remote asset, every link resolves, readable names (real GX, real Chromium).

Two batches are loaded through the real loader into a real warehouse (one
with a quarantined record), the Data Docs are built, and the index and a
validation page are opened in headless Chromium with the network cut: no
element refers to another host, every link and stylesheet is a file of the
site, the index lists both batches by source file with their outcome, and
run names are the file and batch, not ``__none__``. The auditor report's
own validation section shows the same results, and links to the Data Docs.
Screenshots go to build/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import psycopg
import pytest
from conftest import BUILD, dump_dom, references, require_chromium, screenshot

from cheongbaek.ingest import loader
from cheongbaek.ingest.records import FILE_KEYS, Reject, Row

pytestmark = pytest.mark.browser

COLUMNS = ["asmt_no", "tax_item_cd", "party_type", "party_id", "party_id_status", "party_nm", "pnu",
           "tax_base_amt", "tax_amt", "cause_dt", "asmt_dt", "due_dt", "paid_dt", "status_cd", "dept_cd"]
DAY = dt.date(2025, 3, 3)
PAYLOAD = "<img src=x onerror=\"document.title='PWNED'\">"


def tax_row(line: int, asmt_no: str, *, item: str = "201") -> Row:
    values = (asmt_no, item, "1", "p_" + "a" * 32, "valid", "홍길동", "1111010100100120003", 100_000, 1000, DAY,
              DAY, DAY, None, "01", "3000001")
    return Row(line, values, f"D{asmt_no} record {line}")


def load(conn: psycopg.Connection, items: list[Row | Reject], source_name: str) -> int:
    batch_id = loader.open_batch(conn, system="tax", source_name=source_name, delivery_date=DAY,
                                 logical_date=DAY, checksum="x")
    with conn.transaction():
        landed = loader.land(conn, table="tax_assessment", columns=COLUMNS, items=iter(items))
        counts = loader.settle_file(conn, batch_id=batch_id, system="tax", source_name=source_name,
                                    table="tax_assessment", columns=COLUMNS, keys=FILE_KEYS["tax_assessment"],
                                    delivery_date=DAY, replaces=[])
        loader.close_batch(conn, batch_id=batch_id, counts=counts, suite="tax_assessment", stats=landed.stats)
    loader.keep_validation_result("tax_assessment", batch_id, source_name, landed)
    return batch_id


def _check_links(url: str, dom: str) -> int:
    n = 0
    for tag, attr, value in references(dom):
        parsed = urlparse(value)
        assert parsed.scheme in ("", "file") and not value.startswith("//"), f"{url}: {tag} {attr}={value} is remote"
        if value.startswith("#") or not value:
            continue
        path = Path(unquote(urlparse(urljoin(url, value)).path))
        assert path.is_file(), f"{url}: {tag} {attr}={value} -> {path} missing"
        n += 1
    return n


def test_data_docs_offline(warehouse: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    # a home of its own: the Data Docs and reports of other tests in the session are not this test's
    monkeypatch.setenv("CHEONGBAEK_HOME", str(tmp_path / "home"))
    from cheongbaek.report.auditor import write_report
    from cheongbaek.validation.docs import build_data_docs, docs_dir

    with psycopg.connect(warehouse, autocommit=True) as conn:
        first = load(conn, [tax_row(2, "F1"), tax_row(3, "F2", item="998")], "TAXASMT_20250303.dat")
        # a hostile file name: shown as text on the index and the page, never run
        second = load(conn, [tax_row(2, "F3")], "TAXASMT_20250304.dat" + PAYLOAD)
    index = build_data_docs("tax")
    assert index == docs_dir() / "index.html"
    html = index.read_text(encoding="utf-8")
    assert f"batch_{first}" in html and f"batch_{second}" in html
    assert "TAXASMT_20250303.dat" in html and "TAXASMT_20250304.dat" in html

    dom = dump_dom(index.as_uri(), tmp_path)
    assert "<script" not in dom and "<img" not in dom and "PWNED" not in dom.split("</title>")[0]
    assert _check_links(index.as_uri(), dom) >= 3  # stylesheet and a page per batch
    assert "실패 failed" in dom and "통과 passed" in dom  # the batch with a bad code failed an expectation

    pages = sorted((docs_dir() / "validations").rglob("*.html"))
    assert len(pages) == 2
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", text), page
        assert "cheongbaek_offline.css" in text
        assert "__none__" not in text and not re.search(r"tax_assessment_\d{10,}", text)
        pdom = dump_dom(page.as_uri(), tmp_path)
        _check_links(page.as_uri(), pdom)
        assert "PWNED" not in pdom.split("</title>")[0] and "<img src=x" not in pdom
    assert "TAXASMT_20250303.dat (batch" in "".join(p.read_text(encoding="utf-8") for p in pages)

    for width, name in ((1280, "data_docs_index_1280.png"), (375, "data_docs_index_375.png")):
        screenshot(index.as_uri(), BUILD / name, width, 900, tmp_path)
    screenshot(pages[0].as_uri(), BUILD / "data_docs_page_1280.png", 1280, 1400, tmp_path)

    # the auditor report shows the validation results itself and links the Data Docs
    report = write_report(DAY)
    rhtml = report.read_text(encoding="utf-8")
    assert 'href="../data_docs/index.html"' in rhtml
    assert "tax_item_cd 값이 허용된 코드가 아님" in rhtml
    rdom = dump_dom(report.as_uri(), tmp_path)
    _check_links(report.as_uri(), rdom)
    for width, name in ((1280, "auditor_report_1280.png"), (375, "auditor_report_375.png")):
        screenshot(report.as_uri(), BUILD / name, width, 1400, tmp_path)
