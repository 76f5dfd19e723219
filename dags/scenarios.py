"""Scenarios: refresh scenario_input as of D, run the 22 rules, raise and notify alerts."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, task

from cheongbaek.pipeline import CORE_ASSET_URI, SCENARIO_ASSET_URI, default_args

DOC = """
### Preventive-monitoring scenarios

Runs when `core` is updated. Refreshes `scenario_input` as of the logical
date D (only what was known by D counts), runs every scenario under
`include/cheongbaek/scenarios/definitions/`, upserts `monitoring.alert`
(no duplicates; automatic resolution; auditors' marks kept) and emails each
recipient their new alerts through the `cb_smtp` connection (embedded default:
message files under `$CHEONGBAEK_HOME/mail`).

**Triage.** A scenario whose SQL fails is named in the log; the others still
commit. Re-running the same D is idempotent.
"""


@dag(
    dag_id="scenarios",
    schedule=[Asset(CORE_ASSET_URI)],
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["cheongbaek", "scenarios"],
    doc_md=DOC,
    default_args=default_args(),
)
def scenarios_dag() -> None:
    @task(outlets=[Asset(SCENARIO_ASSET_URI)])
    def run_scenarios(**context):  # noqa: ANN202
        from cheongbaek.tasks import scenarios

        return scenarios(context)

    @task
    def notify(**context):  # noqa: ANN202
        from cheongbaek.tasks import notify as send

        return send(context)

    run_scenarios() >> notify()


scenarios_dag()
