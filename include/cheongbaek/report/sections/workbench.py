"""Auditor-report section: how the alerts were worked in the workbench (actioned, justified, excluded, hit rate).

The figures and their HTML live with the workbench (``cheongbaek.workbench.report``,
reading ``monitoring.workbench_scenario_stats``), written once there; this
module only places them in the report, after the scenario section, since the
report of a day is written after that day's scenarios ran. Aggregates only.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from cheongbaek.report.words import SECTION_TITLES
from cheongbaek.workbench import report

order = 110  # after the scenario section (order 100)
title = "Alert workbench: how the alerts were worked"


def render(conn: Any, as_of: dt.date) -> str:  # noqa: ANN401
    return (f"<section id=\"workbench\"><h2>{escape(SECTION_TITLES['workbench'])} "
            f"<span class=\"en\" lang=\"en\">{escape(title)}</span></h2>{report.render(conn, as_of)}</section>")
