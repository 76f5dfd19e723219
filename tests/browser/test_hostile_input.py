"""Hostile input in what is published: HTML and script shown as text, formulas defused for spreadsheets.

A vendor, an applicant, a department or a project may be named
``<script>...</script>``, ``<img src=x onerror=...>`` or ``=HYPERLINK(...)``:
the data is stored and published as delivered (the canonical CSV keeps it),
but no page runs it and no spreadsheet-facing file lets a spreadsheet read
it as a formula. Every script payload here would change ``document.title``
if it ran; Chromium renders the pages (the citizen page, in both languages,
and the auditor report from a real warehouse) and the title is checked
after the page's own JS ran.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from conftest import D, datasets, dump_dom, publication, require_chromium

PWNED = "PWNED"
SCRIPT = "<script>document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"document.title='PWNED'\">"
SVG = "<svg onload=\"document.title='PWNED'\"></svg>"
BREAKOUT = "</script><script>document.title='PWNED'</script>"
ATTR = "\" onmouseover=\"document.title='PWNED'\" x=\""
FORMULAS = ['=HYPERLINK("http://example.invalid/?x="&A1,"click")', "-2+3+cmd|' /C calc'!A0", "+1+1",
            "@SUM(1+1)*cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def hostile() -> dict[str, list[dict]]:
    """Every text field of every dataset carries a payload; a negative amount stays a number."""
    data = datasets()
    p = data["open_petitions"][0]
    p.update(applicant=IMG, dept_nm=SCRIPT, official_nm=BREAKOUT, official_title=ATTR, district=SVG,
             proc_nm=FORMULAS[0], sector_nm=FORMULAS[1])
    data["open_petitions"][1].update(applicant=FORMULAS[2], dept_nm=FORMULAS[3])
    s = data["open_petition_steps"][1]
    s.update(dept_nm=IMG, official_nm=SCRIPT, official_title=FORMULAS[4])
    data["open_procedures"][0].update(proc_nm=SCRIPT, sector_nm=IMG)
    b = data["finance_budget_execution"][0]
    b.update(dept_nm=SCRIPT + IMG, biz_nm=BREAKOUT + FORMULAS[0], supl_amt=-300000000, paid_amt=150000000,
             exec_rate=0.2143)
    data["finance_budget_execution"][1].update(dept_nm=ATTR, biz_nm=FORMULAS[5])
    c = data["finance_contracts"][0]
    c.update(vndr_nm=FORMULAS[0], cntr_nm=FORMULAS[1] + SCRIPT, dept_nm=FORMULAS[6])
    data["finance_payments_monthly"][0].update(biz_nm=FORMULAS[4], dept_nm=IMG)
    data["control_outcomes"][0].update(area=SCRIPT)
    return data


@pytest.fixture(scope="module")
def hostile_pub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publication(tmp_path_factory.mktemp("hostile"), hostile())


class _Elements(HTMLParser):
    """Elements and event-handler attributes of a DOM dump, as a parser sees them (not text that looks like tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [(tag, k) for k, _ in attrs if k.startswith("on")]
        if tag == "script":
            self.scripts.append(dict(attrs).get("src") or dict(attrs).get("id") or "inline")


def elements(dom: str) -> _Elements:
    parser = _Elements()
    parser.feed(dom)
    return parser


def _title(dom: str) -> str:
    m = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert m is not None
    return m.group(1)


@pytest.mark.browser
@pytest.mark.parametrize("page,ptn", [("index.html", "2025-0002"), ("en.html", "2025-0002"),
                                      ("index.html", "2025-0011"), ("en.html", SCRIPT), ("index.html", IMG)])
def test_citizen_page_runs_no_payload(hostile_pub: Path, tmp_path: Path, page: str, ptn: str) -> None:
    require_chromium()
    dom = dump_dom(hostile_pub.with_name(page).as_uri() + "?ptn=" + quote(ptn), tmp_path)
    assert PWNED not in _title(dom) and _title(dom).endswith(D.isoformat())
    assert "<script>document.title" not in dom  # shown as text: &lt;script&gt;
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in dom
    found = elements(dom)
    assert "img" not in found.tags and found.handlers == []  # no element and no handler came from the data
    # the page's own scripts only (its labels, data.js, app.js, and the one shard loaded on lookup)
    assert all(s in ("cb-labels", "data.js", "app.js") or s.startswith("petitions/") for s in found.scripts), \
        found.scripts
    if ptn.startswith("2025"):
        assert 'data-state="found"' in dom
        assert "&lt;img src=x onerror=" in dom  # the applicant, as text


def test_site_data_files_cannot_break_out(hostile_pub: Path) -> None:
    """data.js and the shards hold no raw ``<`` (a ``</script>`` in a value cannot end anything)."""
    site = hostile_pub.parent
    for path in [site / "data.js", *sorted((site / "petitions").glob("*.js"))]:
        text = path.read_text(encoding="utf-8")
        assert "<" not in text and ">" not in text, path.name
        payload = json.loads(text.split("=", 1)[1].strip().rstrip(";"))
        assert payload  # still valid JSON, values intact
    shard = "".join(p.read_text(encoding="utf-8") for p in (site / "petitions").glob("*.js"))
    assert json.dumps(IMG, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e") in shard


def _string_fields(folder: Path) -> dict[str, set[str]]:
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: {f["name"] for f in r["schema"]["fields"] if f["type"] == "string"}
            for r in package["resources"]}


def test_excel_files_defuse_formulas_canonical_keeps_data(hostile_pub: Path) -> None:
    """No text cell of a spreadsheet-facing file starts with = + - @ tab or CR; numbers stay numbers."""
    folder = hostile_pub.parent.parent
    text_fields = _string_fields(folder)
    excel_files = sorted(folder.glob("*_excel.csv"))
    assert len(excel_files) == len(text_fields) == 7
    seen_defused = 0
    for path in excel_files:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no BOM"
        name = path.name.removesuffix("_excel.csv")
        with path.open(newline="", encoding="utf-8-sig") as fh:
            excel = list(csv.DictReader(fh))
        with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
            canonical = list(csv.DictReader(fh))
        assert len(excel) == len(canonical)
        for xr, cr in zip(excel, canonical):
            for col, value in xr.items():
                if col in text_fields[name]:
                    assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), f"{path.name} {col}: {value!r}"
                    if cr[col] != value:
                        assert value == "'" + cr[col]
                        seen_defused += 1
                else:
                    assert value == cr[col], f"{path.name} {col}: a number or date is never changed"
    assert seen_defused == 10  # every formula planted above
    # the canonical CSV keeps the data as delivered
    contracts = (folder / "finance_contracts.csv").read_text(encoding="utf-8")
    assert FORMULAS[0].replace('"', '""') in contracts
    budget = {r["biz_cd"]: r for r in csv.DictReader((folder / "finance_budget_execution_excel.csv")
                                                     .read_text(encoding="utf-8-sig").splitlines())}
    assert budget["B001"]["supl_amt"] == "-300000000"  # a negative amount is a number, not defused


