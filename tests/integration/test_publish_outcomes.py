"""The control outcomes and the catalogue, published from a real warehouse.

Alerts are planted in monitoring.alert with their status history: per area
and month the publication counts cases found, actioned and excluded as of D
(a mark recorded after D does not count), sums the amounts, and leaves every
count under 5 empty (and the amounts of a month with fewer than 5 cases).
No subject, scenario or person reaches a file, and the privacy guard,
Frictionless and the OCDS check still pass. The catalogue lists every
dataset with its row count and Korean column names; its DCAT twin uses only
terms its own inline JSON-LD context defines.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.integration

D = dt.date(2025, 3, 14)
SUBJECT = "9001011234568|1111010100100010000"  # a subject holds source keys: it must never be published


def _plant(conn: psycopg.Connection) -> None:
    conn.execute("insert into monitoring.scenario (scenario_id, area, title) values"
                 " ('FIN-01', 'finance', 'split contracts'), ('FIN-02', 'finance', 'paid twice'),"
                 " ('TAX-01', 'tax', 'unassessed transfer')")
    alerts = []
    # finance, February: 7 cases over two scenarios; 5 actioned on or before D, 1 more only after D,
    # 1 excluded (under 5: empty)
    for i in range(7):
        alerts.append(("FIN-01" if i < 4 else "FIN-02", f"{SUBJECT}-{i}", 1_000_000 * (i + 1), 0,
                       dt.date(2025, 2, 3 + i)))
    # finance, March: 3 cases (under 5: the whole row empty)
    for i in range(3):
        alerts.append(("FIN-01", f"C-{i}", 5_000_000, 0, dt.date(2025, 3, 3 + i)))
    # tax, March: 6 cases, 2 collected amounts; one first seen after D (not counted)
    for i in range(7):
        alerts.append(("TAX-01", f"T-{i}", 2_000_000, 500_000 if i < 2 else 0, dt.date(2025, 3, 4 + 2 * i)))
    ids = []
    for scenario, subject, estimate, collected, seen in alerts:
        ids.append(conn.execute(
            "insert into monitoring.alert (scenario_id, subject, estimate_krw, collected_krw, first_seen, last_seen,"
            " last_run) values (%s, %s, %s, %s, %s, %s, %s) returning alert_id",
            (scenario, subject, estimate, collected, seen, seen, seen)).fetchone()[0])
        conn.execute("insert into monitoring.alert_status_history (alert_id, from_status, to_status, as_of,"
                     " changed_by) values (%s, null, 'open', %s, 'scenario-run')", (ids[-1], seen))
    for n, alert_id in enumerate(ids[:7]):
        status, when = ("actioned", dt.date(2025, 3, 10)) if n < 5 else \
            (("actioned", dt.date(2025, 3, 20)) if n == 5 else ("excluded", dt.date(2025, 3, 11)))
        conn.execute("update monitoring.alert set status = %s where alert_id = %s", (status, alert_id))
        conn.execute("insert into monitoring.alert_status_history (alert_id, from_status, to_status, as_of,"
                     " changed_by) values (%s, 'open', %s, %s, '000000777')", (alert_id, status, when))


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_control_outcomes_published(warehouse: str, publish_dir: Path) -> None:
    from cheongbaek.publish.runner import publish

    with psycopg.connect(warehouse) as conn:
        _plant(conn)
    summary = publish(D)
    folder = Path(summary["folder"])
    assert summary["statistics"] == {"control_outcomes": 3}
    assert set(summary["checks"]) == {"frictionless", "parquet", "ocds", "privacy_guard"}
    rows = {(r["area"], r["month"]): r for r in _read(folder, "control_outcomes")}
    assert set(rows) == {("finance", "2025-02"), ("finance", "2025-03"), ("tax", "2025-03")}
    feb = rows["finance", "2025-02"]
    # 7 found; actioned as of D: 5 (the 6th only on 3-20); excluded 1: empty
    assert (feb["cases_found"], feb["cases_actioned"], feb["cases_excluded"]) == ("7", "5", "")
    assert (feb["estimated_krw"], feb["collected_krw"]) == (str(28_000_000), "0")
    assert all(v == "" for k, v in rows["finance", "2025-03"].items() if k not in ("area", "month"))
    tax = rows["tax", "2025-03"]
    # first seen 3-4, 6, 8, 10, 12, 14 (the 7th on 3-16 is after D): 6 cases, none actioned
    assert (tax["cases_found"], tax["cases_actioned"], tax["estimated_krw"], tax["collected_krw"]) == \
        ("6", "", "12000000", "1000000")
    for r in rows.values():
        for k in ("cases_found", "cases_actioned", "cases_excluded"):
            assert r[k] == "" or int(r[k]) >= 5
    # nothing of a subject, scenario or auditor in any file of the publication
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".parquet":
            text = path.read_text(encoding="utf-8-sig")
            assert "9001011234568" not in text and "FIN-01" not in text and "000000777" not in text, path
    page = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-area="finance" data-month="2025-02"' in page
    # the Excel twin has the same rows, with a byte-order mark
    assert (folder / "control_outcomes_excel.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_earlier_as_of_sees_earlier_status(warehouse: str, publish_dir: Path) -> None:
    """Republishing 3-7: the marks of 3-10 and 3-11 had not been made; the March alerts were not all seen."""
    from cheongbaek.publish.runner import publish

    with psycopg.connect(warehouse) as conn:
        _plant(conn)
    folder = Path(publish(dt.date(2025, 3, 7))["folder"])
    rows = {(r["area"], r["month"]): r for r in _read(folder, "control_outcomes")}
    assert rows["finance", "2025-02"]["cases_actioned"] == ""  # 0 actioned by 3-7
    assert rows["finance", "2025-02"]["cases_found"] == "7"
    assert rows["tax", "2025-03"]["cases_found"] == ""  # 3-4 and 3-6 only: 2 cases


def test_small_cell_check_fails_publication() -> None:
    from cheongbaek.publish.runner import small_cells

    assert small_cells([{"area": "hr", "month": "2025-01", "cases_found": 4}]) == ["hr 2025-01 cases_found"]
    assert small_cells([{"area": "hr", "month": "2025-01", "cases_found": None, "cases_actioned": 5}]) == []


def test_catalogue(warehouse: str, publish_dir: Path) -> None:
    """catalogue.json in the portal's form and catalogue.jsonld, every term defined by its context."""
    from cheongbaek.publish.runner import ALL_DATASETS, field_names, publish

    folder = Path(publish(D)["folder"])
    portal = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    entries = {e["파일명"]: e for e in portal["데이터셋"]}
    assert list(entries) == list(ALL_DATASETS)
    for name, e in entries.items():
        for key in ("목록명", "제공기관", "관리부서", "업데이트 주기", "차기 등록 예정일", "이용허락범위", "전체 행 수",
                    "키워드", "컬럼 정보"):
            assert e[key] not in (None, "", []), (name, key)
        assert [c["컬럼명"] for c in e["컬럼 정보"]] == field_names(name)
        assert all(c["한글명"] != c["컬럼명"] and c["영문 설명"] for c in e["컬럼 정보"]), name
        assert e["전체 행 수"] == 0  # an empty warehouse
    assert portal["차기 등록 예정일"] == "2025-03-17"  # Friday 3-14: the next business day is Monday

    dcat = json.loads((folder / "catalogue.jsonld").read_text(encoding="utf-8"))
    context = dcat["@context"]
    prefixes = {k for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}

    def check(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key.startswith("@"):
                    if key == "@type":
                        assert value in context, value
                    continue
                assert key in context or key.split(":", 1)[0] in prefixes, f"undefined term {key}"
                defn = context.get(key)
                if isinstance(defn, dict) and defn.get("@container") == "@language":
                    assert isinstance(value, dict) and set(value) <= {"ko", "en"}, key
                else:
                    check(value)
        elif isinstance(node, list):
            for v in node:
                check(v)

    check({k: v for k, v in dcat.items() if k != "@context"})
    assert dcat["@type"] == "Catalog" and len(dcat["dataset"]) == len(ALL_DATASETS)
    for ds in dcat["dataset"]:
        for dist in ds["distribution"]:
            assert (folder / dist["downloadURL"]).is_file()
    # the expanded IRIs are the DCAT and Dublin Core ones
    assert context["Dataset"] == "dcat:Dataset" and context["dcat"] == "http://www.w3.org/ns/dcat#"
    assert context["title"]["@id"] == "dct:title" and context["dct"] == "http://purl.org/dc/terms/"
