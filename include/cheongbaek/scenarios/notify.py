"""Mailing each person one digest a run: their new alerts, and what is overdue.

One email a recipient and run (a digest), listing the alerts not yet sent
to them (``monitoring.notification`` remembers what was sent, so a rerun
sends nothing twice) and the alerts past their due date (the workbench's
escalation: the official and the department manager once an alert is
overdue, the audit office once it is overdue by
``escalate_audit_business_days`` more; ``monitoring.escalation`` remembers
each level sent). The audit office always receives its digest, with the
open and overdue counts per department, even on a run with nothing new
(``monitoring.digest`` records one digest per person and day). Before the
digests, the open alerts of an official who left or moved go to the
department's manager (``monitoring.wb_reassign_departed``). With ``AIRFLOW_CONN_CB_SMTP`` set, mail goes through that
SMTP server (host, port, login of the Airflow connection); the embedded
default writes each email as a real RFC 5322 message file
``<home>/mail/<as_of>/<emp_no>.eml`` that any mail client opens.

Messages carry scenario ids, subjects, amounts and dates only: no names and
no person identifiers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
from collections import defaultdict
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo

from cheongbaek import config, db

SMTP_CONN_ID = "cb_smtp"
KST = ZoneInfo("Asia/Seoul")

_PENDING = """
select a.alert_id, a.scenario_id, s.title, a.subject, a.estimate_krw, a.first_seen, a.dept_cd,
       r.value ->> 'emp_no' as emp_no, r.value ->> 'role' as role
from monitoring.alert a
join monitoring.scenario s using (scenario_id)
cross join lateral jsonb_array_elements(a.recipients) r
where a.status = 'open' and a.matching and a.first_seen <= %(as_of)s
  and not exists (select 1 from monitoring.notification n
                  where n.alert_id = a.alert_id and n.recipient = r.value ->> 'emp_no')
order by emp_no, a.scenario_id, a.subject
"""


_OVERDUE = """
with o as (
    select a.alert_id, a.scenario_id, s.title, a.subject, a.estimate_krw, a.first_seen, a.due_on, a.dept_cd,
           coalesce(a.assigned_emp_no, a.officer_emp_no) as assignee, a.manager_emp_no, a.auditor_emp_no,
           monitoring.wb_add_business_days(a.due_on,
               monitoring.wb_setting_int('escalate_audit_business_days', 5)) < %(as_of)s as level2
    from monitoring.alert a
    join monitoring.scenario s using (scenario_id)
    where a.status in ('open', 'checked', 'submitted') and a.due_on < %(as_of)s
), r as (
    select o.*, v.emp_no, v.role, v.level
    from o cross join lateral (values (o.assignee, 'officer', 1), (o.manager_emp_no, 'manager', 1),
                                      (case when o.level2 then o.auditor_emp_no end, 'auditor', 2)) v (emp_no, role, level)
    where v.emp_no is not null
)
select distinct on (r.emp_no, r.alert_id) r.*
from r
where not exists (select 1 from monitoring.escalation e
                  where e.alert_id = r.alert_id and e.recipient = r.emp_no and e.level = r.level)
order by r.emp_no, r.alert_id, r.level desc
"""

#: The audit office: every auditor an alert names, and the workbench's auditors.
_AUDIT_OFFICE = """
select emp_no from (
    select distinct auditor_emp_no as emp_no from monitoring.alert where auditor_emp_no is not null
    union
    select emp_no from monitoring.workbench_user where role = 'auditor' and active
) x order by 1
"""

_AUDIT_SUMMARY = """
select coalesce(a.dept_cd, '-') as dept_cd,
       count(*) filter (where a.status in ('open', 'checked')) as open,
       count(*) filter (where a.status in ('submitted', 'confirmed')) as in_review,
       count(*) filter (where a.status in ('open', 'checked', 'submitted') and a.due_on < %(as_of)s) as overdue
