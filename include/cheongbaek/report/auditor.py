"""The auditor report: one self-contained HTML page as of a day D.

Why a registry of sections: the ingest engine, reconciliation and the
scenario book each know what an auditor should see of their part; each
ships a module in ``cheongbaek.report.sections`` and this file only
assembles them. The page has no script and no external asset (charts are
inline SVG), so it can be archived and opened anywhere.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import pkgutil
from dataclasses import dataclass
from html import escape
from pathlib import Path
from types import ModuleType
from typing import Any

from cheongbaek import config, db
from cheongbaek.report.words import SECTION_TITLES

log = logging.getLogger(__name__)

STYLE = """
body{font-family:system-ui,'Noto Sans KR',sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem}table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}.bad{color:#b00020;font-weight:600}.ok{color:#1b5e20}
.note{color:#666;font-size:.85rem}svg{background:#fafafa;border:1px solid #eee;margin:.25rem 0}
.error{background:#fdecea;border:1px solid #f5c2c0;padding:.5rem}
.en{color:#555;font-weight:normal;font-size:.85em}th .en{display:block}
.reason small{display:block;color:#555}code{font-size:.8rem;color:#555}
td:has(.reason),td:has(code){text-align:left}
"""


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    order: int
    module: ModuleType


def sections() -> list[Section]:
    """Every section module of ``cheongbaek.report.sections``, in order (then by name)."""
    package = importlib.import_module("cheongbaek.report.sections")
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if not callable(getattr(module, "render", None)):
            continue
        found.append(Section(info.name, str(getattr(module, "title", info.name)),
                             int(getattr(module, "order", 100)), module))
    return sorted(found, key=lambda s: (s.order, s.name))


def render_report(conn: Any, as_of: dt.date) -> str:
    """The whole page. A section that fails shows its error instead of hiding the rest of the report."""
    parts = []
    toc = []
    for s in sections():
        korean = SECTION_TITLES.get(s.name)
        label = f'{escape(korean)} <span class="en" lang="en">{escape(s.title)}</span>' if korean else escape(s.title)
        toc.append(f'<li><a href="#sec-{escape(s.name)}">{label}</a></li>')
        try:
            body = s.module.render(conn, as_of)
        except Exception as e:  # one broken section must not hide the others from the auditor
            log.exception("auditor report section %s failed", s.name)
            if not getattr(conn, "autocommit", True):
                conn.rollback()
            body = (f"<h2>{escape(s.title)}</h2><p class=\"error\">This section could not be rendered: "
                    f"{escape(type(e).__name__)}: {escape(str(e))[:300]}</p>")
        parts.append(f'<div id="sec-{escape(s.name)}">{body}</div>')
    day = as_of.isoformat()
    return (
        "<!DOCTYPE html><html lang=\"ko\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>청백 감사 보고서 {day} (Cheongbaek auditor report)</title><style>{STYLE}</style></head><body>"
        f"<header><h1>청백 감사 보고서: {day} 기준 <span class=\"en\" lang=\"en\">Cheongbaek auditor report as of "
        f"{day}</span></h1>"
        "<p class=\"note\">시 레거시 시스템의 데이터 통합 파이프라인이 보고일까지 받은 것, 적재한 것, 격리한 것, "
        "감시가 찾아낸 것을 보여 줍니다. 집계만 있으며 개인정보는 없습니다. "
        "<span lang=\"en\">Data-integration pipeline of the city's legacy systems: what was received, loaded, "
        "quarantined and flagged up to and including the report date. Aggregates only: no personal data.</span></p>"
        "</header>"
        f"<nav aria-label=\"목차\"><ol>{''.join(toc)}</ol></nav><main>{''.join(parts)}</main></body></html>\n"
    )


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(as_of: dt.date) -> Path:
    """Write ``reports/auditor_<as_of>.html`` (and ``auditor_latest.html``) under CHEONGBAEK_HOME; returns the first."""
    folder = config.home() / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    with db.connect("cb_warehouse", autocommit=True) as conn:
        html = render_report(conn, as_of)
    path = folder / f"auditor_{as_of.isoformat()}.html"
    _atomic_write(path, html)
    _atomic_write(folder / "auditor_latest.html", html)
    log.info("auditor report written: %s", path)
    return path
