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
from collections import defaultdict
from html import escape
from typing import Any

from cheongbaek.report.html import table

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



def trend_svg(days: list[dt.date], series: dict[str, list[int]], width: int = 560, height: int = 140) -> str:
    """An inline SVG line chart of daily counts (one polyline per series); no script, no library."""
    if not days:
        return ""
    pad_l, pad_b, pad_t, pad_r = 48, 22, 10, 10
    top = max([1, *[v for vals in series.values() for v in vals]])
    n = len(days)

    def x(i: int) -> float:
        return pad_l + (width - pad_l - pad_r) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: int) -> float:
        return pad_t + (height - pad_t - pad_b) * (1 - v / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="daily rows">']
    parts.append(f'<line x1="{pad_l}" y1="{y(0):.1f}" x2="{width - pad_r}" y2="{y(0):.1f}" stroke="#999"/>')
    parts.append(f'<text x="{pad_l - 4}" y="{y(top) + 4:.1f}" font-size="10" text-anchor="end">{top:,}</text>')
    parts.append(f'<text x="{pad_l - 4}" y="{y(0):.1f}" font-size="10" text-anchor="end">0</text>')
    parts.append(f'<text x="{pad_l}" y="{height - 6}" font-size="10">{days[0].isoformat()}</text>')
    parts.append(f'<text x="{width - pad_r}" y="{height - 6}" font-size="10" text-anchor="end">'
                 f'{days[-1].isoformat()}</text>')
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
                     f'{escape(name)}</text>')
        legend_x += 80
    parts.append("</svg>")
    return "".join(parts)


def render(conn: Any, as_of: dt.date) -> str:
    """The section's HTML fragment as of ``as_of``."""
    params = {"as_of": as_of, "since": as_of - dt.timedelta(days=WINDOW_DAYS)}
    daily = conn.execute(_DAILY, params).fetchall()
    failed = conn.execute(_FAILED, params).fetchall()
    reasons = conn.execute(_REASONS, params).fetchall()
    balance = conn.execute(_BALANCE, params).fetchone()
    out = [f"<section id=\"ingest\"><h2>{escape(title)}</h2>"]
    batches, unbalanced = (int(balance[0]), int(balance[1])) if balance else (0, 0)
    verdict = ('<span class="ok">every loaded batch balances</span>' if unbalanced == 0 else
               f'<span class="bad">{unbalanced} loaded batch(es) do not balance</span>')
    out.append(f"<p>{batches:,} loaded batches up to {as_of.isoformat()}: rows in = loaded + quarantined: "
               f"{verdict}. Failed batches (whole files rejected): {len(failed):,}.</p>")
    by_system: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in daily:
        by_system[row[0]].append(row)
    if not by_system:
        out.append(f"<p class=\"note\">No batch in the {WINDOW_DAYS} days up to {as_of.isoformat()}.</p>")
    for system in sorted(by_system):
        rows = by_system[system]
        totals = [sum(int(r[i]) for r in rows) for i in range(2, 8)]
        out.append(f"<h3>{escape(system)}</h3>")
        days = [r[1] for r in rows]
        out.append(trend_svg(days, {"loaded": [int(r[5]) for r in rows],
                                    "quarantined": [int(r[6]) for r in rows],
                                    "warned": [int(r[7]) for r in rows]}))
        table_rows = [[escape(r[1].isoformat()), f"{int(r[2]):,}",
                       f'<span class="bad">{int(r[3]):,}</span>' if r[3] else "0",
                       f"{int(r[4]):,}", f"{int(r[5]):,}", f"{int(r[6]):,}", f"{int(r[7]):,}"] for r in rows]
        table_rows.append(["<b>total</b>", *[f"<b>{v:,}</b>" for v in totals]])
        out.append(table(["day", "batches", "failed", "rows in", "loaded", "quarantined", "warnings"], table_rows))
    out.append("<h3>Failed batches</h3>")
    if failed:
        out.append(table(["day", "system", "file / table", "batch", "error"],
                          [[escape(r[2].isoformat()), escape(r[0]), escape(r[1]), str(r[3]),
                            escape((r[4] or "")[:300])] for r in failed]))
    else:
        out.append("<p class=\"ok\">None.</p>")
    out.append("<h3>Top quarantine reasons</h3>")
    if reasons:
        out.append(table(["system", "reason", "records"],
                          [[escape(r[0]), escape(r[1]), f"{int(r[2]):,}"] for r in reasons]))
    else:
        out.append("<p class=\"ok\">No quarantined record.</p>")
    out.append("<p class=\"note\">GX Data Docs of every batch's validation: <code>$CHEONGBAEK_HOME/data_docs/"
               "index.html</code>.</p></section>")
    return "".join(out)
