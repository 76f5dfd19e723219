"""The business calendar of legacy-interfaces.md, written once: Monday to Friday, except the public holidays
of ``holidays.country_holidays("KR")`` (substitute holidays included).

Why one module: the simulator (paydays, folders, legal periods), the scenario
inputs and the publication all count business days, and a second copy of the
rule is a second place for it to drift. ``calendar_rows`` is the table form
the SQL calendars are filled from: the running count ``bd_seq`` turns "the
N-th business day strictly after day r" into the day whose count is
``bd_seq(r) + N``, in plain SQL.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _kr(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("KR", years=year).items())


def holiday_name(d: dt.date) -> str | None:
    """The public holiday on ``d`` (None on an ordinary day)."""
    return _kr(d.year).get(d)


def is_bday(d: dt.date) -> bool:
    return d.weekday() < 5 and d not in _kr(d.year)


def add_bdays(d: dt.date, n: int) -> dt.date:
    """The n-th business day strictly after ``d`` (n >= 1), as the civil law counts periods."""
    cur = d
    left = n
    while left > 0:
        cur += dt.timedelta(days=1)
        if is_bday(cur):
            left -= 1
    return cur


def prev_or_same_bday(d: dt.date) -> dt.date:
    while not is_bday(d):
        d -= dt.timedelta(days=1)
    return d


def payday(year: int, month: int) -> dt.date:
    """The 20th, or the business day before when the 20th is not one."""
    return prev_or_same_bday(dt.date(year, month, 20))


def business_days(start: dt.date, days: int) -> list[dt.date]:
    """Business days among the ``days`` calendar days from ``start``."""
    return [d for d in (start + dt.timedelta(days=i) for i in range(days)) if is_bday(d)]


def calendar_rows(first: dt.date, last: dt.date) -> list[tuple[dt.date, bool, str | None, int]]:
    """(day, is business day, holiday name, business days from ``first`` up to and including it) per day."""
    rows: list[tuple[dt.date, bool, str | None, int]] = []
    seq = 0
    day = first
    while day <= last:
        name = holiday_name(day)
        business = day.weekday() < 5 and name is None
        seq += business
        rows.append((day, business, name, seq))
        day += dt.timedelta(days=1)
    return rows
