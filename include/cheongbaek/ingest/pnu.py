"""Parcel numbers (PNU): one canonical form, 19 digits, whatever the source wrote.

Why here and not in SQL: every file system writes parcels differently (19
digits, the older hyphenated ``LLLLLLLLLL-K-BBBB-JJJJ``, or in parts in the
building register), and the rules that join systems on the parcel need one
form. A block site (``platGbCd`` 2) has block and lot numbers in ``bun``/``ji``
that look like a parcel but are not one: it never becomes a PNU.
"""

from __future__ import annotations

#: platGbCd (building register) -> the PNU's land-kind digit; '2' (block) has none.
LAND_KIND = {"0": "1", "1": "2"}
BLOCK_SITE = "2"


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def normalise_pnu(value: str) -> str | None:
    """19 digits, or the hyphenated ``LLLLLLLLLL-K-BBBB-JJJJ``, as 19 digits; '' (or blanks) -> None.

    Anything else raises ValueError: the caller decides whether that rejects
    the record or lets the warehouse's PNU expectation quarantine it.
    """
    v = value.strip()
    if not v:
        return None
    if len(v) == 19 and _digits(v):
        return v
    if len(v) == 22 and v[10] == "-" and v[12] == "-" and v[17] == "-":
        d = v[:10] + v[11] + v[13:17] + v[18:]
        if _digits(d):
            return d
    raise ValueError(f"PNU {v!r} is not 19 digits after normalisation")


def pnu_from_parts(sigungu_cd: str | None, bjdong_cd: str | None, plat_gb_cd: str | None, bun: str | None,
                   ji: str | None) -> str | None:
    """The PNU of a building-register site: sigunguCd(5) + bjdongCd(5) + land kind + bun(4) + ji(4).

    A block site (platGbCd 2) returns None: its bun/ji are block and lot
    numbers, never a parcel. A site with no parts at all returns None too.
    ``bun``/``ji`` written without their leading zeros are zero-padded (the
    national service pads them, spreadsheets strip them); anything that is not
    digits, a legal-dong code of the wrong length or an unknown platGbCd
    raises ValueError.
    """
    parts = [(p or "").strip() for p in (sigungu_cd, bjdong_cd, plat_gb_cd, bun, ji)]
    sgg, bjd, gb, b, j = parts
    if gb == BLOCK_SITE:
        return None
    if not any(parts):
        return None
    kind = LAND_KIND.get(gb)
    if kind is None:
        raise ValueError(f"platGbCd {gb!r} is not 0, 1 or 2")
    if len(sgg) != 5 or len(bjd) != 5 or not _digits(sgg + bjd):
        raise ValueError(f"legal-dong code {sgg!r}+{bjd!r} is not 5+5 digits")
    if not (0 < len(b) <= 4 and _digits(b)) or not (len(j) <= 4 and (j == "" or _digits(j))):
        raise ValueError(f"bun/ji {b!r}/{j!r} are not lot numbers of up to 4 digits")
    return sgg + bjd + kind + b.zfill(4) + j.zfill(4)
