"""The simulated world, read back with independent code: shapes, determinism, planted truth.

The rule checks below re-implement seven scenarios straight from the raw
deliveries (files and legacy databases), without the simulator's own code,
and must reproduce truth/alerts.csv exactly for those scenarios.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import defaultdict
from pathlib import Path

import holidays
import psycopg
import pytest

from cheongbaek import privacy
from cheongbaek.simulator import simulate

START = dt.date(2025, 1, 2)
DAYS = 10


def _drop_hash(drop: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(drop.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(drop)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _db_hash(uri: str, tables: list[str]) -> str:
    h = hashlib.sha256()
    with psycopg.connect(uri) as conn:
        for t in tables:
            for row in conn.execute(f"select * from {t} order by 1, 2"):
                h.update(repr(row).encode())
    return h.hexdigest()


FIN = ["ehojo.tb_budget", "ehojo.tb_vendor", "ehojo.tb_contract", "ehojo.tb_payment", "ehojo.tb_pub_prop",
       "ehojo.tb_pub_prop_use"]
CIV = ["saeol.proc_code", "saeol.petition", "saeol.petition_step", "saeol.permit", "saeol.inspection"]


@pytest.fixture(params=[(DAYS, "tiny")], ids=lambda p: f"{p[0]}d-{p[1]}")
def world(request: pytest.FixtureRequest, legacy_dbs: dict[str, str], drop_dir: Path, tmp_path: Path) -> dict:
    days, scale = request.param
    truth = tmp_path / "truth"
    summary = simulate(START, days, scale=scale, seed=7, truth_dir=truth)
    return {"summary": summary, "truth": truth, "drop": drop_dir, "dbs": legacy_dbs,
            "manifest": json.loads((truth / "manifest.json").read_text())}


def _folders(drop: Path, system: str, as_of: dt.date) -> list[Path]:
    return [p for p in sorted((drop / system).iterdir()) if (p / "_DONE").exists()
            and dt.date.fromisoformat(f"{p.name[:4]}-{p.name[4:6]}-{p.name[6:]}") <= as_of]


def _csv_rows(path: Path, encoding: str) -> list[dict[str, str]] | None:
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError:
        return None  # a corrupt file: rejected as a whole
    return list(csv.DictReader(io.StringIO(text)))


def test_shapes_and_determinism(world: dict) -> None:
    drop, truth, m = world["drop"], world["truth"], world["manifest"]
    as_of = dt.date.fromisoformat(m["as_of"])
    assert as_of == dt.date(2025, 1, 10)
    kr = holidays.country_holidays("KR")
    for system in ("tax", "duties", "hr", "construction", "realestate"):
        for folder in (drop / system).iterdir():
            d = dt.date(int(folder.name[:4]), int(folder.name[4:6]), int(folder.name[6:]))
            assert d.weekday() < 5 and d not in kr
    # every tax file: 200-byte records + CRLF, trailer count/sum (except the planted corrupt one)
    corrupt = {r["file_or_table"] for r in csv.DictReader(open(truth / "defects.csv", encoding="utf-8"))
               if r["expected_handling"] == "reject_file"}
    for f in (drop / "tax").rglob("*.dat"):
        lines = f.read_bytes().split(b"\r\n")
        assert lines[-1] == b""
        body = lines[:-1]
        assert body[0][:1] == b"H" and body[-1][:1] == b"T"
        details = [x for x in body if x[:1] == b"D"]
        total = sum(int(x[110:125]) for x in details)
        count = int(body[-1][1:10])
        sign = -1 if body[-1][10:11] == b"-" else 1
        s = sign * int(body[-1][10:28].lstrip(b"-"))
        if f.name in corrupt:
            assert count != len(details)
        else:
            assert count == len(details) and s == total
            assert sum(1 for x in details if len(x) != 200) <= 1  # one planted wrong-length record at most
    # duties: quoted Korean header
    first = sorted((drop / "duties").iterdir())[0]
    head = (first / f"DUTY_{first.name}.csv").read_bytes().split(b"\r\n")[0].decode("cp949")
    assert head.startswith('"부과번호","세입코드","납부자구분","납부자번호"')
    hr = sorted((drop / "hr").iterdir())[0]
    assert (hr / "HR_EMP.csv").read_bytes().startswith(b"\xef\xbb\xbfemp_no,")
    for line in (sorted((drop / "construction").iterdir())[0] / "bld_permit.jsonl").read_text().splitlines():
        assert all(isinstance(v, str) for v in json.loads(line).values())
    # no raw RRN in the truth
    for p in truth.glob("*.csv"):
        assert privacy.RRN_SHAPED.search(p.read_text(encoding="utf-8")) is None
    # the same seed gives the same bytes
    h1 = _drop_hash(drop), _db_hash(world["dbs"]["finance"], FIN), _db_hash(world["dbs"]["civil"], CIV)
    alerts1 = (truth / "alerts.csv").read_bytes()
    simulate(START, DAYS, scale="tiny", seed=7, truth_dir=truth)
    h2 = _drop_hash(drop), _db_hash(world["dbs"]["finance"], FIN), _db_hash(world["dbs"]["civil"], CIV)
    assert h1 == h2
    assert (truth / "alerts.csv").read_bytes() == alerts1
    # every scenario has at least two planted true cases
    assert set(m["alerts_per_scenario"]) == {
        "TAX-01", "TAX-02", "TAX-03", "TAX-04", "TAX-05", "TAX-06", "DUTY-01", "DUTY-02", "DUTY-03", "DUTY-04",
        "DUTY-05", "DUTY-06", "FIN-01", "FIN-02", "FIN-03", "FIN-04", "FIN-05", "HR-01", "HR-02", "CIV-01", "CIV-02",
        "CIV-03"}
    assert min(m["alerts_per_scenario"].values()) >= 2


def _bdays_after(d: dt.date, n: int) -> dt.date:
    kr = holidays.country_holidays("KR")
    while n:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in kr:
            n -= 1
    return d


@pytest.mark.parametrize("world", [(DAYS, "tiny"), (45, "tiny")], indirect=True, ids=["10d", "45d-payday-seollal"])
def test_rules_recomputed_from_raw_data(world: dict) -> None:
    drop, truth, dbs = world["drop"], world["truth"], world["dbs"]
    D = dt.date.fromisoformat(world["manifest"]["as_of"])
    got: set[tuple[str, str, int]] = set()
    # ---------------- finance
    with psycopg.connect(dbs["finance"]) as conn:
        pays = conn.execute("select pay_no, vndr_id, pay_amt, invc_no, pay_dt, biz_cd, cntr_no from ehojo.tb_payment "
                            "where del_yn = 'N' order by pay_dt, pay_no").fetchall()
        vendors = {r[0]: r for r in conn.execute("select vndr_id, biz_stat_cd, clsd_dt from ehojo.tb_vendor")}
        contracts = conn.execute("select cntr_no, cntr_amt from ehojo.tb_contract where del_yn = 'N'").fetchall()
    for i, (no, v, amt, invc, pdt, biz, _) in enumerate(pays):  # FIN-01
        for _no0, v0, amt0, invc0, pdt0, biz0, _ in pays[:i]:
            if v0 == v and amt0 == amt and ((invc and invc0 == invc) or
                                             (abs((pdt - pdt0).days) <= 7 and biz0 == biz)):
                got.add(("FIN-01", no, int(amt)))
                break
    for no, v, amt, _, pdt, _, _ in pays:  # FIN-03
        vend = vendors.get(v)
        if vend and vend[1] in ("02", "03") and vend[2] and pdt >= vend[2]:
            got.add(("FIN-03", no, int(amt)))
    paid: dict[str, int] = defaultdict(int)
    for _no, _, amt, _, _, _, cntr in pays:
        if cntr:
            paid[cntr] += int(amt)
    for cntr, camt in contracts:  # FIN-04
        if paid[cntr] > camt:
            got.add(("FIN-04", cntr, paid[cntr] - int(camt)))
    # ---------------- civil
    with psycopg.connect(dbs["civil"]) as conn:
        procs = {r[0]: r for r in conn.execute("select proc_cd, legal_days, open_yn from saeol.proc_code")}
        ptns = conn.execute("select ptn_no, proc_cd, rcpt_dtm, stat_cd, cmpl_dtm from saeol.petition "
                            "where upd_dtm < %s", (D + dt.timedelta(days=1),)).fetchall()
        extn = dict(conn.execute("select ptn_no, count(*) from saeol.petition_step where step_cd = 'EXTN' "
                                 "group by ptn_no").fetchall())
        fines = conn.execute("select insp_no, insp_dt, sanction_amt from saeol.inspection "
                             "where sanction_cd = 'FINE'").fetchall()
    for no, proc, rcpt, stat, cmpl in ptns:  # CIV-01
        legal, open_yn = procs[proc][1], procs[proc][2]
        if open_yn != "Y" or stat == "WDR":
            continue
        due = _bdays_after(rcpt.date(), legal * (1 + extn.get(no, 0)))
        if (stat == "END" and cmpl.date() > due) or (stat != "END" and D > due):
            got.add(("CIV-01", no, 0))
    # ---------------- duties (newest delivery per imps_no, complete folders, readable files)
    duties: dict[str, dict[str, str]] = {}
    for folder in _folders(drop, "duties", D):
        rows = _csv_rows(folder / f"DUTY_{folder.name}.csv", "cp949")
        for r in rows or []:
            duties[r["부과번호"]] = r
    live = [r for r in duties.values() if r["상태"] != "취소"]
    for insp, idt, amt in fines:  # DUTY-04
        if idt + dt.timedelta(days=60) > D:
            continue
        ok = any(r["세입코드"] == "F01" and r["근거번호"] == insp and
                 abs((dt.date.fromisoformat(r["부과일자"]) - idt).days) <= 60 for r in live)
        if not ok:
            got.add(("DUTY-04", insp, int(amt)))
    transfers: dict[str, dict[str, str]] = {}
    for folder in _folders(drop, "realestate", D):
        rows = _csv_rows(folder / f"RE_TRANSFER_{folder.name}.csv", "cp949")
        for r in rows or []:
            transfers[r["trnsf_id"]] = r
    for tid, r in transfers.items():  # DUTY-06
        try:
            cntr, rgst = dt.date.fromisoformat(r["cntr_dt"]), dt.date.fromisoformat(r["rgst_dt"])
        except ValueError:
            continue
        if (rgst - cntr).days > 60 and rgst + dt.timedelta(days=30) <= D:
            if not any(x["세입코드"] == "L01" and x["근거번호"] == tid for x in live):
                got.add(("DUTY-06", tid, int(r["price"]) // 100))
    # ---------------- hr payroll (HR-02)
    pay_rows: dict[tuple[str, str], dict[str, str]] = {}
    for folder in _folders(drop, "hr", D):
        for f in sorted(folder.glob("HR_PAY_*.csv")):
            for r in _csv_rows(f, "utf-8-sig") or []:
                pay_rows[(r["pay_ym"], r["emp_no"])] = r
    vendor_accts = {(b.strip(), a.strip()) for b, a in psycopg.connect(dbs["finance"]).execute(
        "select bank_cd, acct_no from ehojo.tb_vendor").fetchall()}
    by_acct: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for (ym, emp), r in pay_rows.items():
        by_acct[(r["bank_cd"].strip(), r["acct_no"].strip(), ym)].add(emp)
    for (bank, acct, ym), emps in by_acct.items():
        if len(emps) >= 2 or (bank, acct) in vendor_accts:
            got.add(("HR-02", f"{bank}|{acct}|{ym}", 0))
    checked = {"FIN-01", "FIN-03", "FIN-04", "CIV-01", "DUTY-04", "DUTY-06", "HR-02"}
    with open(truth / "alerts.csv", encoding="utf-8") as f:
        expected = {(r["scenario_id"], r["subject"], int(r["estimate_krw"])) for r in csv.DictReader(f)
                    if r["scenario_id"] in checked}
    assert got == expected
    near = {(r["scenario_id"], r["subject"]) for r in csv.DictReader(open(truth / "near_misses.csv", encoding="utf-8"))}
    assert not {(a, b) for a, b, _ in got} & near


def _pnu19(text: str | None) -> str | None:
    """A PNU as 19 digits (hyphenated ``LLLLLLLLLL-K-BBBB-JJJJ`` accepted); None when it is not one."""
    t = (text or "").strip()
    parts = t.split("-")
    if len(parts) == 4 and [len(x) for x in parts] == [10, 1, 4, 4]:
        t = "".join(parts)
    return t if len(t) == 19 and t.isascii() and t.isdigit() else None


@pytest.mark.parametrize("world", [(DAYS, "tiny"), (45, "tiny")], indirect=True, ids=["10d", "45d"])
def test_every_pnu_is_in_the_land_register(world: dict) -> None:
    """The first delivery carries the whole land register: every parcel any system names has its record.

    Only the planted ``orphan_parcel`` references (truth/defects.csv) name a
    parcel the register never had. Block sites have no PNU; malformed PNUs
    (planted quarantines) are not parcels.
    """
    drop, truth, dbs = world["drop"], world["truth"], world["dbs"]
    D = dt.date.fromisoformat(world["manifest"]["as_of"])
    planted = [r for r in csv.DictReader(open(truth / "defects.csv", encoding="utf-8"))
               if r["defect_class"] == "orphan_parcel"]
    assert {(r["system"], r["expected_handling"]) for r in planted} == {("tax", "orphan_flag"),
                                                                      ("duties", "orphan_flag")}
    orphan_keys = {r["line_or_key"].rsplit(" ", 1)[1].rstrip(")") for r in planted}
    register: set[str] = set()
    for folder in _folders(drop, "realestate", D):
        rows = _csv_rows(folder / f"RE_PARCEL_{folder.name}.csv", "cp949")
        if not rows or "chg_dt" not in rows[0]:
            continue  # quiet, or the planted file without chg_dt (rejected)
        register |= {p for r in rows if (p := _pnu19(r["pnu"]))}
    refs: dict[str, set[str]] = defaultdict(set)
    orphans: dict[str, str] = {}

    def see(where: str, key: str, text: str | None) -> None:
        pnu = _pnu19(text)
        if pnu is None:
            return
        if key in orphan_keys:
            orphans[key] = pnu
        else:
            refs[where].add(pnu)

    for folder in _folders(drop, "tax", D):
        for f in folder.glob("TAXASMT_*.dat"):
            for line in f.read_bytes().split(b"\r\n"):
                if line[:1] == b"D":
                    see("tax", line[1:19].decode("ascii").strip(), line[76:95].decode("ascii"))
    for folder in _folders(drop, "duties", D):
        for r in _csv_rows(folder / f"DUTY_{folder.name}.csv", "cp949") or []:
            see("duties", r["부과번호"], r["필지번호"])
    for folder in _folders(drop, "realestate", D):
        for stem, key in (("RE_TRANSFER", "trnsf_id"), ("RE_REALNAME_VIOL", "viol_id")):
            for r in _csv_rows(folder / f"{stem}_{folder.name}.csv", "cp949") or []:
                see(stem, r[key], r["pnu"])
    for folder in _folders(drop, "construction", D):
        for stem, key in (("bld_permit", "mgmPmsrgstPk"), ("bld_violation", "violPk")):
            for line in (folder / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines():
                o = json.loads(line)
                kind = {"0": "1", "1": "2"}.get(o.get("platGbCd", ""))  # 2: a block site, no PNU
                if kind:
                    see(stem, o[key], o["sigunguCd"] + o["bjdongCd"] + kind + o["bun"] + o["ji"])
    with psycopg.connect(dbs["finance"]) as conn:
        for key, pnu in conn.execute("select prop_no, pnu from ehojo.tb_pub_prop"):
            see("tb_pub_prop", key, pnu)
    with psycopg.connect(dbs["civil"]) as conn:
        for table, key in (("petition", "ptn_no"), ("permit", "prmt_no")):
            for k, pnu in conn.execute(f"select {key}, pnu from saeol.{table}"):
                see(table, k, pnu)
    assert {"tax", "duties", "RE_TRANSFER", "bld_permit", "tb_pub_prop", "petition", "permit"} <= set(refs)
    missing = {where: sorted(p - register) for where, p in refs.items() if p - register}
    assert not missing, f"PNUs absent from RE_PARCEL: {missing}"
    assert set(orphans) == orphan_keys  # each planted orphan is delivered with its PNU
    assert not set(orphans.values()) & register
