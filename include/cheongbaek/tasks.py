"""Entry points the DAG tasks call.

Each takes the Airflow task context, works out the run's as-of date and
hands over to the package module that does the work. Imports are local so
that parsing a DAG file never imports pandas, Great Expectations or a driver.
Return values go to XCom: small summaries, never personal data.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

log = logging.getLogger(__name__)


def as_of(context: dict[str, Any]) -> dt.date:
    """The logical date D the run is evaluated as of.

    Precedence: ``as_of`` in the run's conf (``cheongbaek run``), the
    logical date of a scheduled run, the newest ``as_of`` carried by the
    Asset events that triggered a data-aware run, else the run's start (an
    Asset-triggered run with no dated event).
    """
    dag_run = context.get("dag_run")
    conf = getattr(dag_run, "conf", None) or {}
    if conf.get("as_of"):
        return dt.date.fromisoformat(str(conf["as_of"]))
    logical = context.get("logical_date")
    if logical is not None:
        return logical.date()
    dates: list[dt.date] = []
    for events in (context.get("triggering_asset_events") or {}).values():
        for event in events:
            value = (getattr(event, "extra", None) or {}).get("as_of")
            if value:
                dates.append(dt.date.fromisoformat(value))
    if dates:
        return max(dates)
    start = getattr(dag_run, "start_date", None) or getattr(dag_run, "run_after", None)
    if start is None:
        raise ValueError("cannot tell the run's as-of date: pass conf {'as_of': 'YYYY-MM-DD'}")
    return start.date()


def on_failure(context: dict[str, Any]) -> None:
    """Failure callback: one log line an operator can grep and act on."""
    ti = context.get("task_instance")
    log.error(
        "CHEONGBAEK FAILURE dag=%s task=%s run=%s: %s",
        getattr(ti, "dag_id", "?"), getattr(ti, "task_id", "?"), getattr(context.get("dag_run"), "run_id", "?"),
        context.get("exception"),
    )


def ingest(system: str, context: dict[str, Any]) -> dict[str, Any]:
    """Load everything loadable of one system as of D; files rejected whole are listed, not raised.

    Rejected files must not stop the good ones from reaching the warehouse
    (the Asset event still fires, so reconcile runs); :func:`check_deliveries`
    turns them into a failed task the operator sees.
    """
    from cheongbaek.ingest.runner import ingest_system

    day = as_of(context)
    summary = ingest_system(system, day, strict=False)
    outlet_events = context.get("outlet_events")
    if outlet_events is not None:
        from airflow.sdk import Asset

        from cheongbaek.sources import source

        outlet_events[Asset(source(system).asset_uri)].extra = {"as_of": day.isoformat()}
    return summary


def check_deliveries(system: str, summary: dict[str, Any] | None) -> dict[str, Any]:
    """Fail (without retries: a corrupt file does not heal by waiting) when this run rejected files.

    The error names every file and its reason; nothing of those files was
    loaded (``audit.batch`` has them as ``failed``). A rejected file that is
    re-delivered corrected is loaded by the next run.
    """
    failed = list((summary or {}).get("failed") or [])
    if failed:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(f"ingest {system}: {len(failed)} file(s) rejected, nothing of them loaded: "
                                   + "; ".join(failed))
    return {"system": system, "rejected": 0, "known_failures": len((summary or {}).get("known_failures") or [])}


def reconcile(context: dict[str, Any]) -> dict[str, Any]:
    from cheongbaek.reconcile.runner import reconcile as run

    return run(as_of(context))


def scenarios(context: dict[str, Any]) -> dict[str, Any]:
    from cheongbaek.scenarios.runner import run_scenarios

    return run_scenarios(as_of(context))


def notify(context: dict[str, Any]) -> dict[str, Any]:
    from cheongbaek.scenarios.notify import notify as send

    return send(as_of(context))


def publish(context: dict[str, Any]) -> dict[str, Any]:
    from cheongbaek.publish.runner import publish as run

    return run(as_of(context))


def auditor_report(context: dict[str, Any]) -> dict[str, Any]:
    from cheongbaek.report.auditor import write_report

    return {"report": str(write_report(as_of(context)))}
