"""Every scenario of the book over hand-made staging fixtures: true cases fire,
near misses at the window edges stay silent. D = 2025-06-30, so Y = 2024."""

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

    def file(self, table: str, day: dt.date, status: str = "loaded", **cols: Any) -> None:
        """A file record delivered in the day folder ``day`` (one batch a table, day and status)."""
        key = (table, day, status)
        if key not in self.batches:
            self.batches[key] = self.batch(_SYSTEM[table], f"{table}_{day:%Y%m%d}", day, status)
        row = {**_FILE_DEFAULTS[table], **cols, "batch_id": self.batches[key], "delivery_date": day,
               "line_no": next(self.lines)}
        if table.startswith("bld_") and "ownr_id" in row:
            row.setdefault("ownr_id_status", "valid")
        if table == "re_transfer" and "to_id" in row:
            row.setdefault("to_id_status", "valid")
        self._insert(table, row)

    def db(self, table: str, upd: dt.date | dt.datetime, status: str = "loaded", **cols: Any) -> None:
        """A database row version with its upd_dt/upd_dtm."""
        key = (table, dt.date(2000, 1, 1), status)
        if key not in self.batches:
            system = "finance" if table.startswith("fin_") else "civil"
            self.batches[key] = self.batch(system, table, DAY1, status)
        stamp = upd if isinstance(upd, dt.datetime) else dt.datetime.combine(upd, dt.time(12))
        upd_col = "upd_dt" if table.startswith("fin_") else "upd_dtm"
        row = {**_DB_DEFAULTS[table], **cols, "batch_id": self.batches[key]}
        if table != "civ_proc_code":
            row[upd_col] = stamp
        self._insert(table, row)

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


def run(uri: str, scenario_id: str, as_of: dt.date = D) -> dict[str, int]:
    from cheongbaek.scenarios.runner import run_scenarios

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