def test_hostile_publication_still_validates(hostile_pub: Path) -> None:
    """Frictionless and OCDS still pass: payloads are data, and the Excel twins are not resources."""
    from cheongbaek.publish import ocds, runner

    folder = hostile_pub.parent.parent
    assert runner.frictionless_errors(folder) == []
    package = json.loads((folder / runner.OCDS_FILE).read_text(encoding="utf-8"))
    assert ocds.validation_errors(package) == []
    assert package["releases"][0]["parties"][0]["name"] == FORMULAS[0] or any(
        p["name"] == FORMULAS[0] for p in package["releases"][0]["parties"])


# ---------------------------------------------------------------- auditor report
@pytest.mark.browser
def test_auditor_report_runs_no_payload(warehouse: str, tmp_path: Path) -> None:
    """File names, errors and quarantine reasons carrying script are shown as text in the auditor report."""
    require_chromium()
    from cheongbaek.report.auditor import write_report

    day = dt.date(2025, 3, 4)
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute(
            "insert into audit.batch (batch_id, system, source_name, delivery_date, logical_date, rows_in,"
            " rows_loaded, rows_quarantined, rows_warned, status, error) values"
            " (1, 'tax', %(s1)s, %(d)s, %(d)s, 10, 8, 2, 0, 'loaded', null),"
            " (2, 'tax', %(s2)s, %(d)s, %(d)s, 0, 0, 0, 0, 'failed', %(e)s)",
            {"s1": "TAXASMT_20250304.dat" + IMG, "s2": SCRIPT, "d": day, "e": BREAKOUT + SVG})
        conn.execute(
            "insert into quarantine.record (batch_id, system, source_name, line_no, reason, record) values"
            " (1, 'tax', 'x', 3, %(r1)s, 'D...'), (1, 'tax', 'x', 4, %(r2)s, 'D...')",
            {"r1": SCRIPT, "r2": "expect_column_values_to_match_regex:" + IMG})
    html = write_report(day).read_text(encoding="utf-8")
    assert "<script" not in html.replace("&lt;script", "")
    dom = dump_dom(write_report(day).as_uri(), tmp_path)
    assert PWNED not in _title(dom)
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in dom
    found = elements(dom)
    assert "img" not in found.tags and found.handlers == [] and found.scripts == []
