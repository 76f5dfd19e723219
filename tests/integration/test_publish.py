"""Publication of OPEN petitions and Clean Finance on a hand-made staging world,
reconciled into core (which the publication reads).

The fixture is small enough to work every expected value out by hand (the
comments say how), and holds every trap disclosure.md names: a memo with an
RRN and an address, person and business applicants, an applicant who is also
an official, an official unknown to HR, a closed procedure, a failed batch,
versions after D, cancelled contracts and payments.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest

from cheongbaek.privacy import pseudonym

pytestmark = pytest.mark.integration

D = dt.date(2025, 3, 14)  # a Friday; 2025-03-03 is the substitute holiday of 3-1
SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference"
P1, P2, P3 = pseudonym("9001011234568"), pseudonym("8505052345678"), pseudonym("7707071234567")

FIXTURE = f"""
insert into audit.batch (batch_id, system, source_name, delivery_date, logical_date, status) values
 (1, 'hr', 'HR_DEPT.csv', '2025-03-03', '2025-03-03', 'loaded'),
 (2, 'hr', 'HR_EMP.csv', '2025-03-03', '2025-03-03', 'loaded'),
 (3, 'hr', 'HR_EMP.csv', '2025-03-04', '2025-03-04', 'loaded'),
 (4, 'hr', 'HR_EMP.csv', '2025-03-20', '2025-03-20', 'loaded'),
 (5, 'civil', 'saeol.proc_code', null, '2025-03-03', 'loaded'),
 (6, 'civil', 'saeol.petition', null, '2025-03-14', 'loaded'),
 (7, 'civil', 'saeol.petition_step', null, '2025-03-14', 'loaded'),
 (8, 'finance', 'ehojo', null, '2025-03-14', 'loaded'),
 (9, 'civil', 'saeol.petition', null, '2025-03-14', 'failed'),
 (10, 'hr', 'HR_PAY_202502.csv', '2025-02-20', '2025-02-20', 'loaded'),
 (11, 'tax', 'TAXASMT_20250303.dat', '2025-03-03', '2025-03-03', 'loaded');

insert into staging.hr_dept values
 (1, '2025-03-03', 1, '1000001', '도로관리과', null),
 (1, '2025-03-03', 2, '1000002', '복지정책과', null),
 (1, '2025-03-03', 3, '1000003', '교통행정과', null);

-- emp 101: title 주무관 on 3-3, 팀장 on 3-4 (newest <= D), 과장 on 3-20 (after D).
-- emp 102 (남궁민수) is also the applicant of petition 2025-0003.
insert into staging.hr_emp values
 (2, '2025-03-03', 1, '000000101', '김공무', '{P1}', 'valid', '1000001', 7, '주무관', '2015-03-02', null, '재직',
  '004', '110-123-456789', '서울특별시 강남구 테헤란로 152'),
 (3, '2025-03-04', 1, '000000101', '김공무', '{P1}', 'valid', '1000001', 6, '팀장', '2015-03-02', null, '재직',
  '004', '110-123-456789', '서울특별시 강남구 테헤란로 152'),
 (3, '2025-03-04', 2, '000000102', '남궁민수', '{P2}', 'valid', '1000003', 8, '주무관', '2020-03-02', null, '재직',
  '011', '352-0987-6543-21', '서울특별시 마포구 월드컵로 212'),
 (4, '2025-03-20', 1, '000000101', '김공무', '{P1}', 'valid', '1000001', 5, '과장', '2015-03-02', null, '재직',
  '004', '110-123-456789', '서울특별시 강남구 테헤란로 152');

insert into staging.hr_pay values
 (10, '2025-02-20', 1, '202502', '000000101', 3512340, 2987650, '2025-02-20', '004', '110-123-456789');

insert into staging.tax_assessment values
 (11, '2025-03-03', 1, 'TX2025000000000001', '201', '1', '{P3}', 'valid', '최납세', '1168010100100120003',
  123400000, 2345670, '2025-01-01', '2025-03-03', '2025-03-31', null, '01', '1000002');

