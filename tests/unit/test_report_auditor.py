"""The auditor report: section registry, per-day counts, chart, failures, reasons (real PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import psycopg

from cheongbaek import config
from cheongbaek.report.auditor import sections, write_report
from cheongbaek.report.sections.ingest import trend_svg

D1, D2 = dt.date(2025, 3, 3), dt.date(2025, 3, 4)


def test_registry_finds_section_modules_in_order() -> None:
    found = sections()
    names = [s.name for s in found]
    assert names[0] == "ingest"
    assert all(callable(s.module.render) and s.title for s in found)
    assert [s.order for s in found] == sorted(s.order for s in found)


def test_trend_svg_is_inline_and_scaled() -> None:
    svg = trend_svg([D1, D2], {"loaded": [10, 20], "quarantined": [0, 5]})
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2 and "20" in svg and "<script" not in svg
    assert trend_svg([], {}) == ""


def test_trend_svg_log_scale_keeps_small_days_visible() -> None:
    """A backlog day of 100,000 rows does not flatten a later day of 12 into the axis."""
    import re

    svg = trend_svg([D1, D2, D2 + dt.timedelta(days=1)], {"loaded": [100_000, 12, 0]})
    ys = [float(y) for y in re.findall(r'<circle cx="[^"]+" cy="([^"]+)"', svg)]
    top, small, zero = ys
    assert zero - small > 0.2 * (zero - top)  # linear: 0.0001 of the height; log: about a fifth
    assert ">10,000</text>" in svg and "log scale" in svg


def test_reason_words() -> None:
    from cheongbaek.report.words import reason_words

    assert reason_words("expect_column_values_to_not_be_null:rcpt_dtm") == ("rcpt_dtm 값이 비어 있음", "rcpt_dtm is empty")
    assert reason_words("wrong_length")[1] == "fixed-width record has the wrong length"
    assert reason_words("something_new") == ("something_new", "something_new")


def test_write_report(warehouse: str) -> None:
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute(
            "insert into audit.batch (batch_id, system, source_name, delivery_date, logical_date, rows_in, rows_loaded,"
            " rows_quarantined, rows_warned, status, error) values"
            " (1, 'tax', 'TAXASMT_20250303.dat', %(d1)s, %(d2)s, 10, 8, 2, 1, 'loaded', null),"
            " (2, 'tax', 'TAXASMT_20250304.dat', %(d2)s, %(d2)s, 0, 0, 0, 0, 'failed',"
            "  'TAXASMT_20250304.dat: trailer count 5 but 6 detail lines'),"
            " (3, 'finance', 'ehojo.tb_vendor', null, %(d2)s, 7, 7, 0, 0, 'loaded', null),"
            " (4, 'tax', 'TAXASMT_20250305.dat', '2025-03-05', '2025-03-05', 3, 3, 0, 0, 'loaded', null)",
            {"d1": D1, "d2": D2})
        conn.execute(
            "insert into quarantine.record (batch_id, system, source_name, line_no, reason, record) values"
            " (1, 'tax', 'TAXASMT_20250303.dat', 3, 'duplicate_key', 'D...'),"
            " (1, 'tax', 'TAXASMT_20250303.dat', 4, 'expect_column_values_to_be_in_set:tax_item_cd', 'D...')")
    path = write_report(D2)
    assert path == config.home() / "reports" / "auditor_2025-03-04.html"
    html = path.read_text(encoding="utf-8")
    assert (config.home() / "reports" / "auditor_latest.html").read_text(encoding="utf-8") == html
    assert '<html lang="ko">' in html and "청백 감사 보고서" in html  # Korean first, English beside
    assert '<h3>지방세 <span class="en" lang="en">tax</span></h3>' in html
    assert '<h3>재정 <span class="en" lang="en">finance</span></h3>' in html
    assert "trailer count 5 but 6 detail lines" in html
    # reasons in words (Korean, English), the id kept beside
    assert "tax_item_cd 값이 허용된 코드가 아님" in html and "tax_item_cd is not one of the allowed codes" in html
    assert "같은 키의 레코드가 파일 안에 두 번 이상 있음" in html
    assert "<code>expect_column_values_to_be_in_set:tax_item_cd</code>" in html and "<code>duplicate_key</code>" in html
    assert "every loaded batch balances" in html and "모든 적재 배치의 건수가 맞음" in html
    assert '<th scope="col">수신 건수 <span class="en" lang="en">rows in</span></th>' in html
    assert "<svg" in html and "<script" not in html
    assert "TAXASMT_20250305" not in html  # after the report date: not shown
    # the tax row of 2025-03-03: 1 batch, 0 failed, 10 in, 8 loaded, 2 quarantined, 1 warning
    assert "<td>2025-03-03</td><td>1</td><td>0</td><td>10</td><td>8</td><td>2</td><td>1</td>" in html
