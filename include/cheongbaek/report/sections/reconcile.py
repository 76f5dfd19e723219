"""Auditor-report section: where the systems disagree once reconciled.

Reads the reconciliation views of audit (0025_reconciliation.sql) and the
last reconcile run: orphans by entity and reference, payments against
contracts, duties against the records they rest on, tax assessments on
parcels the land register does not know, payroll against HR, and per system
and day whether the loaded counts agree with what staging and core hold.
Counts, keys of contracts and amounts only: never a name or a person's id.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from cheongbaek.report.html import table
from cheongbaek.report.words import SECTION_TITLES

title = "Reconciliation: one warehouse across the systems"
order = 20

#: Detail rows listed per check (the views hold all of them).
DETAIL_ROWS = 20

_RUN = "select max(as_of), count(*) from core.reconcile_run where as_of <= %(as_of)s"
_ORPHANS = """
select entity, ref, count(*) from audit.recon_orphan, unnest(orphan) as ref
group by 1, 2 order by 1, 2
"""
_CONTRACTS = """
select status, count(*), coalesce(sum(paid_amt), 0), coalesce(sum(cntr_amt), 0)
from audit.recon_contract_payment group by 1 order by 1
"""
_OVERPAID = """
select cntr_no, dept_cd, cntr_amt, paid_amt, -balance from audit.recon_contract_payment
where status = 'overpaid' order by -balance desc, cntr_no limit %(n)s
"""
_DUTIES = """
select duty_cd, basis_kind, status, count(*), coalesce(sum(imps_amt), 0)
from audit.recon_duty_basis group by 1, 2, 3 order by 1, 3
"""
_TAX = "select count(*), coalesce(sum(tax_amt), 0) from audit.recon_tax_unknown_parcel"
_PAYROLL = """
select check_result, count(*), coalesce(sum(gross_amt), 0) from audit.recon_payroll_hr group by 1 order by 1
"""
_BATCHES = """
select system, count(*), sum(batches), sum(rows_loaded), sum(staged_rows), sum(batches_reconciled),
       count(*) filter (where not counts_agree), sum(staged_amount)
from audit.recon_batch_totals where day <= %(as_of)s group by 1 order by 1
"""
_DISAGREE = """
select system, day, rows_loaded, staged_rows from audit.recon_batch_totals
where not counts_agree and day <= %(as_of)s order by day desc, system limit %(n)s
"""


def _n(v: Any) -> str:
    return "-" if v is None else f"{int(v):,}"


def render(conn: Any, as_of: dt.date) -> str:
    """The section's HTML fragment as of the report date."""
    p = {"as_of": as_of, "n": DETAIL_ROWS}
    run = conn.execute(_RUN, p).fetchone()
    out = [f"<section id=\"reconcile\"><h2>{escape(SECTION_TITLES['reconcile'])} "
           f"<span class=\"en\" lang=\"en\">{escape(title)}</span></h2>"]
    if not run or run[0] is None:
        out.append(f"<p>No reconcile run on or before {escape(as_of.isoformat())}.</p></section>")
        return "".join(out)
    out.append(f"<p>Last reconcile as of {escape(str(run[0]))}; reconcile runs so far: {int(run[1]):,}.</p>")

    out.append("<h3>Counts per system: audit.batch against staging and core</h3>")
    batches = conn.execute(_BATCHES, p).fetchall()
    out.append(table(["system", "days", "batches", "rows loaded (audit)", "rows staged", "batches in core",
                      "days disagreeing", "amount staged (KRW)"],
                     [[escape(r[0]), _n(r[1]), _n(r[2]), _n(r[3]), _n(r[4]), _n(r[5]),
                       f'<span class="bad">{int(r[6])}</span>' if r[6] else '<span class="ok">0</span>', _n(r[7])]
                      for r in batches]))
    disagree = conn.execute(_DISAGREE, p).fetchall()
    if disagree:
        out.append(table(["system", "day", "rows loaded", "rows staged"],
                         [[escape(r[0]), escape(r[1].isoformat()), _n(r[2]), _n(r[3])] for r in disagree], "bad"))

    out.append("<h3>Orphans: references not (yet) known</h3>")
    orphans = conn.execute(_ORPHANS).fetchall()
    out.append(table(["entity", "unknown reference", "records"], [[escape(r[0]), escape(r[1]), _n(r[2])]
                                                                  for r in orphans])
               if orphans else "<p class=\"ok\">None.</p>")
    out.append("<p class=\"note\">Orphans are loaded and flagged, never dropped: the reference may arrive later, "
               "and the flag clears by itself when it does (audit.recon_orphan).</p>")

    out.append("<h3>Payments against contracts</h3>")
    out.append(table(["status", "contracts", "paid (KRW)", "contracted (KRW)"],
                     [[escape(r[0]), _n(r[1]), _n(r[2]), _n(r[3])] for r in conn.execute(_CONTRACTS).fetchall()]))
    overpaid = conn.execute(_OVERPAID, p).fetchall()
    if overpaid:
        out.append(table(["overpaid contract", "department", "contracted", "paid", "excess"],
                         [[escape(r[0]), escape(r[1] or ""), _n(r[2]), _n(r[3]), _n(r[4])] for r in overpaid]))

    out.append("<h3>Duties against the records they rest on</h3>")
    out.append(table(["duty", "rests on", "status", "duties", "imposed (KRW)"],
                     [[escape(r[0]), escape(r[1] or "-"), escape(r[2]), _n(r[3]), _n(r[4])]
                      for r in conn.execute(_DUTIES).fetchall()]))

    tax = conn.execute(_TAX).fetchone()
    out.append("<h3>Tax assessments on parcels the land register does not know</h3>")
    out.append(f"<p>{_n(tax[0])} assessment(s), {_n(tax[1])} KRW (audit.recon_tax_unknown_parcel).</p>")

    out.append("<h3>Payroll against HR status on the pay day</h3>")
    out.append(table(["check", "payroll rows", "gross (KRW)"],
                     [[escape(r[0]), _n(r[1]), _n(r[2])] for r in conn.execute(_PAYROLL).fetchall()]))
    out.append("</section>")
    return "".join(out)
