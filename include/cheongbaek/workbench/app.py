"""The alert workbench: a FastAPI app the Airflow api-server mounts (plugins/cheongbaek_workbench.py).

Airflow does not protect a plugin's endpoints, so every route here depends
on :func:`current_person`: it reads the Airflow JWT (``Authorization:
Bearer`` or the UI's ``_token`` cookie), has Airflow's own auth manager
validate it (signature, expiry, issuer: whatever the deployment
configured), and maps the user name to a workbench person in the warehouse
(``monitoring.workbench_user``). No token, or one Airflow rejects: 401. A
valid Airflow user who is not a workbench person: 403.

Pages are Jinja2 templates with autoescape on (everything shown is data
from legacy systems, so it is escaped); forms carry a CSRF token derived
from the caller's JWT, because the cookie alone would let another site post
in the person's name. Errors answer with one sentence, never a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import logging
import secrets
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from cheongbaek.workbench import store
from cheongbaek.workbench.charts import bar_chart
from cheongbaek.workbench.store import Person

log = logging.getLogger(__name__)
COOKIE = "_token"  # airflow.api_fastapi.auth.managers.base_auth_manager.COOKIE_NAME_JWT_TOKEN

_env = Environment(loader=PackageLoader("cheongbaek.workbench", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True))
_env.filters["krw"] = lambda v: "-" if v is None else f"{int(v):,}"
_env.filters["pct"] = lambda v: "-" if v is None else f"{float(v) * 100:.1f}%"
_FALLBACK_SECRET = secrets.token_bytes(32)


def _secret() -> bytes:
    """The api-server's secret key (shared by its workers), for CSRF tokens."""
    try:
        from airflow.configuration import conf

        key = conf.get("api", "secret_key", fallback="")
    except Exception:  # noqa: BLE001 - outside Airflow (a unit test): a per-process key
        key = ""
    return key.encode() if key else _FALLBACK_SECRET


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.cookies.get(COOKIE) or None


class Caller:
    """The verified person and the token they came with (for the CSRF check)."""

    def __init__(self, person: Person, token: str) -> None:
        self.person, self.token = person, token

    @property
    def csrf(self) -> str:
        return hmac.new(_secret(), self.token.encode(), hashlib.sha256).hexdigest()[:40]

    def check_csrf(self, value: str | None) -> None:
        if not value or not hmac.compare_digest(value, self.csrf):
            raise HTTPException(403, "The form is stale or came from elsewhere: reload the page and try again.")


async def _airflow_user_name(token: str) -> str:
    from airflow.api_fastapi.app import get_auth_manager

    user = await get_auth_manager().get_user_from_token(token)
    return str(user.get_name())


async def current_person(request: Request) -> Caller:
    """401 without a valid Airflow token; 403 for an Airflow user the workbench does not know."""
    token = _token(request)
    if not token:
        raise HTTPException(401, "Sign in to Airflow first.")
    try:
        login = await _airflow_user_name(token)
    except Exception:  # noqa: BLE001 - expired, forged, malformed: all the same answer
        raise HTTPException(401, "Your Airflow session is not valid (expired?): sign in again.") from None
    with store.session() as conn:
        person = store.person(conn, login)
    if person is None:
        raise HTTPException(403, f"{login} is not a workbench user: ask the audit office to map your login.")
    return Caller(person, token)


CallerDep = Annotated[Caller, Depends(current_person)]


def _wants_html(request: Request) -> bool:
    return "/api/" not in request.url.path


def _render(name: str, http_status: int = 200, **ctx: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**ctx), status_code=http_status)


def _int_or_none(value: str | None, name: str) -> int | None:
    if value is None or value.strip() == "":
        return None
    try:
        n = int(value)
    except ValueError:
        raise HTTPException(400, f"{name} must be a whole number") from None
    if n < 0:
        raise HTTPException(400, f"{name} must not be negative")
    return n


def _filters(scenario: str | None, area: str | None, department: str | None, status: str | None,
             min_age: str | None, min_amount: str | None) -> dict[str, Any]:
    return {"scenario": scenario or None, "area": area or None, "department": department or None,
            "status": status or None, "min_age": _int_or_none(min_age, "age"),
            "min_amount": _int_or_none(min_amount, "amount")}


