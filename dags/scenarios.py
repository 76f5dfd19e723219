"""Scenarios: refresh scenario_input as of D, run the 22 rules, raise and notify alerts."""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Asset, dag, task

from cheongbaek.pipeline import CORE_ASSET_URI, SCENARIO_ASSET_URI, default_args, schedule

DOC = """
### Preventive-monitoring scenarios

Runs when `core` is updated. Refreshes `scenario_input` as of the logical
date D (only what was known by D counts), runs every scenario under
`include/cheongbaek/scenarios/definitions/`, upserts `monitoring.alert`
(no duplicates; automatic resolution; auditors' marks kept) and emails each
recipient their new alerts through the `cb_smtp` connection (embedded default:
message files under `$CHEONGBAEK_HOME/mail`).

Then writes the auditor report (data quality, reconciliation, alerts of D).
A replay (D before the latest scenario run) counts what matched as of D
but leaves the alerts as they are: it never resolves an alert of a later D.

**Triage.** A scenario whose SQL fails is named in the log; the others still
commit. Re-running the same D is idempotent.
"""


@dag(
    dag_id="scenarios",
    schedule=schedule([Asset(CORE_ASSET_URI)]),
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

    @task
    def auditor_report(**context):  # noqa: ANN202
        """After the scenarios of the same D, so the report's alert section is that D's."""
        from cheongbaek.tasks import auditor_report as run

        return run(context)

    scenarios = run_scenarios()
    scenarios >> notify()
    scenarios >> auditor_report()


scenarios_dag()
