"""One business calendar: the scenario and publication calendars are the shared module's, day for day."""

from __future__ import annotations

import datetime as dt

from cheongbaek import calendar
from cheongbaek.publish import runner as publish_runner
from cheongbaek.scenarios import runner as scenarios_runner

FIRST, LAST = dt.date(2019, 12, 25), dt.date(2027, 1, 10)


def test_scenario_and_publication_calendars_are_the_shared_one() -> None:
    rows = calendar.calendar_rows(FIRST, LAST)
    assert scenarios_runner.business_calendar(FIRST, LAST) == rows
    assert publish_runner.business_calendar(FIRST, LAST) == [(d, b, n) for d, b, _, n in rows]
    assert [d for d, b, _, _ in rows if b] == calendar.business_days(FIRST, (LAST - FIRST).days + 1)


def test_known_days() -> None:
    assert calendar.holiday_name(dt.date(2025, 1, 29)) is not None  # Seollal
    assert not calendar.is_bday(dt.date(2025, 3, 3))  # substitute holiday for 1 March (a Saturday)
    assert calendar.add_bdays(dt.date(2025, 1, 24), 1) == dt.date(2025, 1, 31)
    assert calendar.payday(2024, 4) == dt.date(2024, 4, 19)
