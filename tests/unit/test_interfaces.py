"""The interface catalog: it validates, and what repeats its knowledge (staging DDL, suites) agrees with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cheongbaek import interfaces
from cheongbaek.validation.suites import load_suite_document

MIGRATION = Path(interfaces.__file__).resolve().parents[1] / "sql" / "migrations" / "0003_staging.sql"
_TABLE = re.compile(r"create table if not exists staging\.(\w+) \((.*?)\n\);", re.S)


def _staging_ddl() -> dict[str, tuple[list[tuple[str, str, bool]], list[str]]]:
    """staging table -> ([(column, type, not null)], primary key) as the migration creates it."""
    out = {}
    for name, body in _TABLE.findall(MIGRATION.read_text(encoding="utf-8")):
        cols, pk = [], []
        for line in body.splitlines():
            line = line.split("--")[0].strip().rstrip(",")
            if not line:
                continue
            if line.startswith("primary key"):
                pk = [c.strip() for c in line[line.index("(") + 1:line.rindex(")")].split(",")]
                continue
            parts = line.split()
            col, rest = parts[0], " ".join(parts[1:])
            out_type = rest.replace(" not null", "").strip()
            cols.append((col, out_type, "not null" in rest))
        out[name] = (cols, pk)
    return out


def test_catalog_lists_the_seven_systems_in_page_order() -> None:
    assert list(interfaces.catalog()) == ["finance", "tax", "duties", "hr", "construction", "realestate", "civil"]
    assert len(interfaces.staging_tables()) == 22


def test_staging_migration_matches_the_catalog() -> None:
    """Every staging table has the catalog's columns in its order, with the type its parser gives them,
    its primary key, and its key columns not null."""
    ddl = _staging_ddl()
    assert sorted(ddl) == sorted(interfaces.staging_tables())
    for table in interfaces.staging_tables():
        cols, pk = ddl[table]
        want, want_pk = interfaces.staging_ddl(table)
        assert [(c, t) for c, t, _ in cols] == [(c, t) for c, t, _ in want], table
        assert pk == want_pk, table
        nullable = {c: n for c, _, n in cols}
        assert all(nullable[c] for c, _, n in want if n), f"{table}: key columns are not null"


def test_suites_code_lists_are_the_catalogs() -> None:
    """A suite that checks a code column checks exactly the catalog's code list."""
    for s in interfaces.catalog().values():
        specs = [(f.table, f.fields) for f in s.files] + [(t.table, t.columns) for t in s.tables]
        for table, fields in specs:
            codes = {f.staging: list(f.codes) for f in fields if f.codes}
            doc = load_suite_document(table)
            for e in doc["expectations"]:
                kw = e["kwargs"]
                if e["type"] == "expect_column_values_to_be_in_set" and kw["column"] in codes:
                    assert kw["value_set"] == codes[kw["column"]], (table, kw["column"])


def test_an_invalid_catalog_file_is_refused_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.yaml").write_text(
        "system: bad\nkind: files\ndescription: x\nfiles:\n  - name: B.csv\n    table: bad\n    format: csv\n"
        "    encoding: latin-1\n    key: [k]\n    fields: [{name: k, type: text}]\n", encoding="utf-8")
    monkeypatch.setenv(interfaces.ENV, str(tmp_path))
    with pytest.raises(interfaces.CatalogError, match="bad.yaml"):
        interfaces.catalog()


def test_a_fixed_width_field_outside_its_record_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (Path(interfaces.__file__).parent / "tax.yaml").read_text(encoding="utf-8")
    text = text.replace("system: tax", "system: tax2").replace("table: tax_assessment", "table: tax2")
    text = text.replace("{name: dept_cd, start: 160, width: 7", "{name: dept_cd, start: 199, width: 7")
    (tmp_path / "tax2.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(interfaces.ENV, str(tmp_path))
    with pytest.raises(interfaces.CatalogError, match="not inside the 200-byte record"):
        interfaces.catalog()


def test_configured_sources_are_the_catalogs_systems() -> None:
    """sources.yaml schedules and connects what the catalog describes: same systems, kinds and schemas."""
    from cheongbaek.sources import sources

    configured = {s.system: (s.kind, s.schema) for s in sources()}
    described = {n: (s.kind, s.schema_) for n, s in interfaces.catalog().items()}
    assert configured == described


def test_checked_in_legacy_schemas_are_generated_from_the_catalog() -> None:
    """``simulator/sql/legacy_*.sql`` (read by tests that build a legacy database by hand) is the generated DDL."""
    from cheongbaek.simulator import legacy_ddl

    folder = Path(interfaces.__file__).resolve().parents[1] / "simulator" / "sql"
    for s in interfaces.database_systems().values():
        assert (folder / f"{s.database}.sql").read_text(encoding="utf-8") == legacy_ddl(s), s.system
