"""Field layouts of the CSV and JSON Lines systems (duties, hr, construction, realestate).

Each converter types one record into its staging columns, in the DDL order
of ``0003_staging.sql``. Party ids are turned into (pseudonym or BRN digits,
status) first, so even a record rejected for a later field never keeps a raw
RRN. Out-of-list codes, invalid ids and PNUs that are not 19 digits are
passed on as they are: the expectation suites quarantine them, so every
quarantine reason of that kind is an expectation.
"""

from __future__ import annotations

from typing import Any

from cheongbaek.ingest.parsers.common import (
    MAX_SMALLINT,
    Context,
    decimal,
    emp_no,
    free_text,
    integer,
    pnu_parts_value,
    pnu_value,
    text,
)
from cheongbaek.ingest.parsers.tabular import Layout

R = dict[str, Any]
Ids = list[tuple[str, str]]


# ------------------------------------------------------------------ duties (CP949, Korean headers)

DUTY_HEADERS = {
    "부과번호": "imps_no", "세입코드": "duty_cd", "납부자구분": "party_type", "납부자번호": "party_id",
    "납부자명": "party_nm", "필지번호": "pnu", "근거번호": "basis_no", "부과금액": "imps_amt", "부과일자": "imps_dt",
    "납기일자": "due_dt", "수납일자": "paid_dt", "상태": "status", "부서코드": "dept_cd",
}


