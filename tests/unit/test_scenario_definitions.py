"""The scenario book as files, parameter rendering and the business-day calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from cheongbaek.scenarios.definitions import load_all, render_sql
from cheongbaek.scenarios.runner import business_calendar

ALL_IDS = [f"TAX-0{i}" for i in range(1, 7)] + [f"DUTY-0{i}" for i in range(1, 7)] + \
          [f"FIN-0{i}" for i in range(1, 6)] + ["HR-01", "HR-02", "CIV-01", "CIV-02", "CIV-03"]


def test_all_22_scenarios_are_defined() -> None:
    scenarios = load_all()
    assert sorted(s.id for s in scenarios) == sorted(ALL_IDS)
    for s in scenarios:
        assert "{{" not in s.sql, s.id
        for key in ("why", "rule", "subject", "estimate", "exclusions", "parameters"):
            assert key in s.definition, (s.id, key)
        assert "scenario_input." in s.sql and "staging." not in s.sql, s.id


def test_render_sql_rejects_missing_and_unsafe_parameters() -> None:
    assert render_sql("x + {{ days }} and '{{code}}'", {"days": 7, "code": "R01"}) == "x + 7 and 'R01'"
    with pytest.raises(KeyError):
        render_sql("{{days}}", {})
    with pytest.raises(ValueError):
        render_sql("'{{code}}'", {"code": "x'; drop table t; --"})


def test_business_calendar_korean_holidays() -> None:
    rows = {day: (business, seq) for day, business, _, seq in business_calendar(dt.date(2025, 5, 1),
                                                                                dt.date(2025, 5, 31))}
    assert rows[dt.date(2025, 5, 2)][0] is True       # Friday
    assert rows[dt.date(2025, 5, 3)][0] is False      # Saturday
    assert rows[dt.date(2025, 5, 5)][0] is False      # Children's Day / Buddha's Birthday
    assert rows[dt.date(2025, 5, 6)][0] is False      # substitute holiday
    # 3 business days strictly after Friday May 2nd: May 7th, 8th, 9th
    start = rows[dt.date(2025, 5, 2)][1]
    due = next(day for day, (business, seq) in sorted(rows.items()) if business and seq == start + 3)
    assert due == dt.date(2025, 5, 9)
