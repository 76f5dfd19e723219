"""Auditor-report section: what the scenario book found, per area and per scenario.

Reads the statistics views (monitoring.area_stats, monitoring.scenario_stats)
and the alerts open as of the report date. Aggregates only: no subject
identifiers beyond counts, no personal data.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from cheongbaek.report.html import table
from cheongbaek.report.words import SECTION_TITLES

AREAS = {"civil": "민원", "duties": "세외수입", "finance": "재정", "hr": "인사", "tax": "지방세"}


def _area(area: str) -> str:
    return f"{escape(AREAS[area])} <span class=\"en\" lang=\"en\">{escape(area)}</span>" if area in AREAS \
        else escape(area)

title = "Preventive monitoring: scenario alerts"

_COLS = [("cases_found", "found"), ("cases_open", "open"), ("cases_checked", "checked"),
         ("cases_actioned", "actioned"), ("cases_excluded", "excluded"), ("cases_resolved", "resolved"),
         ("action_rate", "action rate"), ("exclusion_rate", "exclusion rate"),
         ("estimated_krw", "estimated (KRW)"), ("collected_krw", "collected (KRW)")]


def _fmt(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key.endswith("_rate"):
        return f"{float(value) * 100:.1f}%"
    return f"{int(value):,}"



def render(conn: Any, as_of: dt.date) -> str:
    """The section's HTML fragment as of the report date."""
    keys = [k for k, _ in _COLS]
    cols = ", ".join(keys)
    areas = conn.execute(f"select area, {cols} from monitoring.area_stats order by area").fetchall()
    scen = conn.execute(f"select scenario_id, area, title, {cols} from monitoring.scenario_stats"
                        " order by scenario_id").fetchall()
    run = conn.execute("select max(as_of), coalesce(sum(found) filter (where as_of = max_as_of), 0)"
                       " from (select *, max(as_of) over () as max_as_of from monitoring.scenario_run"
                       " where as_of <= %s) r", (as_of,)).fetchone()
    labels = [label for _, label in _COLS]
    parts = [f"<section id=\"scenarios\"><h2>{escape(SECTION_TITLES['scenarios'])} "
             f"<span class=\"en\" lang=\"en\">{escape(title)}</span></h2>"]
    if run and run[0]:
        parts.append(f"<p>Last scenario run on or before {escape(as_of.isoformat())}: {escape(str(run[0]))}, "
                     f"{int(run[1]):,} subjects matching.</p>")
    else:
        parts.append(f"<p>No scenario run on or before {escape(as_of.isoformat())}.</p>")
    parts.append("<h3>Per area</h3>")
    parts.append(table(["area", *labels], [[_area(r[0]), *(_fmt(k, v) for k, v in zip(keys, r[1:], strict=True))]
                                             for r in areas], "stats"))
    parts.append("<h3>Per scenario</h3>")
    parts.append(table(["scenario", "area", "title", *labels],
                        [[escape(r[0]), _area(r[1]), escape(r[2]),
                          *(_fmt(k, v) for k, v in zip(keys, r[3:], strict=True))] for r in scen], "stats"))
    parts.append("<p>Action rate and exclusion rate are shares of the cases found; collected is what was paid "
                 "on the assessments or duties whose arrival resolved an alert (0 for finance, HR and civil).</p>")
    parts.append("</section>")
    return "".join(parts)