def create_app() -> FastAPI:
    """The workbench app (mounted by the api-server under ``/workbench``)."""
    app = FastAPI(title="Cheongbaek alert workbench", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_html(request):
            return _render("error.html", exc.status_code, status=exc.status_code, message=str(exc.detail),
                           login_url="/auth/login?next=" + str(request.url.path))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def any_error(request: Request, exc: Exception) -> Response:
        log.exception("workbench error on %s", request.url.path)
        message = "Something went wrong on our side; the error is logged. Try again later."
        if _wants_html(request):
            return _render("error.html", 500, status=500, message=message, login_url=None)
        return JSONResponse({"detail": message}, status_code=500)

    # ------------------------------------------------------------------ pages
    @app.get("/", response_class=HTMLResponse)
    def inbox(caller: CallerDep, scenario: str | None = None, area: str | None = None,
              department: str | None = None, status: str | None = None, min_age: str | None = None,
              min_amount: str | None = None, after: str | None = None, msg: str | None = None,
              sig: str | None = None) -> HTMLResponse:
        f = _filters(scenario, area, department, status, min_age, min_amount)
        p = caller.person
        with store.session(p.login) as conn:
            page = store.list_alerts(conn, p, f, _int_or_none(after, "after"))
            choices = store.choices(conn, p)
            reasons = store.reasons(conn)
        return _render("inbox.html", me=p, page=page, f=f, choices=choices, csrf=caller.csrf, msg=_flash(msg, sig),
                       reasons=reasons, bulk_actions=[a for a in store.ACTIONS[p.role] if a != "assign"],
                       labels=store.ACTION_LABELS, query={k: v for k, v in f.items() if v is not None})

    @app.get("/alerts/{alert_id}", response_class=HTMLResponse)
    def alert_page(caller: CallerDep, alert_id: int, msg: str | None = None, sig: str | None = None) -> HTMLResponse:
        p = caller.person
        with store.session(p.login) as conn:
            alert = store.get_alert(conn, p, alert_id)
            reasons = store.reasons(conn)
        if alert is None:
            raise HTTPException(404, f"Alert {alert_id} is not among your alerts.")
        return _render("alert.html", me=p, a=alert, csrf=caller.csrf, reasons=reasons, msg=_flash(msg, sig),
                       labels=store.ACTION_LABELS)

    @app.post("/alerts/{alert_id}/act")
    def act_form(caller: CallerDep, alert_id: int, action: Annotated[str, Form()],
                 csrf: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "",
                 reason: Annotated[str, Form()] = "", target: Annotated[str, Form()] = "") -> Response:
        caller.check_csrf(csrf)
        p = caller.person
        with store.session(p.login) as conn:
            try:
                new = store.act(conn, alert_id, action, text or None, reason or None, target or None)
            except store.NotAllowed:
                raise HTTPException(404, f"Alert {alert_id} is not among your alerts.") from None
            except store.Refused as e:
                return RedirectResponse(f"/workbench/alerts/{alert_id}?msg={_q('Not done: ' + str(e))}", 303)
        return RedirectResponse(f"/workbench/alerts/{alert_id}?msg={_q(f'Done: the alert is now {new}.')}", 303)

    @app.post("/bulk")
    async def bulk_form(caller: CallerDep, request: Request) -> Response:
        form = await request.form()
        caller.check_csrf(str(form.get("csrf", "")))
        ids = [_int_or_none(str(v), "alert") for v in form.getlist("alert_id")]
        action = str(form.get("action", ""))
        done, refused = _bulk(caller.person, [i for i in ids if i is not None], action, str(form.get("text", "")),
                              str(form.get("reason", "")))
        msg = f"{action}: {done} done" + (f", {len(refused)} not done ({'; '.join(refused[:3])})" if refused else "")
        return RedirectResponse(f"/workbench/?msg={_q(msg)}", 303)

    @app.get("/stats", response_class=HTMLResponse)
    def stats_page(caller: CallerDep, by: str = "scenario") -> Response:
        if by not in store.DIMENSIONS:
            raise HTTPException(400, f"by must be one of {', '.join(store.DIMENSIONS)}")
        p = caller.person
        with store.session(p.login) as conn:
            rows = store.statistics(conn, p, by)
        charts = {
            "found": bar_chart([(str(r["key"]), int(r["found"])) for r in rows], "alerts found"),
            # only where something was closed: an empty hit rate is not 0%
            "hit_rate": bar_chart([(str(r["key"]), float(r["hit_rate"]) * 100) for r in rows
                                   if r["hit_rate"] is not None], "hit rate (%) of closed alerts", suffix="%"),
        }
        return _render("stats.html", me=p, rows=rows, by=by, dims=list(store.DIMENSIONS), charts=charts,
                       keys=store.STAT_KEYS)

    @app.get("/stats.csv")
    def stats_csv(caller: CallerDep, by: str = "scenario") -> Response:
        if by not in store.DIMENSIONS:
            raise HTTPException(400, f"by must be one of {', '.join(store.DIMENSIONS)}")
        with store.session(caller.person.login) as conn:
            rows = store.statistics(conn, caller.person, by)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([by, *store.STAT_KEYS])
        for r in rows:
            w.writerow([_defuse(str(r["key"])), *[r[k] for k in store.STAT_KEYS]])
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="workbench-{by}.csv"'})

    # ------------------------------------------------------------------ JSON API
    @app.get("/api/me")
    def api_me(caller: CallerDep) -> dict[str, Any]:
        p = caller.person
        return {"login": p.login, "emp_no": p.emp_no, "role": p.role, "dept_cd": p.dept_cd}

    @app.get("/api/alerts")
    def api_alerts(caller: CallerDep, scenario: str | None = None, area: str | None = None,
                   department: str | None = None, status: str | None = None, min_age: str | None = None,
                   min_amount: str | None = None, after: str | None = None,
                   limit: Annotated[int, Query(ge=1, le=500)] = store.PAGE_SIZE) -> dict[str, Any]:
        f = _filters(scenario, area, department, status, min_age, min_amount)
        with store.session(caller.person.login) as conn:
            page = store.list_alerts(conn, caller.person, f, _int_or_none(after, "after"), limit)
        return _jsonable(page)

    @app.get("/api/alerts/{alert_id}")
    def api_alert(caller: CallerDep, alert_id: int) -> dict[str, Any]:
        with store.session(caller.person.login) as conn:
            alert = store.get_alert(conn, caller.person, alert_id)
        if alert is None:
            raise HTTPException(404, f"Alert {alert_id} is not among your alerts.")
        return _jsonable(alert)

    @app.post("/api/alerts/{alert_id}/act")
    def api_act(caller: CallerDep, alert_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """JSON clients send the token as a Bearer header (no cookie, so no CSRF token needed)."""
        with store.session(caller.person.login) as conn:
            try:
                new = store.act(conn, alert_id, str(body.get("action", "")), body.get("text"), body.get("reason"),
                                body.get("target"))
            except store.NotAllowed:
                raise HTTPException(404, f"Alert {alert_id} is not among your alerts.") from None
            except store.Refused as e:
                raise HTTPException(409, str(e)) from None
        return {"alert_id": alert_id, "status": new}

    @app.get("/api/stats")
    def api_stats(caller: CallerDep, by: str = "scenario") -> list[dict[str, Any]]:
        if by not in store.DIMENSIONS:
            raise HTTPException(400, f"by must be one of {', '.join(store.DIMENSIONS)}")
        with store.session(caller.person.login) as conn:
            return _jsonable(store.statistics(conn, caller.person, by))

    return app


def _bulk(p: Person, ids: list[int], action: str, text: str, reason: str) -> tuple[int, list[str]]:
    """Apply one action to many alerts, each in its own step (one refusal does not undo the others)."""
    done, refused = 0, []
    with store.session(p.login) as conn:
        for alert_id in ids[:500]:
            try:
                store.act(conn, alert_id, action, text or None, reason or None)
                done += 1
            except (store.NotAllowed, store.Refused) as e:
                refused.append(f"#{alert_id}: {e}")
        conn.commit()
    return done, refused


def _q(text: str) -> str:
    """A flash message for the redirect's query string, signed (``msg=...&sig=...``)."""
    from urllib.parse import quote

    return quote(text, safe="") + "&sig=" + _sign(text)


def _sign(text: str) -> str:
    return hmac.new(_secret(), b"flash:" + text.encode(), hashlib.sha256).hexdigest()[:32]


def _flash(msg: str | None, sig: str | None) -> str | None:
    """The message only if the workbench wrote it: a crafted link cannot put text on a workbench page."""
    if msg and sig and hmac.compare_digest(sig, _sign(msg)):
        return msg
    return None


def _defuse(text: str) -> str:
    """OWASP CSV injection: a cell a spreadsheet would read as a formula gets a leading quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _jsonable(value: Any) -> Any:
    import datetime as dt
    import decimal

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


app = create_app()