insert into staging.civ_proc_code values
 (5, 'CON01', 'CON', 'Compensation', 5, 'Y'),
 (5, 'TRN01', 'TRN', 'Transportation Impact Assessment', 7, 'Y'),
 (5, 'ADM99', 'ADM', 'Internal review', 10, 'N');

insert into staging.civ_petition values
 -- completed, person applicant, parcel in 종로구
 (6, '2025-0001', 'CON01', '2025-02-28 10:00', '1', '{P3}', 'valid', '홍길동', '서울특별시 종로구 세종대로 110',
  '1111010100100010000', '1000001', '000000101', '2025-03-05', 'END', 'A', '2025-03-07 15:00', '2025-03-07 15:00'),
 -- in process, business applicant, no parcel, official unknown to HR, one extension
 (6, '2025-0002', 'CON01', '2025-03-04 09:00', '2', '1234567891', 'brn', '(주)한빛건설', '서울특별시 중구 을지로 100',
  null, '1000001', '000000999', '2025-03-09', 'PRC', null, null, '2025-03-10 11:00'),
 -- received, applicant who is also an official; a later version after D must not count
 (6, '2025-0003', 'TRN01', '2025-02-20 17:30', '1', '{P2}', 'valid', '남궁민수', '서울특별시 마포구 월드컵로 212',
  '1168010100100020000', '1000003', '000000102', '2025-02-27', 'RCV', null, null, '2025-02-20 17:30'),
 (6, '2025-0003', 'TRN01', '2025-02-20 17:30', '1', '{P2}', 'valid', '남궁민수', '서울특별시 마포구 월드컵로 212',
  '1168010100100020000', '1000003', '000000102', '2025-02-27', 'END', 'R', '2025-03-20 10:00', '2025-03-20 10:00'),
 -- a procedure not disclosed
 (6, '2025-0004', 'ADM99', '2025-03-05 09:00', '1', '{P1}', 'valid', '김철수', '서울특별시 중구 세종대로 1',
  null, '1000002', '000000101', '2025-03-15', 'PRC', null, null, '2025-03-05 09:00'),
 -- withdrawn, two-character name
 (6, '2025-0006', 'TRN01', '2025-03-04 09:00', '1', '{P1}', 'valid', '이수', '서울특별시 강남구 역삼동 123-4',
  '1168010100100030000', '1000003', '000000102', '2025-03-11', 'WDR', null, '2025-03-05 16:00', '2025-03-05 16:00');

insert into staging.civ_petition values
 (9, '2025-0005', 'CON01', '2025-03-06 09:00', '1', '{P1}', 'valid', '박실패', null,
  null, '1000001', '000000101', '2025-03-11', 'RCV', null, null, '2025-03-06 09:00');

insert into staging.civ_petition_step values
 (7, '2025-0001', 1, 'RCPT', '2025-02-28 10:00', '000000101', '1000001', '접수 완료', '2025-02-28 10:00'),
 (7, '2025-0001', 2, 'REVW', '2025-03-04 14:00', '000000101', '1000001',
  '신청인 주민번호 900101-1234568 확인, 주소 서울특별시 종로구 세종대로 110 방문', '2025-03-04 14:00'),
 (7, '2025-0001', 3, 'DCSN', '2025-03-06 11:00', '000000101', '1000001', null, '2025-03-06 11:00'),
 (7, '2025-0001', 4, 'NOTI', '2025-03-07 15:00', '000000101', '1000001', null, '2025-03-07 15:00'),
 (7, '2025-0002', 1, 'RCPT', '2025-03-04 09:00', '000000999', '1000001', null, '2025-03-04 09:00'),
 (7, '2025-0002', 2, 'REVW', '2025-03-05 10:00', '000000101', '1000001', '현장 확인 필요', '2025-03-05 10:00'),
 (7, '2025-0002', 3, 'EXTN', '2025-03-10 11:00', '000000101', '1000001', '보완 요청', '2025-03-10 11:00'),
 (7, '2025-0003', 1, 'RCPT', '2025-02-20 17:30', '000000102', '1000003', null, '2025-02-20 17:30'),
 (7, '2025-0003', 2, 'DCSN', '2025-03-20 10:00', '000000102', '1000003', null, '2025-03-20 10:00'),
 (7, '2025-0006', 1, 'RCPT', '2025-03-04 09:00', '000000102', '1000003', null, '2025-03-04 09:00');

