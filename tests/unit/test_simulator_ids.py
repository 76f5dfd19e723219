"""The simulator's identifiers come from counters through bijections: unique and valid without remembering."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from stdnum.kr import rrn as stdnum_rrn

from cheongbaek import privacy
from cheongbaek.simulator.world import Permutation, Sim, Stream, rrn_check_digit

DONGS = [{"legal_dong_cd": "1111010100", "sigungu_nm": "종로구", "dong_nm": "청운동"}]
TODAY = dt.date(2025, 1, 10)
N = 400_000  # the bijection itself is checked exhaustively on small sizes above


def _sim(tmp_path: Path, seed: int = 5) -> Sim:
    return Sim(dt.date(2025, 1, 2), 10, 1, seed, tmp_path, tmp_path, None, None,  # type: ignore[arg-type]
               lambda _m: None, DONGS)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000, 65_537, 100_003])
def test_permutation_is_a_bijection(size: int) -> None:
    perm = Permutation(size, key=size * 7 + 1)
    assert sorted(perm(x) for x in range(size)) == list(range(size))
    with pytest.raises(ValueError):
        perm(size)


def test_rrns_are_distinct_and_valid(tmp_path: Path) -> None:
    """N valid RRNs: people drawn as they come (even inputs) and background employees (odd ones)."""
    s = _sim(tmp_path)
    seen: set[int] = set()
    for n in range(N):
        rrn = s.rrn_at(n)
        assert len(rrn) == 13 and rrn[6] in "12"
        if n % 20 == 0:  # the full classification (the spec's rule) on a sample: it is slower
            assert privacy.classify_rrn(rrn, TODAY) == privacy.RRN_VALID, rrn
            assert rrn[12] == stdnum_rrn.calc_check_digit(rrn[:12])
        seen.add(int(rrn))
    assert len(seen) == N
    assert min(seen) // 10**11 >= 50 and max(seen) // 10**11 <= 97  # born 1950-1997


def test_unverifiable_rrns_are_distinct_and_unverifiable(tmp_path: Path) -> None:
    s = _sim(tmp_path)
    rrns = [s.unverifiable_rrn_at(n) for n in range(100_000)]
    assert len(set(rrns)) == len(rrns)
    for rrn in rrns[::10]:
        assert privacy.classify_rrn(rrn, TODAY) == privacy.RRN_UNVERIFIABLE, rrn


def test_brns_are_distinct_and_valid(tmp_path: Path) -> None:
    s = _sim(tmp_path)
    seen: set[int] = set()
    for n in range(N):
        brn = s.brn_at(n)
        if n % 10 == 0:
            assert privacy.is_valid_brn(brn), brn
        seen.add(int(brn))
    assert len(seen) == N


def test_people_and_businesses_never_repeat(tmp_path: Path) -> None:
    s = _sim(tmp_path)
    people = [s.person().id for _ in range(20_000)] + [s.person(unverifiable=True).id for _ in range(1000)]
    assert len(set(people)) == len(people)
    firms = [s.business().id for _ in range(20_000)]
    assert len(set(firms)) == len(firms)


def test_identifiers_depend_on_the_seed_only(tmp_path: Path) -> None:
    a, b, c = _sim(tmp_path, 5), _sim(tmp_path, 5), _sim(tmp_path, 6)
    assert [a.rrn_at(n) for n in range(100)] == [b.rrn_at(n) for n in range(100)]
    assert [a.rrn_at(n) for n in range(100)] != [c.rrn_at(n) for n in range(100)]
    assert [a.brn_at(n) for n in range(100)] == [b.brn_at(n) for n in range(100)]


def test_rrn_check_digit_is_stdnums() -> None:
    r = Stream(1)
    for _ in range(20_000):
        body = "".join(str(r.randrange(10)) for _ in range(12))
        assert rrn_check_digit(body) == stdnum_rrn.calc_check_digit(body)


def test_stream_is_keyed() -> None:
    assert [Stream(7, 1).bits() for _ in range(3)] == [Stream(7, 1).bits() for _ in range(3)]
    x, y = Stream(7, 1), Stream(7, 2)
    assert [x.bits() for _ in range(3)] != [y.bits() for _ in range(3)]
    r = Stream(3)
    draws = [r.randint(1, 6) for _ in range(6000)]
    assert set(draws) == {1, 2, 3, 4, 5, 6}
    assert all(0.0 <= r.random() < 1.0 for _ in range(1000))