from monitoring.alert a
where a.status in ('open', 'checked', 'submitted', 'confirmed')
group by 1 order by 1
"""


def mail_domain() -> str:
    """Domain of the recipients' addresses (``<emp_no>@domain``)."""
    return os.environ.get("CHEONGBAEK_MAIL_DOMAIN", "cheongbaek.local")


def smtp_settings() -> dict[str, Any] | None:
    """Host, port, login, password and extras of the ``cb_smtp`` connection, or None (file delivery).

    Accepts both Airflow connection forms: a URI (``smtp://user:pw@host:587?ssl=false``) and JSON.
    """
    raw = config.configured_uri(SMTP_CONN_ID)
    if not raw:
        return None
    if raw.lstrip().startswith("{"):
        data = json.loads(raw)
        extra = data.get("extra") or {}
        if isinstance(extra, str):
            extra = json.loads(extra or "{}")
        return {"host": data.get("host") or "localhost", "port": int(data.get("port") or 25),
                "login": data.get("login"), "password": data.get("password"), "extra": extra}
    parts = urlsplit(raw)
    return {"host": parts.hostname or "localhost", "port": parts.port or 25,
            "login": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "extra": dict(parse_qsl(parts.query))}


def _truthy(value: Any) -> bool:
    return str(value).lower() in {"1", "true", "yes", "on"}


def build_message(emp_no: str, as_of: dt.date, rows: list[dict[str, Any]],
                  overdue: list[dict[str, Any]] | None = None,
                  summary: list[dict[str, Any]] | None = None) -> EmailMessage:
    """The digest to one recipient: new alerts, overdue alerts, and (audit office) the open counts."""
    overdue = overdue or []
    domain = mail_domain()
    msg = EmailMessage()
    msg["From"] = os.environ.get("CHEONGBAEK_MAIL_FROM", f"monitoring@{domain}")
    msg["To"] = f"{emp_no}@{domain}"
    subject = f"[청백 모니터링] 신규 경보 {len(rows)}건"
    if overdue:
        subject += f", 기한 경과 {len(overdue)}건"
    msg["Subject"] = f"{subject} ({as_of.isoformat()})"
    # The message date is the run's as-of day (09:00 KST), not the clock: reruns give the same file.
    msg["Date"] = format_datetime(dt.datetime.combine(as_of, dt.time(9), tzinfo=KST))
    msg["Message-ID"] = make_msgid(idstring=f"{as_of:%Y%m%d}.{emp_no}", domain=domain)
    lines = [f"Monitoring digest as of {as_of.isoformat()} for employee {emp_no}.", ""]
    lines.append(f"New alerts: {len(rows)}" if rows else "New alerts: none")
    for r in rows:
        lines.append(f"- {r['scenario_id']} {r['title']} | subject {r['subject']} | estimate "
                     f"{r['estimate_krw']:,} KRW | first seen {r['first_seen']} | as {r['role']}")
    if overdue:
        lines += ["", f"Overdue alerts: {len(overdue)}"]
        for r in overdue:
            lines.append(f"- {r['scenario_id']} {r['title']} | subject {r['subject']} | due {r['due_on']}"
                         f" | department {r['dept_cd'] or '-'} | as {r['role']}")
    if summary is not None:
        lines += ["", "Audit office: alerts still open per department (open / in review / overdue):"]
        lines += [f"- {s['dept_cd']}: {s['open']} / {s['in_review']} / {s['overdue']}" for s in summary] or ["- none"]
    lines += ["", "Work the alerts in the alert workbench (Airflow > Alert workbench, /workbench/)."]
    msg.set_content("\n".join(lines))
    return msg


def _send_smtp(settings: dict[str, Any], messages: list[EmailMessage]) -> None:
    extra = settings["extra"]
    use_ssl = _truthy(extra.get("ssl", False)) or settings["port"] == 465
    cls = smtplib.SMTP_SSL if use_ssl else smtplib.SMTP
    timeout = float(extra.get("timeout", 30))
    with cls(settings["host"], settings["port"], timeout=timeout) as server:
        if not use_ssl and not _truthy(extra.get("disable_tls", False)):
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls()
        if settings.get("login"):
            server.login(settings["login"], settings.get("password") or "")
        for msg in messages:
            server.send_message(msg)


