"""Entry points the DAG tasks call.

Each takes the Airflow task context, works out the run's as-of date and
hands over to the package module that does the work. Imports are local so
that parsing a DAG file never imports pandas, Great Expectations or a driver.
Return values go to XCom: small summaries, never personal data.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

log = logging.getLogger(__name__)


#: Third-party loggers kept below WARNING in task logs (GX alone logs ~200 "Skipping registering" lines).
QUIET_LOGGERS = ("great_expectations", "frictionless", "numexpr", "urllib3", "py.warnings", "sqlalchemy.engine")


def quiet_third_party() -> None:
    """Prepare a task: its log keeps to what it did (third-party chatter only from WARNING up),
    and its connections resolve through Airflow (see :func:`airflow_connection_uri`)."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    from cheongbaek import db

    db.use_resolver(airflow_connection_uri)


def airflow_connection_uri(conn_id: str) -> str | None:
    """A conn id as Airflow resolves it for a task (``AIRFLOW_CONN_*``, a secrets backend, or the
    connection set in the UI), as a libpq URI; None when Airflow does not know it (then the
    embedded default applies, as on the command line)."""
    from urllib.parse import quote, urlencode

    from airflow.sdk import BaseHook

    try:
        conn = BaseHook.get_connection(conn_id)
    except Exception:  # noqa: BLE001 - AirflowNotFoundException, or no Airflow context at all
        return None
    if conn.conn_type and conn.conn_type not in {"postgres", "postgresql"}:
        return conn.get_uri()
    query: dict[str, str] = {}
    host = conn.host or ""
    if host.startswith("/"):  # a Unix socket directory (the embedded server)
        query["host"], host = host, ""
    extra = conn.extra_dejson or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options", "host"):
        if extra.get(key) is not None and key not in query:
            query[key] = str(extra[key])
    if conn.port and not host:
        query["port"] = str(conn.port)
    auth = quote(conn.login or "", safe="")
    if conn.password:
        auth += ":" + quote(conn.password, safe="")
    netloc = (auth + "@" if auth else "") + host + (f":{conn.port}" if conn.port and host else "")
    return f"postgresql://{netloc}/{quote(conn.schema or '', safe='')}" + (f"?{urlencode(query)}" if query else "")


class NoRunDate(ValueError):
    """The run carries no D: refused rather than guessed from the clock."""


def as_of(context: dict[str, Any]) -> dt.date:
    """The logical date D the run is evaluated as of; never the wall clock.

    Precedence: ``as_of`` in the run's conf (``cheongbaek run`` and a
    person triggering with conf), the newest ``as_of`` carried by the Asset
    events that triggered a data-aware run (the producers stamp it), the
    logical date of a scheduled or triggered run. A run with none of these
    (an Asset event without ``as_of``, a trigger without a logical date) is
    refused: taking today would evaluate the world as of a day nobody
    delivered (and publish and alert for it).
    """
    dag_run = context.get("dag_run")
    conf = getattr(dag_run, "conf", None) or {}
    if conf.get("as_of"):
        return dt.date.fromisoformat(str(conf["as_of"]))
    dates: list[dt.date] = []
    for events in (context.get("triggering_asset_events") or {}).values():
        for event in events:
            value = (getattr(event, "extra", None) or {}).get("as_of")
            if value:
                dates.append(dt.date.fromisoformat(str(value)))
    if dates:
        return max(dates)
    logical = context.get("logical_date")
    if logical is not None:
        return logical.date()
    raise NoRunDate("cannot tell the run's as-of date D: no conf 'as_of', no dated Asset event and no logical "
                    "date; trigger it with a logical date or conf {\"as_of\": \"YYYY-MM-DD\"}")


def triage_link(dag_id: str, run_id: str, task_id: str) -> str:
    """The task's page in the Airflow UI: ``CHEONGBAEK_UI_URL``, else ``[api] base_url``.

    ``cheongbaek run``'s own services set the former to where ``cheongbaek
    airflow`` serves the UI, since their own port is gone after the run.
    """
    from urllib.parse import quote

    base = (os.environ.get("CHEONGBAEK_UI_URL") or os.environ.get("AIRFLOW__API__BASE_URL")
            or "http://localhost:8080").rstrip("/")
    return f"{base}/dags/{quote(dag_id)}/runs/{quote(run_id, safe='')}/tasks/{quote(task_id)}"


