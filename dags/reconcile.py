"""Reconcile: the staged systems into one conformed `core`, on data (Assets)."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, AssetAny, dag, task

from cheongbaek.pipeline import CORE_ASSET_URI, default_args, schedule
from cheongbaek.sources import sources

DOC = """
### Reconcile staging into `core`

Runs when any ingestion Asset is updated. Set-based SQL (`include/cheongbaek/reconcile/sql/`)
builds identities (party, parcel, building, employee, department, vendor) with
history and the facts; orphans are kept and flagged. Incremental and idempotent:
a run with no new data changes nothing.

**Triage.** A failure rolls back the whole step (one transaction). Look at the
failing `.sql` file named in the log; then clear the task. The
reconciliation section of the auditor report (written by `scenarios`, after
the alerts of the same D) lists orphans and mismatches.
"""


@dag(
    dag_id="reconcile",
    schedule=schedule(AssetAny(*[Asset(s.asset_uri) for s in sources()])),
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["cheongbaek", "reconcile"],
    doc_md=DOC,
    default_args=default_args(),
)
def reconcile_dag() -> None:
    @task(outlets=[Asset(CORE_ASSET_URI)])
    def reconcile(**context):  # noqa: ANN202
        from cheongbaek.tasks import reconcile as run

        result = run(context)
        context["outlet_events"][Asset(CORE_ASSET_URI)].extra = {"as_of": result.get("as_of")}
        return result

    reconcile()


reconcile_dag()
