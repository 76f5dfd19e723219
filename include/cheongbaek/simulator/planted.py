"""Planted scenario cases: for each of the 22 rules, true cases and near misses.

Every case gets its own parcels and parties, so cases never interact with
each other or with the background; dates are relative to D (the last
business day delivered) and Y (the year before D's year). Estimates are
computed here exactly as scenarios.md says (rounded down to the won).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cheongbaek.calendar import payday
from cheongbaek.simulator.background import Background, Emp, active_days
from cheongbaek.simulator.world import Party

DAY = dt.timedelta(days=1)


def floor(x: Decimal | int) -> int:
    return int(Decimal(x).to_integral_value(rounding="ROUND_FLOOR"))


def years_before(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year - n)
    except ValueError:  # 29 February
        return d.replace(year=d.year - n, day=28)


class Planter:
    def __init__(self, bg: Background) -> None:
        self.bg = bg
        self.s = bg.s
        self.D = self.s.D
        self.Y = self.s.Y

    def d(self, n: int) -> dt.date:
        """D minus n days."""
        return self.D - n * DAY

    def emp(self, dept: str | None = None, hire: dt.date = dt.date(2008, 3, 2)) -> Emp:
        e = self.bg.new_emp(dept=dept or self.s.rng.choice(self.bg.divisions), hire=hire)
        e.fixed_pay = True
        return e

    # ------------------------------------------------------------ tax
    def tax01(self) -> None:
        s, bg = self.s, self.bg

        def sold(disp: dt.date, amt: int, item: str | None = None, offset: int = 0, status: str = "01") -> str:
            pnu = s.pnu()
            bg.parcel(pnu, public=True)
            buyer = s.person()
            no = f"PP{s.next('prop'):08d}"
            s.db("tb_pub_prop", (no, pnu, "L", Decimal("120.00"), dt.date(2001, 3, 4), disp, "1", buyer.hyphenated,
                                 amt), disp)
            bg.transfer(pnu, "L", disp, disp + 10 * DAY, amt, None, buyer, "매매")
            if item:
                s.assess(item, buyer, pnu, amt, disp + offset * DAY, disp + (offset + 3) * DAY, status)
            return no

        a = sold(self.d(100), 480_000_000)
        s.alert("TAX-01", a, 480_000_000 * 4 // 100)
        b = sold(self.d(200), 355_500_000, "101", 0, "09")
        s.alert("TAX-01", b, 355_500_000 * 4 // 100)
        s.near_miss("TAX-01", sold(self.d(100), 210_000_000, "102", 7), "heavy-rate assessment 7 days after the sale")
        s.near_miss("TAX-01", sold(self.d(59), 99_000_000), "sold 59 days before D: grace period not over")

    def tax02(self) -> None:
        s, bg = self.s, self.bg

        def case(cntr: dt.date, obj: str, bar: dt.date, with102: int | None = None) -> str:
            pnu = s.pnu()
            bg.parcel(pnu)
            buyer = s.person()
            price = s.rng.randint(20, 90) * 10_000_000 + 1_230_000
            tid = bg.transfer(pnu, obj, cntr, cntr + 20 * DAY, price, None, buyer, "매매")
            assert tid
            bg.permit("FOOD", s.person(), pnu, Decimal("95.00"), bar, None, "BAR")
            if with102 is not None:
                s.assess("102", buyer, pnu, price, cntr + with102 * DAY, cntr + (with102 + 5) * DAY)
            self.price = price
            return tid

        t = case(self.d(400), "B", self.d(300))
        s.alert("TAX-02", t, self.price * 8 // 100)
        t = case(self.d(500), "LB", self.d(600))
        s.alert("TAX-02", t, self.price * 8 // 100)
        s.near_miss("TAX-02", case(self.d(400), "B", self.d(300), 7), "102 assessed 7 days after the contract")
        s.near_miss("TAX-02", case(self.d(300), "B", self.d(59)), "bar opened 59 days before D: grace not over")
        s.near_miss("TAX-02", case(self.d(400), "L", self.d(300)), "land only (obj_type L)")

    def tax03(self) -> None:
        s, bg = self.s, self.bg
        Y = self.Y

        def case(area: Decimal, business: bool = True, prev: Decimal | None = None, with301: bool = False) -> str:
            pnu = s.pnu()
            owner = s.person()
            bg.parcel(pnu, owner=owner)
            if prev is not None:
                ua0 = dt.date(Y - 2, 5, 2)
                bg.bld_permit(pnu, owner, ua0 - 300 * DAY, prev, "03000", ua0)
                s.assess("101", owner, pnu, int(prev * 900_000), ua0, ua0 + 5 * DAY)
            ua = dt.date(Y - 1, 6, 1)
            bg.bld_permit(pnu, owner, ua - 300 * DAY, area, "03000", ua)
            s.assess("101", owner, pnu, int(area * 900_000), ua, ua + 5 * DAY)
            holder = s.business() if business else s.person()
            prmt = bg.permit("FOOD", holder, pnu, Decimal("80.00"), dt.date(Y - 1, 3, 1), None, "GEN")
            if with301:
                s.assess("301", holder, pnu, 1_000_000, dt.date(Y, 7, 1), dt.date(Y, 7, 10))
            return f"{prmt}|{Y}"

        s.alert("TAX-03", case(Decimal("500.00")), floor(Decimal("500.00") * 250))
        s.alert("TAX-03", case(Decimal("331.50")), floor(Decimal("331.50") * 250))
        s.near_miss("TAX-03", case(Decimal("330.00")), "floor area exactly 330 m2 (must exceed)")
        s.near_miss("TAX-03", case(Decimal("420.00"), with301=True), "resident tax 301 assessed in Y")
        s.near_miss("TAX-03", case(Decimal("300.00"), prev=Decimal("400.00")), "latest use approval is 300 m2")
        s.near_miss("TAX-03", case(Decimal("600.00"), business=False), "holder is a person, not a business")

    def tax04(self) -> None:
        s, bg = self.s, self.bg

        def case(useapr: dt.date, area: Decimal, off: int | None = None, item: str = "101") -> str:
            pnu = s.pnu()
            owner = s.person()
            bg.parcel(pnu, owner=owner)
            pk = bg.bld_permit(pnu, owner, useapr - 400 * DAY, area, "01000", useapr)
            if off is not None:
                s.assess(item, owner, pnu, int(area * 900_000), useapr + off * DAY, useapr + (abs(off) + 2) * DAY)
            return pk

        for useapr, area, off in ((self.d(90), Decimal("120.50"), None), (self.d(200), Decimal("85.25"), 31)):
            s.alert("TAX-04", case(useapr, area, off), floor(area * 900_000 * Decimal("0.028")))
        s.near_miss("TAX-04", case(self.d(90), Decimal("99.00"), 30), "acquisition tax cause_dt 30 days after")
        s.near_miss("TAX-04", case(self.d(120), Decimal("77.00"), -30, "102"), "102 cause_dt 30 days before")
        s.near_miss("TAX-04", case(self.d(59), Decimal("60.00")), "use approved 59 days before D: grace not over")

    def tax05(self) -> None:
        s, bg = self.s, self.bg

        def case(day: dt.date, area: Decimal, crct: dt.date | None = None, cause: dt.date | None = None,
                 block: bool = False) -> str:
            owner = s.person()
            pnu = None if block else s.pnu()
            if pnu:
                bg.parcel(pnu, owner=owner)
            if cause is not None:
                s.assess("101", owner, pnu, 300_000_000, cause, cause + 5 * DAY)
            return bg.violation(pnu, owner, day, area, crct, block=block)

        s.alert("TAX-05", case(self.d(120), Decimal("45.50")), floor(Decimal("45.50") * 900_000 * Decimal("0.028")))
        s.alert("TAX-05", case(self.d(300), Decimal("12.30"), cause=self.d(300 + 366)),
                floor(Decimal("12.30") * 900_000 * Decimal("0.028")))
        s.near_miss("TAX-05", case(self.d(120), Decimal("30.00"), crct=self.d(10)), "corrected before D")
        s.near_miss("TAX-05", case(self.d(120), Decimal("31.00"), cause=self.d(120 + 365)),
                    "acquisition exactly 365 days before the violation")
        s.near_miss("TAX-05", case(self.d(59), Decimal("32.00")), "violation 59 days before D: grace not over")
        s.near_miss("TAX-05", case(self.d(120), Decimal("33.00"), block=True), "block site: no PNU")
        s.near_miss("TAX-05", case(self.d(120), Decimal("0.00")), "violation area 0")

    def tax06(self) -> None:
        s, bg = self.s, self.bg

        def case(dtct: dt.date, value: int, cause: dt.date | None = None) -> str:
            pnu = s.pnu()
            bg.parcel(pnu)
            party = s.person()
            if cause is not None:
                s.assess("101", party, pnu, value, cause, cause + 3 * DAY)
            return bg.realname(pnu, party, dtct, value)

        s.alert("TAX-06", case(self.d(100), 250_000_000), 10_000_000)
        d2 = self.d(400)
        s.alert("TAX-06", case(d2, 123_456_789, years_before(d2, 5) - DAY), 123_456_789 * 4 // 100)
        d3 = self.d(101)
        s.near_miss("TAX-06", case(d3, 88_000_000, years_before(d3, 5)), "acquisition exactly 5 years before")
        s.near_miss("TAX-06", case(self.d(59), 77_000_000), "detected 59 days before D: grace not over")

    # ------------------------------------------------------------ duties
    def occupancy(self) -> None:
        s, bg = self.s, self.bg
        Y = self.Y
        dates = dt.date

        def case(ptype: str, strt: dt.date, end: dt.date | None, area: Decimal, skip_y: bool = True) -> tuple[str, Party]:
            holder = s.person()
            years = set(range(strt.year, min(end.year if end else s.D.year, s.D.year) + 1))
            if skip_y:
                years.discard(Y)
            no = bg.permit(ptype, holder, s.pnu(), area, strt, end, duty_years=years)
            return no, holder

        def est(area: Decimal, strt: dt.date, end: dt.date | None) -> int:
            return floor(area * active_days(strt, end, Y) * 100)

        # DUTY-01
        for strt, end, area in ((dates(Y - 2, 6, 1), None, Decimal("12.50")),
                                (dates(Y, 7, 1), dates(Y, 9, 30), Decimal("30.00"))):
            no, _ = case("ROAD", strt, end, area)
            s.alert("DUTY-01", f"{no}|{Y}", est(area, strt, end))
        no, h = case("ROAD", dates(Y - 1, 3, 1), None, Decimal("20.00"))
        s.duty("R01", h, None, no, 730_000, dates(Y, 12, 31))
        s.near_miss("DUTY-01", f"{no}|{Y}", "fee imposed on 31 December of Y")
        no, _ = case("ROAD", dates(Y - 2, 1, 1), dates(Y - 1, 12, 31), Decimal("20.00"), skip_y=False)
        s.near_miss("DUTY-01", f"{no}|{Y}", "permit ended on 31 December of Y-1")
        # DUTY-02
        strt = dates(Y - 1, 5, 1)
        no, h = case("RIVR", strt, None, Decimal("44.00"))
        s.duty("V01", h, None, no, 1_606_000, dates(Y, 2, 1), status="취소")
        s.alert("DUTY-02", f"{no}|{Y}", est(Decimal("44.00"), strt, None))
        strt = dates(Y, 12, 31)
        no, _ = case("RIVR", strt, None, Decimal("18.75"))
        s.alert("DUTY-02", f"{no}|{Y}", est(Decimal("18.75"), strt, None))
        no, h = case("RIVR", dates(Y - 1, 5, 1), None, Decimal("10.00"))
        s.duty("V01", h, None, no, 365_000, dates(Y, 1, 1))
        s.near_miss("DUTY-02", f"{no}|{Y}", "fee imposed on 1 January of Y")
        # DUTY-03
        strt = dates(Y - 1, 4, 1)
        no, h = case("RVSF", strt, None, Decimal("7.00"))
        if dates(Y + 1, 1, 2) <= s.D:
            s.duty("V02", h, None, no, 255_500, dates(Y + 1, 1, 2))
        s.alert("DUTY-03", f"{no}|{Y}", est(Decimal("7.00"), strt, None))
        strt = dates(Y, 3, 1)
        no, _ = case("RVSF", strt, strt, Decimal("55.55"))
        s.alert("DUTY-03", f"{no}|{Y}", est(Decimal("55.55"), strt, strt))
        no, _ = case("RVSF", dates(Y + 1, 1, 1), None, Decimal("9.00"), skip_y=False)
        s.near_miss("DUTY-03", f"{no}|{Y}", "permit starts in D's year, not active in Y")

    def duty04(self) -> None:
        s, bg = self.s, self.bg

        def case(insp: dt.date, amt: int, off: int | None = None, sanction: str = "FINE") -> str:
            holder = s.person()
            prmt = bg.permit("FOOD", holder, s.pnu(), Decimal("66.00"), insp - 400 * DAY, None, "GEN")
            no = bg.inspection(prmt, insp, sanction, amt)
            if off is not None:
                s.duty("F01", holder, None, no, amt, insp + off * DAY)
            return no

        s.alert("DUTY-04", case(self.d(100), 300_000), 300_000)
        s.alert("DUTY-04", case(self.d(150), 500_000, 61), 500_000)
        s.near_miss("DUTY-04", case(self.d(100), 200_000, 60), "fine imposed 60 days after the inspection")
        s.near_miss("DUTY-04", case(self.d(59), 100_000), "inspection 59 days before D: grace not over")
        s.near_miss("DUTY-04", case(self.d(100), 0, sanction="WARN"), "a warning, not a fine")

    def duty05(self) -> None:
        s, bg = self.s, self.bg
        Y = self.Y

        def case(strt: dt.date, end: dt.date | None, area: Decimal, jan1: bool = False, all_years: bool = False
                 ) -> str:
            pnu = s.pnu()
            bg.parcel(pnu, public=True)
            prop_no = f"PP{s.next('prop'):08d}"
            s.db("tb_pub_prop", (prop_no, pnu, "L", area * 3, dt.date(1999, 9, 9), None, None, None, None),
                 dt.date(1999, 9, 9))
            user = s.business()
            years = set(range(strt.year, min(end.year if end else s.D.year, s.D.year) + 1))
            if not all_years:
                years.discard(Y)
            use = bg.prop_use(prop_no, user, area, strt, end, fee_years=years)
            if jan1:
                s.duty("P01", user, None, use, 100_000, dt.date(Y, 1, 1))
            return use

        strt = dt.date(Y - 1, 3, 1)
        s.alert("DUTY-05", f"{case(strt, None, Decimal('25.00'))}|{Y}",
                floor(Decimal("25.00") * active_days(strt, None, Y) * 50))
        strt, end = dt.date(Y, 10, 1), dt.date(Y + 1, 3, 31)
        s.alert("DUTY-05", f"{case(strt, end, Decimal('14.40'))}|{Y}",
                floor(Decimal("14.40") * active_days(strt, end, Y) * 50))
        s.near_miss("DUTY-05", f"{case(dt.date(Y - 1, 3, 1), None, Decimal('5.00'), jan1=True)}|{Y}",
                    "use fee imposed on 1 January of Y")
        s.near_miss("DUTY-05", f"{case(dt.date(Y - 2, 3, 1), dt.date(Y - 1, 12, 31), Decimal('5.00'), all_years=True)}|{Y}",
                    "use ended on 31 December of Y-1")

    def duty06(self) -> None:
        s, bg = self.s, self.bg

        def case(cntr: dt.date, gap: int, l01: bool = False) -> str:
            pnu = s.pnu()
            bg.parcel(pnu)
            buyer = s.person()
            self.price = s.rng.randint(10, 60) * 10_000_000 + 5_550_000
            tid = bg.transfer(pnu, "L", cntr, cntr + gap * DAY, self.price, None, buyer, "매매")
            assert tid
            if l01:
                s.duty("L01", buyer, pnu, tid, self.price // 100, cntr + (gap + 10) * DAY)
            return tid

        t = case(self.d(175), 75)
        s.alert("DUTY-06", t, self.price // 100)
        t = case(self.d(361), 61)
        s.alert("DUTY-06", t, self.price // 100)
        s.near_miss("DUTY-06", case(self.d(160), 60), "registered exactly 60 days after the contract")
        s.near_miss("DUTY-06", case(self.d(190), 90, l01=True), "late-registration fine imposed")
        s.near_miss("DUTY-06", case(self.d(119), 90), "registered 29 days before D: grace not over")

    # ------------------------------------------------------------ finance
    def _vendor(self, **kw: object) -> tuple[str, tuple[str, str]]:
        return self.bg.vendor(created=self.d(1500), **kw)  # type: ignore[arg-type]

    def fin01(self) -> None:
        s, bg = self.s, self.bg
        dept = s.rng.choice(bg.divisions)
        b1, b2 = bg.biz[dept]

        def pay(v: tuple[str, tuple[str, str]], day: int, amt: int, invc: str | None, biz: str,
                del_yn: str = "N") -> str:
            return bg.payment(v[0], v[1], dept, biz, None, amt, self.d(day), invc, del_yn)

        v = self._vendor()
        pay(v, 50, 3_300_000, "TX-2301", b1)
        s.alert("FIN-01", pay(v, 20, 3_300_000, "TX-2301", b2), 3_300_000)
        v = self._vendor()
        pay(v, 40, 5_500_000, None, b1)
        s.alert("FIN-01", pay(v, 33, 5_500_000, None, b1), 5_500_000)
        v = self._vendor()
        pay(v, 40, 4_400_000, "TX-4401", b1)
        s.near_miss("FIN-01", pay(v, 30, 4_400_000, "TX-4401", b1, "Y"), "the duplicate was soft-deleted")
        v = self._vendor()
        pay(v, 40, 2_200_000, None, b1)
        s.near_miss("FIN-01", pay(v, 32, 2_200_000, None, b1), "same amount 8 days apart, no invoice")
        v = self._vendor()
        pay(v, 40, 1_100_000, "TX-1101", b1)
        s.near_miss("FIN-01", pay(v, 38, 1_100_000, "TX-1102", b2), "same amount within 7 days, other project")

    def fin02(self) -> None:
        s, bg = self.s, self.bg

        def group(items: list[tuple[int, int, str]]) -> list[str]:
            dept = s.rng.choice(bg.divisions)
            vid, _ = self._vendor()
            return [bg.contract(vid, dept, amt, self.d(day), "30", del_yn) for day, amt, del_yn in items]

        s.alert("FIN-02", group([(100, 12_000_000, "N"), (80, 9_000_000, "N")])[0], 0)
        s.alert("FIN-02", group([(300, 15_000_000, "N"), (290, 4_000_000, "N"), (275, 3_000_000, "N")])[0], 0)
        s.near_miss("FIN-02", group([(200, 11_000_000, "N"), (190, 8_900_000, "N")])[0], "split just under 20,000,000")
        s.near_miss("FIN-02", group([(200, 12_000_000, "N"), (169, 9_000_000, "N")])[0], "second contract 31 days later")
        s.near_miss("FIN-02", group([(150, 12_000_000, "N"), (140, 9_000_000, "Y")])[0], "second contract cancelled")

    def fin03(self) -> None:
        s, bg = self.s, self.bg
        dept = s.rng.choice(bg.divisions)
        biz = bg.biz[dept][0]

        def closed(stat: str, clsd: int) -> tuple[str, tuple[str, str]]:
            return self._vendor(stat=stat, clsd=self.d(clsd), upd=self.d(clsd))

        v = closed("03", 60)
        s.alert("FIN-03", bg.payment(v[0], v[1], dept, biz, None, 7_700_000, self.d(30)), 7_700_000)
        v = closed("02", 45)
        s.alert("FIN-03", bg.payment(v[0], v[1], dept, biz, None, 6_600_000, self.d(45)), 6_600_000)
        v = closed("03", 60)
        s.near_miss("FIN-03", bg.payment(v[0], v[1], dept, biz, None, 8_800_000, self.d(61)), "paid the day before")
        s.near_miss("FIN-03", bg.payment(v[0], v[1], dept, biz, None, 9_900_000, self.d(30), del_yn="Y"),
                    "payment after closure was cancelled")

    def fin04(self) -> None:
        s, bg = self.s, self.bg

        def case(amt: int, pays: list[tuple[int, str]], upd: int | None = None) -> str:
            dept = s.rng.choice(bg.divisions)
            biz = bg.biz[dept][0]
            vid, acct = self._vendor()
            no = bg.contract(vid, dept, amt, self.d(200), "10", upd=self.d(upd) if upd else None, biz=biz)
            for i, (p, del_yn) in enumerate(pays):
                bg.payment(vid, acct, dept, biz, no, p, self.d(150 - 40 * i), del_yn=del_yn)
            return no

        s.alert("FIN-04", case(50_000_000, [(30_000_000, "N"), (25_000_000, "N")]), 5_000_000)
        s.alert("FIN-04", case(40_000_000, [(20_000_000, "N"), (25_000_000, "N")], upd=20), 5_000_000)
        s.near_miss("FIN-04", case(30_000_000, [(10_000_000, "N"), (20_000_000, "N")]), "paid exactly the amount")
        s.near_miss("FIN-04", case(30_000_000, [(20_000_000, "N"), (15_000_000, "Y")]), "excess payment cancelled")

    def fin05(self) -> None:
        s, bg = self.s, self.bg

        def case(e: Emp, dept: str, day: int, amt: int) -> str:
            vid, _ = self._vendor(rep=e.person)
            return bg.contract(vid, dept, amt, self.d(day), "10")

        e = self.emp()
        s.alert("FIN-05", case(e, e.dept, 100, 33_000_000), 33_000_000)
        e = self.emp()
        e.leave_from = self.d(500)
        s.alert("FIN-05", case(e, e.dept, 50, 45_000_000), 45_000_000)
        e = self.emp()
        other = next(d for d in bg.divisions if d != e.dept)
        s.near_miss("FIN-05", case(e, other, 100, 21_000_000), "representative works in another department")
        e = self.emp()
        e.retire_dt = self.d(300)
        s.near_miss("FIN-05", case(e, e.dept, 100, 22_000_000), "representative retired before the contract")

    # ------------------------------------------------------------ hr
    def hr(self) -> None:
        s, bg = self.s, self.bg
        y, m = self.D.year, self.D.month
        months = []
        for back in (3, 2):
            mm, yy = m - back, y
            while mm <= 0:
                mm, yy = mm + 12, yy - 1
            months.append((f"{yy}{mm:02d}", payday(yy, mm)))
        (ym1, p1), (ym2, p2) = months
        e = self.emp()
        e.retire_dt = p1 - 5 * DAY
        e.paid_after_retire = {ym1, ym2}
        for ym in (ym1, ym2):
            s.alert("HR-01", f"{e.emp_no}|{ym}", bg.gross_of(e))
        e = self.emp()
        e.retire_dt = p2 - DAY
        e.paid_after_retire = {ym2}
        s.alert("HR-01", f"{e.emp_no}|{ym2}", bg.gross_of(e))
        e = self.emp()
        e.retire_dt = p2
        s.near_miss("HR-01", f"{e.emp_no}|{ym2}", "paid on the retirement day itself")
        # HR-02
        a, b = self.emp(), self.emp()
        for ym in (ym1, ym2):
            b.pay_override[ym] = (a.bank, a.acct)
            s.alert("HR-02", f"{a.bank}|{a.acct}|{ym}", 0)
        c = self.emp()
        bank, acct = s.account()
        self._vendor(account=(bank, acct))
        c.pay_override[ym2] = (bank, acct)
        s.alert("HR-02", f"{bank}|{acct}|{ym2}", 0)
        d, e2 = self.emp(), self.emp()
        other = next(x for x in ("004", "011", "020") if x != d.bank)
        e2.pay_override[ym1] = (other, d.acct)
        s.near_miss("HR-02", f"{other}|{d.acct}|{ym1}", "same account number at another bank")

    # ------------------------------------------------------------ civil
    def civ(self) -> None:
        s, bg = self.s, self.bg
        open_procs = [p for p in bg.procs if p["open_yn"] == "Y" and int(p["legal_days"]) <= 14]
        closed = [p for p in bg.procs if p["open_yn"] == "N"]
        proc = open_procs[0]
        legal = int(proc["legal_days"])
        officials = []
        for e in bg.iter_emps():  # the first two background officials in service all along
            if not e.retire_dt and not e.transfer and not e.leave_from and e.hire_dt < s.H0 and not e.fixed_pay:
                officials.append(e)
                if len(officials) == 2:
                    break
        off = officials[0]

        def ptn(**kw: object) -> tuple[str, dt.date | None]:
            kw.setdefault("applicant", s.person())
            kw.setdefault("emp", off)
            kw.setdefault("proc", proc)
            return bg.petition(rcpt=s.ts(self.d(int(kw.pop("ago")))), **kw)  # type: ignore[arg-type]

        # CIV-01
        s.alert("CIV-01", ptn(ago=60, complete_after=legal + 1)[0], 0)
        s.alert("CIV-01", ptn(ago=60, complete_after=None)[0], 0)
        s.near_miss("CIV-01", ptn(ago=90, complete_after=legal + 2, extn=1)[0], "an EXTN step makes it on time")
        s.near_miss("CIV-01", ptn(ago=90, complete_after=legal)[0], "completed on its due date")
        s.near_miss("CIV-01", ptn(ago=90, withdraw=True)[0], "withdrawn")
        s.near_miss("CIV-01", ptn(ago=90, complete_after=legal + 5, proc=closed[0])[0], "undisclosed procedure")
        # CIV-02
        e = officials[1]

        def approvals(agos: list[int], results: str | None = None) -> list[tuple[dt.date, str]]:
            a = s.person()
            out = []
            for i, ago in enumerate(agos):
                r = results[i] if results else "A"
                no, cdate = ptn(ago=ago, applicant=a, emp=e, complete_after=1, result=r)
                if r == "A" and cdate:
                    out.append((cdate, no))
            return out

        def first_window(apps: list[tuple[dt.date, str]]) -> str | None:
            apps.sort()
            for t, no in apps:
                if sum(1 for u, _ in apps if t <= u <= t + 365 * DAY) >= 3:
                    return no
            return None

        for agos in ([300, 200, 10], [800, 420, 380, 300]):
            first = first_window(approvals(agos))
            assert first
            s.alert("CIV-02", f"{e.emp_no}|{first}", 0)
        apps = approvals([700, 500, 300])
        assert first_window(list(apps)) is None
        s.near_miss("CIV-02", f"{e.emp_no}|{apps[0][1]}", "three approvals spread over more than 365 days")
        apps = approvals([200, 150, 100], "AAR")
        s.near_miss("CIV-02", f"{e.emp_no}|{apps[0][1]}", "third petition rejected")
        # CIV-03
        x = self.emp()
        s.alert("CIV-03", ptn(ago=50, applicant=x.person, dept=x.dept, complete_after=1)[0], 0)
        x = self.emp()
        x.leave_from = self.d(400)
        s.alert("CIV-03", ptn(ago=50, applicant=x.person, dept=x.dept, complete_after=1)[0], 0)
        x = self.emp()
        other = next(d for d in bg.divisions if d != x.dept)
        s.near_miss("CIV-03", ptn(ago=50, applicant=x.person, dept=other, complete_after=1)[0],
                    "applicant works in another department")
        x = self.emp()
        x.retire_dt = self.d(400)
        s.near_miss("CIV-03", ptn(ago=50, applicant=x.person, dept=x.dept, complete_after=1)[0],
                    "applicant retired before the receipt")

    def plant(self) -> None:
        for step in (self.tax01, self.tax02, self.tax03, self.tax04, self.tax05, self.tax06, self.occupancy,
                     self.duty04, self.duty05, self.duty06, self.fin01, self.fin02, self.fin03, self.fin04,
                     self.fin05, self.hr):
            step()

    def plant_civil(self) -> None:
        """Civil cases need the background officials, so they run after the organisation exists."""
        self.civ()
