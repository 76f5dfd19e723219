"""The interface catalog: what each legacy system delivers, written once, read by everything else.

One YAML file per system (``interfaces/<system>.yaml``) states what
``legacy-interfaces.md`` states: for a file system its files (name pattern,
encoding, framing, quoting, BOM) and their fields (name, header text, type,
byte position and width, code list, key, identifier kind); for a database
system its tables (key, version column, ``del_yn``) and their columns. The
parsers, record keys, database normaliser, staging DDL test, expectation
suites' code lists, the simulator's writers and the bench read it from here,
so a change to an interface is one edit and a new system is one file.

Why pydantic: the files are validated when loaded (unknown keys, wrong
types, a fixed-width field outside its record, a party id without its type
field all fail at import, naming the file), and the models are the typed
objects the code reads. Why an extra directory (``CHEONGBAEK_INTERFACES_DIR``,
``os.pathsep``-separated): a deployment, or a test, adds a system without
touching the package.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

#: Field types. ``code`` is text with a code list; ``free`` is text that may hide an RRN (names, addresses,
#: memos); ``party_id`` is an RRN or a BRN by the value of its ``party_type`` field; ``rrn`` always an RRN.
FieldType = Literal["text", "code", "free", "int", "decimal", "date", "timestamp", "party_id", "rrn", "brn",
                    "emp_no", "pnu"]
#: Identifier kinds of legacy-interfaces.md's conventions.
Ident = Literal["rrn", "brn", "rrn_or_brn", "pnu", "emp_no"]
DateFormat = Literal["YYYYMMDD", "YYYY-MM-DD", "YYYY.MM.DD", "YYYYMMDDHHMMSS"]

ENV = "CHEONGBAEK_INTERFACES_DIR"
#: Staging integer types narrower than bigint, and the magnitude they reject.
INT_LIMITS = {"smallint": 2**15, "int": 2**31}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Field(_Strict):
    """One delivered field (or one database column) and how it becomes staging column(s)."""

    name: str  # as delivered: header name, JSON key, fixed-width field or source column
    header: str | None = None  # header text when it differs from the name (duties' Korean headers)
    column: str | None = None  # staging column when it differs from the name
    type: FieldType
    format: DateFormat | None = None  # dates and timestamps in files
    thousands: bool = False  # integers written with thousands separators
    signed: bool = False  # a fixed-width number whose first byte may be '-'
    codes: dict[str, str] | None = None  # code -> meaning
    #: The page names some codes of a longer national list (building uses): documented, not a closed list.
    open_list: bool = False
    required: bool = False  # a key or required field: a record without it is quarantined
    ident: Ident | None = None
    party_type: str | None = None  # party_id: the field holding its party type ('1' RRN, '2' BRN)
    start: int | None = None  # fixed width: 1-based byte position
    width: int | None = None  # fixed width: bytes
    hangul: bool = False  # fixed width: the only field that may hold multi-byte CP949 text
    null_value: str | None = None  # fixed width: the value that means null ('00000000')
    derived: list[str] | None = None  # not delivered: built from these fields (a PNU from its parts)
    sql: str | None = None  # database column: its type in the legacy database
    staging_type: str | None = None  # staging type when narrower than the type's default (smallint)

    @property
    def staging(self) -> str:
        """The staging column of this field."""
        return self.column or self.name

    @property
    def has_status(self) -> bool:
        """An identifier that becomes (pseudonym or digits, status): a ``<column>_status`` follows it."""
        return self.type in ("party_id", "rrn")

    @property
    def staging_columns(self) -> list[str]:
        return [self.staging, f"{self.staging}_status"] if self.has_status else [self.staging]

    @property
    def int_limit(self) -> int | None:
        """The magnitude an integer field rejects (None: the bigint default)."""
        return INT_LIMITS.get(self.staging_type or self.sql or "")

    @property
    def staging_sql(self) -> str:
        """The staging type of the field's value once its parser typed it (status columns are text)."""
        if self.type == "int":
            return self.staging_type or {"int": "integer", "smallint": "smallint"}.get(self.sql or "", "bigint")
        if self.type == "decimal":
            return self.sql if self.sql and self.sql.startswith("numeric(") else "numeric(14,2)"
        return {"date": "date", "timestamp": "timestamp"}.get(self.type, "text")

    @property
    def slice(self) -> slice:
        """The field's bytes in a fixed-width record (0-based slice)."""
        assert self.start is not None and self.width is not None
        return slice(self.start - 1, self.start - 1 + self.width)


class Framing(_Strict):
    """A header or trailer field of a fixed-width file."""

    name: str
    start: int
    width: int
    value: str | None = None  # a constant (record type, system id)
    type: FieldType | None = None
    format: DateFormat | None = None
    signed: bool = False
    sums: str | None = None  # the detail field this trailer field adds up

    @property
    def slice(self) -> slice:
        return slice(self.start - 1, self.start - 1 + self.width)


