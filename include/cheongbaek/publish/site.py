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

Korean first: ``index.html`` is the Korean page, ``en.html`` the same page in
English; both come from one Jinja2 template with autoescape on, so a name,
a department or any other published value carrying HTML or script is shown
as text, never run (app.js only ever sets ``textContent``). Procedure,
sector and step names in Korean come from the project's reference data
(``reference/open_procedures_ko.csv``, ``reference/step_codes.csv``):
the shared reference only has the English names.

Links: the site lives in ``<publication>/site/``, the data files one level
up, so every link to a data file is ``../<file>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

PETITION_FIELDS = ("ptn_no", "proc_cd", "proc_nm", "sector_nm", "rcpt_dt", "due_dt", "status", "current_step_cd",
                   "current_step_nm", "cmpl_dt", "result", "dept_nm", "official_nm", "official_title",
                   "bdays_elapsed", "overdue", "applicant", "district")
#: Petitions are sharded by the last characters of their number (sequential: even shards).
SHARD_KEY_CHARS = 2
STEP_FIELDS = ("step_seq", "step_cd", "step_nm", "step_dtm", "dept_nm", "official_nm", "official_title")
#: The pages of the site, one per language; the first is the default (Korean first).
PAGES = {"ko": "index.html", "en": "en.html"}
#: Datasets offered for download on the page, in order (those absent from a publication are skipped).
DOWNLOADS = ("open_procedures", "open_petitions", "open_petition_steps", "finance_budget_execution",
             "finance_contracts", "finance_payments_monthly", "control_outcomes")
#: The data files sit one level above the site folder.
UP = "../"


# ---------------------------------------------------------------- labels
#: Interface text, Korean and English. Values are plain text (escaped on output).
LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "title": "청백: 민원처리 공개(OPEN)와 클린재정",
        "skip": "본문 바로가기",
        "lang_switch": "English",
        "as_of": "기준일",
        "next_update": "다음 갱신 예정일",
        "nav": "바로가기",
        "lookup_h": "내 민원은 어디까지 왔나요?",
        "ptn_label": "민원 접수번호",
        "ptn_hint": "예:",
        "lookup_btn": "조회",
        "counts": "공개 절차 {n_procedures}개, 민원 {n_petitions}건 (그중 처리기한이 지난 미처리 민원 {n_overdue}건)",
        "budget_h": "부서별 예산 집행",
        "budget_caption": "부서별 예산(추경 포함)과 집행액 (원)",
        "budget_legend": "연한 막대: 예산(추경 포함), 진한 막대: 집행액",
        "budget_empty": "아직 공개된 예산이 없습니다.",
        "dept": "부서",
        "budget": "예산(추경 포함)",
        "paid": "집행액",
        "rate": "집행률",
        "project": "사업",
        "base_budget": "본예산",
        "supl": "추경",
        "year": "회계연도",
        "detail": "사업별 내역",
        "controls_h": "부패 예방 감시 결과",
        "controls_intro": "감시 시나리오가 찾아낸 사례와 그 처리 결과를 분야와 월별로 공개합니다. "
                          "개인이나 대상은 공개하지 않으며, 5건 미만인 칸은 비워 둡니다.",
        "area": "분야",
        "month": "월",
        "found": "발견",
        "actioned": "조치",
        "excluded": "제외",
        "estimated": "추정액 (원)",
        "collected": "징수액 (원)",
        "controls_empty": "아직 공개할 감시 결과가 없습니다.",
        "suppressed": "5건 미만 비공개",
        "files_h": "데이터 내려받기",
        "files_intro": "CSV는 원자료 그대로(UTF-8), 엑셀용 CSV는 한글이 깨지지 않도록 BOM을 붙이고 "
                       "수식으로 읽힐 수 있는 글자를 작은따옴표로 막은 파일입니다.",
        "dataset": "데이터",
        "rows": "행 수",
        "csv": "CSV",
        "excel": "엑셀용 CSV",
        "parquet": "Parquet",
        "package": "데이터 패키지 (Frictionless)",
        "ocds": "계약 정보 (OCDS)",
        "catalogue": "데이터 목록 (메타데이터)",
        "dcat": "DCAT (JSON-LD)",
        "footer": "이 페이지는 공개 데이터만으로 만들어졌으며 인터넷 연결 없이도 열립니다.",
    },
    "en": {
        "title": "Cheongbaek: OPEN petitions and Clean Finance",
        "skip": "Skip to content",
        "lang_switch": "한국어",
        "as_of": "As of",
        "next_update": "Next update",
        "nav": "Sections",
        "lookup_h": "Where is my petition?",
        "ptn_label": "Petition number",
        "ptn_hint": "e.g.",
        "lookup_btn": "Look up",
        "counts": "{n_petitions} petitions of {n_procedures} disclosed procedures "
                  "({n_overdue} open past their due date).",
        "budget_h": "Budget execution by department",
        "budget_caption": "Budget (incl. supplementary) and paid to date by department (KRW)",
        "budget_legend": "light bar: budget (incl. supplementary), dark bar: paid to date",
        "budget_empty": "No budget published yet.",
        "dept": "Department",
        "budget": "Budget (incl. suppl.)",
        "paid": "Paid to date",
        "rate": "Execution rate",
        "project": "Project",
        "base_budget": "Budget",
        "supl": "Supplementary",
        "year": "Fiscal year",
        "detail": "Projects",
        "controls_h": "Integrity controls: what they found",
        "controls_intro": "Cases the monitoring scenarios found and what became of them, per area and month. "
                          "No subject and no person is published; cells under 5 cases are left empty.",
        "area": "Area",
        "month": "Month",
        "found": "Found",
        "actioned": "Actioned",
        "excluded": "Excluded",
        "estimated": "Estimated (KRW)",
        "collected": "Collected (KRW)",
        "controls_empty": "No control outcome to publish yet.",
        "suppressed": "under 5, not shown",
        "files_h": "Download the data",
        "files_intro": "The CSV files keep the data as delivered (UTF-8); the Excel CSV files carry a byte-order "
                       "mark so Excel reads Korean, and text that a spreadsheet would take for a formula is "
                       "prefixed with a single quote.",
        "dataset": "Dataset",
        "rows": "Rows",
        "csv": "CSV",
        "excel": "Excel CSV",
        "parquet": "Parquet",
        "package": "Data package (Frictionless)",
        "ocds": "Contracts (OCDS)",
        "catalogue": "Catalogue (metadata)",
        "dcat": "DCAT (JSON-LD)",
        "footer": "This page is built from the published data only and opens without a network.",
    },
}