def failure_message(context: dict[str, Any]) -> dict[str, str]:
    """DAG, task, D, reason and triage link of a failed task: what the operator is told."""
    ti = context.get("task_instance") or context.get("ti")
    dag_id = str(getattr(ti, "dag_id", "?"))
    task_id = str(getattr(ti, "task_id", "?"))
    run_id = str(getattr(context.get("dag_run"), "run_id", None) or getattr(ti, "run_id", "?"))
    try:
        day = as_of(context).isoformat()
    except (NoRunDate, ValueError):
        day = "?"
    reason = " ".join(str(context.get("exception") or "failed").split())
    return {"dag": dag_id, "task": task_id, "run": run_id, "as_of": day, "reason": reason[:2000],
            "link": triage_link(dag_id, run_id, task_id)}


def on_failure(context: dict[str, Any]) -> None:
    """Failure callback: one log line an operator can grep, and a notification through ``cb_smtp``."""
    m = failure_message(context)
    log.error("CHEONGBAEK FAILURE dag=%s task=%s run=%s as_of=%s: %s", m["dag"], m["task"], m["run"], m["as_of"],
              m["reason"])
    log.error("triage: %s", m["link"])
    try:
        notify_failure(context, m)
    except Exception:  # noqa: BLE001 - a failed notification must not hide the task's own failure
        log.warning("could not send the failure notification", exc_info=True)


def notify_failure(context: dict[str, Any], m: dict[str, str]) -> str:
    """Tell the operator: SmtpNotifier on ``cb_smtp`` when configured, else a message file.

    The embedded default writes ``$CHEONGBAEK_HOME/mail/failures/<D>/<dag>.<task>.eml``
    (the same convention as the alert e-mails). Returns where it went.
    """
    from email.message import EmailMessage

    from cheongbaek import config

    subject = f"[cheongbaek] {m['dag']}.{m['task']} failed for D={m['as_of']}"
    body = (f"DAG:    {m['dag']}\nTask:   {m['task']}\nRun:    {m['run']}\nD:      {m['as_of']}\n"
            f"Reason: {m['reason']}\nTriage: {m['link']}\n\nThe DAG's documentation (Docs in the UI) says how to "
            "triage it; reruns are idempotent: fix, then clear the task.\n")
    to = os.environ.get("CHEONGBAEK_OPERATOR_EMAIL", "data-engineers@cheongbaek.local")
    if config.configured_uri("cb_smtp"):
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        # Subject and body are Jinja templates to the notifier: raw, so an error quoting braces renders as is.
        SmtpNotifier(to=to, subject="{% raw %}" + subject + "{% endraw %}",
                     html_content="{% raw %}<pre>" + _html(body) + "</pre>{% endraw %}",
                     smtp_conn_id="cb_smtp")(context)
        return f"smtp:{to}"
    msg = EmailMessage()
    msg["From"] = os.environ.get("CHEONGBAEK_MAIL_FROM", "airflow@cheongbaek.local")
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    folder = config.home() / "mail" / "failures" / m["as_of"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{m['dag']}.{m['task']}.eml"
    path.write_bytes(bytes(msg))
    return str(path)


def _html(text: str) -> str:
    import html

    return html.escape(text)


def ingest(system: str, context: dict[str, Any]) -> dict[str, Any]:
    """Load everything loadable of one system as of D; files rejected whole are listed, not raised.

    Rejected files must not stop the good ones from reaching the warehouse
    (the Asset event still fires, so reconcile runs); :func:`check_deliveries`
    turns them into a failed task the operator sees.
    """
    quiet_third_party()
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
    quiet_third_party()
    from cheongbaek.reconcile.runner import reconcile as run

    return run(as_of(context))


def scenarios(context: dict[str, Any]) -> dict[str, Any]:
    quiet_third_party()
    from cheongbaek.scenarios.runner import run_scenarios

    return run_scenarios(as_of(context))


def notify(context: dict[str, Any]) -> dict[str, Any]:
    quiet_third_party()
    from cheongbaek.scenarios.notify import notify as send

    return send(as_of(context))


def publish(context: dict[str, Any]) -> dict[str, Any]:
    quiet_third_party()
    from cheongbaek.publish.runner import publish as run

    return run(as_of(context))


def auditor_report(context: dict[str, Any]) -> dict[str, Any]:
    quiet_third_party()
    from cheongbaek.report.auditor import write_report

    return {"report": str(write_report(as_of(context)))}
