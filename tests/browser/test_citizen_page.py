"""The citizen page works in a real browser (Debian's headless chromium).

The site is generated from hand-made disclosure rows (the integration tests
cover how those rows are built), opened from ``file://`` with ``?ptn=``, and
the DOM after the page's own JS ran is checked: the petition is found, its
flow marks the steps done and current, an unknown number says so. A
screenshot goes to build/citizen_page.png.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cheongbaek.publish import site

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
D = dt.date(2025, 3, 14)

DATASETS = {
    "open_procedures": [
        {"proc_cd": "CON01", "sector_cd": "CON", "sector_nm": "Construction", "proc_nm": "Compensation",
         "legal_days": 5, "standard_flow": "RCPT>REVW>DCSN>NOTI",
         "standard_flow_names": "reception > review > decision > notification", "flow_basis": "observed"},
    ],
    "open_petitions": [
        {"ptn_no": "2025-0002", "proc_cd": "CON01", "proc_nm": "Compensation", "sector_nm": "Construction",
         "rcpt_dt": dt.date(2025, 3, 4), "due_dt": dt.date(2025, 3, 18), "status": "in process",
         "current_step_cd": "REVW", "current_step_nm": "review", "cmpl_dt": None, "result": None,
         "dept_nm": "도로관리과", "official_nm": "김공무", "official_title": "팀장", "bdays_elapsed": 8,
         "overdue": False, "applicant": "홍*동", "district": "종로구"},
    ],
    "open_petition_steps": [
        {"ptn_no": "2025-0002", "step_seq": 1, "step_cd": "RCPT", "step_nm": "reception",
         "step_dtm": dt.datetime(2025, 3, 4, 9, 0), "dept_nm": "도로관리과", "official_nm": None,
         "official_title": None},
        {"ptn_no": "2025-0002", "step_seq": 2, "step_cd": "REVW", "step_nm": "review",
         "step_dtm": dt.datetime(2025, 3, 5, 10, 0), "dept_nm": "도로관리과", "official_nm": "김공무",
         "official_title": "팀장"},
    ],
    "finance_budget_execution": [
        {"fscl_yr": 2025, "dept_cd": "1000001", "dept_nm": "도로관리과", "biz_cd": "B001", "biz_nm": "도로 정비",
         "bdgt_amt": 1000000000, "supl_amt": 300000000, "paid_amt": 150000000},
        {"fscl_yr": 2025, "dept_cd": "1000002", "dept_nm": "복지정책과", "biz_cd": "B002", "biz_nm": "복지 지원",
         "bdgt_amt": 500000000, "supl_amt": 0, "paid_amt": 20000000},
    ],
}


def _chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
           f"--user-data-dir={profile}", "--virtual-time-budget=5000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        message = f"{CHROMIUM} missing: run scripts/install-chromium.sh"
        if os.environ.get("CHEONGBAEK_REQUIRE_BROWSER"):  # make test sets it: CI never skips this silently
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("pub")
    return site.write_site(folder, D, DATASETS) / "index.html"


def test_lookup_shows_flow_and_status(page: Path, tmp_path: Path) -> None:
    result = _chromium(["--dump-dom", page.as_uri() + "?ptn=2025-0002"], tmp_path)
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    result_div = re.search(r'<div id="result"[^>]*>', dom)
    assert result_div is not None, dom[-2000:]
    assert 'data-state="found"' in result_div.group(0) and 'data-ptn="2025-0002"' in result_div.group(0)
    assert "Petition 2025-0002" in dom
    assert '<li class="done" data-step="RCPT">reception</li>' in dom
    assert '<li class="current" data-step="REVW">review</li>' in dom
    assert '<li class="pending" data-step="DCSN">decision</li>' in dom
    assert "2025-03-18" in dom and "홍*동" in dom and "김공무 (팀장)" in dom
    assert 'id="budget-chart"' in dom and 'data-dept="도로관리과"' in dom and "11.5%" in dom


def test_unknown_number_says_so(page: Path, tmp_path: Path) -> None:
    dom = _chromium(["--dump-dom", page.as_uri() + "?ptn=9999-0000"], tmp_path).stdout
    assert 'data-state="not-found"' in dom
    assert "No published petition with number 9999-0000." in dom


def test_petitions_are_sharded(page: Path, tmp_path: Path) -> None:
    """data.js holds no petition; the one shard of ``...02`` holds 2025-0002 and is loaded on lookup."""
    site_dir = page.parent
    assert '"petitions":{}' in (site_dir / "data.js").read_text(encoding="utf-8")
    shards = sorted((site_dir / "petitions").glob("p-*.js"))
    assert len(shards) == 1 and "2025-0002" in shards[0].read_text(encoding="utf-8")
    # a number of the same shard that is not in it is not found (the shard is loaded, then says so)
    dom = _chromium(["--dump-dom", page.as_uri() + "?ptn=2024-0002"], tmp_path).stdout
    assert 'data-state="not-found"' in dom
    assert "No published petition with number 2024-0002." in dom


def test_screenshot(page: Path, tmp_path: Path) -> None:
    out = REPO / "build" / "citizen_page.png"
    out.parent.mkdir(exist_ok=True)
    out.unlink(missing_ok=True)
    result = _chromium([f"--screenshot={out}", "--window-size=1200,1400", page.as_uri() + "?ptn=2025-0002"], tmp_path)
    assert out.exists() and out.stat().st_size > 10_000, result.stderr[-2000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