#: Text app.js shows, per language (embedded in the page as JSON).
JS_LABELS: dict[str, dict[str, Any]] = {
    "ko": {
        "petition": "민원", "procedure": "절차", "sector": "분야", "received": "접수일",
        "due": "처리기한", "expected": "처리 예정일", "status": "처리 상태", "current_step": "현재 단계",
        "next_step": "다음 단계", "completed": "처리 완료일", "result": "처리 결과", "dept": "담당 부서",
        "official": "담당 공무원", "bdays": "경과 처리일수 (근무일)", "overdue": "처리기한 경과",
        "overdue_badge": "처리기한 경과", "on_time": "기한 내", "applicant": "신청인", "district": "자치구",
        "flow_h": "표준 처리 흐름", "steps_h": "지금까지의 처리 단계", "no": "순번", "step": "단계",
        "when": "일시", "not_found": "공개된 민원 중 접수번호 {ptn}인 민원이 없습니다.",
        "loading": "찾는 중…", "none": "없음",
        "state": {"done": "완료", "current": "진행 중", "pending": "예정"},
        "statuses": {"received": "접수", "in process": "처리 중", "completed": "처리 완료", "withdrawn": "취하"},
        "results": {"approved": "승인", "rejected": "반려"},
    },
    "en": {
        "petition": "Petition", "procedure": "Procedure", "sector": "Sector", "received": "Received",
        "due": "Due", "expected": "Expected completion", "status": "Status", "current_step": "Current step",
        "next_step": "Next step", "completed": "Completed", "result": "Result", "dept": "Department",
        "official": "Official in charge", "bdays": "Business days elapsed", "overdue": "Overdue",
        "overdue_badge": "Overdue", "on_time": "on time", "applicant": "Applicant", "district": "District",
        "flow_h": "Standard flow", "steps_h": "Steps so far", "no": "#", "step": "Step",
        "when": "Date and time", "not_found": "No published petition with number {ptn}.",
        "loading": "Looking up…", "none": "none",
        "state": {"done": "done", "current": "current", "pending": "to come"},
        "statuses": {}, "results": {},
    },
}

