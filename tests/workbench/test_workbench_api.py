"""The workbench's endpoints through a real Airflow api-server: who may read and do what.

Alerts are written straight into a migrated warehouse (two departments, two
scenarios); the api-server mounts plugins/ as in production and issues real
JWTs. Proves: no session or a forged one -> 401; an Airflow user the
workbench does not know -> 403; an official reads and acts on their alerts
only (another department's alert is 404 and stays untouched); the whole
lifecycle through the API, every step in the trail under the caller's name;
cookie forms need the CSRF token; shown text is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from wb_server import ApiServer

pytestmark = pytest.mark.integration

DEPT_A, DEPT_B = "3001001", "3001002"
USERS = {  # login: (emp_no, role, dept)
    "off_a": ("000000101", "official", DEPT_A),
    "off_b": ("000000102", "official", DEPT_B),
    "mgr_a": ("000000111", "manager", DEPT_A),
    "aud": ("000000191", "auditor", None),
}
XSS = '<script>document.title="pwned"</script>'


def seed(uri: str) -> dict[str, int]:
    from cheongbaek.scenarios.definitions import load_all
    from cheongbaek.scenarios.runner import _register

    with psycopg.connect(uri) as conn:
        _register(conn, load_all())
        conn.execute("insert into monitoring.scenario_run (as_of, scenario_id, found, new, resolved, seconds)"
                     " values ('2025-06-30', 'TAX-01', 3, 3, 0, 0.1)")
        ids = {}
        for name, scen, subject, dept, officer in [
            ("a1", "TAX-01", "P-A1", DEPT_A, "000000101"), ("b1", "TAX-01", "P-B1", DEPT_B, "000000102"),
            ("a2", "FIN-01", XSS, DEPT_A, "000000101"), ("a3", "TAX-01", "P-A3", DEPT_A, "000000103"),
        ]:
            ids[name] = conn.execute(
                "insert into monitoring.alert (scenario_id, subject, estimate_krw, first_seen, last_seen, last_run,"
                " evidence, dept_cd, officer_emp_no, manager_emp_no) values (%s, %s, 4000000, '2025-06-02',"
                " '2025-06-30', '2025-06-30', %s, %s, %s, '000000111') returning alert_id",
                (scen, subject, json.dumps({"prop_no": subject, "note": XSS}), dept, officer)).fetchone()[0]
            conn.execute("insert into monitoring.alert_status_history (alert_id, to_status, as_of, changed_by, note)"
                         " values (%s, 'open', '2025-06-30', 'scenario-run', 'raised')", (ids[name],))
        for login, (emp, role, dept) in USERS.items():
            conn.execute("insert into monitoring.workbench_user (login, emp_no, role, dept_cd) values (%s, %s, %s, %s)",
                         (login, emp, role, dept))
    return ids


@pytest.fixture(scope="module")
def server(module_warehouse: str, module_tmp: Path) -> Iterator[tuple[ApiServer, dict[str, int]]]:
    ids = seed(module_warehouse)
    srv = ApiServer(module_tmp, module_warehouse, [*USERS, "stranger"])
    try:
        srv.start()
        yield srv, ids
    finally:
        srv.stop()


def _json(payload: bytes) -> object:
    return json.loads(payload)


def test_no_session_is_401(server: tuple[ApiServer, dict[str, int]]) -> None:
    srv, ids = server
    for method, path in [("GET", "/workbench/"), ("GET", "/workbench/api/alerts"), ("GET", "/workbench/stats"),
                         ("GET", f"/workbench/alerts/{ids['a1']}"), ("GET", "/workbench/stats.csv"),
                         ("POST", f"/workbench/api/alerts/{ids['a1']}/act"), ("POST", "/workbench/bulk")]:
        body = {"action": "action", "text": "x"} if method == "POST" else None
        status, _, payload = srv.request(method, path, body)
        assert status == 401, (path, status, payload[:300])
        assert b"Traceback" not in payload
    # a forged or garbage token, as header or as the UI's cookie
    forged = srv.token("aud")[:-4] + "AAAA"
    for headers in ({"Authorization": f"Bearer {forged}"}, {"Cookie": f"_token={forged}"},
                    {"Authorization": "Bearer not-a-jwt"}):
        status, _, _ = srv.request("GET", "/workbench/api/alerts", headers=headers)
        assert status == 401, headers
    # the HTML answer points to Airflow's sign-in
    status, _, payload = srv.request("GET", "/workbench/")
    assert b"/auth/login" in payload


def test_airflow_user_without_mapping_is_403(server: tuple[ApiServer, dict[str, int]]) -> None:
    srv, _ = server
    status, _, payload = srv.request("GET", "/workbench/api/alerts", token=srv.token("stranger"))
    assert status == 403 and b"not a workbench user" in payload


def test_the_ui_navigation_links_the_workbench(server: tuple[ApiServer, dict[str, int]]) -> None:
    srv, _ = server
    status, _, payload = srv.request("GET", "/api/v2/plugins", token=srv.token("aud"))
    assert status == 200, payload[:300]
    plugins = {p["name"]: p for p in _json(payload)["plugins"]}
    wb = plugins["cheongbaek_workbench"]
    assert wb["external_views"][0]["href"] == "/workbench/"
    assert wb["fastapi_apps"][0]["url_prefix"] == "/workbench"


def test_official_sees_and_acts_on_their_own_alerts_only(server: tuple[ApiServer, dict[str, int]],
                                                        module_warehouse: str) -> None:
    srv, ids = server
    tok = srv.token("off_a")
    status, _, payload = srv.request("GET", "/workbench/api/alerts", token=tok)
    assert status == 200
    seen = {r["alert_id"] for r in _json(payload)["rows"]}
    assert seen == {ids["a1"], ids["a2"]}  # a3 is dept A's but assigned to someone else; b1 is dept B's
    for other in (ids["b1"], ids["a3"]):
        assert srv.request("GET", f"/workbench/api/alerts/{other}", token=tok)[0] == 404
        assert srv.request("GET", f"/workbench/alerts/{other}", token=tok)[0] == 404
        status, _, _ = srv.request("POST", f"/workbench/api/alerts/{other}/act",
                                   {"action": "justify", "text": "not mine"}, token=tok)
        assert status == 404
    with psycopg.connect(module_warehouse) as conn:
        assert conn.execute("select status from monitoring.alert where alert_id = %s", (ids["b1"],)).fetchone() == (
            "open",)
        assert conn.execute("select count(*) from monitoring.alert_status_history where alert_id = %s",
                            (ids["b1"],)).fetchone() == (1,)
    # the manager of A sees A's three; the auditor all four; the official of B only b1
    assert len(_json(srv.request("GET", "/workbench/api/alerts", token=srv.token("mgr_a"))[2])["rows"]) == 3
    assert len(_json(srv.request("GET", "/workbench/api/alerts", token=srv.token("aud"))[2])["rows"]) == 4
    rows_b = _json(srv.request("GET", "/workbench/api/alerts", token=srv.token("off_b"))[2])["rows"]
    assert [r["alert_id"] for r in rows_b] == [ids["b1"]]


def test_lifecycle_through_the_api(server: tuple[ApiServer, dict[str, int]], module_warehouse: str) -> None:
    srv, ids = server
    off, mgr, aud = srv.token("off_a"), srv.token("mgr_a"), srv.token("aud")

    def act(tok: str, alert: int, **body: str) -> tuple[int, object]:
        status, _, payload = srv.request("POST", f"/workbench/api/alerts/{alert}/act", body, token=tok)
        return status, _json(payload)

    # the official cannot confirm their own submission, nor skip the text
    assert act(off, ids["a1"], action="action")[0] == 409
    assert act(off, ids["a1"], action="action", text="assessment 2025-101-0001 issued") == (
        200, {"alert_id": ids["a1"], "status": "submitted"})
    assert act(off, ids["a1"], action="confirm")[0] == 404  # not an official's action: refused, nothing said
    assert act(mgr, ids["a1"], action="confirm", text="checked the assessment") == (
        200, {"alert_id": ids["a1"], "status": "confirmed"})
    assert act(aud, ids["a1"], action="accept") == (200, {"alert_id": ids["a1"], "status": "closed"})
    # the audit office excludes another as a false positive: a reason code is required
    assert act(aud, ids["b1"], action="exclude")[0] == 409
    assert act(aud, ids["b1"], action="exclude", reason="legal_exception", text="state buyer") == (
        200, {"alert_id": ids["b1"], "status": "excluded"})
    status, _, payload = srv.request("GET", f"/workbench/api/alerts/{ids['a1']}", token=aud)
    trail = [(h["changed_by"], h["actor_role"], h["action"], h["from_status"], h["to_status"])
             for h in _json(payload)["trail"]]
    assert trail == [("scenario-run", None, None, None, "open"),
                     ("off_a", "official", "action", "open", "submitted"),
                     ("mgr_a", "manager", "confirm", "submitted", "confirmed"),
                     ("aud", "auditor", "accept", "confirmed", "closed")]
    stats = {r["key"]: r for r in _json(srv.request("GET", "/workbench/api/stats?by=scenario", token=aud)[2])}
    assert stats["TAX-01"]["found"] == 3 and stats["TAX-01"]["actioned"] == 1 and stats["TAX-01"]["excluded"] == 1
    assert stats["TAX-01"]["hit_rate"] == 0.5  # one closed as real, one excluded
    status, headers, payload = srv.request("GET", "/workbench/stats.csv?by=department", token=aud)
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert payload.decode().splitlines()[0].startswith("department,found,actioned,justified,excluded")


def test_forms_need_the_csrf_token_and_pages_escape(server: tuple[ApiServer, dict[str, int]]) -> None:
    srv, ids = server
    cookie = {"Cookie": f"_token={srv.token('off_a')}"}
    status, _, _ = srv.request("POST", f"/workbench/alerts/{ids['a2']}/act", headers=cookie,
                               form={"action": "justify", "text": "no csrf"})
    assert status == 403
    status, _, page = srv.request("GET", f"/workbench/alerts/{ids['a2']}", headers=cookie)
    assert status == 200
    html = page.decode()
    assert XSS not in html and "&lt;script&gt;" in html
    csrf = html.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    status, headers, _ = srv.request("POST", f"/workbench/alerts/{ids['a2']}/act", headers=cookie,
                                     form={"action": "justify", "text": "<b>sold to the state</b>", "csrf": csrf})
    assert status == 303 and "Done" in (headers.get("location") or headers.get("Location") or "")
    html = srv.request("GET", f"/workbench/alerts/{ids['a2']}", headers=cookie)[2].decode()
    assert "&lt;b&gt;sold to the state&lt;/b&gt;" in html and 'data-status="submitted"' in html
    inbox = srv.request("GET", "/workbench/", headers=cookie)[2].decode()
    assert XSS not in inbox and 'id="alerts"' in inbox
    # a message the workbench did not sign is not shown (no text planted through a crafted link)
    crafted = srv.request("GET", "/workbench/?msg=Call%20the%20audit%20hotline%20555&sig=0", headers=cookie)[2]
    assert b"hotline" not in crafted


def test_bulk_action_applies_what_it_may_and_says_what_it_did_not(server: tuple[ApiServer, dict[str, int]],
                                                                  module_warehouse: str) -> None:
    srv, ids = server
    cookie = {"Cookie": f"_token={srv.token('aud')}"}
    page = srv.request("GET", "/workbench/", headers=cookie)[2].decode()
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    from urllib.parse import unquote

    form = [("csrf", csrf), ("action", "exclude"), ("reason", "duplicate"), ("text", "same case"),
            ("alert_id", str(ids["a3"])), ("alert_id", str(ids["a1"]))]
    status, _, _ = srv.request("POST", "/workbench/bulk", headers=cookie, form=form[1:])
    assert status == 403  # no CSRF token
    status, headers, _ = srv.request("POST", "/workbench/bulk", headers=cookie, form=form)
    assert status == 303
    message = unquote(headers.get("location") or headers.get("Location") or "")
    assert "exclude: 1 done, 1 not done" in message  # a3 excluded; a1 is closed (accepted) already
    with psycopg.connect(module_warehouse) as conn:
        assert conn.execute("select status, reason_code from monitoring.alert where alert_id = %s",
                            (ids["a3"],)).fetchone() == ("excluded", "duplicate")
