import datetime as dt

from cheongbaek import privacy

TODAY = dt.date(2025, 6, 1)


def _with_check(first12: str) -> str:
    from stdnum.kr import rrn

    return first12 + rrn.calc_check_digit(first12)


def test_rrn_classes() -> None:
    good = _with_check("900101123456")
    assert privacy.classify_rrn(good, TODAY) == "valid"
    assert privacy.classify_rrn(good[:6] + "-" + good[6:], TODAY) == "valid"
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert privacy.classify_rrn(wrong, TODAY) == "unverifiable"
    assert privacy.classify_rrn("9001011234", TODAY) == "invalid"
    assert privacy.classify_rrn(_with_check("901301123456"), TODAY) == "invalid"  # month 13
    assert privacy.classify_rrn(_with_check("900101923456"), TODAY) == "invalid"  # S = 9
    assert privacy.classify_rrn(_with_check("300101323456"), TODAY) == "invalid"  # born 2030


def test_brn_needs_nts_check_digit() -> None:
    first9 = "123456789"
    ok = first9 + privacy.brn_check_digit(first9)
    assert privacy.is_valid_brn(ok)
    assert privacy.is_valid_brn(f"{ok[:3]}-{ok[3:5]}-{ok[5:]}")
    bad = first9 + str((int(ok[-1]) + 1) % 10)
    assert not privacy.is_valid_brn(bad)


def test_pseudonym_is_keyed_and_not_rrn_shaped() -> None:
    a = privacy.pseudonym("9001011234568", b"k1")
    assert a == privacy.pseudonym("9001011234568", b"k1")
    assert a != privacy.pseudonym("9001011234568", b"k2")
    assert not privacy.RRN_SHAPED.search(a)
    assert "9001011234568" not in privacy.scrub_text("memo 900101-1234568 end", b"k1")


def test_mask_name() -> None:
    assert privacy.mask_name("홍길동") == "홍*동"
    assert privacy.mask_name("남궁민수") == "남**수"
    assert privacy.mask_name("이순") == "이*"
    assert privacy.mask_name("김") == "*"