#: Dataset names for the download table.
DATASET_TITLES = {
    "open_procedures": ("공개 민원 절차", "Disclosed procedures"),
    "open_petitions": ("민원 처리 현황", "Petitions"),
    "open_petition_steps": ("민원 처리 단계", "Petition steps"),
    "finance_budget_execution": ("예산 집행 현황", "Budget execution"),
    "finance_contracts": ("계약 현황", "Contracts"),
    "finance_payments_monthly": ("월별 지출 현황", "Monthly payments"),
    "control_outcomes": ("부패 예방 감시 결과", "Integrity control outcomes"),
}
#: Scenario areas (monitoring.scenario.area) in Korean.
AREA_NAMES = {"civil": ("민원", "Civil petitions"), "duties": ("세외수입", "Non-tax duties"),
              "finance": ("재정", "Finance"), "hr": ("인사", "Human resources"), "tax": ("지방세", "Local tax")}


# ---------------------------------------------------------------- reference (Korean names)
def _reference_rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("cheongbaek.publish") / "reference" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def procedure_names_ko() -> dict[str, dict[str, str]]:
    """proc_cd -> {proc_nm_ko, sector_nm_ko}, from the project's reference data."""
    return {r["proc_cd"]: {"proc_nm_ko": r["proc_nm_ko"], "sector_nm_ko": r["sector_nm_ko"]}
            for r in _reference_rows("open_procedures_ko.csv")}


@cache
def step_names() -> dict[str, dict[str, str]]:
    """step_cd -> {"en": ..., "ko": ...}, from reference/step_codes.csv."""
    return {r["step_cd"]: {"en": r["step_nm"], "ko": r.get("step_nm_ko") or r["step_nm"]}
            for r in _reference_rows("step_codes.csv")}


