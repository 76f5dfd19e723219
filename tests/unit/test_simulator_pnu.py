"""The simulator's PNU issue and land-register bookkeeping (one byte a parcel)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cheongbaek.simulator.world import Sim

DONGS = [{"legal_dong_cd": c, "sigungu_nm": "종로구", "dong_nm": "동"} for c in
         ("1111010100", "1111010200", "1111010300")]


def _sim(tmp_path: Path) -> Sim:
    return Sim(dt.date(2025, 1, 2), 10, 1, 5, tmp_path, tmp_path, None, None,  # type: ignore[arg-type]
               lambda _m: None, DONGS)


def test_every_issued_pnu_is_registered_once(tmp_path: Path) -> None:
    s = _sim(tmp_path)
    # 3 dongs: main lots wrap at 10000 after 30000 PNUs, so some PNUs come again
    issued = [s.pnu("2" if i % 7 == 0 else "1") for i in range(40_000)]
    assert all(len(p) == 19 and p.isdigit() and p[10] in "12" and int(p[15:]) <= 30 for p in issued)
    assert len(set(issued)) < len(issued)
    some = issued[::5]
    for p in some:
        s.register(p)
    assert all(s.is_registered(p) for p in some)
    rest: list[str] = []
    for p in s.unregistered_pnus():  # what Background.land_register does: register each as it goes
        rest.append(p)
        s.register(p)
    assert len(rest) == len(set(rest))
    assert set(rest) == set(issued) - set(some)
    assert all(s.is_registered(p) for p in issued)
    assert list(s.unregistered_pnus()) == []


def test_pnus_never_issued_are_not_registered(tmp_path: Path) -> None:
    s = _sim(tmp_path)
    p = s.pnu()
    s.register(p)
    assert s.is_registered(p)
    for other in (p[:15] + "9999", "1111099999" + p[10:], p[:10] + "3" + p[11:], "1111010100-1-0001-0001", ""):
        assert not s.is_registered(other)
        s.register(other)  # not tracked: a no-op
    assert list(s.unregistered_pnus()) == []