insert into staging.fin_budget values
 (8, 2025, 'B001', '1000001', '도로 정비', 1000000000, 200000000, '2025-01-02 09:00'),
 (8, 2025, 'B001', '1000001', '도로 정비', 1000000000, 300000000, '2025-03-10 09:00'),
 (8, 2025, 'B001', '1000001', '도로 정비', 1000000000, 999, '2025-03-20 09:00'),
 (8, 2025, 'B002', '1000002', '복지 지원', 500000000, 0, '2025-01-02 09:00');

insert into staging.fin_vendor values
 (8, 'V001', '1234567891', '(주)한빛건설', '박대표', '{P1}', 'valid', '서울특별시 중구 세종대로 1', '004',
  '123-45-678901', '01', null, '2025-01-02 09:00');

insert into staging.fin_contract values
 (8, 'C001', 2025, '1000001', 'B001', '도로 포장 공사', '10', 'V001', 800000000, '2025-01-15', '2025-02-01',
  '2025-06-30', '000000101', 'N', '2025-01-15 09:00'),
 (8, 'C002', 2025, '1000001', 'B001', '취소된 공사', '30', 'V001', 50000000, '2025-02-01', '2025-02-01',
  '2025-03-31', '000000101', 'N', '2025-02-01 09:00'),
 (8, 'C002', 2025, '1000001', 'B001', '취소된 공사', '30', 'V001', 50000000, '2025-02-01', '2025-02-01',
  '2025-03-31', '000000101', 'Y', '2025-03-05 09:00'),
 (8, 'C003', 2025, '1000002', 'B002', '복지 시스템 유지보수', '20', 'V001', 30000000, '2025-02-10', '2025-02-10',
  '2025-12-31', '000000101', 'N', '2025-02-10 09:00'),
 (8, 'C003', 2025, '1000002', 'B002', '복지 시스템 유지보수', '20', 'V001', 30000000, '2025-02-10', '2025-02-10',
  '2025-12-31', '000000101', 'Y', '2025-03-20 09:00');

insert into staging.fin_payment values
 (8, 'PAY1', 2025, '1000001', 'B001', 'C001', 'V001', 'INV1', 100000000, '2025-02-15', '004', '123-45-678901',
  '000000101', 'N', '2025-02-15 09:00'),
 (8, 'PAY2', 2025, '1000001', 'B001', 'C001', 'V001', 'INV2', 50000000, '2025-03-10', '004', '123-45-678901',
  '000000101', 'N', '2025-03-10 09:00'),
 (8, 'PAY3', 2025, '1000001', 'B001', 'C001', 'V001', 'INV3', 70000000, '2025-03-11', '004', '123-45-678901',
  '000000101', 'N', '2025-03-11 09:00'),
 (8, 'PAY3', 2025, '1000001', 'B001', 'C001', 'V001', 'INV3', 70000000, '2025-03-11', '004', '123-45-678901',
  '000000101', 'Y', '2025-03-12 09:00'),
 (8, 'PAY4', 2025, '1000002', 'B002', null, 'V001', null, 20000000, '2025-03-02', '004', '123-45-678901',
  '000000101', 'N', '2025-03-02 09:00'),
 (8, 'PAY5', 2025, '1000001', 'B001', 'C001', 'V001', 'INV5', 30000000, '2025-03-17', '004', '123-45-678901',
  '000000101', 'N', '2025-03-17 09:00');