# ---------------------------------------------------------------- data
def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def site_data(as_of: dt.date, datasets: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """The data the page embeds: petitions with their steps, procedure flows, step names in both languages."""
    steps: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in datasets["open_petition_steps"]:
        steps[s["ptn_no"]].append({k: _jsonable(s[k]) for k in STEP_FIELDS})
    petitions = {}
    for p in datasets["open_petitions"]:
        entry = {k: _jsonable(p[k]) for k in PETITION_FIELDS}
        entry["steps"] = sorted(steps.get(p["ptn_no"], []), key=lambda s: s["step_seq"])
        petitions[p["ptn_no"]] = entry
    ko = procedure_names_ko()
    procedures = {}
    for r in datasets["open_procedures"]:
        codes = r["standard_flow"].split(">") if r["standard_flow"] else []
        names = r["standard_flow_names"].split(" > ") if r["standard_flow_names"] else []
        names_ko = ko.get(r["proc_cd"], {})
        procedures[r["proc_cd"]] = {
            "proc_nm": r["proc_nm"], "sector_nm": r["sector_nm"], "legal_days": r["legal_days"],
            "proc_nm_ko": names_ko.get("proc_nm_ko") or r["proc_nm"],
            "sector_nm_ko": names_ko.get("sector_nm_ko") or r["sector_nm"],
            "flow": [{"cd": c, "nm": n} for c, n in zip(codes, names)],
        }
    return {"as_of": as_of.isoformat(), "petitions": petitions, "procedures": procedures,
            "step_names": step_names()}


def shard_key(ptn_no: str) -> str:
    """The shard of a petition number; app.js computes the same (``ptn.slice(-2)``)."""
    return ptn_no[-SHARD_KEY_CHARS:]


def _script(variable: str, data: Any) -> str:
    """``window.X = <json>;``: ``<``, ``>`` and ``&`` as ``\\u`` escapes, so no value can end a script or open a tag."""
    payload = (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
               .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
               .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return f"window.{variable} = {payload};\n"


def budget_by_department(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Budget (incl. supplementary) and paid to date per department, largest budget first, with its projects."""
    acc: dict[str, dict[str, Any]] = {}
    for r in rows:
        name = r.get("dept_nm") or r["dept_cd"]
        a = acc.setdefault(name, {"dept": name, "budget": 0, "paid": 0, "projects": []})
        total = int(r["bdgt_amt"]) + int(r["supl_amt"])
        a["budget"] += total
        a["paid"] += int(r["paid_amt"])
        a["projects"].append({
            "year": r.get("fscl_yr"), "code": r.get("biz_cd"), "name": r.get("biz_nm") or r.get("biz_cd"),
            "base": int(r["bdgt_amt"]), "supl": int(r["supl_amt"]), "budget": total, "paid": int(r["paid_amt"]),
            "rate": int(r["paid_amt"]) / total if total else None,
        })
    out = sorted(acc.values(), key=lambda a: (-a["budget"], a["dept"]))
    for a in out:
        a["rate"] = a["paid"] / a["budget"] if a["budget"] else None
        a["projects"].sort(key=lambda p: (-p["budget"], str(p["code"])))
    return out


def won(value: int | None) -> str:
    """An amount in won with thousands separators (the page shows amounts, not only rates)."""
    return "" if value is None else f"{int(value):,}"


def pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _environment() -> jinja2.Environment:
    """Jinja2 with autoescape on for every template: published values are always text."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cheongbaek.publish", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["won"] = won
    env.filters["pct"] = pct
    return env


def budget_chart(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Geometry of the budget bars (the template draws them as inline SVG)."""
    depts = budget_by_department(rows)
    label_w, bar_w, row_h, top = 200, 440, 40, 10
    width, height = label_w + bar_w + 230, top + row_h * len(depts) + 10
    top_budget = max([1, *(max(d["budget"], d["paid"]) for d in depts)])
    bars = []
    for i, d in enumerate(depts):
        y = top + i * row_h
        wb = bar_w * d["budget"] / top_budget
        wp = bar_w * d["paid"] / top_budget
        bars.append({**d, "y": y, "wb": f"{wb:.1f}", "wp": f"{wp:.1f}", "tx": f"{label_w + max(wb, wp) + 6:.1f}"})
    return {"depts": depts, "bars": bars, "width": width, "height": height, "label_w": label_w}


def control_rows(rows: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The control-outcome rows with the area's name in the page's language."""
    i = 0 if lang == "ko" else 1
    return [{**r, "area_nm": AREA_NAMES.get(str(r["area"]), (r["area"], r["area"]))[i]} for r in rows]


def render_page(lang: str, as_of: dt.date, datasets: Mapping[str, Sequence[Mapping[str, Any]]],
                data: Mapping[str, Any]) -> str:
    """One language's page from templates/index.html."""
    labels = LABELS[lang]
    petitions = data["petitions"]
    n_overdue = sum(1 for p in petitions.values() if p["overdue"] and not p["cmpl_dt"])
    counts = labels["counts"].format(n_petitions=f"{len(petitions):,}", n_procedures=f"{len(data['procedures']):,}",
                                     n_overdue=f"{n_overdue:,}")
    downloads = []
    for name in DOWNLOADS:
        if name not in datasets:
            continue
        ko, en = DATASET_TITLES[name]
        downloads.append({"name": name, "title": ko if lang == "ko" else en, "rows": len(datasets[name]),
                          "csv": f"{UP}{name}.csv", "excel": f"{UP}{name}_excel.csv", "parquet": f"{UP}{name}.parquet"})
    other = "en" if lang == "ko" else "ko"
    from cheongbaek.publish.catalogue import next_update

    template = _environment().get_template("index.html")
    return template.render(
        lang=lang, t=labels, js_labels=JS_LABELS[lang], as_of=as_of.isoformat(),
        next_update=next_update(as_of).isoformat(),
        example_ptn=next(iter(sorted(petitions)), ""), counts=counts,
        chart=budget_chart(datasets["finance_budget_execution"]),
        controls=control_rows(datasets.get("control_outcomes", []), lang),
        has_controls="control_outcomes" in datasets,
        downloads=downloads, switch_href=PAGES[other], switch_lang=other,
        links={"package": f"{UP}datapackage.json", "ocds": f"{UP}contracts.ocds.json",
               "catalogue": f"{UP}catalogue.json", "dcat": f"{UP}catalogue.jsonld"},
    )


def write_site(folder: Path, as_of: dt.date, datasets: Mapping[str, Sequence[Mapping[str, Any]]]) -> Path:
    """Write index.html (Korean), en.html, app.js, style.css, data.js and the petition shards into ``folder/site``."""
    site = folder / "site"
    site.mkdir(parents=True, exist_ok=True)
    templates = resources.files("cheongbaek.publish") / "templates"
    data = site_data(as_of, datasets)
    for lang, page in PAGES.items():
        (site / page).write_text(render_page(lang, as_of, datasets, data), encoding="utf-8")
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
