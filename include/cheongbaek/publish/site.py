"""The citizen page: a static site generated with each publication.

No server and no network: the published rows a page needs are embedded as
JSON in script files (which a ``file://`` page can load where ``fetch``
could not): ``data.js`` (``window.CB_DATA = {...};``) holds the procedures
and an index of shards, and the petitions are split by the last
``SHARD_KEY_CHARS`` characters of their number into
``petitions/p-NNN.js`` (``window.CB_SHARD = {...};``), so a lookup loads one
small shard instead of every petition. The lookup is plain JS (``app.js``),
and the budget chart is inline SVG drawn here, so it shows even without JS.
Everything comes from the already-built disclosure rows: the site can show
nothing the datasets do not.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

PETITION_FIELDS = ("ptn_no", "proc_cd", "proc_nm", "sector_nm", "rcpt_dt", "due_dt", "status", "current_step_cd",
                   "current_step_nm", "cmpl_dt", "result", "dept_nm", "official_nm", "official_title",
                   "bdays_elapsed", "overdue", "applicant", "district")
#: Petitions are sharded by the last characters of their number (sequential: even shards).
SHARD_KEY_CHARS = 2
STEP_FIELDS = ("step_seq", "step_cd", "step_nm", "step_dtm", "dept_nm", "official_nm", "official_title")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def site_data(as_of: dt.date, datasets: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """The data the page embeds: petitions with their steps, procedure flows."""
    steps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in datasets["open_petition_steps"]:
        steps[s["ptn_no"]].append({k: _jsonable(s[k]) for k in STEP_FIELDS})
    petitions = {}
    for p in datasets["open_petitions"]:
        entry = {k: _jsonable(p[k]) for k in PETITION_FIELDS}
        entry["steps"] = sorted(steps.get(p["ptn_no"], []), key=lambda s: s["step_seq"])
        petitions[p["ptn_no"]] = entry
    procedures = {}
    for r in datasets["open_procedures"]:
        codes = r["standard_flow"].split(">")
        names = r["standard_flow_names"].split(" > ")
        procedures[r["proc_cd"]] = {
            "proc_nm": r["proc_nm"], "sector_nm": r["sector_nm"], "legal_days": r["legal_days"],
            "flow": [{"cd": c, "nm": n} for c, n in zip(codes, names)],
        }
    return {"as_of": as_of.isoformat(), "petitions": petitions, "procedures": procedures}


def shard_key(ptn_no: str) -> str:
    """The shard of a petition number; app.js computes the same (``ptn.slice(-2)``)."""
    return ptn_no[-SHARD_KEY_CHARS:]


def _script(variable: str, data: Any) -> str:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.{variable} = {payload};\n"


def budget_by_department(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Budget (incl. supplementary) and paid to date per department, largest budget first."""
    acc: dict[str, dict[str, Any]] = {}
    for r in rows:
        name = r.get("dept_nm") or r["dept_cd"]
        a = acc.setdefault(name, {"dept": name, "budget": 0, "paid": 0})
        a["budget"] += int(r["bdgt_amt"]) + int(r["supl_amt"])
        a["paid"] += int(r["paid_amt"])
    out = sorted(acc.values(), key=lambda a: (-a["budget"], a["dept"]))
    for a in out:
        a["rate"] = a["paid"] / a["budget"] if a["budget"] else None
    return out


def budget_chart_svg(rows: Sequence[Mapping[str, Any]]) -> str:
    """Horizontal bars: budget (light) and paid to date (dark) per department."""
    depts = budget_by_department(rows)
    if not depts:
        return '<p id="budget-empty">No budget published yet.</p>'
    label_w, bar_w, row_h, top = 220, 560, 34, 30
    width, height = label_w + bar_w + 120, top + row_h * len(depts) + 10
    top_budget = max(max(d["budget"], d["paid"]) for d in depts) or 1
    parts = [
        f'<svg id="budget-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Budget execution by department">',
        f'<text x="{label_w}" y="16">budget (light) / paid to date (dark), KRW</text>',
    ]
    for i, d in enumerate(depts):
        y = top + i * row_h
        wb = bar_w * d["budget"] / top_budget
        wp = bar_w * d["paid"] / top_budget
        rate = "-" if d["rate"] is None else f"{d['rate'] * 100:.1f}%"
        name = html.escape(str(d["dept"]))
        parts.append(f'<g class="dept" data-dept="{name}">')
        parts.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end">{name}</text>')
        parts.append(f'<rect class="bar-budget" x="{label_w}" y="{y + 4}" width="{wb:.1f}" height="22"/>')
        parts.append(f'<rect class="bar-paid" x="{label_w}" y="{y + 9}" width="{wp:.1f}" height="12"/>')
        parts.append(f'<text x="{label_w + max(wb, wp) + 6:.1f}" y="{y + 19}">{rate}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def write_site(folder: Path, as_of: dt.date, datasets: Mapping[str, Sequence[Mapping[str, Any]]]) -> Path:
    """Write index.html, app.js, style.css, data.js and the petition shards into ``folder/site``."""
    site = folder / "site"
    site.mkdir(parents=True, exist_ok=True)
    templates = resources.files("cheongbaek.publish") / "templates"
    data = site_data(as_of, datasets)
    example = next(iter(sorted(data["petitions"])), "")
    page = Template((templates / "index.html").read_text(encoding="utf-8")).substitute(
        as_of=as_of.isoformat(),
        example_ptn=html.escape(example),
        n_petitions=len(data["petitions"]),
        n_procedures=len(data["procedures"]),
        budget_chart=budget_chart_svg(datasets["finance_budget_execution"]),
    )
    (site / "index.html").write_text(page, encoding="utf-8")
    for name in ("app.js", "style.css"):
        (site / name).write_text((templates / name).read_text(encoding="utf-8"), encoding="utf-8")
    shards: dict[str, dict[str, Any]] = defaultdict(dict)
    for ptn_no, entry in data["petitions"].items():
        shards[shard_key(ptn_no)][ptn_no] = entry
    (site / "petitions").mkdir(exist_ok=True)
    index = {}
    for i, key in enumerate(sorted(shards)):
        name = f"petitions/p-{i:03d}.js"
        index[key] = name
        (site / name).write_text(_script("CB_SHARD", shards[key]), encoding="utf-8")
    head = {**data, "petitions": {}, "shard_key_chars": SHARD_KEY_CHARS, "shards": index}
    (site / "data.js").write_text(_script("CB_DATA", head), encoding="utf-8")
    return site
