"""The business-day calendar of legacy-interfaces.md (Mon-Fri minus KR public holidays)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _kr(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("KR", years=year).keys())


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
