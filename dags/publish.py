"""Publish: OPEN petitions and Clean Finance, checked, then switched to `latest`."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, task

from cheongbaek.pipeline import CORE_ASSET_URI, PUBLICATION_ASSET_URI, default_args, schedule

DOC = """
### Publish the disclosure datasets

Runs when `core` is updated. Builds the `disclosure` tables, writes CSV,
Parquet, `datapackage.json`, the OCDS release package and the citizen page
into a new folder under `CHEONGBAEK_PUBLISH_DIR`, validates everything
(Frictionless, OCDS schema, privacy guard) and only then switches `latest`.

**Triage.** A failed check leaves `latest` untouched; the log names the file,
column and kind of leak or validation error. Never publish by hand.
"""


@dag(
    dag_id="publish",
    schedule=schedule([Asset(CORE_ASSET_URI)]),
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["cheongbaek", "publish"],
    doc_md=DOC,
    default_args=default_args(),
)
def publish_dag() -> None:
    @task(outlets=[Asset(PUBLICATION_ASSET_URI)])
    def publish(**context):  # noqa: ANN202
        from cheongbaek.tasks import publish as run

        return run(context)

    publish()


publish_dag()