def notify(as_of: dt.date) -> dict[str, Any]:
    """Send each person their digest as of D (new and overdue alerts; the audit office always); record it.

    Each digest is committed as it is sent, so a crash between two repeats
    none of the sent ones on the rerun.
    """
    settings = smtp_settings()
    channel = "smtp" if settings else "file"
    out_dir = config.home() / "mail" / as_of.isoformat()
    emails = alerts = 0
    with db.connect("cb_warehouse") as conn:
        conn.execute("select monitoring.wb_reassign_departed(%s)", (as_of,))
        conn.commit()
        pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
        overdue: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for query, into in ((_PENDING, pending), (_OVERDUE, overdue)):
            cur = conn.execute(query, {"as_of": as_of})  # type: ignore[arg-type]
            names = [c.name for c in cur.description]
            for row in cur.fetchall():
                rec = dict(zip(names, row, strict=True))
                if rec["emp_no"]:
                    into[rec["emp_no"]].append(rec)
        audit_office = [r[0] for r in conn.execute(_AUDIT_OFFICE).fetchall()]
        already = {r[0] for r in conn.execute("select recipient from monitoring.digest where as_of = %s", (as_of,))}
        summary: list[dict[str, Any]] | None = None
        if audit_office:
            cur = conn.execute(_AUDIT_SUMMARY, {"as_of": as_of})
            names = [c.name for c in cur.description]
            summary = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        recipients = set(pending) | set(overdue) | {e for e in audit_office if e not in already}
        conn.commit()
        for emp_no in sorted(recipients):
            rows, late = pending.get(emp_no, []), overdue.get(emp_no, [])
            msg = build_message(emp_no, as_of, rows, late, summary if emp_no in audit_office else None)
            if settings:
                _send_smtp(settings, [msg])
                location = f"{settings['host']}:{settings['port']}"
            else:
                out_dir.mkdir(parents=True, exist_ok=True)
                path = out_dir / f"{emp_no}.eml"
                if path.exists():  # a second batch the same day for the same person
                    path = out_dir / f"{emp_no}-{len(list(out_dir.glob(f'{emp_no}*.eml')))}.eml"
                path.write_bytes(bytes(msg))
                location = str(Path(path))
            with conn.transaction():
                with conn.cursor() as c:
                    c.executemany(
                        "insert into monitoring.notification (alert_id, recipient, role, as_of, message_id, channel,"
                        " location) values (%s, %s, %s, %s, %s, %s, %s) on conflict do nothing",
                        [(r["alert_id"], emp_no, r["role"], as_of, msg["Message-ID"], channel, location)
                         for r in rows],
                    )
                    c.executemany(
                        "insert into monitoring.escalation (alert_id, recipient, level, as_of) values (%s, %s, %s, %s)"
                        " on conflict do nothing",
                        [(r["alert_id"], emp_no, r["level"], as_of) for r in late],
                    )
                    c.execute(
                        "insert into monitoring.digest (as_of, recipient, message_id, channel, location, new_alerts,"
                        " overdue) values (%s, %s, %s, %s, %s, %s, %s) on conflict (as_of, recipient) do update"
                        " set message_id = excluded.message_id, location = excluded.location,"
                        " new_alerts = monitoring.digest.new_alerts + excluded.new_alerts,"
                        " overdue = monitoring.digest.overdue + excluded.overdue, recorded_at = clock_timestamp()",
                        (as_of, emp_no, msg["Message-ID"], channel, location, len(rows), len(late)),
                    )
            conn.commit()
            emails += 1
            alerts += len(rows)
        conn.commit()
    return {"as_of": as_of.isoformat(), "channel": channel, "emails": emails, "notifications": alerts}
