"""Every scenario of the book over hand-made staging fixtures: true cases fire,
near misses at the window edges stay silent. D = 2025-06-30, so Y = 2024.

The scenarios read the reconciled warehouse (core), so every run first
reconciles what the fixture staged, as the pipeline's reconcile DAG does
before the core Asset schedules the scenarios."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import psycopg
import pytest
from psycopg import sql

pytestmark = pytest.mark.integration

D = dt.date(2025, 6, 30)
DAY1 = dt.date(2025, 1, 2)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def pid(n: int) -> str:
    """A person pseudonym (never a raw RRN)."""
    return f"p_{n:032x}"


def pnu(n: int) -> str:
    return f"1111010100{1}{n:04d}0000"


_FILE_DEFAULTS: dict[str, dict[str, Any]] = {
    "tax_assessment": {"party_type": "1", "party_id_status": "valid", "tax_base_amt": 0, "tax_amt": 1000,
                       "status_cd": "01", "tax_item_cd": "101"},
    "duty": {"party_type": "1", "party_id": pid(999), "party_id_status": "valid", "imps_amt": 1000, "status": "부과"},
    "hr_dept": {},
    "hr_emp": {"emp_nm": "홍길동", "rrn_status": "valid", "status": "재직", "grade": 7},
    "hr_pay": {"net_amt": 0},
    "bld_permit": {},
    "bld_useapr": {},
    "bld_violation": {},
    "re_transfer": {"obj_type": "L"},
    "re_realname_viol": {"party_type": "1", "party_id_status": "valid"},
}
_SYSTEM = {"tax_assessment": "tax", "duty": "duties", "hr_dept": "hr", "hr_emp": "hr", "hr_pay": "hr",
           "bld_permit": "construction", "bld_useapr": "construction", "bld_violation": "construction",
           "re_transfer": "realestate", "re_realname_viol": "realestate"}
_DB_DEFAULTS: dict[str, dict[str, Any]] = {
    "fin_vendor": {"biz_stat_cd": "01"},
    "fin_contract": {"del_yn": "N", "cntr_mthd_cd": "10"},
    "fin_payment": {"del_yn": "N"},
    "fin_pub_prop": {},
    "fin_pub_prop_use": {},
    "civ_proc_code": {},
    "civ_petition": {"apln_type": "1"},
    "civ_petition_step": {},
    "civ_permit": {"holder_type": "1"},
    "civ_inspection": {},
}


class Staging:
    """Builds a compact staging fixture: audit.batch rows plus typed staging rows."""

    def __init__(self, uri: str) -> None:
        self.conn = psycopg.connect(uri, autocommit=True)
        self.batches: dict[tuple[str, dt.date, str], int] = {}
        self.lines = itertools.count(1)

    def batch(self, system: str, source: str, day: dt.date, status: str = "loaded") -> int:
        return self.conn.execute(
            "insert into audit.batch (system, source_name, delivery_date, logical_date, status)"
            " values (%s, %s, %s, %s, %s) returning batch_id", (system, source, day, day, status)
        ).fetchone()[0]

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        cols = list(row)
        self.conn.execute(
            sql.SQL("insert into staging.{} ({}) values ({})").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, cols)),
                sql.SQL(", ").join(sql.Placeholder() * len(cols))),
            [row[c] for c in cols],
        )

    def file(self, table: str, day: dt.date, batch_status: str = "loaded", **cols: Any) -> None:
        """A file record delivered in the day folder ``day`` (one batch a table, day and batch status)."""
        key = (table, day, batch_status)
        if key not in self.batches:
            self.batches[key] = self.batch(_SYSTEM[table], f"{table}_{day:%Y%m%d}", day, batch_status)
        row = {**_FILE_DEFAULTS[table], **cols, "batch_id": self.batches[key], "delivery_date": day,
               "line_no": next(self.lines)}
        if table.startswith("bld_") and "ownr_id" in row:
            row.setdefault("ownr_id_status", "valid")
        if table == "re_transfer" and "to_id" in row:
            row.setdefault("to_id_status", "valid")
        self._insert(table, row)

    def db(self, table: str, upd: dt.date | dt.datetime, batch_status: str = "loaded", **cols: Any) -> None:
        """A database row version with its upd_dt/upd_dtm."""
        key = (table, dt.date(2000, 1, 1), batch_status)
        if key not in self.batches:
            system = "finance" if table.startswith("fin_") else "civil"
            self.batches[key] = self.batch(system, table, DAY1, batch_status)
        stamp = upd if isinstance(upd, dt.datetime) else dt.datetime.combine(upd, dt.time(12))
        upd_col = "upd_dt" if table.startswith("fin_") else "upd_dtm"
        row = {**_DB_DEFAULTS[table], **cols, "batch_id": self.batches[key]}
        if table != "civ_proc_code":
            row[upd_col] = stamp
        self._insert(table, row)

    def reconcile(self, as_of: dt.date) -> None:
        """Take what was staged into core; later rows go to new batches (a batch is taken in once)."""
        reconcile(as_of)
        self.batches.clear()

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def stg(warehouse: str):
    s = Staging(warehouse)
    yield s
    s.close()


def alerts(uri: str, scenario_id: str) -> dict[str, int]:
    with psycopg.connect(uri) as conn:
        return dict(conn.execute(
            "select subject, estimate_krw from monitoring.alert where scenario_id = %s and matching",
            (scenario_id,)).fetchall())


def reconcile(as_of: dt.date) -> None:
    """Staging into core, as the reconcile DAG does before the scenarios run."""
    from cheongbaek.reconcile.runner import reconcile as reconcile_core

    reconcile_core(as_of)


def run(uri: str, scenario_id: str, as_of: dt.date = D) -> dict[str, int]:
    from cheongbaek.scenarios.runner import run_scenarios

    reconcile(as_of)
    summary = run_scenarios(as_of, only=[scenario_id])
    found = alerts(uri, scenario_id)
    assert summary["scenarios"][scenario_id]["found"] == len(found)
    return found


# ------------------------------------------------------------------ tax
def test_tax01_sale_without_acquisition_tax(stg: Staging, warehouse: str) -> None:
    def prop(no: str, sold: str | None, buyer: int, amt: int = 100_000_001, parcel: str | None = None,
             upd: dt.date = DAY1) -> None:
        stg.db("fin_pub_prop", upd, prop_no=no, pnu=parcel if parcel is not None else pnu(int(no[1:])),
               prop_type_cd="L", disp_dt=d(sold) if sold else None, disp_party_type="1",
               disp_party_id=pid(buyer), disp_amt=amt)

    def tax(no: str, parcel: str, buyer: int, cause: str, day: dt.date = DAY1, status: str = "01",
            batch_status: str = "loaded", item: str = "101") -> None:
        stg.file("tax_assessment", day, batch_status, asmt_no=no, tax_item_cd=item, party_id=pid(buyer),
                 pnu=parcel, cause_dt=d(cause), status_cd=status)

    prop("P1", "2025-04-01", 1)                      # no assessment: fires
    prop("P2", "2025-05-01", 2)                      # grace ends exactly on D: fires
    tax("A2", pnu(99), 2, "2025-05-01")              # ... its assessment is on another parcel
    prop("P3", "2025-05-02", 3)                      # grace ends D+1: silent
    prop("P4", "2025-04-01", 4)                      # assessed 7 days after: silent
    tax("A4", pnu(4), 4, "2025-04-08", item="102")
    prop("P5", "2025-04-01", 5)                      # assessed 8 days after: fires
    tax("A5", pnu(5), 5, "2025-04-09")
    prop("P6", "2025-04-01", 6)                      # assessment cancelled later: fires
    tax("A6", pnu(6), 6, "2025-04-01", day=d("2025-04-10"))
    tax("A6", pnu(6), 6, "2025-04-01", day=d("2025-05-10"), status="09")
    prop("P7", "2025-04-01", 7)                      # assessment only in a superseded batch: fires
    tax("A7", pnu(7), 7, "2025-04-01", batch_status="superseded")
    prop("P8", "2025-04-01", 8)                      # assessment delivered after D: fires
    tax("A8", pnu(8), 8, "2025-04-01", day=d("2025-07-01"))
    prop("P9", None, 9)                              # sold only after D: silent
    prop("P9", "2025-04-01", 9, upd=d("2025-07-01"))
    prop("P10", "2025-04-01", 10, parcel="")         # no PNU (block site): silent
    stg.conn.execute("update staging.fin_pub_prop set pnu = null where pnu = ''")
    prop("P11", "2025-04-01", 11)                    # assessed 7 days before, by the buyer: silent
    tax("A11", pnu(11), 11, "2025-03-25")
    prop("P12", "2025-04-01", 12)                    # assessed, but a different party: fires
    tax("A12", pnu(12), 13, "2025-04-01")

    got = run(warehouse, "TAX-01")
    assert set(got) == {"P1", "P2", "P5", "P6", "P7", "P8", "P12"}
    assert got["P1"] == 4_000_000  # 100,000,001 x 4% rounded down


def test_tax02_bar_without_heavy_rate(stg: Staging, warehouse: str) -> None:
    def transfer(tid: str, n: int, cntr: str, obj: str = "B", to: int = 1) -> None:
        stg.file("re_transfer", DAY1, trnsf_id=tid, pnu=pnu(n), obj_type=obj, cntr_dt=d(cntr),
                 rgst_dt=d(cntr), price=1_000_000_005, to_type="1", to_id=pid(to))

    def bar(no: str, n: int, strt: str, end: str | None = None, biz: str = "BAR") -> None:
        stg.db("civ_permit", DAY1, prmt_no=no, prmt_type_cd="FOOD", biz_type_cd=biz, pnu=pnu(n),
               strt_dt=d(strt), end_dt=d(end) if end else None, area_m2=10)

    transfer("T1", 1, "2022-01-10")
    bar("F1", 1, "2025-05-01")                       # bar 3 years later, +60 = D: fires
    transfer("T2", 2, "2022-01-10")
    bar("F2", 2, "2025-05-02")                       # +60 = D+1: silent
    transfer("T3", 3, "2020-01-10")
    bar("F3", 3, "2025-01-11")                       # starts 5 years + 1 day after: silent
    transfer("T4", 4, "2020-01-10")
    bar("F4", 4, "2025-01-10")                       # exactly 5 years after: fires
    transfer("T5", 5, "2022-01-10", obj="L")         # land only: silent
    bar("F5", 5, "2023-01-01")
    transfer("T6", 6, "2022-01-10")
    bar("F6", 6, "2023-01-01", biz="GEN")            # a restaurant: silent
    transfer("T7", 7, "2022-01-10", to=7)
    bar("F7", 7, "2023-01-01")                       # heavy rate assessed 7 days before: silent
    stg.file("tax_assessment", DAY1, asmt_no="A7", tax_item_cd="102", party_id=pid(7), pnu=pnu(7),
             cause_dt=d("2022-01-03"))
    transfer("T8", 8, "2022-01-10", to=8)
    bar("F8", 8, "2015-01-01", "2021-12-31")         # bar closed before the purchase: silent
    transfer("T9", 9, "2022-01-10", to=9)
    bar("F9", 9, "2015-01-01", "2022-01-10")         # still active on the contract day: fires
    stg.file("tax_assessment", DAY1, asmt_no="A9", tax_item_cd="101", party_id=pid(9), pnu=pnu(9),
             cause_dt=d("2022-01-10"))               # normal rate only: does not settle

    got = run(warehouse, "TAX-02")
    assert set(got) == {"T1", "T4", "T9"}
    assert got["T1"] == 80_000_000  # 1,000,000,005 x 8% rounded down


def _useapr(stg: Staging, pk: str, n: int | None, day: str, area: float, owner: int = 1, btype: str = "1") -> None:
    stg.file("bld_permit", DAY1, mgm_pmsrgst_pk=pk, pnu=pnu(n) if n is not None else None,
             plat_gb_cd="0" if n is not None else "2")
    stg.file("bld_useapr", DAY1, mgm_pmsrgst_pk=pk, use_apr_day=d(day), tot_area=area, ownr_gb_cd=btype,
             ownr_id=pid(owner))


def test_tax03_food_business_without_resident_tax(stg: Staging, warehouse: str) -> None:
    def food(no: str, n: int, holder: str, strt: str, end: str | None = None, htype: str = "2") -> None:
        stg.db("civ_permit", DAY1, prmt_no=no, prmt_type_cd="FOOD", biz_type_cd="GEN", pnu=pnu(n),
               holder_type=htype, holder_id=holder, strt_dt=d(strt), end_dt=d(end) if end else None)

    _useapr(stg, "U1", 1, "2010-01-01", 331.5)
    food("F1", 1, "1234567891", "2024-12-31")        # active on the last day of Y: fires
    _useapr(stg, "U2", 2, "2010-01-01", 330)
    food("F2", 2, "1234567892", "2020-01-01")        # exactly 330 m2: silent
    _useapr(stg, "U3a", 3, "2010-01-01", 100)
    _useapr(stg, "U3b", 3, "2015-01-01", 500)         # the latest use approval decides
    food("F3", 3, "1234567893", "2020-01-01", "2024-01-01")  # active on Jan 1st of Y only: fires
    _useapr(stg, "U4a", 4, "2010-01-01", 900)
    _useapr(stg, "U4b", 4, "2016-01-01", 200)         # latest is small: silent
    food("F4", 4, "1234567894", "2020-01-01")
    _useapr(stg, "U5", 5, "2010-01-01", 900)
    food("F5", 5, "1234567895", "2020-01-01", "2023-12-31")  # closed before Y: silent
    _useapr(stg, "U6", 6, "2010-01-01", 900)
    food("F6", 6, pid(6), "2020-01-01", htype="1")   # held by a person: silent
    _useapr(stg, "U7", 7, "2010-01-01", 900)
    food("F7", 7, "1234567897", "2020-01-01")        # resident tax in Y: silent
    stg.file("tax_assessment", DAY1, asmt_no="A7", tax_item_cd="301", party_type="2",
             party_id="1234567897", cause_dt=d("2024-07-01"))
    _useapr(stg, "U8", 8, "2010-01-01", 900)
    food("F8", 8, "1234567898", "2020-01-01")        # resident tax of 2025 only: fires
    stg.file("tax_assessment", DAY1, asmt_no="A8", tax_item_cd="301", party_type="2",
             party_id="1234567898", cause_dt=d("2025-01-01"))

    got = run(warehouse, "TAX-03")
    assert set(got) == {"F1|2024", "F3|2024", "F8|2024"}
    assert got["F1|2024"] == 82_875  # 331.5 x 250


def test_tax04_new_building_without_tax(stg: Staging, warehouse: str) -> None:
    _useapr(stg, "U1", 1, "2025-05-01", 100.01, owner=1)   # +60 = D: fires
    _useapr(stg, "U2", 2, "2025-05-02", 100, owner=2)      # +60 = D+1: silent
    _useapr(stg, "U3", 3, "2025-01-01", 100, owner=3)      # assessed 30 days after: silent
    stg.file("tax_assessment", DAY1, asmt_no="A3", party_id=pid(3), pnu=pnu(3), cause_dt=d("2025-01-31"))
    _useapr(stg, "U4", 4, "2025-01-01", 100, owner=4)      # assessed 31 days before: fires
    stg.file("tax_assessment", DAY1, asmt_no="A4", party_id=pid(4), pnu=pnu(4), cause_dt=d("2024-12-01"))
    _useapr(stg, "U5", None, "2025-01-01", 100, owner=5)   # block site: silent

    got = run(warehouse, "TAX-04")
    assert set(got) == {"U1", "U4"}
    assert got["U1"] == 2_520_252  # 100.01 x 900,000 x 2.8% = 2,520,252


def test_tax05_illegal_building(stg: Staging, warehouse: str) -> None:
    def viol(pk: str, n: int, day: str, area: float, owner: int, crct: str | None = None) -> None:
        stg.file("bld_violation", DAY1, viol_pk=pk, pnu=pnu(n), viol_day=d(day), viol_area=area,
                 ownr_gb_cd="1", ownr_id=pid(owner), crct_day=d(crct) if crct else None)

    viol("V1", 1, "2025-05-01", 10, 1)               # +60 = D: fires
    viol("V2", 2, "2025-05-02", 10, 2)               # +60 = D+1: silent
    viol("V3", 3, "2025-01-01", 0, 3)                # no area: silent
    viol("V4", 4, "2025-01-01", 10, 4, crct="2025-06-30")   # corrected on D: silent
    viol("V5", 5, "2025-01-01", 10, 5, crct="2025-07-01")   # corrected after D: fires
    viol("V6", 6, "2025-01-01", 10, 6)               # assessed exactly 365 days before: silent
    stg.file("tax_assessment", DAY1, asmt_no="A6", party_id=pid(6), pnu=pnu(6), cause_dt=d("2024-01-02"))
    viol("V7", 7, "2025-01-01", 10, 7)               # assessed 366 days before: fires
    stg.file("tax_assessment", DAY1, asmt_no="A7", party_id=pid(7), pnu=pnu(7), cause_dt=d("2024-01-01"))

    got = run(warehouse, "TAX-05")
    assert set(got) == {"V1", "V5", "V7"}
    assert got["V1"] == 252_000


def test_tax06_realname_violation(stg: Staging, warehouse: str) -> None:
    def viol(vid: str, n: int, dtct: str, who: int) -> None:
        stg.file("re_realname_viol", DAY1, viol_id=vid, pnu=pnu(n), party_id=pid(who), dtct_dt=d(dtct),
                 prop_value=123_456_789)

    viol("R1", 1, "2025-05-01", 1)                   # fires
    viol("R2", 2, "2025-05-02", 2)                   # +60 = D+1: silent
    viol("R3", 3, "2025-01-01", 3)                   # assessed exactly 5 years before: silent
    stg.file("tax_assessment", DAY1, asmt_no="A3", party_id=pid(3), pnu=pnu(3), cause_dt=d("2020-01-01"))
    viol("R4", 4, "2025-01-01", 4)                   # assessed 5 years + 1 day before: fires
    stg.file("tax_assessment", DAY1, asmt_no="A4", party_id=pid(4), pnu=pnu(4), cause_dt=d("2019-12-31"))

    got = run(warehouse, "TAX-06")
    assert set(got) == {"R1", "R4"}
    assert got["R1"] == 4_938_271


# ------------------------------------------------------------------ duties
@pytest.mark.parametrize(("sid", "ptype", "dcd"), [("DUTY-01", "ROAD", "R01"), ("DUTY-02", "RIVR", "V01"),
                                                   ("DUTY-03", "RVSF", "V02")])
def test_duty01_03_occupancy_fee_missing(stg: Staging, warehouse: str, sid: str, ptype: str, dcd: str) -> None:
    stg.db("civ_petition", DAY1, ptn_no="PT1", dept_cd="3000001", chrg_emp_no="000000042")

    def permit(no: str, strt: str, end: str | None, typ: str = ptype) -> None:
        stg.db("civ_permit", DAY1, prmt_no=no, prmt_type_cd=typ, pnu=pnu(1), area_m2=12.5, strt_dt=d(strt),
               end_dt=d(end) if end else None, ptn_no="PT1")

    def duty(no: str, basis: str, imps: str, code: str = dcd, status: str = "부과") -> None:
        stg.file("duty", DAY1, imps_no=no, duty_cd=code, basis_no=basis, imps_dt=d(imps), status=status)

    permit("M1", "2024-12-31", None)                 # one active day in 2024: fires
    permit("M2", "2020-01-01", "2023-12-31")         # ended before Y: silent
    permit("M3", "2025-01-01", None)                 # starts after Y: silent
    permit("M4", "2020-01-01", None)                 # fee imposed on Dec 31st of Y: silent
    duty("I4", "M4", "2024-12-31")
    permit("M5", "2020-01-01", "2024-03-01")         # fee of 2025 only: fires (61 days)
    duty("I5", "M5", "2025-01-02")
    permit("M6", "2020-01-01", None)                 # fee cancelled: fires
    duty("I6", "M6", "2024-05-01", status="취소")
    permit("M7", "2020-01-01", None)                 # another code's duty: fires
    duty("I7", "M7", "2024-05-01", code="P01")
    permit("M8", "2020-01-01", None, typ="ADVT")     # another permit type: silent

    got = run(warehouse, sid)
    assert set(got) == {"M1|2024", "M5|2024", "M6|2024", "M7|2024"}
    assert got["M1|2024"] == 1250                     # 12.5 m2 x 1 day x 100
    assert got["M5|2024"] == 76_250                   # 12.5 x 61 x 100 (2024 is a leap year)
    assert got["M7|2024"] == 12.5 * 366 * 100
    with psycopg.connect(warehouse) as conn:
        dept, officer = conn.execute("select dept_cd, officer_emp_no from monitoring.alert where subject = 'M1|2024'"
                                     ).fetchone()
    assert (dept, officer) == ("3000001", "000000042")


def test_duty04_fine_not_imposed(stg: Staging, warehouse: str) -> None:
    def insp(no: str, day: str, sanction: str = "FINE", amt: int = 500_000) -> None:
        stg.db("civ_inspection", DAY1, insp_no=no, prmt_no="X", insp_dt=d(day), sanction_cd=sanction,
               sanction_amt=amt)

    insp("S1", "2025-05-01")                         # +60 = D: fires
    insp("S2", "2025-05-02")                         # +60 = D+1: silent
    insp("S3", "2025-01-01", "WARN", 0)              # warning: silent
    insp("S4", "2025-01-01")                         # imposed 60 days after: silent
    stg.file("duty", DAY1, imps_no="I4", duty_cd="F01", basis_no="S4", imps_dt=d("2025-03-02"))
    insp("S5", "2025-01-01")                         # imposed 61 days after: fires
    stg.file("duty", DAY1, imps_no="I5", duty_cd="F01", basis_no="S5", imps_dt=d("2025-03-03"))

    got = run(warehouse, "DUTY-04")
    assert got == {"S1": 500_000, "S5": 500_000}


def test_duty05_public_property_use_fee(stg: Staging, warehouse: str) -> None:
    def use(no: str, strt: str, end: str | None, upd: dt.date = DAY1) -> None:
        stg.db("fin_pub_prop_use", upd, use_no=no, prop_no="P1", area_m2=3.3, strt_dt=d(strt),
               end_dt=d(end) if end else None, user_party_type="1", user_party_id=pid(1))

    use("N1", "2024-01-01", "2024-01-10")            # 10 days: fires
    use("N2", "2023-01-01", "2023-12-31")            # not in Y: silent
    use("N3", "2023-01-01", None)                    # fee imposed in Y: silent
    stg.file("duty", DAY1, imps_no="I3", duty_cd="P01", basis_no="N3", imps_dt=d("2024-01-01"))
    use("N4", "2030-01-01", None)                    # changed after D to start in 2024: silent as of D
    use("N4", "2024-01-01", None, upd=d("2025-07-01"))

    got = run(warehouse, "DUTY-05")
    assert got == {"N1|2024": 1650}                   # 3.3 x 10 x 50


def test_duty06_late_registration(stg: Staging, warehouse: str) -> None:
    def tr(tid: str, cntr: str, rgst: str) -> None:
        stg.file("re_transfer", DAY1, trnsf_id=tid, pnu=pnu(1), cntr_dt=d(cntr), rgst_dt=d(rgst), price=55_555_555)

    tr("T1", "2025-03-01", "2025-05-31")             # 91 days late, +30 = D: fires
    tr("T2", "2025-03-01", "2025-06-01")             # +30 = D+1: silent
    tr("T3", "2025-01-01", "2025-03-02")             # 60 days: silent
    tr("T4", "2025-01-01", "2025-03-03")             # 61 days: fires
    tr("T5", "2025-01-01", "2025-04-03")             # fined: silent
    stg.file("duty", DAY1, imps_no="I5", duty_cd="L01", basis_no="T5", imps_dt=d("2025-06-01"))

    got = run(warehouse, "DUTY-06")
    assert got == {"T1": 555_555, "T4": 555_555}


# ------------------------------------------------------------------ finance
def test_fin01_duplicate_payment(stg: Staging, warehouse: str) -> None:
    def pay(no: str, day: str, amt: int = 1_000_000, vndr: str = "V1", invc: str | None = None,
            biz: str = "B1", del_yn: str = "N") -> None:
        stg.db("fin_payment", DAY1, pay_no=no, pay_dt=d(day), pay_amt=amt, vndr_id=vndr, invc_no=invc,
               biz_cd=biz, dept_cd="3000001", aprv_emp_no="000000007", del_yn=del_yn)

    pay("Y1", "2025-01-01")
    pay("Y2", "2025-01-08")                          # 7 days later, same biz: fires
    pay("Y3", "2025-01-16")                          # 8 days after Y2: silent
    pay("Z1", "2025-02-01", invc="INV-1", biz="B1")
    pay("Z2", "2025-05-01", invc="INV-1", biz="B2")  # same invoice months later: fires
    pay("W1", "2025-02-01", biz="B9", vndr="V2")
    pay("W2", "2025-02-02", biz="B8", vndr="V2")     # other budget line, no invoice: silent
    pay("Q1", "2025-03-01", vndr="V3", del_yn="Y")
    pay("Q2", "2025-03-01", vndr="V3")               # the earlier one is cancelled: silent
    pay("E1", "2025-03-01", vndr="V4", amt=5)
    pay("E2", "2025-03-01", vndr="V4", amt=5)        # same day: the later pay_no fires

    got = run(warehouse, "FIN-01")
    # Y3 repeats Y2 (8 days) and Y1 (15 days), both beyond 7 days: it must not fire.
    assert got == {"Y2": 1_000_000, "Z2": 1_000_000, "E2": 5}


def test_fin02_contract_splitting(stg: Staging, warehouse: str) -> None:
    def cntr(no: str, day: str, amt: int, mthd: str = "30", dept: str = "3000001", vndr: str = "V1",
             del_yn: str = "N") -> None:
        stg.db("fin_contract", DAY1, cntr_no=no, cntr_dt=d(day), cntr_amt=amt, cntr_mthd_cd=mthd, dept_cd=dept,
               vndr_id=vndr, del_yn=del_yn, aprv_emp_no="000000009")

    # greedy: C1 starts a group taking C2 (30 days after); C3 (31 days) starts the next with C4.
    cntr("C1", "2025-01-01", 10_000_000)
    cntr("C2", "2025-01-31", 10_000_000)
    cntr("C3", "2025-02-01", 15_000_000)
    cntr("C4", "2025-02-20", 4_999_999)              # C3 + C4 = 19,999,999: under the threshold
    cntr("C5", "2025-02-21", 20_000_000)             # not under 20M: not eligible
    cntr("C6", "2025-02-21", 9_000_000, mthd="10")   # competitive: not eligible
    # another vendor: two contracts the same day, ordered by cntr_no
    cntr("D2", "2025-04-01", 12_000_000, vndr="V2")
    cntr("D1", "2025-04-01", 8_000_000, vndr="V2")
    cntr("D3", "2025-04-01", 9_000_000, vndr="V2", del_yn="Y")
    # another department, same vendor: separate
    cntr("E1", "2025-04-01", 12_000_000, dept="3000002")

    got = run(warehouse, "FIN-02")
    assert got == {"C1": 0, "D1": 0}


def test_fin03_payment_to_closed_vendor(stg: Staging, warehouse: str) -> None:
    stg.db("fin_vendor", DAY1, vndr_id="V1", brn="1234567891", biz_stat_cd="03", clsd_dt=d("2025-03-01"))
    stg.db("fin_vendor", DAY1, vndr_id="V2", brn="1234567892", biz_stat_cd="02", clsd_dt=d("2025-03-01"))
    stg.db("fin_vendor", DAY1, vndr_id="V3", brn="1234567893", biz_stat_cd="01")
    stg.db("fin_vendor", d("2025-07-01"), vndr_id="V3", brn="1234567893", biz_stat_cd="03",
           clsd_dt=d("2025-01-01"))                  # closed only in a version after D
    for no, vndr, day in [("P1", "V1", "2025-03-01"), ("P2", "V1", "2025-02-28"), ("P3", "V2", "2025-04-01"),
                          ("P4", "V3", "2025-04-01")]:
        stg.db("fin_payment", DAY1, pay_no=no, vndr_id=vndr, pay_dt=d(day), pay_amt=700)

    assert run(warehouse, "FIN-03") == {"P1": 700, "P3": 700}


def test_fin04_payments_exceed_contract(stg: Staging, warehouse: str) -> None:
    stg.db("fin_contract", DAY1, cntr_no="K1", cntr_amt=1000, cntr_dt=d("2025-01-01"))
    stg.db("fin_contract", d("2025-02-01"), cntr_no="K1", cntr_amt=900, cntr_dt=d("2025-01-01"))  # latest amount
    stg.db("fin_contract", DAY1, cntr_no="K2", cntr_amt=1000, cntr_dt=d("2025-01-01"))
    for no, k, amt, del_yn in [("P1", "K1", 500, "N"), ("P2", "K1", 450, "N"), ("P3", "K2", 600, "N"),
                               ("P4", "K2", 400, "N"), ("P5", "K2", 1, "Y")]:
        stg.db("fin_payment", DAY1, pay_no=no, cntr_no=k, pay_amt=amt, pay_dt=d("2025-03-01"), del_yn=del_yn)

    assert run(warehouse, "FIN-04") == {"K1": 50}


def _emp(stg: Staging, day: dt.date, emp_no: str, person: int, dept: str, status: str = "재직",
         retire: str | None = None, grade: int = 7, bank: str | None = None, acct: str | None = None) -> None:
    stg.file("hr_emp", day, emp_no=emp_no, rrn=pid(person), dept_cd=dept, status=status, grade=grade,
             retire_dt=d(retire) if retire else None, bank_cd=bank, acct_no=acct)


def test_fin05_vendor_run_by_employee(stg: Staging, warehouse: str) -> None:
    snap1, snap2 = d("2025-02-03"), d("2025-04-01")
    _emp(stg, snap1, "000000001", 1, "3000001")                       # in dept 1 throughout
    _emp(stg, snap2, "000000001", 1, "3000001")
    _emp(stg, snap1, "000000002", 2, "3000001")                       # moves to dept 2 on snap2
    _emp(stg, snap2, "000000002", 2, "3000002")
    _emp(stg, snap1, "000000003", 3, "3000001", status="휴직")         # on leave: an employee
    _emp(stg, snap1, "000000004", 4, "3000001", status="퇴직", retire="2024-12-31")  # retired
    for v, person in [("V1", 1), ("V2", 2), ("V3", 3), ("V4", 4), ("V5", 2)]:
        stg.db("fin_vendor", DAY1, vndr_id=v, brn=f"12345678{person:02d}", rep_rrn=pid(person), rep_rrn_status="valid")
    for no, v, day in [("K1", "V1", "2024-06-01"),   # before the first snapshot: the first one counts: fires
                       ("K2", "V2", "2025-03-31"),   # still in dept 1 that day: fires
                       ("K3", "V5", "2025-04-01"),   # moved to dept 2 that day: silent
                       ("K4", "V3", "2025-05-01"),   # on leave: fires
                       ("K5", "V4", "2025-05-01")]:  # retired: silent
        stg.db("fin_contract", DAY1, cntr_no=no, vndr_id=v, dept_cd="3000001", cntr_dt=d(day), cntr_amt=3_000_000)

    assert set(run(warehouse, "FIN-05")) == {"K1", "K2", "K4"}


# ------------------------------------------------------------------ hr
def test_hr01_pay_after_retirement(stg: Staging, warehouse: str) -> None:
    snap1, snap2 = d("2025-02-03"), d("2025-03-21")
    _emp(stg, snap1, "000000001", 1, "3000001")
    _emp(stg, snap2, "000000001", 1, "3000001", status="퇴직", retire="2025-02-28")  # known from Mar 21st
    _emp(stg, snap1, "000000002", 2, "3000001", status="퇴직", retire="2025-01-31")
    for ym, emp, day in [("202503", "000000001", "2025-03-20"),   # record on Mar 20th: not yet retired: silent
                         ("202504", "000000001", "2025-04-18"),   # fires
                         ("202501", "000000002", "2025-01-20"),   # before retirement: silent
                         ("202502", "000000002", "2025-02-20")]:  # fires
        stg.file("hr_pay", snap2, pay_ym=ym, emp_no=emp, gross_amt=3_210_000, pay_dt=d(day))

    assert run(warehouse, "HR-01") == {"000000001|202504": 3_210_000, "000000002|202502": 3_210_000}


def test_hr02_shared_bank_account(stg: Staging, warehouse: str) -> None:
    day = d("2025-03-20")
    for ym, emp, bank, acct in [("202503", "000000001", "004", "111-22"), ("202503", "000000002", "004", "111-22 "),
                                ("202502", "000000001", "004", "111-22"),   # alone that month: silent
                                ("202503", "000000003", "004", "11122"),    # compared as delivered: silent
                                ("202503", "000000004", "088", "999"),      # a vendor's account: fires
                                ("202503", "000000005", "020", "999")]:     # same number, other bank: silent
        stg.file("hr_pay", day, pay_ym=ym, emp_no=emp, gross_amt=1, pay_dt=day, bank_cd=bank, acct_no=acct)
    stg.db("fin_vendor", DAY1, vndr_id="V1", brn="1234567891", bank_cd="088", acct_no="999")

    assert set(run(warehouse, "HR-02")) == {"004|111-22|202503", "088|999|202503"}


# ------------------------------------------------------------------ civil
def test_civ01_late_disclosed_petition(stg: Staging, warehouse: str) -> None:
    stg.db("civ_proc_code", DAY1, proc_cd="P0001", legal_days=3, open_yn="Y")
    stg.db("civ_proc_code", DAY1, proc_cd="P0002", legal_days=3, open_yn="N")

    def ptn(no: str, rcpt: str, stat: str, cmpl: str | None = None, proc: str = "P0001") -> None:
        stg.db("civ_petition", DAY1, ptn_no=no, proc_cd=proc, rcpt_dtm=dt.datetime.fromisoformat(rcpt),
               stat_cd=stat, cmpl_dtm=dt.datetime.fromisoformat(cmpl) if cmpl else None, dept_cd="3000001",
               chrg_emp_no="000000005", due_dt=d("2030-01-01"))

    # Received Fri 2025-05-02 at 18:00; Mon May 5th (Children's Day) and Tue May 6th (substitute holiday
    # for Buddha's Birthday) are not business days: 3 business days after = Fri May 9th.
    ptn("N1", "2025-05-02 18:00", "END", "2025-05-09 17:00")         # on the due date: silent
    ptn("N2", "2025-05-02 09:00", "END", "2025-05-12 09:00")         # one day late: fires
    ptn("N3", "2025-05-02 09:00", "END", "2025-05-12 09:00", "P0002")  # undisclosed: silent
    ptn("N4", "2025-05-02 09:00", "WDR", "2025-06-01 09:00")         # withdrawn: silent
    ptn("N5", "2025-05-02 09:00", "END", "2025-05-14 09:00")         # one extension -> due May 14th: silent
    stg.db("civ_petition_step", DAY1, ptn_no="N5", step_seq=2, step_cd="EXTN")
    ptn("N6", "2025-06-24 09:00", "PRC")                             # due Fri Jun 27th, open on D: fires
    ptn("N7", "2025-06-25 09:00", "PRC")                             # due Mon Jun 30th = D: silent
    ptn("N8", "2025-05-02 09:00", "END", "2025-05-15 09:00")         # extension known only after D: fires
    stg.db("civ_petition_step", d("2025-07-01"), ptn_no="N8", step_seq=2, step_cd="EXTN")

    assert set(run(warehouse, "CIV-01")) == {"N2", "N6", "N8"}


def test_civ02_repeated_approvals(stg: Staging, warehouse: str) -> None:
    def ptn(no: str, cmpl: str, who: int = 1, emp: str = "000000005", rslt: str = "A") -> None:
        stg.db("civ_petition", DAY1, ptn_no=no, proc_cd="P0001", rcpt_dtm=dt.datetime(2020, 1, 1),
               apln_id=pid(who), chrg_emp_no=emp, stat_cd="END", rslt_cd=rslt,
               cmpl_dtm=dt.datetime.fromisoformat(cmpl), dept_cd="3000001")

    # applicant 1: A1 ... A2 and A3 within 365 days of A2, A1 too early: window starts at A2
    ptn("A1", "2022-01-01 10:00")
    ptn("A2", "2023-01-01 10:00")
    ptn("A3", "2023-06-01 10:00")
    ptn("A4", "2024-01-01 09:00")                    # exactly 365 days after A2: inside
    ptn("A5", "2024-01-02 10:00")
    # applicant 2: third approval 366 days after the first: silent
    ptn("B1", "2023-01-01 10:00", who=2)
    ptn("B2", "2023-06-01 10:00", who=2)
    ptn("B3", "2024-01-02 10:00", who=2)
    ptn("B4", "2023-07-01 10:00", who=2, rslt="R")   # rejected: not an approval
    # applicant 3 by another official each time: silent
    ptn("C1", "2024-01-01 10:00", who=3, emp="000000006")
    ptn("C2", "2024-01-02 10:00", who=3, emp="000000007")
    ptn("C3", "2024-01-03 10:00", who=3, emp="000000005")

    assert set(run(warehouse, "CIV-02")) == {"000000005|A2"}


def test_civ03_petition_by_employee_of_the_department(stg: Staging, warehouse: str) -> None:
    snap1, snap2 = d("2025-02-03"), d("2025-04-01")
    _emp(stg, snap1, "000000001", 1, "3000001")
    _emp(stg, snap2, "000000001", 1, "3000002")      # moved on Apr 1st
    _emp(stg, snap1, "000000002", 2, "3000001", status="퇴직", retire="2025-01-01")
    for no, who, rcpt, dept in [("R1", 1, "2025-03-31 23:00", "3000001"),   # fires
                                ("R2", 1, "2025-04-01 08:00", "3000001"),   # moved that day: silent
                                ("R3", 1, "2025-04-01 08:00", "3000002"),   # fires
                                ("R4", 2, "2025-03-01 08:00", "3000001")]:  # retired: silent
        stg.db("civ_petition", DAY1, ptn_no=no, apln_id=pid(who), rcpt_dtm=dt.datetime.fromisoformat(rcpt),
               dept_cd=dept, stat_cd="RCV", proc_cd="P0001")

    assert set(run(warehouse, "CIV-03")) == {"R1", "R3"}
