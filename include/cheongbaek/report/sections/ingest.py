"""Auditor-report section: what each legacy system delivered and what became of it.

Per system and day (the delivery day of files, the run's as-of day of
database increments): rows in, loaded, quarantined, warnings, with a trend
chart; the batches that failed as a whole with their error; the most
frequent quarantine reasons; and whether every loaded batch balances
(rows in = loaded + quarantined). Reads audit.batch and quarantine.record
only: counts, file names and reasons, never a record.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from html import escape
from typing import Any

from cheongbaek.report.html import table
from cheongbaek.report.words import SECTION_TITLES, reason_words

title = "Ingestion: received, loaded, quarantined"
order = 10

#: Days shown in the per-day table and the trend chart.
WINDOW_DAYS = 31

_DAILY = """
select system, coalesce(delivery_date, logical_date) as day,
       count(*) filter (where status = 'loaded') as batches,
       count(*) filter (where status = 'failed') as failed,
       coalesce(sum(rows_in) filter (where status = 'loaded'), 0) as rows_in,
       coalesce(sum(rows_loaded) filter (where status = 'loaded'), 0) as loaded,
       coalesce(sum(rows_quarantined) filter (where status = 'loaded'), 0) as quarantined,
       coalesce(sum(rows_warned) filter (where status = 'loaded'), 0) as warned
from audit.batch
where coalesce(delivery_date, logical_date) <= %(as_of)s
  and coalesce(delivery_date, logical_date) > %(since)s
  and status in ('loaded', 'failed')
