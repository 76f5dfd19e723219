"""Ingestion DAGs: one per legacy system, built from include/cheongbaek/sources.yaml."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, task

from cheongbaek.pipeline import default_args, schedule
from cheongbaek.sources import Source, sources

DOC = """
### Ingest `{system}`: {description}

Extracts what is new from **{system}**, parses its native format, validates
each batch with its Great Expectations suite and loads it by `COPY` into
`staging`, one transaction per batch. Then updates the Asset
`{asset}` so that `reconcile` runs.

**Triage.** `extract_validate_load` loads every good file and updates the
Asset; `check_deliveries` then fails if a file was rejected whole (corrupt,
trailer mismatch, missing column): its log names each file and the reason;
nothing of that file was loaded (see `audit.batch` where
`status = 'failed'`). Bad rows do not fail the task: they are in
`quarantine.record` with their reason. Fix or re-deliver the file
(touch `_DONE` again) and clear the task; reruns are idempotent.
"""


def build(src: Source):  # noqa: ANN201 - returns an Airflow DAG
    @dag(
        dag_id=src.dag_id,
        schedule=schedule(src.schedule),
        start_date=datetime(2025, 1, 1),
        catchup=False,
        max_active_runs=1,
        tags=["cheongbaek", "ingest", src.system, src.kind],
        doc_md=DOC.format(system=src.system, description=src.description, asset=src.asset_uri),
        default_args=default_args(retries=2, retry_minutes=5),
    )
    def ingest_dag() -> None:
        @task(task_id="extract_validate_load", outlets=[Asset(src.asset_uri)])
        def extract_validate_load(**context):  # noqa: ANN202
            from cheongbaek.tasks import ingest

            return ingest(src.system, context)

        @task(task_id="check_deliveries")
        def check_deliveries(summary: dict) -> dict:
            from cheongbaek.tasks import check_deliveries as check

            return check(src.system, summary)

        check_deliveries(extract_validate_load())

    return ingest_dag()


for _src in sources():
    globals()[_src.dag_id] = build(_src)
