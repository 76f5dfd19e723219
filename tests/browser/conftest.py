"""Shared pieces of the browser tests: a real headless Chromium with the network cut, and whole publications.

Why whole publications: the citizen page links the data files one level up
(``../datapackage.json``...), so a link can only be checked against a
folder that has them. ``publication()`` writes one with the runner's own
writers (``runner.write_files``) from hand-made rows, no database needed.

Why the network is cut: the pages must work on a city network without
internet. Chromium runs with every host name resolving to nothing and a
proxy that goes nowhere, so a page that needed anything remote would show
it; the tests also check that no element refers to a remote resource.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
D = dt.date(2025, 3, 14)
BUILD = REPO / "build"

#: Flags that keep every request on the machine.
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost", "--proxy-server=http://127.0.0.1:9",
           "--proxy-bypass-list=<-loopback>", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-pings", "--disable-domain-reliability"]


def require_chromium() -> None:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        message = f"{CHROMIUM} missing: run scripts/install-chromium.sh"
        if os.environ.get("CHEONGBAEK_REQUIRE_BROWSER"):  # make test sets it: CI never skips this silently
            pytest.fail(message)
        pytest.skip(message)


def run_chromium(args: list[str], tmp: Path, budget_ms: int = 5000) -> subprocess.CompletedProcess[str]:
    """Headless Chromium, offline, with a fresh profile under ``tmp``."""
    profile = tmp / "profile"
    profile.mkdir(parents=True, exist_ok=True)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
           *OFFLINE, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def chromium(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    require_chromium()
    return lambda args, budget_ms=5000: run_chromium(args, tmp_path, budget_ms)


def dump_dom(url: str, tmp: Path, extra: tuple[str, ...] = ()) -> str:
    result = run_chromium([*extra, "--dump-dom", url], tmp)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(url: str, out: Path, width: int, height: int, tmp: Path) -> None:
    """A PNG of ``url`` at ``width`` x ``height`` (CSS pixels) under build/."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    result = run_chromium([f"--screenshot={out}", f"--window-size={width},{height}", "--hide-scrollbars", url], tmp)
    assert out.exists() and out.stat().st_size > 5_000, result.stderr[-2000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


_ATTR = re.compile(r"""<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*?\s(?P<attr>href|src)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")


def references(dom: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every href and src in a DOM dump."""
    return [(m.group("tag").lower(), m.group("attr"), m.group("dq") if m.group("dq") is not None else m.group("sq"))
            for m in _ATTR.finditer(dom)]


# ---------------------------------------------------------------- data
def datasets(**override: Any) -> dict[str, list[dict[str, Any]]]:
    """Complete rows of every published dataset; ``override`` replaces whole datasets."""
    data: dict[str, list[dict[str, Any]]] = {
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
            {"ptn_no": "2025-0011", "proc_cd": "CON01", "proc_nm": "Compensation", "sector_nm": "Construction",
             "rcpt_dt": dt.date(2025, 2, 20), "due_dt": dt.date(2025, 2, 27), "status": "received",
             "current_step_cd": "RCPT", "current_step_nm": "reception", "cmpl_dt": None, "result": None,
             "dept_nm": "도로관리과", "official_nm": "김공무", "official_title": "팀장", "bdays_elapsed": 15,
             "overdue": True, "applicant": "(주)한빛건설", "district": ""},
        ],
        "open_petition_steps": [
            {"ptn_no": "2025-0002", "step_seq": 1, "step_cd": "RCPT", "step_nm": "reception",
             "step_dtm": dt.datetime(2025, 3, 4, 9, 0), "dept_nm": "도로관리과", "official_nm": None,
             "official_title": None},
            {"ptn_no": "2025-0002", "step_seq": 2, "step_cd": "REVW", "step_nm": "review",
             "step_dtm": dt.datetime(2025, 3, 5, 10, 0), "dept_nm": "도로관리과", "official_nm": "김공무",
             "official_title": "팀장"},
            {"ptn_no": "2025-0011", "step_seq": 1, "step_cd": "RCPT", "step_nm": "reception",
             "step_dtm": dt.datetime(2025, 2, 20, 9, 0), "dept_nm": "도로관리과", "official_nm": "김공무",
             "official_title": "팀장"},
        ],
        "finance_budget_execution": [
            {"fscl_yr": 2025, "dept_cd": "1000001", "dept_nm": "도로관리과", "biz_cd": "B001", "biz_nm": "도로 정비",
             "bdgt_amt": 1000000000, "supl_amt": 300000000, "paid_amt": 150000000, "exec_rate": 0.1154},
            {"fscl_yr": 2025, "dept_cd": "1000002", "dept_nm": "복지정책과", "biz_cd": "B002", "biz_nm": "복지 지원",
             "bdgt_amt": 500000000, "supl_amt": 0, "paid_amt": 20000000, "exec_rate": 0.04},
        ],
        "finance_contracts": [
            {"cntr_no": "C001", "cntr_nm": "도로 포장 공사", "fscl_yr": 2025, "dept_cd": "1000001",
             "dept_nm": "도로관리과", "biz_cd": "B001", "cntr_mthd_cd": "10", "cntr_mthd_nm": "open competitive",
             "vndr_nm": "(주)한빛건설", "vndr_brn": "1234567891", "cntr_amt": 800000000,
             "cntr_dt": dt.date(2025, 1, 15), "strt_dt": dt.date(2025, 2, 1), "end_dt": dt.date(2025, 6, 30),
             "paid_amt": 150000000},
        ],
        "finance_payments_monthly": [
            {"fscl_yr": 2025, "pay_month": "2025-02", "dept_cd": "1000001", "dept_nm": "도로관리과",
             "biz_cd": "B001", "biz_nm": "도로 정비", "pay_count": 1, "pay_total": 100000000},
        ],
        "control_outcomes": [
            {"area": "finance", "month": "2025-02", "cases_found": 12, "cases_actioned": 5, "cases_excluded": None,
             "estimated_krw": 340000000, "collected_krw": 0},
            {"area": "tax", "month": "2025-03", "cases_found": None, "cases_actioned": None, "cases_excluded": None,
             "estimated_krw": None, "collected_krw": None},
        ],
    }
    data.update(override)
    return data


def payments() -> dict[str, list[dict[str, Any]]]:
    return {"C001": [{"pay_no": "PAY1", "pay_dt": dt.date(2025, 2, 15), "pay_amt": 100000000}]}


def publication(folder: Path, data: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    """A whole publication folder (every file a reader gets) from ``data``; returns the Korean page."""
    from cheongbaek.publish import runner

    folder.mkdir(parents=True, exist_ok=True)
    runner.write_files(folder, D, data or datasets(), payments())
    return folder / "site" / "index.html"
