"""The whole alert lifecycle in a real browser, on a simulated world, through a real Airflow api-server.

The simulator's tiny world goes through ingest, reconcile and the 22
scenarios; three people are mapped (an official, their department's
manager, the audit office). Headless chromium signs in on Airflow's own
login page, then: the official sees only their alerts and records an action;
the manager confirms it; the auditor accepts it and excludes another alert
as a false positive; the statistics page shows the changed counts and hit
rate. Screenshots go to build/workbench_*.png.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import psycopg
import pytest
from cdp import Browser
from wb_server import ApiServer

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BUILD = REPO / "build"


def run_world(truth: Path) -> dt.date:
    from cheongbaek.ingest.runner import ingest_system
    from cheongbaek.reconcile.runner import reconcile
    from cheongbaek.scenarios.runner import run_scenarios
    from cheongbaek.simulator import simulate
    from cheongbaek.sources import sources

    simulate(dt.date(2025, 3, 3), 10, scale="tiny", seed=7, truth_dir=truth)
    as_of = dt.date.fromisoformat(json.loads((truth / "manifest.json").read_text())["as_of"])
    for s in sources():
        ingest_system(s.system, as_of, strict=False)
    reconcile(as_of)
    run_scenarios(as_of)
    return as_of


def people(conn: psycopg.Connection, as_of: dt.date) -> dict[str, tuple[str, str, str | None]]:
    """An official, their manager and an auditor of the simulated city (login -> emp_no, role, dept)."""
    dept, manager = conn.execute(
        "select dept_cd, manager_emp_no from monitoring.alert where status = 'open' and dept_cd is not null"
        " and manager_emp_no is not null group by 1, 2 order by count(*) desc, 1 limit 1").fetchone()
    official = conn.execute(
        "select officer_emp_no from monitoring.alert where dept_cd = %s and status = 'open'"
        " and officer_emp_no is not null and officer_emp_no <> %s group by 1 order by count(*) desc limit 1",
        (dept, manager)).fetchone()
    if official is None:  # the rules of this department name no officer: the manager hands two alerts over
        official = conn.execute(
            "select emp_no from scenario_input.emp_version where dept_cd = %s and status = '재직' and emp_no <> %s"
            " and valid_from <= %s and %s < valid_to order by emp_no limit 1", (dept, manager, as_of, as_of)).fetchone()
        conn.execute("update monitoring.alert set assigned_emp_no = %s where alert_id in (select alert_id from"
                     " monitoring.alert where dept_cd = %s and status = 'open' order by alert_id limit 2)",
                     (official[0], dept))
    auditor = conn.execute("select auditor_emp_no from monitoring.alert where auditor_emp_no is not null"
                           " group by 1 order by count(*) desc limit 1").fetchone()
    return {"official": (official[0], "official", dept), "manager": (manager, "manager", dept),
            "auditor": (auditor[0] if auditor else "000000999", "auditor", None)}


def stats_row(b: Browser, scenario: str) -> dict[str, str]:
    return dict(b.js(f"""Object.fromEntries([...document.querySelectorAll('tr[data-key="{scenario}"] td[data-col]')]
                          .map(td => [td.dataset.col, td.textContent.trim()]))"""))


def test_lifecycle_in_the_browser(warehouse: str, legacy_dbs: dict[str, str], drop_dir: Path, tmp_path: Path
                                  ) -> None:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if os.environ.get("CHEONGBAEK_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} missing: run scripts/install-chromium.sh")
        pytest.skip(f"{CHROMIUM} missing")
    as_of = run_world(tmp_path / "truth")
    with psycopg.connect(warehouse, autocommit=True) as conn:
        who = people(conn, as_of)
        for login, (emp, role, dept) in who.items():
            conn.execute("insert into monitoring.workbench_user (login, emp_no, role, dept_cd) values (%s, %s, %s, %s)",
                         (login, emp, role, dept))
        official_emp, _, dept = who["official"]
        mine = {r[0] for r in conn.execute("select alert_id from monitoring.alert"
                                           " where coalesce(assigned_emp_no, officer_emp_no) = %s", (official_emp,))}
        total = conn.execute("select count(*) from monitoring.alert").fetchone()[0]
        assert 0 < len(mine) < total
    srv = ApiServer(tmp_path / "api", warehouse, list(who))
    srv.start()
    b = Browser(CHROMIUM, tmp_path / "profile")
    try:
        def sign_in(login: str) -> None:
            b.clear_cookies()
            b.goto(f"{srv.base}/auth/login?next=/workbench/")
            b.wait("document.querySelector('input[name=username]')")
            b.fill("input[name=username]", login)
            b.fill("input[name=password]", srv.passwords[login])
            b.click("button[type=submit]")
            b.wait("!window.__cdpOld && location.pathname.startsWith('/workbench') && document.querySelector('#me')")
            assert b.js("document.querySelector('#me').dataset.login") == login

        # without signing in: the workbench says so
        b.goto(f"{srv.base}/workbench/")
        assert b.wait("document.querySelector('#error')") and b.js("document.querySelector('#error').dataset.status") \
            == "401"

        # 1. the official sees only their alerts and records an action
        sign_in("official")
        shown = {int(x) for x in b.js("[...document.querySelectorAll('tr[data-alert]')].map(r => r.dataset.alert)")}
        assert shown and shown <= mine and int(b.js("document.querySelector('#total').dataset.total")) == len(mine)
        b.screenshot(BUILD / "workbench_official_inbox.png")
        with psycopg.connect(warehouse) as conn:  # one of theirs in the manager's department (officials span some)
            alert_x = conn.execute(
                "select max(alert_id) from monitoring.alert where coalesce(assigned_emp_no, officer_emp_no) = %s"
                " and dept_cd = %s and status = 'open' and alert_id = any(%s)", (official_emp, dept, list(shown))
            ).fetchone()[0]
        assert alert_x is not None
        b.goto(f"{srv.base}/workbench/alerts/{alert_x}")
        b.fill('form[data-action="action"] input[name=text]', "assessment 2025-TAX-0042 issued <b>today</b>")
        b.click('form[data-action="action"] button')
        b.wait("!window.__cdpOld && document.querySelector('#alert') && document.querySelector('#alert').dataset.status === 'submitted'")
        assert "2025-TAX-0042" in b.text("#outcome") and "<b>today</b>" in b.text("#outcome")
        b.screenshot(BUILD / "workbench_alert_actioned.png")

        # 2. the manager confirms
        sign_in("manager")
        b.goto(f"{srv.base}/workbench/alerts/{alert_x}")
        b.click('form[data-action="confirm"] button')
        b.wait("!window.__cdpOld && document.querySelector('#alert').dataset.status === 'confirmed'")

        # 3. the audit office accepts it, and excludes another alert as a false positive
        sign_in("auditor")
        with psycopg.connect(warehouse) as conn:
            alert_y, scen_y = conn.execute(
                "select alert_id, scenario_id from monitoring.alert where status = 'open' and alert_id <> %s"
                " order by alert_id limit 1", (alert_x,)).fetchone()
        b.goto(f"{srv.base}/workbench/stats?by=scenario")
        before = stats_row(b, scen_y)
        b.goto(f"{srv.base}/workbench/alerts/{alert_x}")
        b.click('form[data-action="accept"] button')
        b.wait("!window.__cdpOld && document.querySelector('#alert').dataset.status === 'closed'")
        b.goto(f"{srv.base}/workbench/alerts/{alert_y}")
        b.fill('form[data-action="exclude"] select[name=reason]', "rule_gap")
        b.fill('form[data-action="exclude"] input[name=text]', "the parcel was split: not the same property")
        b.click('form[data-action="exclude"] button')
        b.wait("!window.__cdpOld && document.querySelector('#alert').dataset.status === 'excluded'")
        trail = b.js("[...document.querySelectorAll('#trail tbody tr')].map(r => r.textContent)")
        assert any("auditor" in t and "exclude" in t and "rule_gap" in t for t in trail)
        b.screenshot(BUILD / "workbench_alert_excluded.png")

        # 4. the statistics show it
        b.goto(f"{srv.base}/workbench/stats?by=scenario")
        after = stats_row(b, scen_y)
        assert int(after["excluded"]) == int(before["excluded"]) + 1
        with psycopg.connect(warehouse) as conn:
            hit = conn.execute("select hit_rate from monitoring.workbench_scenario_stats where scenario_id = %s",
                               (scen_y,)).fetchone()[0]
        assert after["hit_rate"] == f"{float(hit) * 100:.1f}%" and after["hit_rate"] != before["hit_rate"]
        assert b.js("document.querySelectorAll('#charts svg rect').length") > 0
        b.screenshot(BUILD / "workbench_stats.png")
        # and the official's inbox still shows only theirs
        sign_in("official")
        shown = {int(x) for x in b.js("[...document.querySelectorAll('tr[data-alert]')].map(r => r.dataset.alert)")}
        assert shown <= mine
    finally:
        b.close()
        srv.stop()
    for name in ("official_inbox", "alert_actioned", "alert_excluded", "stats"):
        png = BUILD / f"workbench_{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000, name
