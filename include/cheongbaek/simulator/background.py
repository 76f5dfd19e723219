"""The compliant background world.

Every background entity lives on its own fresh parcel and its own parties,
and every obligation it creates is met on time (the assessment after an
acquisition, the yearly fee of an occupancy, the fine after a FINE
inspection, the payroll of the month), so no scenario rule can fire on it:
the only alerts are the planted ones. Uniqueness does the rest: every
background payment amount is distinct (no accidental duplicate), every bank
account belongs to one holder, every applicant files at most two petitions,
and the people of each role (employees, vendor representatives, applicants,
taxpayers) are drawn separately.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cheongbaek.calendar import add_bdays, payday
from cheongbaek.simulator import formats as F
from cheongbaek.simulator.world import BANKS, EMP_ACCT_BASE, Party, Sim, Stream

TITLES = {1: "실장", 2: "국장", 3: "국장", 4: "과장", 5: "팀장", 6: "주무관", 7: "주무관", 8: "주무관", 9: "주무관"}
BUREAUS = ["기획조정실", "행정국", "재무국", "도시계획국", "주택건축국", "환경국", "복지국", "경제정책국", "교통국", "안전총괄실"]
DIVISIONS = ["총무과", "예산과", "세무과", "회계과", "건축과", "도로과", "하천관리과", "위생과", "주택과", "토지관리과",
             "감사담당관", "민원여권과"]  # 감사담당관: the audit office (its head gets the alerts)
STEP_NM = ("RCPT", "REVW", "CNSL", "FLDI", "DLBR", "EXTN", "DCSN", "NOTI")
GRADES = (3, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 9)
EMP_KEY = 0x454D50  # keys the background employees' streams


@dataclass
class Emp:
    emp_no: str
    person: Party
    dept: str
    grade: int
    hire_dt: dt.date
    bank: str
    acct: str
    retire_dt: dt.date | None = None
    leave_from: dt.date | None = None
    transfer: tuple[dt.date, str] | None = None
    pay_override: dict[str, tuple[str, str]] = field(default_factory=dict)
    paid_after_retire: set[str] = field(default_factory=set)
    no_pay: bool = False
    fixed_pay: bool = False

    def dept_on(self, d: dt.date) -> str:
        if self.transfer and self.transfer[0] <= d:
            return self.transfer[1]
        return self.dept

    def visible(self, d: dt.date) -> bool:
        if self.hire_dt > d:
            return False
        return not (self.retire_dt and self.retire_dt < d - dt.timedelta(days=5 * 365))

    def row(self, d: dt.date) -> list[str]:
        retired = self.retire_dt if self.retire_dt and self.retire_dt <= d else None
        status = "퇴직" if retired else ("휴직" if self.leave_from and self.leave_from <= d else "재직")
        return [self.emp_no, self.person.nm, self.person.hyphenated, self.dept_on(d), str(self.grade),
                TITLES[self.grade], F.dotted(self.hire_dt), F.dotted(retired), status, self.bank, self.acct,
                self.person.addr]


class Background:
    """Generates the compliant world at ``factor`` times the tiny size."""

    def __init__(self, sim: Sim, procs: list[dict[str, str]]) -> None:
        self.s = sim
        self.f = sim.factor
        self.procs = procs  # proc_cd, sector_cd, proc_nm, legal_days, open_yn
        self.depts: list[tuple[str, str, str]] = []
        self.divisions: list[str] = []
        #: background employees are not kept: employee i is regenerated from its index (:meth:`bg_emp`)
        self.n_bg_emps = 0
        #: the planted employees (few, with their overrides), after the background ones in HR's files
        self.emps: list[Emp] = []
        self.biz: dict[str, list[str]] = {}
        #: a background occupancy permit known before the first delivery: (prmt_no, duty_cd, holder)
        self.occupancy: tuple[str, str, Party] | None = None

    # ------------------------------------------------------------ organisation
    def organisation(self) -> None:
        s = self.s
        self.depts.append(("3000000", "청백시청", ""))
        n_bureaus = min(99, 3 + self.f // 5)
        for b in range(1, n_bureaus + 1):
            bcd = f"30{b:02d}000"
            self.depts.append((bcd, BUREAUS[(b - 1) % len(BUREAUS)] + ("" if b <= 10 else str(b)), "3000000"))
            for k in range(1, 5):
                dcd = f"30{b:02d}{k:03d}"
                self.depts.append((dcd, DIVISIONS[(b * 4 + k) % len(DIVISIONS)], bcd))
                self.divisions.append(dcd)
        self.n_bg_emps = 40 * self.f
        assert s.seq["emp"] == 0
        s.seq["emp"] = self.n_bg_emps
        # budgets: one or two projects a division and year
        for dcd in self.divisions:
            self.biz[dcd] = [f"BZ{dcd}{k:02d}" for k in (1, 2)]
        for yr in range(s.H0.year, s.D.year + 1):
            for dcd in self.divisions:
                for bz in self.biz[dcd]:
                    created = dt.date(yr, 1, 2) if yr > s.H0.year else s.H0
                    if created > s.D:
                        continue
                    amt = s.rng.randint(50, 900) * 10_000_000
                    supl, upd = 0, created
                    if s.rng.random() < 0.2:
                        upd = s.day_in(created, s.D)
                        supl = s.rng.randint(1, 20) * 10_000_000
                    s.db("tb_budget", (yr, bz, dcd, f"{yr}년 {bz[-2:]}번 사업", amt, supl), upd)

    def bg_emp(self, i: int) -> Emp:
        """Background employee ``i`` (0 <= i < n_bg_emps), the same every time it is asked for.

        Everything about it comes from its own keyed stream and index: its
        RRN is the odd-numbered input ``2i + 1`` of the RRN bijection (people
        drawn as they come take the even ones), its account number is
        ``EMP_ACCT_BASE + i``. So no employee is kept in memory.
        """
        s = self.s
        r = Stream(s.seed, EMP_KEY, i)
        emp_no = f"{100001 + i:09d}"
        grade = r.choice(GRADES)
        bank, acct = r.choice(BANKS), f"{r.randint(100, 999)}{EMP_ACCT_BASE + i:09d}"
        person = Party("1", s.rrn_at(2 * i + 1), s.name(r), s.addr(r))
        e = Emp(emp_no, person, r.choice(self.divisions), grade,
                _day_in(r, dt.date(1995, 1, 1), s.D - dt.timedelta(days=400)), bank, acct)
        x = r.random()
        if x < 0.08:
            e.retire_dt = _day_in(r, s.H0 + dt.timedelta(days=30), s.D)
        elif x < 0.12:
            e.leave_from = _day_in(r, s.H0, s.D)
        elif x < 0.22:
            e.transfer = (_day_in(r, s.H0, s.D), r.choice(self.divisions))
        elif x < 0.25:
            e.hire_dt = _day_in(r, s.b0, s.D)  # hired during the window
        return e

    def iter_emps(self) -> Iterator[Emp]:
        """Every employee in HR's order: the background ones regenerated, then the planted ones."""
        for i in range(self.n_bg_emps):
            yield self.bg_emp(i)
        yield from self.emps

    def random_emp_no(self) -> str:
        return f"{100001 + self.s.rng.randrange(self.n_bg_emps):09d}"

    def random_active_emp(self) -> Emp:
        """A background employee in service since before the history starts (drawn until one is)."""
        while True:
            e = self.bg_emp(self.s.rng.randrange(self.n_bg_emps))
            if not e.retire_dt and e.hire_dt < self.s.H0:
                return e

    def new_emp(self, dept: str | None = None, hire: dt.date | None = None) -> Emp:
        """A planted employee (kept: the planted cases adjust it afterwards)."""
        s = self.s
        emp_no = f"{100000 + s.next('emp'):09d}"
        bank, acct = s.account()
        e = Emp(emp_no, s.person(), dept or s.rng.choice(self.divisions), 6,
                hire or s.day_in(dt.date(1995, 1, 1), s.D - dt.timedelta(days=400)), bank, acct)
        self.emps.append(e)
        return e

    def hr_files(self) -> None:
        """HR_DEPT and HR_EMP every delivered day; payroll in the payday folder (all earlier months in the first)."""
        s = self.s
        days = s.delivered_days("hr")
        for day in days:
            wd = s.w("hr", day, "HR_DEPT")
            for d in self.depts:
                wd.add(list(d))
        s.valid_keys["hr_dept"] += len(self.depts)
        s.staging_rows["hr_dept"] += len(self.depts) * len(days)
        s.written["hr_dept"] += len(self.depts) * len(days)
        writers = [(day, s.w("hr", day, "HR_EMP")) for day in days]
        keys = n = 0
        for e in self.iter_emps():  # one pass: each employee is made once and written to every day's snapshot
            seen = False
            for day, we in writers:
                if e.visible(day):
                    we.add(e.row(day))
                    n += 1
                    seen = True
            keys += seen
        s.valid_keys["hr_emp"] += keys
        s.staging_rows["hr_emp"] += n
        s.written["hr_emp"] += n

    def payroll(self) -> None:
        s = self.s
        months: list[tuple[str, dt.date, str, Any]] = []
        y, m = s.H0.year, s.H0.month
        while (y, m) <= (s.D.year, s.D.month):
            p = payday(y, m)
            if p <= s.D:
                ym = f"{y}{m:02d}"
                day = s.route("hr", p)
                assert day is not None
                months.append((ym, p, F.dotted(p), s.w("hr", day, f"HR_PAY_{ym}")))
            m += 1
            if m == 13:
                y, m = y + 1, 1
        n = 0
        rnd = s.rng.random
        for e in self.iter_emps():  # one pass: each employee is made once and paid for every month
            for ym, p, pay_dt, w in months:
                if e.no_pay or e.hire_dt > p:
                    continue
                if e.retire_dt and p > e.retire_dt and ym not in e.paid_after_retire:
                    continue
                gross = self.gross_of(e) + (0 if e.fixed_pay else int(rnd() * 301) * 1000)
                bank, acct = e.pay_override.get(ym, (e.bank, e.acct))
                w.add([ym, e.emp_no, str(gross), str(gross * 82 // 100 // 10 * 10), pay_dt, bank, acct])
                n += 1
        s.valid_keys["hr_pay"] += n
        s.staging_rows["hr_pay"] += n
        s.written["hr_pay"] += n

    def gross_of(self, e: Emp) -> int:
        """Not random for the planted rows, whose estimate the truth must know."""
        return 2_000_000 + (10 - e.grade) * 600_000

    # ------------------------------------------------------------ finance
    def vendor(self, party: Party | None = None, rep: Party | None = None, stat: str = "01",
               clsd: dt.date | None = None, created: dt.date | None = None, upd: dt.date | None = None,
               hyphen: bool | None = None, account: tuple[str, str] | None = None) -> tuple[str, tuple[str, str]]:
        s = self.s
        vid = f"V{s.next('vndr'):07d}"
        biz = party or s.business()
        rep = rep or s.person()
        bank, acct = account or s.account()
        created = created or s.day_in(s.H0 - dt.timedelta(days=2000), s.H0)
        brn = biz.hyphenated if (hyphen if hyphen is not None else s.rng.random() < 0.3) else biz.id
        rrn = rep.hyphenated if s.rng.random() < 0.5 else rep.id
        s.db("tb_vendor", (vid, brn, biz.nm, rep.nm, rrn, biz.addr, bank, acct, stat, clsd), upd or created)
        return vid, (bank, acct)

    def contract(self, vid: str, dept: str, amt: int, cdt: dt.date, mthd: str, del_yn: str = "N",
                 upd: dt.date | None = None, biz: str | None = None, name: str | None = None) -> str:
        s = self.s
        no = f"C{cdt.year}{s.next('cntr'):08d}"
        biz = biz or s.rng.choice(self.biz[dept]) if dept in self.biz else biz or f"BZ{dept}01"
        aprv = self.random_emp_no()
        s.db("tb_contract", (no, cdt.year, dept, biz, name or f"{biz} 용역 {no[-4:]}", mthd, vid, amt, cdt,
                             cdt + dt.timedelta(days=7), cdt + dt.timedelta(days=s.rng.randint(60, 400)), aprv,
                             del_yn), upd or cdt)
        return no

    def payment(self, vid: str, acct: tuple[str, str], dept: str, biz: str, cntr: str | None, amt: int,
                pdt: dt.date, invc: str | None = "auto", del_yn: str = "N", upd: dt.date | None = None) -> str:
        s = self.s
        n = s.next("pay")
        no = f"PY{pdt.year}{n:08d}"
        if invc == "auto":
            invc = f"INV{n:09d}"
        aprv = self.random_emp_no()
        s.db("tb_payment", (no, pdt.year, dept, biz, cntr, vid, invc, amt, pdt, acct[0], acct[1], aprv, del_yn),
             upd or pdt)
        return no

    def unique_amount(self) -> int:
        """Distinct for every background payment: 10-99 million won plus the payment sequence."""
        return self.s.rng.randint(1, 9) * 10_000_000 + self.s.seq["pay"] + 1

    def finance(self) -> None:
        s = self.s
        r = s.rng
        # Vendors are numbered, and their accounts too, consecutively: keep only each one's bank and the
        # first three digits of its account (3 bytes), not the vendors.
        v0, a0 = s.seq["vndr"], s.seq["acct"]
        n_vendors = 8 * self.f
        banks, prefixes = bytearray(), array("H")
        for _ in range(n_vendors):
            _vid, (v_bank, v_acct) = self.vendor()
            banks.append(BANKS.index(v_bank))
            prefixes.append(int(v_acct[:3]))
        assert s.seq["vndr"] == v0 + n_vendors and s.seq["acct"] == a0 + n_vendors

        def some_vendor() -> tuple[str, tuple[str, str]]:
            k = r.randrange(n_vendors)
            return f"V{v0 + 1 + k:07d}", (BANKS[banks[k]], f"{prefixes[k]}{a0 + 1 + k:09d}")

        for _ in range(max(1, self.f // 2)):  # closed vendors that are no longer paid
            cl = s.day_in(s.H0, s.D)
            self.vendor(stat=r.choice(["02", "03"]), clsd=cl, upd=cl)
        for _ in range(25 * self.f):
            vid, acct = some_vendor()
            dept = r.choice(self.divisions)
            cdt = s.day_in(s.H0, s.D - dt.timedelta(days=5))
            biz = r.choice(self.biz[dept])
            amounts = [self.unique_amount_next(k) for k in range(r.randint(2, 4))]
            total = sum(amounts) + r.randint(0, 5000) * 1000
            upd = cdt
            if r.random() < 0.05:  # an upward correction of the amount later on
                upd = s.day_in(cdt, s.D)
                total += r.randint(1, 50) * 1_000_000
            mthd = r.choice(["10", "10", "20", "30"])
            no = self.contract(vid, dept, total, cdt, mthd, upd=upd, biz=biz)
            for k, amt in enumerate(amounts):
                pdt = cdt + dt.timedelta(days=10 + 30 * k + r.randint(0, 10))
                if pdt > s.D:
                    break
                cancelled = r.random() < 0.03
                self.payment(vid, acct, dept, biz, no, amt, pdt, del_yn="Y" if cancelled else "N",
                             upd=s.day_in(pdt, s.D) if cancelled else pdt)
        for _ in range(10 * self.f):  # payments outside a contract
            vid, acct = some_vendor()
            dept = r.choice(self.divisions)
            self.payment(vid, acct, dept, r.choice(self.biz[dept]), None, self.unique_amount_next(0),
                         s.day_in(s.H0, s.D), invc=None if r.random() < 0.3 else "auto")

    def unique_amount_next(self, k: int) -> int:
        # The pay sequence advances as payments are written; reserve a distinct tail per amount.
        self.s.seq["amt"] += 1
        return self.s.rng.randint(1, 9) * 10_000_000 + self.s.seq["amt"] * 10 + 7

    # ------------------------------------------------------------ public property
    def public_property(self) -> None:
        s = self.s
        r = s.rng
        for _ in range(4 * self.f):
            pnu = s.pnu()
            ptype = r.choice("LB")
            area = Decimal(r.randint(3000, 90000)) / 100
            acq = s.day_in(dt.date(1990, 1, 1), s.H0)
            prop_no = f"PP{s.next('prop'):08d}"
            self.parcel(pnu, public=True)
            if r.random() < 0.2:
                disp = s.day_in(s.H0, s.D - dt.timedelta(days=1))
                buyer = s.person() if r.random() < 0.6 else s.business()
                amt = int(area * r.randint(2, 9) * 1_000_000)
                pid = buyer.hyphenated if (buyer.ptype == "1" and r.random() < 0.5) else buyer.id
                s.db("tb_pub_prop", (prop_no, pnu, ptype, area, acq, disp, buyer.ptype, pid, amt), disp)
                s.assess("101", buyer, pnu, amt, disp, disp + dt.timedelta(days=r.randint(3, 20)))
                self.transfer(pnu, "L" if ptype == "L" else "B", disp, disp + dt.timedelta(days=r.randint(5, 40)),
                              amt, None, buyer, "매매")
                continue
            s.db("tb_pub_prop", (prop_no, pnu, ptype, area, acq, None, None, None, None), acq)
            if r.random() < 0.6:
                strt = s.day_in(s.H0 - dt.timedelta(days=700), s.D - dt.timedelta(days=10))
                end = strt + dt.timedelta(days=r.randint(300, 1500)) if r.random() < 0.7 else None
                user = s.person() if r.random() < 0.5 else s.business()
                uarea = (area / 2).quantize(Decimal("0.01"))
                self.prop_use(prop_no, user, uarea, strt, end)

    def prop_use(self, prop_no: str, user: Party, area: Decimal, strt: dt.date, end: dt.date | None,
                 fee_years: set[int] | None = None, use_no: str | None = None) -> str:
        """A use of public property, with its yearly P01 fee (``fee_years`` overrides the years charged)."""
        s = self.s
        use_no = use_no or f"U{strt.year}{s.next('use'):06d}"
        uid = user.hyphenated if (user.ptype == "1" and s.rng.random() < 0.5) else user.id
        s.db("tb_pub_prop_use", (use_no, prop_no, user.ptype, uid, user.nm, area, strt, end), strt)
        years = fee_years if fee_years is not None else set(
            range(strt.year, min(end.year if end else s.D.year, s.D.year) + 1))
        for y in sorted(years):
            imps = max(strt, dt.date(y, 1, 15))
            if imps <= s.D:
                days = active_days(strt, end, y)
                s.duty("P01", user, None, use_no, int(area * days * 50), imps)
        return use_no

    # ------------------------------------------------------------ realestate
    def parcel(self, pnu: str, public: bool = False, owner: Party | None = None,
               chg: dt.date | None = None) -> None:
        """The land-register record of ``pnu`` (19 digits), changed last on ``chg`` (default: before b0)."""
        s = self.s
        r = s.rng
        s.register(pnu)
        owner = owner or (s.person() if r.random() < 0.6 else s.business())
        chg = chg or s.day_in(s.H0 - dt.timedelta(days=3000), s.b0 - dt.timedelta(days=1))
        text = F.hyphen_pnu(pnu) if chg.year < s.D.year - 1 and r.random() < 0.4 else pnu
        s.emit("realestate", "RE_PARCEL", [(chg, [
            text, r.choice("대전답임도천"), f"{r.randint(3000, 300000) / 100:.2f}", str(r.randint(50, 3000) * 10000),
            owner.ptype, "" if public else owner.hyphenated, "청백시" if public else owner.nm,
            "Y" if public else "N", F.iso(chg)])])

    def land_register(self) -> int:
        """The rest of the land register: every PNU issued that has no parcel record yet gets one.

        Runs last of the generation (after every other use of the generator,
        so all earlier output is the same with or without it); every record
        is changed before b0, so it goes to the first delivery's backlog.
        Streams in issue order. Returns the number of records added.
        """
        s = self.s
        added = 0
        for pnu in s.unregistered_pnus():
            self.parcel(pnu)
            added += 1
        return added

    def transfer(self, pnu: str, obj: str, cntr: dt.date, rgst: dt.date, price: int, seller: Party | None,
                 buyer: Party, cause: str) -> str | None:
        s = self.s
        tid = f"T{cntr.year}{s.next('trnsf'):08d}"
        if rgst > s.D:
            return None
        seller = seller or s.person()
        text = F.hyphen_pnu(pnu) if cntr.year < s.D.year - 1 and s.rng.random() < 0.4 else pnu
        s.emit("realestate", "RE_TRANSFER", [(rgst, [
            tid, text, obj, F.iso(cntr), F.iso(rgst), str(price), seller.ptype, seller.hyphenated, buyer.ptype,
            buyer.hyphenated, buyer.nm, cause])])
        return tid

    def realestate(self) -> None:
        s = self.s
        r = s.rng
        for _ in range(20 * self.f):
            pnu = s.pnu()
            self.parcel(pnu)
            cntr = s.day_in(s.H0, s.D - dt.timedelta(days=5))
            late = r.random() < 0.05
            rgst = cntr + dt.timedelta(days=r.randint(61, 120) if late else r.randint(5, 55))
            buyer = s.person() if r.random() < 0.7 else s.business()
            price = r.randint(10, 300) * 10_000_000
            tid = self.transfer(pnu, r.choice(["L", "L", "B", "LB"]), cntr, rgst, price, None, buyer,
                                r.choice(["매매", "매매", "매매", "상속", "증여"]))
            if tid and late:
                s.duty("L01", buyer, pnu, tid, price // 100, rgst + dt.timedelta(days=r.randint(3, 25)))
        for _ in range(max(2, 2 * self.f)):
            pnu = s.pnu()
            self.parcel(pnu)
            party = s.person()
            dtct = s.day_in(s.H0, s.D)
            value = r.randint(10, 200) * 10_000_000
            s.assess("101", party, pnu, value, dtct - dt.timedelta(days=200), dtct - dt.timedelta(days=190))
            self.realname(pnu, party, dtct, value)

    def realname(self, pnu: str, party: Party, dtct: dt.date, value: int) -> str:
        s = self.s
        vid = f"RV{dtct.year}{s.next('rv'):07d}"
        s.emit("realestate", "RE_REALNAME_VIOL", [(dtct, [vid, pnu, party.ptype, party.hyphenated, party.nm,
                                                         F.iso(dtct), str(value)])])
        return vid

    # ------------------------------------------------------------ construction
    def bld_permit(self, pnu: str | None, owner: Party, arch: dt.date, area: Decimal, purps: str = "03000",
                   useapr: dt.date | None = None, useapr_area: Decimal | None = None,
                   block: bool = False) -> str:
        s = self.s
        pk = f"{(pnu or '11110')[:5]}-{s.next('bld'):012d}"
        if block:
            d = s.rng.choice(s.dongs)["legal_dong_cd"]
            sgg, bjd, gb, bun, ji = d[:5], d[5:], "2", f"{s.rng.randint(1, 99):04d}", f"{s.rng.randint(1, 99):04d}"
        else:
            assert pnu is not None
            sgg, bjd, gb, bun, ji = pnu[:5], pnu[5:10], "0" if pnu[10] == "1" else "1", pnu[11:15], pnu[15:]
        names = {"01000": "단독주택", "02000": "공동주택", "03000": "제1종근린생활시설", "04000": "제2종근린생활시설",
                 "07000": "판매시설", "09000": "의료시설", "14000": "업무시설", "15000": "숙박시설", "16000": "위락시설"}

        def obj(stat: str, upd: dt.date) -> dict[str, str]:
            return {"mgmPmsrgstPk": pk, "sigunguCd": sgg, "bjdongCd": bjd, "platGbCd": gb, "bun": bun, "ji": ji,
                    "platPlc": owner.addr, "mainPurpsCd": purps, "mainPurpsCdNm": names[purps],
                    "totArea": f"{area:.2f}", "archPmsDay": F.ymd(arch), "ownrGbCd": owner.ptype,
                    "ownrId": owner.id, "ownrNm": owner.nm, "stat": stat,
                    "lastUpdDt": s.ts(upd).strftime("%Y%m%d%H%M%S")}

        versions = [(arch, obj("허가", arch))]
        start_dt = arch + dt.timedelta(days=30)
        if start_dt <= s.D and (useapr is None or start_dt < useapr):
            versions.append((start_dt, obj("착공", start_dt)))
        if useapr is not None and useapr <= s.D:
            versions.append((useapr, obj("사용승인", useapr)))
            ua = useapr_area if useapr_area is not None else area
            s.emit("construction", "bld_useapr", [(useapr, {
                "mgmPmsrgstPk": pk, "useAprDay": F.ymd(useapr), "totArea": f"{ua:.2f}", "mainPurpsCd": purps,
                "ownrGbCd": owner.ptype, "ownrId": owner.id, "ownrNm": owner.nm,
                "lastUpdDt": s.ts(useapr).strftime("%Y%m%d%H%M%S")})])
        s.emit("construction", "bld_permit", versions)
        return pk

    def violation(self, pnu: str | None, owner: Party, day: dt.date, area: Decimal, crct: dt.date | None,
                  block: bool = False, text: str | None = None) -> str:
        s = self.s
        pk = f"VL{day.year}{s.next('viol'):08d}"
        if block or pnu is None:
            d = s.rng.choice(s.dongs)["legal_dong_cd"]
            sgg, bjd, gb, bun, ji = d[:5], d[5:], "2", f"{s.rng.randint(1, 99):04d}", f"{s.rng.randint(1, 99):04d}"
        else:
            sgg, bjd, gb, bun, ji = pnu[:5], pnu[5:10], "0" if pnu[10] == "1" else "1", pnu[11:15], pnu[15:]

        def obj(c: dt.date | None, upd: dt.date) -> dict[str, str]:
            return {"violPk": pk, "sigunguCd": sgg, "bjdongCd": bjd, "platGbCd": gb, "bun": bun, "ji": ji,
                    "violDay": F.ymd(day), "violArea": f"{area:.2f}",
                    "violCn": text or "옥상 무단 증축 (가설건축물)", "ownrGbCd": owner.ptype, "ownrId": owner.id,
                    "ownrNm": owner.nm, "crctDay": F.ymd(c), "lastUpdDt": s.ts(upd).strftime("%Y%m%d%H%M%S")}

        versions = [(day, obj(None, day))]
        if crct is not None and crct <= s.D:
            versions.append((crct, obj(crct, crct)))
        s.emit("construction", "bld_violation", versions)
        return pk

    def construction(self) -> None:
        s = self.s
        r = s.rng
        for _ in range(15 * self.f):
            owner = s.person() if r.random() < 0.6 else s.business()
            arch = s.day_in(s.H0 - dt.timedelta(days=600), s.D - dt.timedelta(days=10))
            area = Decimal(r.randint(5000, 200000)) / 100
            block = r.random() < 0.05
            pnu = None if block else s.pnu(r.choice("1111112"))
            if pnu:
                self.parcel(pnu, owner=owner)
            useapr = arch + dt.timedelta(days=r.randint(200, 600)) if r.random() < 0.6 else None
            if useapr and useapr > s.D:
                useapr = None
            self.bld_permit(pnu, owner, arch, area, r.choice(["01000", "02000", "03000", "04000", "14000"]),
                            useapr, block=block)
            if useapr and pnu:
                s.assess("101", owner, pnu, int(area * 900_000), useapr, useapr + dt.timedelta(days=r.randint(2, 25)))
        for _ in range(4 * self.f):
            owner = s.person()
            pnu = s.pnu()
            self.parcel(pnu, owner=owner)
            day = s.day_in(s.H0, s.D)
            crct = day + dt.timedelta(days=r.randint(20, 300)) if r.random() < 0.7 else None
            s.assess("101", owner, pnu, r.randint(10, 90) * 10_000_000, day - dt.timedelta(days=100),
                     day - dt.timedelta(days=90))
            self.violation(pnu, owner, day, Decimal(r.randint(100, 9000)) / 100, crct)

    # ------------------------------------------------------------ civil
    def permit(self, ptype: str, holder: Party, pnu: str, area: Decimal, strt: dt.date, end: dt.date | None,
               biz: str | None = None, duty_years: set[int] | None = None, upd: dt.date | None = None) -> str:
        """A permit and, for the occupancy kinds, its yearly fee (``duty_years`` overrides the years charged)."""
        s = self.s
        no = f"P{strt.year}{s.next('prmt'):07d}"
        hid = holder.hyphenated if (holder.ptype == "1" and s.rng.random() < 0.5) else holder.id
        s.db("permit", (no, ptype, biz, holder.ptype, hid, holder.nm, pnu, area, strt, end, None), upd or strt)
        cd = {"ROAD": "R01", "RIVR": "V01", "RVSF": "V02"}.get(ptype)
        if cd:
            years = duty_years if duty_years is not None else set(
                range(strt.year, min(end.year if end else s.D.year, s.D.year) + 1))
            for y in sorted(years):
                imps = max(strt, dt.date(y, 1, 10))
                if imps <= s.D:
                    s.duty(cd, holder, pnu, no, int(area * active_days(strt, end, y) * 100), imps)
        return no

    def inspection(self, prmt: str, day: dt.date, sanction: str | None, amt: int, upd: dt.date | None = None) -> str:
        s = self.s
        no = f"S{day.year}{s.next('insp'):07d}"
        viol = "Y" if sanction else "N"
        s.db("inspection", (no, prmt, day, viol, "FS-12" if sanction else None, sanction,
                            amt if sanction == "FINE" else 0), upd or day)
        return no

    def civil_permits(self) -> None:
        s = self.s
        r = s.rng
        for _ in range(12 * self.f):
            ptype = r.choice(["ROAD", "RIVR", "RVSF"])
            holder = s.person() if r.random() < 0.5 else s.business()
            strt = s.day_in(s.H0 - dt.timedelta(days=700), s.D - dt.timedelta(days=10))
            end = strt + dt.timedelta(days=r.randint(200, 1500)) if r.random() < 0.7 else None
            no = self.permit(ptype, holder, s.pnu(), Decimal(r.randint(500, 20000)) / 100, strt, end)
            if self.occupancy is None and strt < s.b0:
                self.occupancy = (no, {"ROAD": "R01", "RIVR": "V01", "RVSF": "V02"}[ptype], holder)
        food_no, food_strt = array("q"), array("q")  # each FOOD permit's number and start day (ordinal)
        for _ in range(10 * self.f):
            holder = s.person() if r.random() < 0.7 else s.business()
            strt = s.day_in(s.H0 - dt.timedelta(days=700), s.D - dt.timedelta(days=30))
            end = None if r.random() < 0.8 else s.day_in(strt + dt.timedelta(days=100), s.D + dt.timedelta(days=900))
            end = end if end is None or end <= s.D else None
            biz = "BAR" if r.random() < 0.15 else "GEN"
            no = self.permit("FOOD", holder, s.pnu(), Decimal(r.randint(3000, 30000)) / 100, strt, end, biz,
                             upd=end or strt)
            food_no.append(int(no[5:]))
            food_strt.append(strt.toordinal())
        for _ in range(4 * self.f):
            holder = s.business()
            strt = s.day_in(s.H0, s.D - dt.timedelta(days=10))
            self.permit("ADVT", holder, s.pnu(), Decimal(r.randint(100, 2000)) / 100, strt,
                        strt + dt.timedelta(days=3 * 365))
        for _ in range(8 * self.f):
            k = r.randrange(len(food_no))
            strt = dt.date.fromordinal(food_strt[k])
            prmt = f"P{strt.year}{food_no[k]:07d}"
            day = s.day_in(max(strt, s.H0), s.D)
            sanction = r.choice([None, None, "WARN", "SUSP", "FINE", "FINE"])
            amt = r.randint(10, 300) * 10_000 if sanction == "FINE" else 0
            no = self.inspection(prmt, day, sanction, amt)
            if sanction == "FINE":
                holder = s.person()  # the payer as the duties system records it
                s.duty("F01", holder, None, no, amt, day + dt.timedelta(days=r.randint(5, 40)))

    def proc_codes(self) -> None:
        for p in self.procs:
            self.s.db("proc_code", (p["proc_cd"], p["sector_cd"], p["proc_nm"], int(p["legal_days"]), p["open_yn"]),
                      None)

    def petition(self, proc: dict[str, str], applicant: Party, rcpt: dt.datetime, emp: Emp, dept: str | None = None,
                 complete_after: int | None = None, result: str | None = "A", extn: int = 0,
                 withdraw: bool = False, pnu: str | None = None, memo_rrn: bool = False,
                 emp_no_override: int | None = None) -> tuple[str, dt.date | None]:
        """A petition with its steps; completes ``complete_after`` business days after receipt (None: open).

        Returns (ptn_no, completion date).
        """
        s = self.s
        r = s.rng
        no = f"{rcpt.year}-{s.next('ptn'):010d}"
        dept = dept or emp.dept_on(rcpt.date())
        legal = int(proc["legal_days"])
        emp_no = emp_no_override if emp_no_override is not None else int(emp.emp_no)
        steps: list[tuple[str, dt.datetime, str]] = [("RCPT", rcpt, "접수 완료")]
        rd = rcpt.date()
        cmpl: dt.datetime | None = None
        if withdraw:
            cmpl = s.ts(add_bdays(rd, 1))
        elif complete_after is not None:
            cdate = add_bdays(rd, complete_after)
            cmpl = s.ts(cdate)
            if cdate > s.D:
                cmpl = None
        # intermediate steps strictly between receipt and completion (or D when open)
        horizon = (cmpl.date() if cmpl else s.D)
        mids = ["REVW"] + (["FLDI"] if r.random() < 0.3 else []) + (["CNSL"] if r.random() < 0.2 else [])
        mids += ["EXTN"] * extn
        for i, cd in enumerate(mids, 1):
            sd = add_bdays(rd, min(i, max(1, legal - 1)))
            if sd >= horizon or sd > s.D:
                sd = rd
            memo = "검토 의견 작성"
            if memo_rrn and cd == "REVW":
                memo = f"신청인 {applicant.nm} 주민번호 {applicant.hyphenated} 본인 확인, 연락처 010-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}"
            steps.append((cd, s.ts(sd), memo))
        stat, rslt = "PRC", None
        if withdraw:
            stat = "WDR"
            assert cmpl is not None
        elif cmpl is not None:
            stat, rslt = "END", result
            steps.append(("DCSN", cmpl, "결정"))
            steps.append(("NOTI", cmpl + dt.timedelta(minutes=5), "결과 통지"))
        steps.sort(key=lambda x: x[1])
        last = max(x[1] for x in steps)
        if cmpl:
            last = max(last, cmpl + dt.timedelta(minutes=5))
        due = rd + dt.timedelta(days=int(legal * 1.4) + 1)
        aid = applicant.hyphenated if (applicant.ptype == "1" and r.random() < 0.5) else applicant.id
        s.db("petition", (no, proc["proc_cd"], rcpt, applicant.ptype, aid, applicant.nm[:50], applicant.addr, pnu,
                          dept, emp_no, due, stat, rslt, cmpl), last)
        for i, (cd, t, memo) in enumerate(steps, 1):
            s.db("petition_step", (no, i, cd, t, emp_no, dept, memo), t)
        return no, (cmpl.date() if cmpl else None)

    def petitions(self) -> None:
        s = self.s
        r = s.rng
        open_procs = [p for p in self.procs if p["open_yn"] == "Y"]
        closed_procs = [p for p in self.procs if p["open_yn"] == "N"]
        applicant: Party | None = None
        for i in range(50 * self.f):
            if i % 2 == 0:  # every applicant files two petitions at most
                applicant = s.person() if r.random() < 0.75 else s.business()
            assert applicant is not None
            disclosed = r.random() < 0.8
            proc = r.choice(open_procs if disclosed else closed_procs)
            legal = int(proc["legal_days"])
            rcpt = s.ts(s.day_in(s.H0, s.D))
            emp = self.random_active_emp()
            extn = 1 if r.random() < 0.1 else 0
            allowed = legal * (1 + extn)
            k = r.randint(1, allowed) if disclosed else r.randint(1, allowed + 10)
            self.petition(proc, applicant, rcpt, emp, complete_after=k, result=r.choice("AAAR"), extn=extn,
                          withdraw=r.random() < 0.03, pnu=s.pnu() if r.random() < 0.4 else None,
                          memo_rrn=applicant.ptype == "1" and r.random() < 0.15)

    # ------------------------------------------------------------ tax filler
    def property_tax(self, n: int, known_from: dt.date | None = None, known_to: dt.date | None = None) -> None:
        """Property tax (201) and licence tax (501): bulk of the tax file, no rule reads them."""
        s = self.s
        r = s.rng
        for _ in range(n):
            party = s.person() if r.random() < 0.7 else s.business()
            item = "201" if r.random() < 0.8 else "501"
            if known_from:
                asmt = s.day_in(known_from, known_to or known_from)
                cause = dt.date(asmt.year, 6, 1)
            else:
                y = r.randint(s.H0.year, s.D.year - 1)
                cause = dt.date(y, 6, 1)
                asmt = dt.date(y, 7, r.randint(1, 20))
            base = r.randint(5, 500) * 1_000_000
            status = "09" if r.random() < 0.05 else "01"
            s.assess(item, party, s.pnu() if item == "201" else None, base, cause, asmt, status)

    def generate(self) -> None:
        p = self.s.progress
        self.organisation()
        p(f"background: {self.n_bg_emps + len(self.emps)} employees")
        self.proc_codes()
        self.finance()
        p("background: finance")
        self.public_property()
        self.realestate()
        self.construction()
        p("background: realestate and construction")
        self.civil_permits()
        self.petitions()
        p("background: civil")
        self.property_tax(30 * self.f)
        self.land_register()


def active_days(strt: dt.date, end: dt.date | None, year: int) -> int:
    """Days of ``year`` on which [strt, end] (end inclusive, None open) is active."""
    lo = max(strt, dt.date(year, 1, 1))
    hi = min(end or dt.date(year, 12, 31), dt.date(year, 12, 31))
    return max(0, (hi - lo).days + 1)


def _day_in(r: Stream, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=r.randint(0, (hi - lo).days))