"""


@pytest.fixture
def world(warehouse: str, publish_dir: Path) -> str:
    """The fixture staged, then reconciled into core (which the publication reads), as the pipeline chains them."""
    from cheongbaek.reconcile.runner import reconcile

    with psycopg.connect(warehouse) as conn:
        conn.execute(FIXTURE)
    reconcile(D)
    return warehouse


def _csv(folder: Path, name: str) -> dict[str, dict[str, str]]:
    with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    key = {"open_petition_steps": lambda r: f"{r['ptn_no']}#{r['step_seq']}",
           "finance_budget_execution": lambda r: r["biz_cd"],
           "finance_payments_monthly": lambda r: f"{r['pay_month']}/{r['biz_cd']}"}.get(name)
    if key is None:
        first = next(iter(rows[0])) if rows else "x"
        return {r[first]: r for r in rows}
    return {key(r): r for r in rows}


def test_publication_contents(world: str, publish_dir: Path) -> None:
    from cheongbaek.publish.runner import publish

    summary = publish(D)
    folder = Path(summary["folder"])
    assert (publish_dir / "latest").resolve() == folder
    assert folder.name == "2025-03-14-1"
    assert summary["rows"] == {"open_procedures": 2, "open_petitions": 4, "open_petition_steps": 9,
                               "finance_budget_execution": 2, "finance_contracts": 2,
                               "finance_payments_monthly": 3}
    assert set(summary["checks"]) == {"frictionless", "parquet", "ocds", "privacy_guard"}

    procs = _csv(folder, "open_procedures")
    assert procs["CON01"]["standard_flow"] == "RCPT>REVW>DCSN>NOTI"  # observed on 2025-0001
    assert procs["CON01"]["flow_basis"] == "observed"
    assert procs["CON01"]["standard_flow_names"] == "reception > review > decision > notification"
    assert procs["CON01"]["sector_nm"] == "Construction"
    assert procs["TRN01"]["flow_basis"] == "default"
    assert "ADM99" not in procs

    ptn = _csv(folder, "open_petitions")
    assert set(ptn) == {"2025-0001", "2025-0002", "2025-0003", "2025-0006"}
    p1 = ptn["2025-0001"]
    # received Fri 2-28; 3-3 is a holiday: 5 business days after = 3-4,5,6,7,10
    assert (p1["due_dt"], p1["cmpl_dt"], p1["bdays_elapsed"], p1["overdue"]) == ("2025-03-10", "2025-03-07", "4", "false")
    assert (p1["status"], p1["result"], p1["current_step_cd"]) == ("completed", "approved", "NOTI")
    assert (p1["official_nm"], p1["official_title"], p1["dept_nm"]) == ("김공무", "팀장", "도로관리과")
    assert (p1["applicant"], p1["district"]) == ("홍*동", "종로구")
    p2 = ptn["2025-0002"]
    # one EXTN: 10 business days after Tue 3-4 = 3-18; open: elapsed 3-5..3-14 = 8
    assert (p2["due_dt"], p2["bdays_elapsed"], p2["overdue"], p2["status"]) == ("2025-03-18", "8", "false", "in process")
    assert (p2["current_step_nm"], p2["official_nm"], p2["official_title"]) == ("extension of the period", "", "")
    assert (p2["dept_nm"], p2["applicant"], p2["district"]) == ("도로관리과", "(주)한빛건설", "")
    p3 = ptn["2025-0003"]
    # 7 business days after Thu 2-20 = 2-21,24,25,26,27,28,3-4; open on 3-14: 15 business days, overdue
    assert (p3["due_dt"], p3["bdays_elapsed"], p3["overdue"], p3["status"]) == ("2025-03-04", "15", "true", "received")
    assert (p3["applicant"], p3["official_nm"], p3["district"]) == ("남**수", "남궁민수", "강남구")
    p6 = ptn["2025-0006"]
    assert (p6["status"], p6["cmpl_dt"], p6["bdays_elapsed"], p6["applicant"]) == ("withdrawn", "2025-03-05", "1", "이*")

    steps = _csv(folder, "open_petition_steps")
    assert "2025-0003#2" not in steps  # changed after D
    assert steps["2025-0001#2"]["step_nm"] == "review"
    assert steps["2025-0002#1"]["official_nm"] == "" and steps["2025-0002#1"]["dept_nm"] == "도로관리과"
    assert steps["2025-0001#2"]["step_dtm"] == "2025-03-04T14:00:00"

    budget = _csv(folder, "finance_budget_execution")
    # B001: newest version <= D (supl 300M); paid PAY1 + PAY2 (PAY3 cancelled, PAY5 after D)
    assert (budget["B001"]["supl_amt"], budget["B001"]["paid_amt"], budget["B001"]["exec_rate"]) == \
        ("300000000", "150000000", "0.1154")
    assert (budget["B002"]["paid_amt"], budget["B002"]["exec_rate"], budget["B002"]["dept_nm"]) == \
        ("20000000", "0.04", "복지정책과")
    contracts = _csv(folder, "finance_contracts")
    assert set(contracts) == {"C001", "C003"}  # C002 cancelled; C003 cancelled only after D
    assert (contracts["C001"]["vndr_brn"], contracts["C001"]["paid_amt"], contracts["C001"]["cntr_mthd_nm"]) == \
        ("1234567891", "150000000", "open competitive")
    monthly = _csv(folder, "finance_payments_monthly")
    assert {k: (v["pay_count"], v["pay_total"]) for k, v in monthly.items()} == {
        "2025-02/B001": ("1", "100000000"), "2025-03/B001": ("1", "50000000"), "2025-03/B002": ("1", "20000000")}

    # the tables cb_public reads hold the same rows
    with psycopg.connect(world) as conn:
        assert conn.execute("select count(*) from disclosure.open_petitions").fetchone()[0] == 4
        status = conn.execute("select status from audit.publication").fetchall()
    assert status == [("published",)]


def test_independent_validators(world: str, publish_dir: Path) -> None:
    """frictionless validate and the OCDS schema, run here independently of the runner."""
    import jsonschema
    import pyarrow.parquet as pq
    from frictionless import Package, system
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    from cheongbaek.publish.runner import publish

    folder = Path(publish(D)["folder"])
    with system.use_context(trusted=True):
        report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "message"])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    fks = {r["name"]: r["schema"].get("foreignKeys") for r in descriptor["resources"]}
    assert fks["open_petitions"][0]["reference"]["resource"] == "open_procedures"
    assert fks["open_petition_steps"][0]["reference"]["resource"] == "open_petitions"
    assert pq.read_table(folder / "open_petitions.parquet").num_rows == 4

    src = SHARED if SHARED.exists() else Path(__file__).resolve().parents[2] / "include/cheongbaek/publish/reference"
    package_schema = json.loads((src / "ocds" / "release-package-schema.json").read_text())
    release_schema = json.loads((src / "ocds" / "release-schema.json").read_text())
    registry = Registry().with_resource(
        "https://standard.open-contracting.org/schema/1__1__5/release-schema.json",
        Resource.from_contents(release_schema, DRAFT4))
    ocds = json.loads((folder / "contracts.ocds.json").read_text())
    jsonschema.Draft4Validator(package_schema, registry=registry).validate(ocds)
    assert [r["ocid"] for r in ocds["releases"]] == ["ocds-cheongbaek-C001", "ocds-cheongbaek-C003"]
    c001 = ocds["releases"][0]["contracts"][0]
    assert [t["id"] for t in c001["implementation"]["transactions"]] == ["PAY1", "PAY2"]
    assert ocds["releases"][0]["tender"]["procurementMethod"] == "open"


def test_tampered_publication_leaves_latest(world: str, publish_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A leak planted in a file fails the run: latest, tables and files stay as they were."""
    from cheongbaek.publish import guard, runner, site

    first = Path(runner.publish(D)["folder"])
    real_write_site = site.write_site

    def leaky(folder: Path, as_of: dt.date, datasets):  # noqa: ANN001, ANN202
        out = real_write_site(folder, as_of, datasets)
        (out / "notes.html").write_text("<p>담당: 홍길동, 900101-1234568</p>", encoding="utf-8")
        return out

    monkeypatch.setattr(site, "write_site", leaky)
    with psycopg.connect(world, autocommit=True) as conn:
        conn.execute("update core.budget_history h set bdgt_amt = 1 from core.budget i"
                     " where i.budget_sk = h.budget_sk and i.biz_cd = 'B002'")
    with pytest.raises(guard.PrivacyLeak) as err:
        runner.publish(D)
    kinds = {f.kind for f in err.value.findings}
    assert kinds == {guard.RRN, guard.PERSON_NAME}
    assert "900101" not in str(err.value)  # the report never repeats the value
    assert (publish_dir / "latest").resolve() == first
    assert (publish_dir / "failed-2025-03-14-2").is_dir()
    assert not (publish_dir / "2025-03-14-2").exists()
    with psycopg.connect(world) as conn:
        # the refresh was rolled back with the failed publication
        assert conn.execute("select bdgt_amt from disclosure.finance_budget_execution where biz_cd = 'B002'"
                            ).fetchone()[0] == 500000000
        statuses = [r[0] for r in conn.execute("select status from audit.publication order by pub_id")]
    assert statuses == ["published", "failed"]

    monkeypatch.setattr(site, "write_site", real_write_site)
    third = Path(runner.publish(D)["folder"])
    assert third.name == "2025-03-14-3"
    assert (publish_dir / "latest").resolve() == third