def _duty(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    ptype = text(r["party_type"])
    pid, status = ctx.party(ptype, r["party_id"], ids)
    d = ctx.dates
    return (
        text(r["imps_no"]), text(r["duty_cd"]), ptype, pid, status, free_text(r["party_nm"], ctx.key),
        pnu_value(r["pnu"]), text(r["basis_no"]), integer(r["imps_amt"], "imps_amt", thousands=True),
        d.sep(r["imps_dt"], "imps_dt", "-"), d.sep(r["due_dt"], "due_dt", "-"), d.sep(r["paid_dt"], "paid_dt", "-"),
        text(r["status"]), text(r["dept_cd"]),
    )


DUTY = Layout(
    table="duty",
    columns=("imps_no", "duty_cd", "party_type", "party_id", "party_id_status", "party_nm", "pnu", "basis_no",
             "imps_amt", "imps_dt", "due_dt", "paid_dt", "status", "dept_cd"),
    fields=tuple(DUTY_HEADERS.values()),
    convert=_duty,
    aliases=DUTY_HEADERS,
)


# ------------------------------------------------------------------ hr (UTF-8 with BOM, YYYY.MM.DD)

def _hr_dept(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    return (text(r["dept_cd"]), free_text(r["dept_nm"], ctx.key), text(r["upper_dept_cd"]))


HR_DEPT = Layout(table="hr_dept", columns=("dept_cd", "dept_nm", "upper_dept_cd"),
                 fields=("dept_cd", "dept_nm", "upper_dept_cd"), convert=_hr_dept)


def _hr_emp(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    rrn, status = ctx.party("1", r["rrn"], ids)
    d = ctx.dates
    return (
        emp_no(r["emp_no"]), free_text(r["emp_nm"], ctx.key), rrn, status, text(r["dept_cd"]),
        integer(r["grade"], "grade", limit=MAX_SMALLINT + 1), text(r["title"]),
        d.sep(r["hire_dt"], "hire_dt", "."), d.sep(r["retire_dt"], "retire_dt", "."), text(r["status"]),
        text(r["bank_cd"]), text(r["acct_no"]), free_text(r["addr"], ctx.key),
    )


HR_EMP = Layout(
    table="hr_emp",
    columns=("emp_no", "emp_nm", "rrn", "rrn_status", "dept_cd", "grade", "title", "hire_dt", "retire_dt", "status",
             "bank_cd", "acct_no", "addr"),
    fields=("emp_no", "emp_nm", "rrn", "dept_cd", "grade", "title", "hire_dt", "retire_dt", "status", "bank_cd",
            "acct_no", "addr"),
    convert=_hr_emp,
)


def _hr_pay(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    return (
        text(r["pay_ym"]), emp_no(r["emp_no"]), integer(r["gross_amt"], "gross_amt", thousands=True),
        integer(r["net_amt"], "net_amt", thousands=True), ctx.dates.sep(r["pay_dt"], "pay_dt", "."),
        text(r["bank_cd"]), text(r["acct_no"]),
    )


HR_PAY = Layout(
    table="hr_pay",
    columns=("pay_ym", "emp_no", "gross_amt", "net_amt", "pay_dt", "bank_cd", "acct_no"),
    fields=("pay_ym", "emp_no", "gross_amt", "net_amt", "pay_dt", "bank_cd", "acct_no"),
    convert=_hr_pay,
)


# ------------------------------------------------------------------ construction (JSON Lines, all strings)

def _bld_permit(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    gb_type = text(r["ownrGbCd"])
    oid, status = ctx.party(gb_type, r["ownrId"], ids)
    d = ctx.dates
    return (
        text(r["mgmPmsrgstPk"]), text(r["sigunguCd"]), text(r["bjdongCd"]), text(r["platGbCd"]), text(r["bun"]),
        text(r["ji"]), pnu_parts_value(r["sigunguCd"], r["bjdongCd"], r["platGbCd"], r["bun"], r["ji"]),
        free_text(r["platPlc"], ctx.key), text(r["mainPurpsCd"]), text(r["mainPurpsCdNm"]),
        decimal(r["totArea"], "totArea"), d.ymd(r["archPmsDay"], "archPmsDay"), gb_type, oid, status,
        free_text(r["ownrNm"], ctx.key), text(r["stat"]), d.ymdhms(r["lastUpdDt"], "lastUpdDt"),
    )


BLD_PERMIT = Layout(
    table="bld_permit",
    columns=("mgm_pmsrgst_pk", "sigungu_cd", "bjdong_cd", "plat_gb_cd", "bun", "ji", "pnu", "plat_plc",
             "main_purps_cd", "main_purps_cd_nm", "tot_area", "arch_pms_day", "ownr_gb_cd", "ownr_id",
             "ownr_id_status", "ownr_nm", "stat", "last_upd_dt"),
    fields=("mgmPmsrgstPk", "sigunguCd", "bjdongCd", "platGbCd", "bun", "ji", "platPlc", "mainPurpsCd",
            "mainPurpsCdNm", "totArea", "archPmsDay", "ownrGbCd", "ownrId", "ownrNm", "stat", "lastUpdDt"),
    convert=_bld_permit,
)


def _bld_useapr(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    gb_type = text(r["ownrGbCd"])
    oid, status = ctx.party(gb_type, r["ownrId"], ids)
    d = ctx.dates
    return (
        text(r["mgmPmsrgstPk"]), d.ymd(r["useAprDay"], "useAprDay"), decimal(r["totArea"], "totArea"),
        text(r["mainPurpsCd"]), gb_type, oid, status, free_text(r["ownrNm"], ctx.key),
        d.ymdhms(r["lastUpdDt"], "lastUpdDt"),
    )


BLD_USEAPR = Layout(
    table="bld_useapr",
    columns=("mgm_pmsrgst_pk", "use_apr_day", "tot_area", "main_purps_cd", "ownr_gb_cd", "ownr_id", "ownr_id_status",
             "ownr_nm", "last_upd_dt"),
    fields=("mgmPmsrgstPk", "useAprDay", "totArea", "mainPurpsCd", "ownrGbCd", "ownrId", "ownrNm", "lastUpdDt"),
    convert=_bld_useapr,
)


def _bld_violation(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    gb_type = text(r["ownrGbCd"])
    oid, status = ctx.party(gb_type, r["ownrId"], ids)
    d = ctx.dates
    return (
        text(r["violPk"]), text(r["sigunguCd"]), text(r["bjdongCd"]), text(r["platGbCd"]), text(r["bun"]),
        text(r["ji"]), pnu_parts_value(r["sigunguCd"], r["bjdongCd"], r["platGbCd"], r["bun"], r["ji"]),
        d.ymd(r["violDay"], "violDay"), decimal(r["violArea"], "violArea"), free_text(r["violCn"], ctx.key),
        gb_type, oid, status, free_text(r["ownrNm"], ctx.key), d.ymd(r["crctDay"], "crctDay"),
        d.ymdhms(r["lastUpdDt"], "lastUpdDt"),
    )


BLD_VIOLATION = Layout(
    table="bld_violation",
    columns=("viol_pk", "sigungu_cd", "bjdong_cd", "plat_gb_cd", "bun", "ji", "pnu", "viol_day", "viol_area",
             "viol_cn", "ownr_gb_cd", "ownr_id", "ownr_id_status", "ownr_nm", "crct_day", "last_upd_dt"),
    fields=("violPk", "sigunguCd", "bjdongCd", "platGbCd", "bun", "ji", "violDay", "violArea", "violCn", "ownrGbCd",
            "ownrId", "ownrNm", "crctDay", "lastUpdDt"),
    convert=_bld_violation,
)


# ------------------------------------------------------------------ realestate (CP949, YYYY-MM-DD)

def _re_parcel(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    otype = text(r["owner_type"])
    oid, status = ctx.party(otype, r["owner_id"], ids)
    return (
        pnu_value(r["pnu"]), text(r["jimok"]), decimal(r["area_m2"], "area_m2"),
        integer(r["ofcl_price"], "ofcl_price", thousands=True), otype, oid, status,
        free_text(r["owner_nm"], ctx.key), text(r["public_yn"]), ctx.dates.sep(r["chg_dt"], "chg_dt", "-"),
    )


RE_PARCEL = Layout(
    table="re_parcel",
    columns=("pnu", "jimok", "area_m2", "ofcl_price", "owner_type", "owner_id", "owner_id_status", "owner_nm",
             "public_yn", "chg_dt"),
    fields=("pnu", "jimok", "area_m2", "ofcl_price", "owner_type", "owner_id", "owner_nm", "public_yn", "chg_dt"),
    convert=_re_parcel,
)


def _re_transfer(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    ftype, ttype = text(r["from_type"]), text(r["to_type"])
    fid, fstatus = ctx.party(ftype, r["from_id"], ids)
    tid, tstatus = ctx.party(ttype, r["to_id"], ids)
    d = ctx.dates
    return (
        text(r["trnsf_id"]), pnu_value(r["pnu"]), text(r["obj_type"]), d.sep(r["cntr_dt"], "cntr_dt", "-"),
        d.sep(r["rgst_dt"], "rgst_dt", "-"), integer(r["price"], "price", thousands=True), ftype, fid, fstatus,
        ttype, tid, tstatus, free_text(r["to_nm"], ctx.key), text(r["cause"]),
    )


RE_TRANSFER = Layout(
    table="re_transfer",
    columns=("trnsf_id", "pnu", "obj_type", "cntr_dt", "rgst_dt", "price", "from_type", "from_id", "from_id_status",
             "to_type", "to_id", "to_id_status", "to_nm", "cause"),
    fields=("trnsf_id", "pnu", "obj_type", "cntr_dt", "rgst_dt", "price", "from_type", "from_id", "to_type", "to_id",
            "to_nm", "cause"),
    convert=_re_transfer,
)


def _re_realname_viol(r: R, ctx: Context, ids: Ids) -> tuple[Any, ...]:
    ptype = text(r["party_type"])
    pid, status = ctx.party(ptype, r["party_id"], ids)
    return (
        text(r["viol_id"]), pnu_value(r["pnu"]), ptype, pid, status, free_text(r["party_nm"], ctx.key),
        ctx.dates.sep(r["dtct_dt"], "dtct_dt", "-"), integer(r["prop_value"], "prop_value", thousands=True),
    )


RE_REALNAME_VIOL = Layout(
    table="re_realname_viol",
    columns=("viol_id", "pnu", "party_type", "party_id", "party_id_status", "party_nm", "dtct_dt", "prop_value"),
    fields=("viol_id", "pnu", "party_type", "party_id", "party_nm", "dtct_dt", "prop_value"),
    convert=_re_realname_viol,
)
