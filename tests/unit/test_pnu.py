"""PNU normalisation: 19 digits, hyphenated, parts; block sites never become a PNU."""

from __future__ import annotations

import pytest

from cheongbaek.ingest.pnu import normalise_pnu, pnu_from_parts


def test_19_digits_and_hyphenated_forms_agree() -> None:
    assert normalise_pnu("1111010100100120003") == "1111010100100120003"
    assert normalise_pnu(" 1111010100-1-0012-0003 ") == "1111010100100120003"
    assert normalise_pnu("1111010100-2-0012-0000") == "1111010100200120000"


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_is_none(value: str) -> None:
    assert normalise_pnu(value) is None


@pytest.mark.parametrize("value", [
    "11110101001",                 # 11 digits
    "1111010100-1-0012",           # hyphenated but short
    "11110101001001200031",        # 20 digits
    "1111010100-1-0012-000A",      # a letter
    "1111010100_1_0012_0003",      # wrong separators
    "１１１１０１０１００１００１２０００３",  # full-width digits are not ASCII digits
])
def test_anything_else_raises(value: str) -> None:
    with pytest.raises(ValueError, match="19 digits"):
        normalise_pnu(value)


def test_parts_map_land_kind() -> None:
    assert pnu_from_parts("11110", "10100", "0", "0012", "0003") == "1111010100100120003"
    assert pnu_from_parts("11110", "10100", "1", "0012", "0003") == "1111010100200120003"
    # leading zeros lost by a spreadsheet come back; an empty sub lot is 0000
    assert pnu_from_parts("11110", "10100", "0", "12", "") == "1111010100100120000"


def test_block_site_is_never_a_pnu() -> None:
    assert pnu_from_parts("11110", "10100", "2", "0012", "0003") is None
    assert pnu_from_parts(None, None, None, None, None) is None


@pytest.mark.parametrize("parts", [
    ("11110", "10100", "0", "12A4", "0003"),   # bun not digits
    ("1111", "10100", "0", "0012", "0003"),    # sigunguCd of 4
    ("11110", "10100", "3", "0012", "0003"),   # unknown platGbCd
    ("11110", "10100", "0", "00012", "0003"),  # bun of 5
    ("11110", "10100", "0", "", "0003"),       # no main lot
])
def test_bad_parts_raise(parts: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        pnu_from_parts(*parts)