class FileSpec(_Strict):
    """One kind of delivered file."""

    name: str  # the interface page's name, YYYYMMDD / YYYYMM standing for digits
    table: str  # staging table
    format: Literal["fixed_width", "csv", "jsonl"]
    encoding: Literal["cp949", "utf-8"]
    bom: bool = False
    line_end: Literal["CRLF", "LF"] = "CRLF"
    daily: bool = True  # in every day folder (False: only on its day, e.g. payroll on payday)
    quoting: Literal["all", "minimal", "none"] = "none"
    record_bytes: int | None = None
    detail_record_type: str | None = None
    header: list[Framing] | None = None
    trailer: list[Framing] | None = None
    key: list[str]
    fields: list[Field]

    @model_validator(mode="after")
    def _check(self) -> FileSpec:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: a field is named twice")
        columns = self.staging_columns
        for k in self.key:
            if k not in columns:
                raise ValueError(f"{self.name}: key column {k} is not a staging column")
        for f in self.fields:
            if f.type == "party_id" and f.party_type not in names:
                raise ValueError(f"{self.name}: {f.name} needs its party_type field")
            if f.derived and any(d not in names for d in f.derived):
                raise ValueError(f"{self.name}: {f.name} is derived from unknown fields")
            if f.type in ("date", "timestamp") and f.format is None:
                raise ValueError(f"{self.name}: {f.name} needs a date format")
        if self.format == "fixed_width":
            if not self.record_bytes or not self.header or not self.trailer or not self.detail_record_type:
                raise ValueError(f"{self.name}: a fixed-width file needs record_bytes, header, trailer, record type")
            for f in self.fields:
                if f.start is None or f.width is None or f.start < 1 or f.start - 1 + f.width > self.record_bytes:
                    raise ValueError(f"{self.name}: {f.name} is not inside the {self.record_bytes}-byte record")
        return self

    @property
    def delivered(self) -> list[Field]:
        """The fields as delivered (in the file's order), without derived ones."""
        return [f for f in self.fields if not f.derived]

    @property
    def staging_columns(self) -> list[str]:
        """Staging columns after (batch_id, delivery_date, line_no), in DDL order."""
        return [c for f in self.fields for c in f.staging_columns]

    @property
    def header_names(self) -> list[str]:
        """The header row of a CSV file (header text where the page gives one)."""
        return [f.header or f.name for f in self.delivered]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name}")

    def framing(self, part: Literal["header", "trailer"], name: str) -> Framing:
        for f in (self.header if part == "header" else self.trailer) or []:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no {part} field {name}")

    @property
    def python_encoding(self) -> str:
        """The codec that reads the file (a BOM is skipped by ``utf-8-sig``)."""
        return "utf-8-sig" if self.bom and self.encoding == "utf-8" else self.encoding

    @property
    def stem(self) -> str:
        """The name up to its date part or extension (``TAXASMT``, ``HR_PAY``, ``bld_permit``)."""
        base = self.name.rsplit(".", 1)[0]
        for token in ("_YYYYMMDD", "_YYYYMM"):
            base = base.replace(token, "")
        return base

    def file_name(self, day: str, month: str | None = None) -> str:
        """The name of this kind's file for a day (``YYYYMMDD`` digits) and, for a monthly file, a month."""
        return self.name.replace("YYYYMMDD", day).replace("YYYYMM", month or day[:6])


