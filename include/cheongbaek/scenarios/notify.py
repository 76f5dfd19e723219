"""Mailing each recipient their new alerts.

One email a recipient and run, listing the alerts not yet sent to them
(``monitoring.notification`` remembers what was sent, so a rerun sends
nothing twice). With ``AIRFLOW_CONN_CB_SMTP`` set, mail goes through that
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


def build_message(emp_no: str, as_of: dt.date, rows: list[dict[str, Any]]) -> EmailMessage:
    """The email to one recipient listing their new alerts (no personal data)."""
    domain = mail_domain()
    msg = EmailMessage()
    msg["From"] = os.environ.get("CHEONGBAEK_MAIL_FROM", f"monitoring@{domain}")
    msg["To"] = f"{emp_no}@{domain}"
    msg["Subject"] = f"[청백 모니터링] 신규 경보 {len(rows)}건 ({as_of.isoformat()})"
    # The message date is the run's as-of day (09:00 KST), not the clock: reruns give the same file.
    msg["Date"] = format_datetime(dt.datetime.combine(as_of, dt.time(9), tzinfo=KST))
    msg["Message-ID"] = make_msgid(idstring=f"{as_of:%Y%m%d}.{emp_no}", domain=domain)
    lines = [f"New monitoring alerts as of {as_of.isoformat()} for employee {emp_no}:", ""]
    for r in rows:
        lines.append(f"- {r['scenario_id']} {r['title']} | subject {r['subject']} | estimate "
                     f"{r['estimate_krw']:,} KRW | first seen {r['first_seen']} | as {r['role']}")
    lines += ["", "Mark each alert checked, actioned or excluded with monitoring.mark_alert()."]
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
    """Send each recipient their new open alerts as of D; record what was sent."""
    settings = smtp_settings()
    channel = "smtp" if settings else "file"
    out_dir = config.home() / "mail" / as_of.isoformat()
    emails = alerts = 0
    with db.connect("cb_warehouse") as conn:
        pending: dict[str, list[dict[str, Any]]] = defaultdict(list)
        cur = conn.execute(_PENDING, {"as_of": as_of})
        names = [c.name for c in cur.description]
        for row in cur.fetchall():
            rec = dict(zip(names, row, strict=True))
            if rec["emp_no"]:
                pending[rec["emp_no"]].append(rec)
        for emp_no, rows in sorted(pending.items()):
            msg = build_message(emp_no, as_of, rows)
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
            emails += 1
            alerts += len(rows)
        conn.commit()
    return {"as_of": as_of.isoformat(), "channel": channel, "emails": emails, "notifications": alerts}
