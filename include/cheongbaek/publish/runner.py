"""Publish OPEN petitions and Clean Finance as of a date D.

One run, one transaction, one new folder:

1. refresh the ``disclosure`` tables from the reconciled warehouse (``core``)
   as of D (sql/build.sql); the pipeline reconciles first (the core Asset
   schedules this DAG), a caller loading staging by hand reconciles before;
2. write every dataset as CSV, Excel-friendly CSV (``<name>_excel.csv``:
   UTF-8 with a byte-order mark, formula-like text defused) and Parquet,
   the control outcomes (sql/control_outcomes.sql), one Frictionless
   ``datapackage.json``, the catalogue (``catalogue.json`` in the Korean
   portal's form, ``catalogue.jsonld`` as DCAT), the contracts as an OCDS
   release package and the citizen site into a NEW folder
   ``<publish_dir>/<D>-<seq>/``;
3. check it: Frictionless validation (types, keys, foreign keys), Parquet
   equal to CSV, OCDS schema validation, the privacy guard over every file;
4. only then switch ``latest`` (atomic ``os.replace`` of a fresh symlink)
   and commit the disclosure tables.

Any failure rolls the tables back, renames the folder ``failed-...`` and
leaves ``latest`` where it was: a reader never sees half a publication,
and cb_public never sees tables the files do not match.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import logging
import os
import re
import shutil
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg

from cheongbaek import config, db
from cheongbaek.faults import crash_point
from cheongbaek.locks import writer_lock
from cheongbaek.publish import catalogue, guard, ocds, site

log = logging.getLogger(__name__)

#: Datasets in publication order (referenced tables first).
DATASETS = ("open_procedures", "open_petitions", "open_petition_steps",
            "finance_budget_execution", "finance_contracts", "finance_payments_monthly")
#: Statistics published beside the disclosure tables, computed at publication
#: time from the warehouse (no disclosure table: no schema change needed).
STATISTICS = ("control_outcomes",)
#: Every published dataset, in datapackage order.
ALL_DATASETS = DATASETS + STATISTICS
#: Suffix of the spreadsheet-facing twin of each CSV.
EXCEL_SUFFIX = "_excel"
#: Counts under this many cases are published as empty (and the amounts of a row with fewer cases found).
MIN_CELL = 5
LATEST = "latest"
OCDS_FILE = "contracts.ocds.json"


class PublicationError(Exception):
    """A check failed: nothing was published."""


# ---------------------------------------------------------------- resources
def _package_file(*parts: str) -> Any:
    node = resources.files("cheongbaek.publish")
    for p in parts:
        node = node / p
    return node


@cache
def table_schema(name: str) -> dict[str, Any]:
    """The Frictionless resource descriptor (with its table schema) of a dataset."""
    return json.loads(_package_file("schemas", f"{name}.json").read_text(encoding="utf-8"))


def field_names(name: str) -> list[str]:
    return [f["name"] for f in table_schema(name)["schema"]["fields"]]


def _read_reference(name: str) -> list[dict[str, str]]:
    text = _package_file("reference", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


# ---------------------------------------------------------------- calendar
def business_calendar(start: dt.date, end: dt.date) -> list[tuple[dt.date, bool, int]]:
    """(day, is business day, business days up to and including it) for every day.

    Business days: Monday to Friday except the public holidays of
    ``holidays.country_holidays("KR")`` (substitute holidays included). The
    running count turns "N business days strictly after day r" into the
    business day whose count is count(r) + N, in plain SQL.
    """
    import holidays

    kr = holidays.country_holidays("KR", years=range(start.year, end.year + 1))
    out = []
    n = 0
    day = start
    while day <= end:
        is_bday = day.weekday() < 5 and day not in kr
        n += is_bday
        out.append((day, is_bday, n))
        day += dt.timedelta(days=1)
    return out


def _calendar_range(conn: psycopg.Connection[Any], as_of: dt.date) -> tuple[dt.date, dt.date]:
    """From the oldest receipt to well past the latest possible due date."""
    row = conn.execute(
        """select (select min(rcpt_dtm)::date from core.petition_history),
                  coalesce((select max(legal_days) from core.procedure_history), 0),
                  coalesce((select max(n) from (select count(distinct i.step_seq) as n
                                                from core.petition_step_history s
                                                join core.petition_step i using (petition_step_sk)
                                                where s.step_cd = 'EXTN' group by i.ptn_no) e), 0)""",
    ).fetchone()
    assert row is not None
    oldest, max_days, max_extn = row
    start = min(oldest or as_of, as_of) - dt.timedelta(days=7)
    span = int(max_days) * (1 + int(max_extn))
    # A business day per 7/5 calendar days plus room for holiday clusters.
    end = as_of + dt.timedelta(days=span * 2 + 60)
    return start, end


def _load_temp_inputs(conn: psycopg.Connection[Any], as_of: dt.date) -> None:
    """The as-of date, the business calendar and the reference code tables as temp tables."""
    conn.execute("create temp table pub_param (as_of date not null) on commit drop")
    conn.execute("insert into pub_param values (%s)", (as_of,))
    conn.execute("create temp table pub_calendar (d date primary key, is_bday boolean not null,"
                 " bday_no integer not null) on commit drop")
    start, end = _calendar_range(conn, as_of)
    with conn.cursor().copy("copy pub_calendar (d, is_bday, bday_no) from stdin") as cp:
        for rec in business_calendar(start, end):
            cp.write_row(rec)
    # Due dates look business days up by their count, once per petition.
    conn.execute("create index on pub_calendar (bday_no) where is_bday")
    conn.execute("analyze pub_calendar")
    conn.execute("create temp table pub_legal_dong (sigungu_cd text primary key, sigungu_nm text) on commit drop")
    districts = {r["sigungu_cd"]: r["sigungu_nm"] for r in _read_reference("seoul_legal_dong.csv")}
    with conn.cursor().copy("copy pub_legal_dong from stdin") as cp:
        for rec in sorted(districts.items()):
            cp.write_row(rec)
    conn.execute("create temp table pub_sector (proc_cd text primary key, sector_cd text, sector_nm text,"
                 " proc_nm text) on commit drop")
    procedures = _read_reference("open_procedures.csv")
    with conn.cursor().copy("copy pub_sector from stdin") as cp:
        for r in procedures:
            cp.write_row((r["proc_cd"], r["sector_cd"], r["sector_nm"], r["proc_nm"]))
    # Sector names by sector code too: a procedure absent from the reference
    # list still gets its sector's name when the code is known.
    conn.execute("create temp table pub_sector_name on commit drop as"
                 " select distinct sector_cd, sector_nm from pub_sector")
    conn.execute("create temp table pub_step_code (step_cd text primary key, step_order int, step_nm text)"
                 " on commit drop")
    with conn.cursor().copy("copy pub_step_code from stdin") as cp:
        for r in _read_reference("step_codes.csv"):
            cp.write_row((r["step_cd"], int(r["step_order"]), r["step_nm"]))


def refresh(conn: psycopg.Connection[Any], as_of: dt.date) -> dict[str, int]:
    """Rebuild the disclosure tables as of D inside the caller's transaction."""
    _load_temp_inputs(conn, as_of)
    conn.execute(_package_file("sql", "build.sql").read_text(encoding="utf-8"))
    # Sector names for procedures missing from the reference list, by sector code.
    conn.execute("""update disclosure.open_procedures o set sector_nm = s.sector_nm
                    from pub_sector_name s where o.sector_nm is null and s.sector_cd = o.sector_cd""")
    conn.execute("""update disclosure.open_petitions p set sector_nm = o.sector_nm
                    from disclosure.open_procedures o where p.sector_nm is null and o.proc_cd = p.proc_cd""")
    return {name: conn.execute(f"select count(*) from disclosure.{name}").fetchone()[0]  # type: ignore[index]
            for name in DATASETS}