class TableSpec(_Strict):
    """One legacy database table read by the pipeline."""

    name: str
    table: str  # staging table
    key: list[str]
    version: str | None = None  # upd_dt / upd_dtm; None: a code table read whole each time
    del_yn: str | None = None  # the column marking cancelled rows
    columns: list[Field]

    @model_validator(mode="after")
    def _check(self) -> TableSpec:
        names = [c.name for c in self.columns]
        for k in [*self.key, *([self.version] if self.version else []), *([self.del_yn] if self.del_yn else [])]:
            if k not in names:
                raise ValueError(f"{self.name}: {k} is not a column")
        for c in self.columns:
            if c.sql is None:
                raise ValueError(f"{self.name}: {c.name} needs its sql type")
            if c.type == "party_id" and c.party_type not in names:
                raise ValueError(f"{self.name}: {c.name} needs its party_type column")
        return self

    @property
    def source_columns(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def staging_columns(self) -> list[str]:
        """Staging columns after ``batch_id``, in DDL order."""
        return [s for c in self.columns for s in c.staging_columns]


class System(_Strict):
    """One legacy system: its files or its database tables."""

    system: str
    section: int | None = None  # its section of legacy-interfaces.md: systems are listed in that order
    kind: Literal["files", "database"]
    description: str
    schema_: str | None = None
    database: str | None = None  # the database's name in legacy-interfaces.md (a deployment may differ)
    files: list[FileSpec] = []
    tables: list[TableSpec] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _schema_alias(cls, data: object) -> object:
        if isinstance(data, dict) and "schema" in data:
            data = {**data, "schema_": data["schema"]}
            del data["schema"]
        return data

    @model_validator(mode="after")
    def _check(self) -> System:
        if self.kind == "files" and (not self.files or self.tables):
            raise ValueError(f"{self.system}: a file system has files and no tables")
        if self.kind == "database" and (not self.tables or self.files or not self.schema_):
            raise ValueError(f"{self.system}: a database system has a schema and tables, no files")
        return self

    @property
    def schema(self) -> str:  # type: ignore[override]
        assert self.schema_ is not None
        return self.schema_


class CatalogError(ValueError):
    """A catalog file that does not validate (the message names the file)."""


#: libyaml's loader when present (ten times faster than the pure-Python one: the catalog is read at import).
_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(path: Path, text: str) -> System:
    try:
        return System.model_validate(yaml.load(text, Loader=_YAML))  # noqa: S506 - a safe loader
    except ValidationError as e:
        raise CatalogError(f"{path}: {e}") from None


@lru_cache(maxsize=8)
def _catalog(extra: str) -> dict[str, System]:
    out: dict[str, System] = {}
    sources: list[tuple[Path, str]] = []
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            sources.append((Path(str(entry)), entry.read_text(encoding="utf-8")))
    for folder in (p for p in extra.split(os.pathsep) if p):
        for path in sorted(Path(folder).glob("*.yaml")):
            sources.append((path, path.read_text(encoding="utf-8")))
    tables: set[str] = set()
    for path, text in sources:
        system = _load(path, text)
        if path.stem != system.system:
            raise CatalogError(f"{path}: describes {system.system}, the file must be named {system.system}.yaml")
        if system.system in out:
            raise CatalogError(f"{path}: system {system.system} is already in the catalog")
        for t in [*(f.table for f in system.files), *(t.table for t in system.tables)]:
            if t in tables:
                raise CatalogError(f"{path}: staging table {t} is fed by two interfaces")
            tables.add(t)
        out[system.system] = system
    order = sorted(out.values(), key=lambda s: (s.section is None, s.section or 0, s.system))
    return {s.system: s for s in order}


def catalog() -> dict[str, System]:
    """Every system of the catalog by name: the package's files, then those of ``$CHEONGBAEK_INTERFACES_DIR``."""
    return _catalog(os.environ.get(ENV, ""))


def system(name: str) -> System:
    try:
        return catalog()[name]
    except KeyError:
        raise KeyError(f"{name} is not a legacy system of the interface catalog") from None


def file_systems() -> dict[str, System]:
    return {n: s for n, s in catalog().items() if s.kind == "files"}


def database_systems() -> dict[str, System]:
    return {n: s for n, s in catalog().items() if s.kind == "database"}


def file_spec(table: str) -> FileSpec:
    """The file kind that feeds a staging table."""
    for s in file_systems().values():
        for f in s.files:
            if f.table == table:
                return f
    raise KeyError(f"no delivered file feeds staging.{table}")


def table_spec(system_name: str, table: str) -> TableSpec:
    """A legacy database table of a system."""
    for t in system(system_name).tables:
        if t.name == table:
            return t
    raise KeyError(f"{system_name}.{table} is not a legacy table the pipeline reads")


def staging_ddl(table: str) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """([(column, type, not null)], primary key) of the staging table a catalog interface feeds.

    File rows are identified by (batch_id, line_no) and carry their delivery
    date; database rows by key and version (a code table without a version:
    by the batch it came in). ``0003_staging.sql`` is tested against this,
    and a new system's table can be created from it.
    """
    try:
        spec = file_spec(table)
    except KeyError:
        found = [t for s in database_systems().values() for t in s.tables if t.table == table]
        if not found:
            raise
        t = found[0]
        pk = [*t.key, t.version] if t.version else ["batch_id", *t.key]
        cols = [("batch_id", "bigint", True)] + [
            (c, col.staging_sql if c == col.staging else "text", c in pk)
            for col in t.columns for c in col.staging_columns]
        return cols, pk
    cols = [("batch_id", "bigint", True), ("delivery_date", "date", True), ("line_no", "integer", True)]
    cols += [(c, f.staging_sql if c == f.staging else "text", c in spec.key)
             for f in spec.fields for c in f.staging_columns]
    return cols, ["batch_id", "line_no"]


def staging_tables() -> list[str]:
    """Every staging table the catalog feeds: files first, then database tables, in catalog order."""
    files = [f.table for s in file_systems().values() for f in s.files]
    dbs = [t.table for s in database_systems().values() for t in s.tables]
    return files + dbs


__all__ = ["CatalogError", "Field", "FileSpec", "Framing", "System", "TableSpec", "catalog", "database_systems",
           "file_spec", "file_systems", "staging_ddl", "staging_tables", "system", "table_spec"]