def test_invalid_publication_is_not_published(world: str, publish_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that breaks its table schema fails Frictionless validation: nothing is switched."""
    from cheongbaek.publish import runner

    real = runner.write_dataset

    def broken(folder: Path, name: str, rows):  # noqa: ANN001, ANN202
        real(folder, name, rows)
        if name == "open_petitions":
            path = folder / f"{name}.csv"
            path.write_text(path.read_text(encoding="utf-8").replace("2025-03-10", "10/03/2025"), encoding="utf-8")

    monkeypatch.setattr(runner, "write_dataset", broken)
    with pytest.raises(runner.PublicationError, match="frictionless"):
        runner.publish(D)
    assert not (publish_dir / "latest").exists()


def test_masking_matches_privacy_mask_name(world: str) -> None:
    """The SQL mask in build.sql and privacy.mask_name agree on every length (spaces count)."""
    from cheongbaek.privacy import mask_name

    names = ["", "김", "이수", "홍길동", "남궁민수", "A B", "Jean Luc P"]
    with psycopg.connect(world) as conn:
        for name in names:
            sql = ("select case when char_length(%(n)s) = 0 then %(n)s when char_length(%(n)s) = 1 then '*'"
                   " when char_length(%(n)s) = 2 then left(%(n)s, 1) || '*'"
                   " else left(%(n)s, 1) || repeat('*', char_length(%(n)s) - 2) || right(%(n)s, 1) end")
            assert conn.execute(sql, {"n": name}).fetchone()[0] == mask_name(name)
    build = (Path(__file__).resolve().parents[2] / "include/cheongbaek/publish/sql/build.sql").read_text()
    assert "repeat('*', char_length(d.apln_nm) - 2)" in build


def test_schemas_match_tables(warehouse: str) -> None:
    """The Frictionless table schemas and the disclosure tables list the same columns."""
    from cheongbaek.publish.runner import DATASETS, field_names

    migration = Path(__file__).resolve().parents[2] / "include/cheongbaek/sql/migrations/0040_disclosure.sql"
    with psycopg.connect(warehouse) as conn:
        conn.execute(migration.read_text(encoding="utf-8"))  # idempotent: applies again cleanly
        for name in DATASETS:
            cols = [r[0] for r in conn.execute(
                "select column_name from information_schema.columns where table_schema = 'disclosure'"
                " and table_name = %s order by ordinal_position", (name,))]
            assert cols == field_names(name), name
    repo_copy = Path(__file__).resolve().parents[2] / "schemas" / "disclosure"
    assert sorted(p.name for p in repo_copy.glob("*.json")) == sorted(f"{n}.json" for n in DATASETS)


def test_empty_warehouse_publishes_empty_valid_datasets(warehouse: str, publish_dir: Path) -> None:
    """Day one (nothing loaded yet) still yields a complete, valid, empty publication."""
    from cheongbaek.migrate import migrate
    from cheongbaek.publish.runner import publish

    assert migrate() == []  # already applied; 0040 is idempotent anyway
    summary = publish(D)
    assert set(summary["rows"].values()) == {0}
    folder = Path(summary["folder"])
    assert (folder / "open_petitions.csv").read_text(encoding="utf-8").startswith("ptn_no,proc_cd,")
    assert json.loads((folder / "contracts.ocds.json").read_text())["releases"] == []
    assert (folder / "site" / "index.html").exists()
    assert (publish_dir / "latest").resolve() == folder
