"""The workbench's part of the auditor report: how the alerts were worked, per scenario.

For the report owner to wire in (``include/cheongbaek/report/`` is not this
package's): :func:`render` returns an HTML fragment built from the view
``monitoring.workbench_scenario_stats`` (0060_workbench.sql), every value
escaped. Aggregates only: no subject, no person.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

title = "Alert workbench: how the alerts were worked"

COLUMNS = [("found", "found"), ("actioned", "actioned"), ("justified", "justified"), ("excluded", "excluded"),
           ("open", "open"), ("overdue", "overdue"), ("action_rate", "action rate"),
           ("estimated_krw", "estimated (KRW)"), ("collected_krw", "collected (KRW)"), ("hit_rate", "hit rate")]


def _fmt(key: str, value: Any) -> str:  # noqa: ANN401
    if value is None:
        return "-"
    if key.endswith("_rate"):
        return f"{float(value) * 100:.1f}%"
    return f"{int(value):,}"


def render(conn: Any, as_of: dt.date) -> str:  # noqa: ANN401
    """The section's HTML fragment (a table per scenario, and the totals) as of the report date."""
    keys = [k for k, _ in COLUMNS]
    rows = conn.execute(f"select scenario_id, area, title, {', '.join(keys)} from monitoring.workbench_scenario_stats"
                        " order by scenario_id").fetchall()
    head = "".join(f"<th>{escape(label)}</th>" for _, label in COLUMNS)
    body = []
    for r in rows:
        sid, area, name, *values = r if isinstance(r, tuple) else (r["scenario_id"], r["area"], r["title"],
                                                                   *[r[k] for k in keys])
        cells = "".join(f'<td class="num">{escape(_fmt(k, v))}</td>' for k, v in zip(keys, values, strict=True))
        body.append(f"<tr><td>{escape(sid)}</td><td>{escape(area)}</td><td>{escape(name)}</td>{cells}</tr>")
    found = sum(int(r[3] if isinstance(r, tuple) else r["found"]) for r in rows)
    return (f"<p>As of {escape(as_of.isoformat())}: {found:,} alerts. Action rate: actioned / found. Hit rate:"
            " alerts closed as real (action accepted, or resolved when the missing document arrived) / alerts"
            " closed (those, exclusions as false positives and accepted justifications).</p>"
            f"<table><thead><tr><th>scenario</th><th>area</th><th>title</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")
