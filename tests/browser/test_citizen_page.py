"""The citizen page works in a real browser (Debian's headless chromium), offline.

A whole publication is written from hand-made rows with the runner's own
writers (the integration tests cover how those rows are built), the page is
opened from ``file://`` with ``?ptn=``, and the DOM after the page's own JS
ran is checked: Korean first (``index.html``) with an English twin
(``en.html``), the petition found with its flow, overdue marked, expected
completion and next step shown, budget amounts with each department's
projects, the control outcomes with small cells empty, and every link and
script on the page resolving to a file of the publication. Screenshots at
1280, 375 and 360 px go to build/.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from conftest import BUILD, datasets, dump_dom, publication, references, require_chromium, screenshot

pytestmark = pytest.mark.browser

Chromium = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_chromium()
    return publication(tmp_path_factory.mktemp("pub"))


def _result_div(dom: str) -> str:
    m = re.search(r'<div id="result"[^>]*>', dom)
    assert m is not None, dom[-2000:]
    return m.group(0)


def test_lookup_korean_first(page: Path, tmp_path: Path) -> None:
    dom = dump_dom(page.as_uri() + "?ptn=2025-0002", tmp_path)
    assert '<html lang="ko">' in dom
    assert '<time id="next-update" datetime="2025-03-17">' in dom  # Friday 3-14: next business day
    div = _result_div(dom)
    assert 'data-state="found"' in div and 'data-ptn="2025-0002"' in div and 'data-overdue="false"' in div
    assert "민원 2025-0002" in dom
    assert "보상 (CON01)" in dom  # the procedure's Korean name from reference/open_procedures_ko.csv
    assert '<li class="done" data-step="RCPT" title="완료">접수</li>' in dom
    assert '<li class="current" data-step="REVW" aria-current="step" title="진행 중">검토</li>' in dom
    assert '<li class="pending" data-step="DCSN" title="예정">결정</li>' in dom
    # expected completion (the due date) and what comes next, as OPEN shows
    assert re.search(r'<dt>처리 예정일</dt><dd class="expected">2025-03-18</dd>', dom)
    assert re.search(r'<dt>다음 단계</dt><dd class="next-step">결정</dd>', dom)
    assert "처리 중" in dom and "홍*동" in dom and "김공무 (팀장)" in dom
    assert 'id="budget-chart"' in dom and 'data-dept="도로관리과"' in dom and "11.5%" in dom
    # amounts, not only rates: paid / budget in won, and each department's projects
    assert "150,000,000 / 1,300,000,000" in dom
    assert re.search(r"<summary>도로관리과</summary>", dom) and "<td>도로 정비</td>" in dom
    assert '<label for="ptn">민원 접수번호</label>' in dom


def test_overdue_is_marked(page: Path, tmp_path: Path) -> None:
    dom = dump_dom(page.as_uri() + "?ptn=2025-0011", tmp_path)
    assert 'data-overdue="true"' in _result_div(dom)
    assert '<strong class="badge overdue" id="overdue-badge">처리기한 경과</strong>' in dom
    assert '<dd class="overdue" id="overdue">처리기한 경과</dd>' in dom
    assert "미처리 민원 1건" in dom  # the count on the page


def test_english_switch(page: Path, tmp_path: Path) -> None:
    ko = dump_dom(page.as_uri() + "?ptn=2025-0002", tmp_path)
    switch = re.search(r'<a id="lang-switch"[^>]*href="([^"]*)"[^>]*>English</a>', ko)
    assert switch is not None and switch.group(1) == "en.html?ptn=2025-0002"  # keeps the petition
    dom = dump_dom(urljoin(page.as_uri(), switch.group(1)), tmp_path)
    assert '<html lang="en">' in dom
    assert 'data-state="found"' in _result_div(dom)
    assert "Petition 2025-0002" in dom
    assert '<li class="done" data-step="RCPT" title="done">reception</li>' in dom
    assert '<li class="current" data-step="REVW" aria-current="step" title="current">review</li>' in dom
    assert "Compensation (CON01)" in dom and "Budget execution by department" in dom
    assert ">한국어</a>" in dom


def test_unknown_number_says_so(page: Path, tmp_path: Path) -> None:
    dom = dump_dom(page.as_uri() + "?ptn=9999-0000", tmp_path)
    assert 'data-state="not-found"' in dom
    assert "공개된 민원 중 접수번호 9999-0000인 민원이 없습니다." in dom
    en = dump_dom(page.with_name("en.html").as_uri() + "?ptn=9999-0000", tmp_path)
    assert "No published petition with number 9999-0000." in en


def test_petitions_are_sharded(page: Path, tmp_path: Path) -> None:
    """data.js holds no petition; the shard of ``...02`` holds 2025-0002 and is loaded on lookup."""
    site_dir = page.parent
    assert '"petitions":{}' in (site_dir / "data.js").read_text(encoding="utf-8")
    shards = sorted((site_dir / "petitions").glob("p-*.js"))
    assert len(shards) == 2 and any("2025-0002" in s.read_text(encoding="utf-8") for s in shards)
    # a number of the same shard that is not in it is not found (the shard is loaded, then says so)
    dom = dump_dom(page.with_name("en.html").as_uri() + "?ptn=2024-0002", tmp_path)
    assert 'data-state="not-found"' in dom
    assert "No published petition with number 2024-0002." in dom


def test_control_outcomes_section(page: Path, tmp_path: Path) -> None:
    dom = dump_dom(page.as_uri(), tmp_path)
    row = re.search(r'<tr data-area="finance" data-month="2025-02">(.*?)</tr>', dom, re.S)
    assert row is not None
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)
    assert cells[0] == "재정" and cells[2:5] == ["12", "5", '<span class="sr">5건 미만 비공개</span>']
    assert cells[5] == "340,000,000"
    tax = re.search(r'<tr data-area="tax" data-month="2025-03">(.*?)</tr>', dom, re.S)
    assert tax is not None and tax.group(1).count("suppressed") == 5


def test_every_link_resolves_offline(page: Path, tmp_path: Path) -> None:
    """Every href and src of both pages (after the JS ran) is a file of the publication; none is remote.

    Each link is followed: the target file exists, and a linked page is
    itself opened in Chromium and checked the same way.
    """
    seen: set[str] = set()
    todo = [page.as_uri() + "?ptn=2025-0002", page.with_name("en.html").as_uri() + "?ptn=2025-0011"]
    followed = 0
    while todo:
        url = todo.pop()
        dom = dump_dom(url, tmp_path)
        refs = references(dom)
        assert refs, url
        for tag, attr, value in refs:
            parsed = urlparse(value)
            assert parsed.scheme in ("", "file"), f"{url}: {tag} {attr}={value} leaves the machine"
            assert not value.startswith("//"), value
            if value.startswith("#"):
                assert re.search(rf'id="{re.escape(value[1:])}"', dom), f"{url}: no anchor {value}"
                continue
            target = urljoin(url, value)
            path = Path(unquote(urlparse(target).path))
            assert path.is_file(), f"{url}: {tag} {attr}={value} -> {path} missing"
            followed += 1
            if path.suffix == ".html" and path.as_uri() not in seen:
                seen.add(path.as_uri())
                todo.append(target)
    assert followed >= 30
    folder = page.parent.parent
    for name in ("datapackage.json", "contracts.ocds.json", "catalogue.json", "catalogue.jsonld",
                 "open_petitions_excel.csv", "control_outcomes.parquet"):
        assert (folder / name).is_file()
    ko = (page).read_text(encoding="utf-8")
    assert 'href="../datapackage.json"' in ko and 'href="../contracts.ocds.json"' in ko


def test_accessible_structure(page: Path, tmp_path: Path) -> None:
    """Landmarks, a skip link, labelled form, captions and scoped headers: what a screen reader needs."""
    dom = dump_dom(page.as_uri(), tmp_path)
    for needle in ('<a class="skip" href="#main">', '<main id="main"', "<nav aria-label=", '<form id="lookup"',
                   '<label for="ptn">', 'aria-live="polite"', '<th scope="col">', "<caption>", "<footer>",
                   'role="img" aria-labelledby="budget-caption"'):
        assert needle in dom, needle
    # every input has a label, every image-like element a text alternative
    for m in re.finditer(r'<input[^>]*id="([^"]+)"', dom):
        assert f'<label for="{m.group(1)}"' in dom
    assert "<img" not in dom


def test_screenshots(page: Path, tmp_path: Path) -> None:
    """1280, 375 and 360 px wide, Korean and English; narrow pages do not scroll sideways."""
    for width, height, name, url in (
            (1280, 1600, "citizen_page.png", page.as_uri() + "?ptn=2025-0002"),
            (1280, 1600, "citizen_page_1280.png", page.as_uri() + "?ptn=2025-0011"),
            (375, 2200, "citizen_page_375.png", page.as_uri() + "?ptn=2025-0011"),
            (360, 2200, "citizen_page_360.png", page.as_uri() + "?ptn=2025-0002"),
            (375, 2200, "citizen_page_en_375.png", page.with_name("en.html").as_uri() + "?ptn=2025-0002")):
        screenshot(url, BUILD / name, width, height, tmp_path)


def test_no_horizontal_overflow_at_360(page: Path, tmp_path: Path) -> None:
    """The page's own width at 360 px is 360 px: nothing is clipped or pushes the page sideways.

    A probe page loads the citizen page in a 360 px iframe and writes the
    document's scroll width into its title (read back with --dump-dom).
    """
    probe = page.with_name("probe360.html")
    probe.write_text(
        '<!DOCTYPE html><html><head><title>probe</title></head><body style="margin:0">'
        '<iframe id="f" src="index.html?ptn=2025-0011" style="width:360px;height:2000px;border:0"></iframe>'
        "<script>document.getElementById('f').onload=function(){var d=this.contentDocument;"
        "setTimeout(function(){document.title='w='+d.documentElement.scrollWidth;},300);};</script>"
        "</body></html>", encoding="utf-8")
    try:
        dom = dump_dom(probe.as_uri(), tmp_path, ("--allow-file-access-from-files",))
    finally:
        probe.unlink()
    m = re.search(r"<title>w=(\d+)</title>", dom)
    assert m is not None, dom[:500]
    assert int(m.group(1)) <= 360


def test_empty_publication_page(tmp_path: Path) -> None:
    require_chromium()
    empty = {k: [] for k in datasets()}
    index = publication(tmp_path / "pub", empty)
    dom = dump_dom(index.as_uri(), tmp_path)
    assert 'id="budget-empty"' in dom and 'id="controls-empty"' in dom