def fetch(conn: psycopg.Connection[Any], name: str) -> list[dict[str, Any]]:
    """A dataset's rows in schema order, sorted by primary key (stable files)."""
    desc = table_schema(name)["schema"]
    cols = ", ".join(field_names(name))
    order = ", ".join(desc["primaryKey"])
    cur = conn.execute(f"select {cols} from disclosure.{name} order by {order}")  # type: ignore[arg-type]
    names = [c.name for c in cur.description or []]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def control_outcomes(conn: psycopg.Connection[Any], as_of: dt.date) -> list[dict[str, Any]]:
    """The control-outcome statistics as of D (sql/control_outcomes.sql), small cells already empty."""
    sql = _package_file("sql", "control_outcomes.sql").read_text(encoding="utf-8")
    cur = conn.execute(sql, {"as_of": as_of, "min_cell": MIN_CELL})
    names = [c.name for c in cur.description or []]
    assert names == field_names("control_outcomes"), names
    return [dict(zip(names, r)) for r in cur.fetchall()]


def live_payments(conn: psycopg.Connection[Any]) -> dict[str, list[dict[str, Any]]]:
    """Live payments per published contract, from the build's temp table."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    cur = conn.execute(
        """select p.cntr_no, p.pay_no, p.pay_dt, p.pay_amt from pub_payment p
           join disclosure.finance_contracts c on c.cntr_no = p.cntr_no
           where p.pay_amt is not null order by p.cntr_no, p.pay_dt, p.pay_no""")
    for cntr_no, pay_no, pay_dt, pay_amt in cur:
        out[cntr_no].append({"pay_no": pay_no, "pay_dt": pay_dt, "pay_amt": pay_amt})
    return out


# ---------------------------------------------------------------- files
def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        # one spelling for both the database's Decimal and Parquet's float
        return format(decimal.Decimal(str(value)).normalize(), "f")
    return str(value)


_ARROW_TYPES = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool_",
                "date": "date32", "datetime": "timestamp[ms]"}


def arrow_schema(name: str) -> Any:
    import pyarrow as pa

    fields = []
    for f in table_schema(name)["schema"]["fields"]:
        t = _ARROW_TYPES[f["type"]]
        typ = pa.timestamp("ms") if t == "timestamp[ms]" else getattr(pa, t)()
        fields.append(pa.field(f["name"], typ, nullable=not f.get("constraints", {}).get("required", False)))
    return pa.schema(fields)


def csv_line(values: Sequence[str], eol: str) -> str:
    """One RFC 4180 line: a field with a comma, a quote, CR or LF is quoted.

    For the rare row holding a CR: ``csv.writer`` with ``lineterminator="\\n"``
    leaves a lone CR unquoted, and a value holding one (hostile or not)
    splits its row in two for every reader. Other rows go through
    ``csv.writer`` (C, four times faster at the benchmark's 10 million rows).
    """
    out = []
    for v in values:
        if any(ch in v for ch in ',"\r\n'):
            v = '"' + v.replace('"', '""') + '"'
        out.append(v)
    return ",".join(out) + eol


#: Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def excel_cell(value: str) -> str:
    """A text cell defused for a spreadsheet: a leading ``'`` when it starts like a formula (the OWASP rule)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def excel_name(name: str) -> str:
    return f"{name}{EXCEL_SUFFIX}.csv"


def write_dataset(folder: Path, name: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """``<name>.csv`` (UTF-8, header), ``<name>_excel.csv`` and ``<name>.parquet`` with the same rows.

    The canonical CSV keeps every value as delivered (a vendor really named
    ``=HYPERLINK(...)`` is published as such). The Excel twin is for people
    who double-click: a byte-order mark so Excel reads UTF-8 Korean, CRLF
    lines, and every *text* cell that starts with ``= + - @``, tab or CR
    prefixed with a single quote, so no cell is taken for a formula; numbers
    (a negative amount included) stay numbers.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = field_names(name)
    text_cols = {f["name"] for f in table_schema(name)["schema"]["fields"] if f["type"] == "string"}
    text_idx = [i for i, c in enumerate(cols) if c in text_cols]
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh, \
            (folder / excel_name(name)).open("w", newline="", encoding="utf-8-sig") as xh:
        w = csv.writer(fh, lineterminator="\n")
        x = csv.writer(xh, lineterminator="\r\n")  # CR is in its terminator: a cell holding one is quoted
        w.writerow(cols)
        x.writerow(cols)
        for r in rows:
            cells = [_csv_value(r[c]) for c in cols]
            if "\r" in "".join(cells):
                fh.write(csv_line(cells, "\n"))  # csv.writer would leave a lone CR unquoted here
            else:
                w.writerow(cells)
            for i in text_idx:
                if cells[i][:1] in _FORMULA_FIRST:
                    cells[i] = "'" + cells[i]
            x.writerow(cells)
    schema = arrow_schema(name)
    columns = {}
    for f in schema:
        values = [r[f.name] for r in rows]
        if pa.types.is_floating(f.type):
            values = [None if v is None else float(v) for v in values]
        columns[f.name] = pa.array(values, type=f.type)
    pq.write_table(pa.table(columns, schema=schema), folder / f"{name}.parquet")


def datapackage(as_of: dt.date) -> dict[str, Any]:
    """One Frictionless data package: a CSV resource per dataset with its table schema.

    The Parquet twin of each resource is named in ``cheongbaek:parquet`` (the
    Frictionless validator here cannot read Parquet without fastparquet; the
    runner checks each Parquet file against its CSV instead), its Excel twin
    in ``cheongbaek:excel`` (same rows; text that starts like a formula is
    prefixed with ``'``, so it is not a second copy of the typed resource).
    """
    resources_ = []
    for name in ALL_DATASETS:
        desc = table_schema(name)
        resources_.append({
            "name": name,
            "title": desc.get("title"),
            "description": desc.get("description"),
            "path": f"{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": desc["schema"],
            "cheongbaek:parquet": f"{name}.parquet",
            "cheongbaek:excel": excel_name(name),
        })
    return {
        "name": "cheongbaek-disclosure",
        "title": "Cheongbaek OPEN petitions and Clean Finance",
        "description": f"Disclosure of the city's petitions and finances as of {as_of.isoformat()}.",
        "version": as_of.isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0"}],
        "profile": "tabular-data-package",
        "resources": resources_,
    }


# ---------------------------------------------------------------- checks
def frictionless_errors(folder: Path) -> list[str]:
    """Errors of ``frictionless validate datapackage.json`` (types, keys, foreign keys)."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(folder / "datapackage.json")).validate()
    if report.valid:
        return []
    return [f"{kind}: {message}" for kind, message in report.flatten(["type", "message"])] or ["invalid"]


def parquet_errors(folder: Path, datasets: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[str]:
    """Each Parquet file has the schema's columns and types and the CSV's rows."""
    import pyarrow.parquet as pq

    errors = []
    for name in ALL_DATASETS:
        table = pq.read_table(folder / f"{name}.parquet")
        if table.schema.names != field_names(name):
            errors.append(f"{name}.parquet: columns {table.schema.names}")
            continue
        if not table.schema.equals(arrow_schema(name)):
            errors.append(f"{name}.parquet: types differ from the table schema")
        with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
            csv_rows = list(csv.reader(fh))[1:]
        pq_rows = [[_csv_value(v) for v in r.values()] for r in table.to_pylist()]
        if pq_rows != csv_rows:
            errors.append(f"{name}.parquet: rows differ from {name}.csv")
        built = len(datasets.get(name, []))
        if len(csv_rows) != built:
            errors.append(f"{name}: {len(csv_rows)} rows written, {built} built")
    return errors


def small_cells(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Cells of the control outcomes with a count under ``MIN_CELL`` (there must be none: they are empty)."""
    return [f"{r['area']} {r['month']} {k}" for r in rows
            for k in ("cases_found", "cases_actioned", "cases_excluded")
            if r.get(k) is not None and int(r[k]) < MIN_CELL]


# ---------------------------------------------------------------- folders
_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})-(\d+)$")


BUILDING = ".building-"


def _new_folder(root: Path, as_of: dt.date) -> Path:
    """A fresh ``.building-<D>-<seq>`` folder; the publication gets the name ``<D>-<seq>`` once checked.

    A sequence is never reused (failed and abandoned ones included). The
    hidden name is why a worker killed while writing never leaves a
    half-written folder under a publication's name.
    """
    root.mkdir(parents=True, exist_ok=True)
    seqs = [0]
    for p in root.iterdir():
        m = _FOLDER.match(p.name.removeprefix("failed-").removeprefix(BUILDING))
        if m and m.group(1) == as_of.isoformat():
            seqs.append(int(m.group(2)))
    seq = max(seqs) + 1
    while True:
        folder = root / f"{BUILDING}{as_of.isoformat()}-{seq}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            seq += 1


def recover(root: Path, published: set[str]) -> list[str]:
    """Rename what a killed publish left behind to ``failed-<name>``; return the names recovered.

    Left behind: a ``.building-`` folder (killed while writing or checking),
    or a ``<D>-<seq>`` folder renamed just before its ``audit.publication``
    row committed (``published`` holds the names that have one). ``latest``
    never points at either: it is switched only after the row commits.
    """
    out: list[str] = []
    if not root.is_dir():
        return out
    live = current_latest(root)
    for p in sorted(root.iterdir()):
        if p.is_symlink() or not p.is_dir():
            continue
        stale = p.name.startswith(BUILDING) or (
            _FOLDER.match(p.name) is not None and p.name not in published and (live is None or p != live))
        if stale:
            target = root / f"failed-{p.name.removeprefix(BUILDING)}"
            if target.exists():
                shutil.rmtree(target)
            os.replace(p, target)
            out.append(p.name)
    for tmp in root.glob(f".{LATEST}.*.tmp"):
        tmp.unlink(missing_ok=True)
    return out


def switch_latest(root: Path, folder: Path) -> None:
    """Point ``latest`` at ``folder`` atomically (rename of a fresh symlink over it)."""
    tmp = root / f".{LATEST}.{folder.name}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(folder.name, tmp)  # relative: the publication root can move
    os.replace(tmp, root / LATEST)


def current_latest(root: Path | None = None) -> Path | None:
    """The folder ``latest`` points at, or None."""
    link = (root or config.publish_dir()) / LATEST
    return link.resolve() if link.is_symlink() else None


def latest_as_of(root: Path | None = None) -> dt.date | None:
    """D of the publication ``latest`` points at (from its ``<D>-<seq>`` folder name), or None."""
    folder = current_latest(root)
    m = _FOLDER.match(folder.name) if folder is not None else None
    return dt.date.fromisoformat(m.group(1)) if m else None


def _record(as_of: dt.date, folder: Path, status: str, rows: dict[str, int] | None,
            checks: dict[str, Any] | None, error: str | None, conn: psycopg.Connection[Any] | None = None) -> None:
    """Insert the publication's audit row (in ``conn``'s transaction when given)."""
    params = (as_of, str(folder), status, json.dumps(rows) if rows is not None else None,
              json.dumps(checks) if checks is not None else None, error)
    stmt = "insert into audit.publication (as_of, folder, status, rows, checks, error) values (%s, %s, %s, %s, %s, %s)"
    if conn is not None:
        conn.execute(stmt, params)
        return
    with db.connect("cb_warehouse", autocommit=True) as own:
        own.execute(stmt, params)


def _published_names(conn: psycopg.Connection[Any]) -> set[str]:
    rows = conn.execute("select folder from audit.publication where status = 'published'").fetchall()
    return {Path(r[0]).name for r in rows}


# ---------------------------------------------------------------- entry point
def write_publication(conn: psycopg.Connection[Any], folder: Path, as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Write every file of the publication into ``folder``; return the rows written."""
    datasets = {name: fetch(conn, name) for name in DATASETS}
    datasets["control_outcomes"] = control_outcomes(conn, as_of)
    write_files(folder, as_of, datasets, live_payments(conn))
    return datasets


def write_files(folder: Path, as_of: dt.date, datasets: Mapping[str, Sequence[Mapping[str, Any]]],
                payments: Mapping[str, Any]) -> None:
    """Every file of a publication from rows already read (no database: the browser tests use it too)."""
    for name in ALL_DATASETS:
        write_dataset(folder, name, datasets.get(name, []))
    (folder / "datapackage.json").write_text(
        json.dumps(datapackage(as_of), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    rows = {name: len(datasets.get(name, [])) for name in ALL_DATASETS}
    catalogue.write_catalogue(folder, as_of, rows)
    package = ocds.release_package(datasets["finance_contracts"], payments, as_of)
    (folder / OCDS_FILE).write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    site.write_site(folder, as_of, datasets)


def run_checks(folder: Path, datasets: Mapping[str, Sequence[Mapping[str, Any]]],
               knowledge: guard.Knowledge) -> dict[str, Any]:
    """Every check of a publication; raise PublicationError on the first failing one."""
    checks: dict[str, Any] = {}
    timings: dict[str, float] = {}
    t = time.perf_counter()
    errors = frictionless_errors(folder)
    timings["frictionless"] = round(time.perf_counter() - t, 2)
    if errors:
        raise PublicationError("frictionless validation failed: " + "; ".join(errors[:10]))
    checks["frictionless"] = "valid"
    t = time.perf_counter()
    errors = parquet_errors(folder, datasets)
    timings["parquet"] = round(time.perf_counter() - t, 2)
    if errors:
        raise PublicationError("parquet check failed: " + "; ".join(errors[:10]))
    checks["parquet"] = "equal to csv"
    errors = small_cells(datasets.get("control_outcomes", []))
    if errors:
        raise PublicationError("statistics with cells under the minimum: " + "; ".join(errors[:10]))
    t = time.perf_counter()
    package = json.loads((folder / OCDS_FILE).read_text(encoding="utf-8"))
    errors = ocds.validation_errors(package)
    timings["ocds"] = round(time.perf_counter() - t, 2)
    if errors:
        raise PublicationError("OCDS validation failed: " + "; ".join(errors[:10]))
    checks["ocds"] = f"valid ({len(package['releases'])} releases)"
    t = time.perf_counter()
    findings = guard.scan(folder, knowledge)
    timings["privacy_guard"] = round(time.perf_counter() - t, 2)
    if findings:
        raise guard.PrivacyLeak(findings)
    checks["privacy_guard"] = f"clean ({sum(1 for _ in guard.iter_files(folder))} files)"
    log.info("publication checks took %s seconds", timings)
    return checks


def publish(as_of: dt.date) -> dict[str, Any]:
    """Publish the disclosure datasets as of ``as_of``; switch ``latest`` only if all checks pass.

    Returns a small summary for XCom: the folder, rows per dataset and the
    checks passed. Raises PublicationError (or guard.PrivacyLeak) when
    anything fails; then ``latest`` and the disclosure tables are unchanged.
    """
    root = config.publish_dir()
    with db.connect("cb_warehouse", autocommit=True) as lock_conn, writer_lock(lock_conn, "publish"):
        recovered = recover(root, _published_names(lock_conn))
        if recovered:
            log.warning("an interrupted publish left %s: renamed failed-*, latest untouched", ", ".join(recovered))
        return _publish_locked(root, as_of)


def _publish_locked(root: Path, as_of: dt.date) -> dict[str, Any]:
    """Write and check in a hidden folder, commit its name with its audit row, then switch ``latest``.

    Order matters for a worker killed at any instant: the folder gets its
    publication name only when checked, the audit row and the disclosure
    tables commit together, and ``latest`` moves only after that commit, so
    ``latest`` always points at a complete, checked and recorded publication.

    A replay (D before the D of ``latest``) is written, checked and recorded
    beside ``latest`` but never switched to, and its disclosure tables are
    rolled back: ``latest`` and what cb_public reads never move backwards.
    """
    current = latest_as_of(root)
    replay = current is not None and as_of < current
    building = _new_folder(root, as_of)
    folder = root / building.name.removeprefix(BUILDING)
    rows: dict[str, int] | None = None
    committed = False
    try:
        with db.connect("cb_warehouse") as conn:
            with conn.transaction(force_rollback=replay):
                rows = refresh(conn, as_of)
                datasets = write_publication(conn, building, as_of)
                knowledge = guard.load_knowledge(conn)
                checks = run_checks(building, datasets, knowledge)
                crash_point("publish.before_switch")
                if not replay:
                    _record(as_of, folder, "published", rows, checks, None, conn=conn)
                    os.replace(building, folder)
            if replay:  # the tables rolled back; the files are kept and recorded beside latest
                _record(as_of, folder, "published", rows, checks, None)
                os.replace(building, folder)
            committed = True
        if not replay:
            switch_latest(root, folder)
            crash_point("publish.after_switch")
    except Exception as exc:
        if committed:  # recorded and complete; only the switch failed: latest stays where it was
            log.error("publication %s recorded but latest not switched: %s", folder.name, exc)
            raise
        failed = root / f"failed-{folder.name}"
        for left in (building, folder):
            if left.exists() and current_latest(root) != left.resolve():
                os.replace(left, failed)
        log.error("publication %s failed, latest unchanged: %s", folder.name, exc)
        try:
            _record(as_of, failed, "failed", rows, None, str(exc)[:2000])
        except psycopg.Error:
            log.exception("could not record the failed publication")
        raise
    if replay:
        log.warning("replay of %s: published beside latest in %s; latest stays at %s", as_of, folder.name, current)
    else:
        log.info("published %s: %s", folder, rows)
    statistics = {name: len(datasets[name]) for name in STATISTICS}
    return {"folder": str(folder), "as_of": as_of.isoformat(), "rows": rows, "checks": checks,
            "latest": not replay, "statistics": statistics}
