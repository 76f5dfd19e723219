"""Planted delivery defects: one or more of every class legacy-interfaces.md lists.

Defects live on records of their own (fresh keys that no scenario reads), on
days whose real content the router moved to the next good day (corrupt
files, the folder without ``_DONE``, the day that never comes), so they
never destroy scenario truth. Each is written to ``defects.csv`` with the
handling the pipeline owes it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

from cheongbaek.simulator import formats as F
from cheongbaek.simulator.background import Background
from cheongbaek.simulator.world import Party, Sim, open_file

BAD_RRN = "991340-1234567"  # month 13: invalid, and no real person's number


def bad_brn(s: Sim) -> str:
    good = s.business().id
    return good[:9] + str((int(good[9]) + 1) % 10)


class Defects:
    def __init__(self, bg: Background) -> None:
        self.bg = bg
        self.s = bg.s

    def q(self, table: str, n: int = 1) -> None:
        self.s.quarantined[table] += n

    def prepare(self) -> None:
        """Before generation: the realestate transfer file of b1 carries an extra, unknown column."""
        s = self.s
        b1 = s.bdays[1]
        folder = s.drop / "realestate" / F.ymd(b1)
        folder.mkdir(parents=True, exist_ok=True)
        w = open_file(folder, b1, "RE_TRANSFER", [*F.RE_TRANSFER_COLS, "rmk"])
        add = w.add
        w.add = lambda values: add([*values, "비고 없음"])  # type: ignore[method-assign]
        s.writers[("realestate", b1, "RE_TRANSFER")] = w
        s.defect("extra_column", "realestate", w.path.name, "header column 'rmk'", "ignore_column",
                 "unknown column: kept out of the warehouse and reported")

    # ------------------------------------------------------------ files
    def tax(self) -> None:
        s = self.s
        b1, b2 = s.bdays[1], s.bdays[2]
        w = s.w("tax", b1, "TAXASMT")
        name = w.path.name
        p = s.person()
        base = s.tax_rec("201", p, s.pnu(), 100_000_000, 200_000, dt.date(s.Y, 6, 1), dt.date(s.Y, 7, 10))

        def junk(why: str, handling: str, rec: bytes, amt: int, cls: str) -> None:
            w.add_raw(rec, amt)
            s.defect(cls, "tax", name, f"line {w.count + 1} (asmt_no {rec[1:19].decode().strip()})", handling, why)

        def fresh() -> dict[str, object]:
            return base | {"asmt_no": f"A{s.Y}{s.next('asmt'):09d}"}

        r = F.tax_detail(fresh())
        junk("record of 199 bytes", "quarantine", r[:-1], base["tax_amt"], "wrong_length")  # type: ignore[arg-type]
        r = F.tax_detail(fresh())
        junk("cause_dt '2024AB01' is not a date", "quarantine", r[:125] + b"2024AB01" + r[133:], base["tax_amt"],
             "unparseable_date")  # type: ignore[arg-type]
        r = F.tax_detail(fresh())
        junk("tax_base_amt is not a number", "quarantine", r[:95] + b"00000ABC0000000" + r[110:], base["tax_amt"],
             "unparseable_number")  # type: ignore[arg-type]
        r = F.tax_detail(fresh() | {"tax_item_cd": "999"})
        junk("tax_item_cd 999 is not in the code list", "quarantine", r, base["tax_amt"], "code_outside_list")  # type: ignore[arg-type]
        r = F.tax_detail(fresh())
        junk("party RRN with month 13", "quarantine", r[:23] + BAD_RRN.replace("-", "").encode() + r[36:],
             base["tax_amt"], "invalid_rrn")  # type: ignore[arg-type]
        biz = s.business()
        r = F.tax_detail(fresh() | {"party_type": "2", "party_id": bad_brn(s), "party_nm": biz.nm})
        junk("BRN whose NTS check digit is wrong", "quarantine", r, base["tax_amt"], "invalid_brn")  # type: ignore[arg-type]
        r = F.tax_detail(fresh() | {"pnu": "1111010100-1-0012"})
        junk("PNU '1111010100-1-0012' is not 19 digits after normalisation", "quarantine", r, base["tax_amt"],
             "invalid_pnu")  # type: ignore[arg-type]
        self.q("tax_assessment", 7)
        # the same key twice: the earlier line is quarantined, the later one wins
        dup = fresh()
        w.add(dup | {"tax_amt": 1})
        s.defect("duplicate_key", "tax", name, f"line {w.count + 1} (asmt_no {dup['asmt_no']})", "quarantine",
                 "same asmt_no again later in the file: the earlier line is a duplicate")
        w.add(dup)
        self.q("tax_assessment")
        # an unverifiable RRN: kept, counted as a warning
        u = s.person(unverifiable=True)
        rec = s.tax_rec("201", u, s.pnu(), 50_000_000, 100_000, dt.date(s.Y, 6, 1), dt.date(s.Y, 7, 12))
        w.add(rec)
        s.defect("unverifiable_rrn", "tax", name, f"line {w.count + 1} (asmt_no {rec['asmt_no']})", "warning",
                 "well-formed post-2020 number whose check digit differs: kept")
        for t in ("valid_keys", "staging_rows", "written"):
            getattr(s, t)["tax_assessment"] += 2
        s.written["tax_assessment"] += 8
        s.warnings["tax_assessment"] += 1
        # b2: trailer mismatch (its day's real content went to b3)
        folder = s.drop / "tax" / F.ymd(b2)
        folder.mkdir(parents=True, exist_ok=True)
        tw = open_file(folder, b2, "TAXASMT")
        for _ in range(3):
            tw.add(fresh())
        tw.close(count_delta=1)
        s.defect("trailer_mismatch", "tax", tw.path.name, "trailer", "reject_file",
                 "trailer count 4 but 3 detail lines: the whole file is corrupt")

    def duties(self) -> None:
        s = self.s
        b1, b2 = s.bdays[1], s.bdays[2]
        w = s.w("duties", b1, "DUTY")
        name = w.path.name
        p = s.person()
        imps = s.bdays[0]

        def row(**kw: str) -> list[str]:
            base = {"imps_no": f"I{imps.year}{s.next('imps'):08d}", "duty_cd": "R01", "party_type": "1",
                    "party_id": p.hyphenated, "party_nm": p.nm, "pnu": "", "basis_no": "P0000000000",
                    "imps_amt": "12,000", "imps_dt": F.iso(imps), "due_dt": F.iso(imps + dt.timedelta(days=30)),
                    "paid_dt": "", "status": "부과", "dept_cd": "3000000"}
            base |= kw
            return [base[f] for _, f in F.DUTY_HEADER]

        for cls, kw, why in (
            ("unparseable_number", {"imps_amt": "1,2x4"}, "imps_amt '1,2x4' is not a number"),
            ("unparseable_date", {"imps_dt": "2024-13-45"}, "imps_dt '2024-13-45' is not a date"),
            ("code_outside_list", {"duty_cd": "X99"}, "duty_cd X99 is not in the code list"),
            ("invalid_brn", {"party_type": "2", "party_id": F.hyphen_brn(bad_brn(s))}, "BRN check digit wrong"),
            ("invalid_rrn", {"party_id": BAD_RRN}, "RRN with month 13"),
            ("code_outside_list", {"status": "보류"}, "status 보류 is not in the code list"),
        ):
            r = row(**kw)
            w.add(r)
            s.defect(cls, "duties", name, f"line {w.rows + 1} (imps_no {r[0]})", "quarantine", why)
        self.q("duty", 6)
        s.written["duty"] += 6
        # b2: bytes that are not CP949 (the day's real content went to b3)
        folder = s.drop / "duties" / F.ymd(b2)
        folder.mkdir(parents=True, exist_ok=True)
        cw = open_file(folder, b2, "DUTY")
        cw.add(row())
        cw.add_raw(b'"' + f"I{imps.year}{s.next('imps'):08d}".encode() + b'","R01","1","' + p.hyphenated.encode()
                   + b'","\xff\xfe\xff","","P0000000000","12,000","' + F.iso(imps).encode() + b'","'
                   + F.iso(imps).encode() + b'","","\xba\xce\xb0\xfa","3000000"\r\n')
        cw.close()
        s.defect("invalid_encoding", "duties", cw.path.name, "line 3", "reject_file",
                 "bytes FF FE FF are not valid CP949: the whole file is corrupt")

    def realestate(self) -> None:
        s, bg = self.s, self.bg
        b1, b2, b3 = s.bdays[1], s.bdays[2], s.bdays[3]
        w = s.w("realestate", b1, "RE_TRANSFER")
        name = w.path.name
        p = s.person()
        for cls, pnu, to_id, why in (
            ("invalid_pnu", "11110101001", p.hyphenated, "PNU of 11 digits"),
            ("invalid_rrn", s.pnu(), BAD_RRN, "acquirer RRN with month 13"),
        ):
            tid = f"T{s.Y}{s.next('trnsf'):08d}"
            w.add([tid, pnu, "L", F.iso(b1 - dt.timedelta(days=20)), F.iso(b1), "100000000", "1",
                   s.person().hyphenated, "1", to_id, p.nm, "매매"])
            s.defect(cls, "realestate", name, f"line {w.rows + 1} (trnsf_id {tid})", "quarantine", why)
        self.q("re_transfer", 2)
        s.written["re_transfer"] += 2
        # b2: RE_PARCEL without its chg_dt column
        folder = s.drop / "realestate" / F.ymd(b2)
        folder.mkdir(parents=True, exist_ok=True)
        cols = [c for c in F.RE_PARCEL_COLS if c != "chg_dt"]
        cw = open_file(folder, b2, "RE_PARCEL", cols)
        for _ in range(2):
            cw.add([s.pnu(), "대", "100.00", "1000000", "1", p.hyphenated, p.nm, "N"])
        cw.close()
        s.defect("missing_column", "realestate", cw.path.name, "header", "reject_file",
                 "required column chg_dt missing: the whole file is corrupt")
        s.defect("missing_day", "realestate", F.ymd(b3), "folder", "warning",
                 "a business day that never comes: its records arrive with the next day")
        del bg

    def construction(self) -> None:
        s = self.s
        b1, b3 = s.bdays[1], s.bdays[3]
        w = s.w("construction", b1, "bld_violation")
        owner = s.person()
        pnu = s.pnu()

        def viol(**kw: str) -> dict[str, str]:
            base = {"violPk": f"VL{s.Y}{s.next('viol'):08d}", "sigunguCd": pnu[:5], "bjdongCd": pnu[5:10],
                    "platGbCd": "0", "bun": pnu[11:15], "ji": pnu[15:], "violDay": F.ymd(b1), "violArea": "0.00",
                    "violCn": "점검 예정", "ownrGbCd": "1", "ownrId": owner.id, "ownrNm": owner.nm, "crctDay": F.ymd(b1),
                    "lastUpdDt": F.ymd(b1) + "101010"}
            return base | kw

        for cls, kw, why, handling in (
            ("unparseable_date", {"violDay": "20241399"}, "violDay 20241399 is not a date", "quarantine"),
            ("invalid_rrn", {"ownrId": BAD_RRN.replace("-", "")}, "owner RRN with month 13", "quarantine"),
            ("invalid_pnu", {"bun": "12A4"}, "bun '12A4': the PNU is not 19 digits", "quarantine"),
            ("unparseable_number", {"violArea": "12,5m2"}, "violArea '12,5m2' is not a number", "quarantine"),
        ):
            o = viol(**kw)
            w.add(o)
            s.defect(cls, "construction", "bld_violation.jsonl", f"line {w.rows} (violPk {o['violPk']})", handling, why)
        self.q("bld_violation", 4)
        o = viol(violGbNm="기타")
        w.add(o)
        s.defect("extra_column", "construction", "bld_violation.jsonl", f"line {w.rows} (violPk {o['violPk']})",
                 "ignore_column", "unknown key violGbNm: the record loads without it")
        for t in ("valid_keys", "staging_rows"):
            getattr(s, t)["bld_violation"] += 1
        s.written["bld_violation"] += 5
        # b3: a folder still being written (no _DONE)
        folder = s.drop / "construction" / F.ymd(b3)
        folder.mkdir(parents=True, exist_ok=True)
        jw = open_file(folder, b3, "bld_permit")
        jw.add({"mgmPmsrgstPk": f"{pnu[:5]}-{s.next('bld'):012d}", "sigunguCd": pnu[:5]})
        jw.close()
        s.defect("folder_without_done", "construction", F.ymd(b3), "folder", "skip_folder",
                 "no _DONE: still being written, must not be read; its records arrive with the next day")

    def hr(self) -> None:
        s, bg = self.s, self.bg
        D, b1 = s.D, s.bdays[1]
        w = s.w("hr", D, "HR_EMP")
        p = s.person()
        base = ["", p.nm, p.hyphenated, bg.divisions[0], "7", "주무관", "2020.03.02", "", "재직", "004",
                "", p.addr]
        for cls, idx, val, why, handling, table_q in (
            ("invalid_rrn", 2, BAD_RRN, "RRN with month 13", "quarantine", True),
            ("unparseable_date", 6, "2024.13.45", "hire_dt 2024.13.45 is not a date", "quarantine", True),
            ("code_outside_list", 4, "12", "grade 12 is outside 1-9", "quarantine", True),
            ("orphan_department", 3, "3999999", "department 3999999 is not in HR_DEPT", "orphan_flag", False),
        ):
            row = list(base)
            row[0] = f"{900000 + s.next('emp'):09d}"
            row[10] = s.account()[1]
            row[idx] = val
            w.add(row)
            s.defect(cls, "hr", "HR_EMP.csv", f"{F.ymd(D)} line {w.rows + 1} (emp_no {row[0]})", handling, why)
            if table_q:
                self.q("hr_emp")
            else:
                s.valid_keys["hr_emp"] += 1
                s.staging_rows["hr_emp"] += 1
        s.written["hr_emp"] += 4
        # b1 delivered twice: the first version (kept under the truth for replay tests) differed
        orig = s.truth / "redelivery" / "hr" / F.ymd(b1)
        if orig.exists():
            shutil.rmtree(orig)
        orig.mkdir(parents=True)
        dw = open_file(orig, b1, "HR_DEPT")
        for d in bg.depts:
            dw.add(list(d))
        dw.close()
        ew = open_file(orig, b1, "HR_EMP")
        first = True
        for e in bg.iter_emps():
            if e.visible(b1):
                row = e.row(b1)
                if first:
                    row[5] = "팀장"  # the corrected re-delivery fixes this title
                    first = False
                ew.add(row)
        extra = s.person()
        ew.add([f"{990000 + s.next('emp'):09d}", extra.nm, extra.hyphenated, bg.divisions[0], "9", "주무관",
                "2024.01.02", "", "재직", "004", s.account()[1], extra.addr])
        ew.close()
        (orig / "_DONE").write_bytes(b"")
        s.defect("redelivered_day", "hr", F.ymd(b1), "folder", "replace_day",
                 f"delivered twice: the first version is in truth/redelivery/hr/{F.ymd(b1)} (one title differs and "
                 "one extra employee is withdrawn); the final folder replaces it entirely")

    # ------------------------------------------------------------ databases
    def databases(self) -> None:
        s, bg = self.s, self.bg
        when = s.bdays[1]
        biz = s.business()
        rep = s.person()

        def vendor(brn: str, rrn: str, stat: str = "01") -> str:
            vid = f"V{s.next('vndr'):07d}"
            bank, acct = s.account()
            s.db("tb_vendor", (vid, brn, biz.nm, rep.nm, rrn, biz.addr, bank, acct, stat, None), when)
            return vid

        v = vendor(biz.id, BAD_RRN)
        s.defect("invalid_rrn", "finance", "tb_vendor", v, "quarantine", "rep_rrn with month 13")
        v = vendor(bad_brn(s), rep.id)
        s.defect("invalid_brn", "finance", "tb_vendor", v, "quarantine", "BRN check digit wrong")
        v = vendor(s.business().id, rep.id, "09")
        s.defect("code_outside_list", "finance", "tb_vendor", v, "quarantine", "biz_stat_cd 09 not in the code list")
        self._dbq("fin_vendor", 3)
        u = s.person(unverifiable=True)
        v = vendor(s.business().id, u.hyphenated)
        s.defect("unverifiable_rrn", "finance", "tb_vendor", v, "warning", "post-2020 rep_rrn: kept")
        s.warnings["fin_vendor"] += 1
        dept = bg.divisions[0]
        good_vid, good_acct = bg.vendor(created=when)
        c = bg.contract("V9999999", dept, 31_000_000, when, "10")
        s.defect("orphan_vendor", "finance", "tb_contract", c, "orphan_flag", "vndr_id V9999999 unknown")
        c = bg.contract(good_vid, "3999999", 32_000_000, when, "10", biz="BZ399999901")
        s.defect("orphan_department", "finance", "tb_contract", c, "orphan_flag", "dept_cd 3999999 unknown")
        c = bg.contract(good_vid, dept, 33_000_000, when, "99")
        s.defect("code_outside_list", "finance", "tb_contract", c, "quarantine", "cntr_mthd_cd 99 not in the code list")
        self._dbq("fin_contract", 1)
        p = bg.payment(good_vid, good_acct, dept, bg.biz[dept][0], "C2099999999", 1_234_567, when)
        s.defect("orphan_contract", "finance", "tb_payment", p, "orphan_flag", "cntr_no C2099999999 unknown")
        p = bg.payment("V9999998", s.account(), dept, bg.biz[dept][0], None, 2_345_678, when)
        s.defect("orphan_vendor", "finance", "tb_payment", p, "orphan_flag", "vndr_id V9999998 unknown")
        p = bg.payment(good_vid, good_acct, dept, bg.biz[dept][0], None, 3_456_789, when, invc=None)
        s.db_buf["tb_payment"][-1] = (*s.db_buf["tb_payment"][-1][:12], "X", s.db_buf["tb_payment"][-1][13])
        s.defect("code_outside_list", "finance", "tb_payment", p, "quarantine", "del_yn X not in the code list")
        self._dbq("fin_payment", 1)
        # civil
        i = bg.inspection("P2099999999", when, "WARN", 0)
        s.defect("orphan_permit", "civil", "inspection", i, "orphan_flag", "prmt_no P2099999999 unknown")
        proc = next(x for x in bg.procs if x["open_yn"] == "Y")
        off = next(e for e in bg.iter_emps() if not e.retire_dt and e.hire_dt < s.H0)
        no, _ = bg.petition(proc, s.person(), s.ts(when), off, complete_after=1, emp_no_override=999999,
                            dept=dept)
        s.defect("orphan_employee", "civil", "petition", no, "orphan_flag", "chrg_emp_no 999999 unknown to HR")
        bad = Party("1", BAD_RRN.replace("-", ""), "홍길동", "서울특별시 중구 세종대로 110")
        no, _ = bg.petition(proc, bad, s.ts(when), off, complete_after=1)
        s.defect("invalid_rrn", "civil", "petition", no, "quarantine", "apln_id with month 13")
        self._dbq("civ_petition", 1)
        no, _ = bg.petition(proc, s.person(unverifiable=True), s.ts(when), off, complete_after=1)
        s.defect("unverifiable_rrn", "civil", "petition", no, "warning", "post-2020 apln_id: kept")
        s.warnings["civ_petition"] += 1
        pr = bg.permit("ADVT", s.business(), s.pnu(), Decimal("3.00"), when, None)
        s.db_buf["permit"][-1] = (*s.db_buf["permit"][-1][:1], "SIGN", *s.db_buf["permit"][-1][2:])
        s.defect("code_outside_list", "civil", "permit", pr, "quarantine", "prmt_type_cd SIGN not in the code list")
        self._dbq("civ_permit", 1)

    def orphan_parcel(self) -> None:
        """References to parcels the land register never had: planted last, after its backlog.

        Well-formed PNUs with sub lot 9999 (:meth:`Sim.pnu` issues sub lots
        0-30 only, so no parcel record ever carries them): a property-tax
        assessment (item 201, which no rule reads) of a fresh taxpayer, and
        one more yearly fee of a compliant background occupancy permit (an
        extra duty cannot make a DUTY rule fire nor resolve one: they fire on
        missing duties only). Both are loaded and flagged, like every orphan.
        """
        s, bg = self.s, self.bg
        b1 = s.bdays[1]
        pnus = [f"{d['legal_dong_cd']}1{9999:04d}{9999:04d}" for d in s.dongs[:2]]
        assert not any(s.is_registered(x) for x in pnus)
        no = s.assess("201", s.person(), pnus[0], 70_000_000, dt.date(s.Y, 6, 1), b1)
        w = s.writers[("tax", b1, "TAXASMT")]
        s.defect("orphan_parcel", "tax", w.path.name, f"line {w.count + 1} (asmt_no {no})", "orphan_flag",
                 f"pnu {pnus[0]} is not in the land register")
        if bg.occupancy is None:
            return
        prmt, cd, holder = bg.occupancy
        no = s.duty(cd, holder, pnus[1], prmt, 120_000, b1)
        dw = s.writers[("duties", b1, "DUTY")]
        s.defect("orphan_parcel", "duties", dw.path.name, f"line {dw.rows + 1} (imps_no {no})", "orphan_flag",
                 f"pnu {pnus[1]} is not in the land register")

    def _dbq(self, table: str, n: int) -> None:
        self.s.staging_rows[table] -= n
        self.s.valid_keys[table] -= n
        self.q(table, n)

    def plant(self) -> None:
        self.tax()
        self.duties()
        self.realestate()
        self.construction()
        self.databases()


def copy_tree_json(path: Path) -> str:
    return json.dumps(sorted(str(p) for p in path.rglob("*")))