group by 1, 2
order by 1, 2
"""

_FAILED = """
select system, source_name, coalesce(delivery_date, logical_date) as day, batch_id, error
from audit.batch
where status = 'failed' and coalesce(delivery_date, logical_date) <= %(as_of)s
order by day desc, system, source_name
limit 50
"""

_REASONS = """
select b.system, q.reason, count(*) as n
from quarantine.record q
join audit.batch b using (batch_id)
where b.status = 'loaded' and coalesce(b.delivery_date, b.logical_date) <= %(as_of)s
group by 1, 2
order by n desc, 1, 2
limit 20
"""

_BALANCE = """
select count(*) as batches, count(*) filter (where not balanced) as unbalanced
from audit.batch_balance
where coalesce(delivery_date, %(as_of)s) <= %(as_of)s
"""

COLOURS = {"loaded": "#1565c0", "quarantined": "#c62828", "warned": "#ef6c00"}
SYSTEMS = {"hr": "인사", "tax": "지방세", "duties": "세외수입", "finance": "재정", "civil": "민원",
           "realestate": "부동산", "construction": "건축"}
LEGEND = {"loaded": "적재 loaded", "quarantined": "격리 quarantined", "warned": "경고 warned"}



def trend_svg(days: list[dt.date], series: dict[str, list[int]], width: int = 560, height: int = 140) -> str:
    """An inline SVG line chart of daily counts (one polyline per series); no script, no library.

    The scale is logarithmic (log10(1 + n)) with a tick per power of ten:
    the first day of a backlog delivers far more than any later day, and on
    a linear scale it flattened every other day into the axis; on this one a
    day of 12 quarantined records still stands apart from a day of 0.
    """
    if not days:
        return ""
    pad_l, pad_b, pad_t, pad_r = 48, 22, 10, 10
    top = max([1, *[v for vals in series.values() for v in vals]])
    log_top = math.log10(1 + top)
    n = len(days)

    def x(i: int) -> float:
        return pad_l + (width - pad_l - pad_r) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: int) -> float:
        return pad_t + (height - pad_t - pad_b) * (1 - math.log10(1 + max(v, 0)) / log_top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="일별 건수 (로그 눈금) daily rows, log scale">']
    parts.append(f'<line x1="{pad_l}" y1="{y(0):.1f}" x2="{width - pad_r}" y2="{y(0):.1f}" stroke="#999"/>')
    tick = 10
    while tick < top:
        if y(tick) - y(top) > 12:  # room for the label
            parts.append(f'<line x1="{pad_l}" y1="{y(tick):.1f}" x2="{width - pad_r}" y2="{y(tick):.1f}" '
                         f'stroke="#e3e3e3"/>')
            parts.append(f'<text x="{pad_l - 4}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end">'
                         f'{tick:,}</text>')
        tick *= 10
    parts.append(f'<text x="{pad_l - 4}" y="{y(top) + 4:.1f}" font-size="10" text-anchor="end">{top:,}</text>')
    parts.append(f'<text x="{pad_l - 4}" y="{y(0):.1f}" font-size="10" text-anchor="end">0</text>')
    parts.append(f'<text x="{pad_l}" y="{height - 6}" font-size="10">{days[0].isoformat()}</text>')
    parts.append(f'<text x="{width - pad_r}" y="{height - 6}" font-size="10" text-anchor="end">'
                 f'{days[-1].isoformat()}</text>')
    parts.append(f'<text x="{(width + pad_l) / 2:.0f}" y="{height - 6}" font-size="9" text-anchor="middle" '
                 f'fill="#666">로그 눈금 log scale</text>')
    for name, vals in series.items():
        colour = COLOURS.get(name, "#555")
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vals))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}">'
                     f'<title>{escape(name)}</title></polyline>')
        for i, v in enumerate(vals):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2" fill="{colour}">'
                         f'<title>{days[i].isoformat()} {escape(name)}: {v:,}</title></circle>')
    legend_x = pad_l + 6
    for name in series:
        parts.append(f'<text x="{legend_x}" y="{pad_t + 10}" font-size="10" fill="{COLOURS.get(name, "#555")}">'
                     f'{escape(LEGEND.get(name, name))}</text>')
        legend_x += 110
    parts.append("</svg>")
    return "".join(parts)


def _data_docs_note() -> str:
    """A link to the Data Docs (one level up from reports/), only when they exist: no link is ever broken."""
    from cheongbaek.validation.docs import docs_dir

    if (docs_dir() / "index.html").is_file():
        return ('<p class="note">배치별 검증 결과 (GX Data Docs, 오프라인): <a href="../data_docs/index.html">'
                'data_docs/index.html</a> <span lang="en">every batch\'s validation</span>.</p>')
    return ('<p class="note">배치별 검증 결과 (GX Data Docs): <code>$CHEONGBAEK_HOME/data_docs/index.html</code> '
            '(아직 없음, not built yet).</p>')


def _reason_cell(reason: str) -> str:
    """The reason in words, Korean then English (the id itself is in its own column)."""
    ko, en = reason_words(reason)
    return f'<span class="reason">{escape(ko)}<small lang="en">{escape(en)}</small></span>'


def render(conn: Any, as_of: dt.date) -> str:
    """The section's HTML fragment as of ``as_of``."""
    params = {"as_of": as_of, "since": as_of - dt.timedelta(days=WINDOW_DAYS)}
    daily = conn.execute(_DAILY, params).fetchall()
    failed = conn.execute(_FAILED, params).fetchall()
    reasons = conn.execute(_REASONS, params).fetchall()
    balance = conn.execute(_BALANCE, params).fetchone()
    out = [f"<section id=\"ingest\"><h2>{escape(SECTION_TITLES['ingest'])} "
           f"<span class=\"en\" lang=\"en\">{escape(title)}</span></h2>"]
    batches, unbalanced = (int(balance[0]), int(balance[1])) if balance else (0, 0)
    verdict = ('<span class="ok">모든 적재 배치의 건수가 맞음 (every loaded batch balances)</span>'
               if unbalanced == 0 else
               f'<span class="bad">배치 {unbalanced}개의 건수가 맞지 않음 ({unbalanced} loaded batch(es) do not '
               'balance)</span>')
    out.append(f"<p>{as_of.isoformat()}까지 적재된 배치 {batches:,}개: 수신 = 적재 + 격리: {verdict}. "
               f"파일 전체가 거부된 배치: {len(failed):,}개. <span lang=\"en\">{batches:,} loaded batches up to "
               f"{as_of.isoformat()}; failed batches (whole files rejected): {len(failed):,}.</span></p>")
    by_system: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in daily:
        by_system[row[0]].append(row)
    if not by_system:
        out.append(f"<p class=\"note\">{as_of.isoformat()}까지 {WINDOW_DAYS}일 동안 배치 없음 "
                   f"(no batch in the {WINDOW_DAYS} days up to {as_of.isoformat()}).</p>")
    for system in sorted(by_system):
        rows = by_system[system]
        totals = [sum(int(r[i]) for r in rows) for i in range(2, 8)]
        korean = SYSTEMS.get(system)
        out.append(f"<h3>{escape(korean)} <span class=\"en\" lang=\"en\">{escape(system)}</span></h3>" if korean
                   else f"<h3>{escape(system)}</h3>")
        days = [r[1] for r in rows]
        out.append(trend_svg(days, {"loaded": [int(r[5]) for r in rows],
                                    "quarantined": [int(r[6]) for r in rows],
                                    "warned": [int(r[7]) for r in rows]}))
        table_rows = [[escape(r[1].isoformat()), f"{int(r[2]):,}",
                       f'<span class="bad">{int(r[3]):,}</span>' if r[3] else "0",
                       f"{int(r[4]):,}", f"{int(r[5]):,}", f"{int(r[6]):,}", f"{int(r[7]):,}"] for r in rows]
        table_rows.append(["<b>합계 total</b>", *[f"<b>{v:,}</b>" for v in totals]])
        out.append(table(["day", "batches", "failed", "rows in", "loaded", "quarantined", "warnings"], table_rows))
    out.append('<h3>실패한 배치 <span class="en" lang="en">Failed batches</span></h3>')
    if failed:
        out.append(table(["day", "system", "file / table", "batch", "error"],
                          [[escape(r[2].isoformat()), escape(r[0]), escape(r[1]), str(r[3]),
                            escape((r[4] or "")[:300])] for r in failed]))
    else:
        out.append("<p class=\"ok\">없음 (none).</p>")
    out.append('<h3>주요 격리 사유 <span class="en" lang="en">Top quarantine reasons</span></h3>')
    if reasons:
        out.append(table(["system", "reason", "records", "reason id"],
                          [[escape(r[0]), _reason_cell(r[1]), f"{int(r[2]):,}", f"<code>{escape(r[1])}</code>"]
                           for r in reasons]))
    else:
        out.append("<p class=\"ok\">격리된 레코드 없음 (no quarantined record).</p>")
    out.append(_data_docs_note())
    out.append("</section>")
    return "".join(out)
