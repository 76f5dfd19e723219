"""The pipeline's DAGs, their Assets and their dependency order.

Shared by the DAG files (to declare schedules and outlets) and by
``cheongbaek run`` (to run every DAG in order for one logical date).
"""

from __future__ import annotations

from cheongbaek.sources import sources

CORE_ASSET_URI = "cheongbaek://warehouse/core"
SCENARIO_ASSET_URI = "cheongbaek://warehouse/monitoring"
PUBLICATION_ASSET_URI = "cheongbaek://publish/latest"

OWNER = "cheongbaek-data"
#: The closed vocabulary of DAG tags (checked by tests/dags); every configured source's system is a tag.
TAGS = frozenset({"cheongbaek", "ingest", "reconcile", "scenarios", "publish", "files", "database",
                  *(s.system for s in sources())})


def dag_order() -> list[str]:
    """Every DAG id, upstream first."""
    return [s.dag_id for s in sources()] + ["reconcile", "scenarios", "publish"]


def manual_runs() -> bool:
    """True when the DAGs are parsed for ``cheongbaek run`` (``CHEONGBAEK_MANUAL_RUNS=1``).

    Then no DAG has a schedule: neither the clock nor an Asset event starts a
    run, only the runs ``cheongbaek run`` triggers, one per DAG and D, in
    dependency order (the same runs a person replaying days would want).
    """
    import os

    return os.environ.get("CHEONGBAEK_MANUAL_RUNS", "") in {"1", "true", "True"}


def schedule(value: object) -> object:
    """A DAG's schedule, or None when parsed for manual runs (see :func:`manual_runs`)."""
    return None if manual_runs() else value


def default_args(retries: int = 1, retry_minutes: int = 2) -> dict[str, object]:
    """Default task arguments every DAG shares: owner, retries and alerting."""
    from datetime import timedelta

    from cheongbaek.tasks import on_failure

    return {
        "owner": OWNER,
        "retries": retries,
        "retry_delay": timedelta(minutes=retry_minutes),
        "on_failure_callback": on_failure,
    }
