"""Auditor-report section: the data-quality validation results, in the report itself.

Why here too: the GX Data Docs are a separate site (now offline-safe, see
validation/docs.py) that an auditor may not have at hand; the report is the
one page that is archived. Per suite (staging table): batches validated and
how many failed an expectation; then every expectation that failed in some
batch, in words, with the batches and records concerned. Reads dq.result
and audit.batch: counts only, never a sample value.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from cheongbaek.report.html import table
from cheongbaek.report.words import SECTION_TITLES, reason_words

title = "Data quality: validation results"
order = 15

_SUITES = """
select r.suite, count(distinct r.batch_id) as batches,
       count(distinct r.batch_id) filter (where not r.success) as failing,
       count(*) as checks
from dq.result r join audit.batch b using (batch_id)
where b.status = 'loaded' and coalesce(b.delivery_date, b.logical_date) <= %(as_of)s
group by 1 order by 1
"""
_FAILED = """
select r.suite, r.expectation, r.column_name, bool_or(r.blocking) as blocking,
       count(distinct r.batch_id) as batches, coalesce(sum(r.unexpected_count), 0) as unexpected
from dq.result r join audit.batch b using (batch_id)
where b.status = 'loaded' and coalesce(b.delivery_date, b.logical_date) <= %(as_of)s and not r.success
group by 1, 2, 3 order by 6 desc, 1, 2, 3
limit 50
"""


def render(conn: Any, as_of: dt.date) -> str:
    """The section's HTML fragment as of the report date."""
    p = {"as_of": as_of}
    suites = conn.execute(_SUITES, p).fetchall()
    failed = conn.execute(_FAILED, p).fetchall()
    out = [f"<section id=\"validation\"><h2>{escape(SECTION_TITLES['validation'])} "
           f"<span class=\"en\" lang=\"en\">{escape(title)}</span></h2>"]
    if not suites:
        out.append(f"<p class=\"note\">{as_of.isoformat()}까지 검증된 배치 없음 (no validated batch).</p></section>")
        return "".join(out)
    out.append(table(["suite", "batches", "failed", "checks"],
                     [[escape(r[0]), f"{int(r[1]):,}",
                       f'<span class="bad">{int(r[2]):,}</span>' if r[2] else '<span class="ok">0</span>',
                       f"{int(r[3]):,}"] for r in suites]))
    out.append('<h3>실패한 검증 규칙 <span class="en" lang="en">Expectations that failed</span></h3>')
    if failed:
        rows = []
        for suite, expectation, column, blocking, batches, unexpected in failed:
            reason = f"{expectation}:{column}" if column else expectation
            ko, en = reason_words(reason)
            rows.append([escape(suite), f'<span class="reason">{escape(ko)}<small lang="en">{escape(en)}</small>'
                                        f'</span>',
                         "격리 quarantined" if blocking else "경고 warned", f"{int(batches):,}",
                         f"{int(unexpected):,}", f"<code>{escape(reason)}</code>"])
        out.append(table(["suite", "reason", "status", "batches", "unexpected", "reason id"], rows))
    else:
        out.append("<p class=\"ok\">모든 검증 통과 (every expectation passed).</p>")
    out.append("</section>")
    return "".join(out)
