"""Privacy guard: the last look at every file before it is published.

The disclosure tables are private by construction (publish/sql/build.sql
never selects a free-text or personal column), but a construction can be
wrong, and a template or a new column can leak. So the guard reads the files
themselves, exactly as a reader would get them (CSV, Parquet, JSON, the
site's HTML and JS), and fails the publication on anything that looks like
personal data, judged against what the warehouse knows is personal
(``Knowledge``, read from staging).

Findings never carry the offending value itself (it may be an RRN): only the
file, the place, the kind and a masked hint.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

# Kinds of findings.
RRN = "rrn"
PSEUDONYM = "pseudonym"
PERSON_NAME = "person_name"
ADDRESS = "address"
FREE_TEXT = "free_text"
BANK_ACCOUNT = "bank_account"
TAX_DUTY_PAYROLL = "tax_duty_payroll"
UNREADABLE = "unreadable"

#: An RRN with a plausible birth date, hyphenated or not, not inside a longer number.
RRN_PATTERN = re.compile(r"(?<![0-9])[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])-?[1-8][0-9]{6}(?![0-9])")
PSEUDONYM_PATTERN = re.compile(r"(?<![0-9A-Za-z])p_[0-9a-f]{16,}")
#: Address tokens finer than a district: a road name and building number
#: ("세종대로 110", "삼일대로4길 12"), a dong and lot ("역삼동 123-4"), a lot
#: number ("123번지"), an apartment unit ("101동 1203호").
ADDRESS_PATTERNS = (
    re.compile(r"[가-힣][가-힣0-9]*(?:로|길)\s*[0-9]+(?:-[0-9]+)?(?=$|[\s,.)])"),
    re.compile(r"[가-힣]+동\s+[0-9]+(?:-[0-9]+)?(?=$|[\s,.)])"),
    re.compile(r"[0-9]+(?:-[0-9]+)?\s*번지"),
    re.compile(r"[0-9]+\s*동\s*[0-9]+\s*호"),
)
_HANGUL = re.compile(r"[가-힣]")
#: Columns (or JSON keys) that only free text, addresses, accounts or
#: person-level tax, duty and payroll records have.
FREE_TEXT_FIELDS = frozenset({"memo", "viol_cn", "violcn", "apln_addr", "addr", "plat_plc", "platplc", "address"})
ACCOUNT_FIELDS = frozenset({"acct_no", "bank_cd", "account", "bank_account"})
TAX_FIELDS = frozenset({
    "asmt_no", "tax_item_cd", "tax_base_amt", "tax_amt", "imps_no", "duty_cd", "imps_amt", "basis_no",
    "gross_amt", "net_amt", "pay_ym", "rrn", "rep_rrn", "party_id", "apln_id", "owner_id", "ownr_id", "holder_id",
    "user_party_id", "disp_party_id", "from_id", "to_id",
})
#: Fields where an official's name is published on purpose (acting in office).
OFFICIAL_FIELDS = frozenset({"official_nm"})


@dataclass
class Knowledge:
    """What the warehouse knows to be personal, to compare published values with."""

    person_names: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    accounts: set[str] = field(default_factory=set)
    free_texts: set[str] = field(default_factory=set)
    tax_ids: set[str] = field(default_factory=set)
    #: (gross, net) of payroll rows and (base, amount) of tax assessments: two
    #: amounts of one person-level record found in one published row.
    amount_pairs: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.accounts = {_digits(a) for a in self.accounts if len(_digits(a)) >= 8}
        self.addresses = {a.strip() for a in self.addresses if a and len(a.strip()) >= 6}
        self.free_texts = {t.strip() for t in self.free_texts if t and len(t.strip()) >= 6}
        self.person_names = {n.strip() for n in self.person_names if n and n.strip()}
        self.tax_ids = {t.strip() for t in self.tax_ids if t and len(t.strip()) >= 4}


@dataclass(frozen=True)
class Finding:
    file: str
    where: str
    kind: str
    hint: str

    def __str__(self) -> str:
        return f"{self.file} {self.where}: {self.kind} ({self.hint})"


class PrivacyLeak(Exception):
    """Raised when the guard finds anything personal in a publication."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        shown = "; ".join(str(f) for f in findings[:10])
        more = f" (+{len(findings) - 10} more)" if len(findings) > 10 else ""
        super().__init__(f"privacy guard: {len(findings)} finding(s): {shown}{more}")


# Lineage: the published data comes from core (publish/sql/build.sql), but the
# guard's knowledge deliberately comes from staging, every version of every
# batch: core leaves out the addresses and free text (apln_addr, addr,
# plat_plc, memo, viol_cn) that the guard must know in order to recognise them
# in a file, and a value staged once must never be published, whatever core
# or the as-of date say. Nothing read here is ever published.
_KNOWLEDGE_SQL = {
    "person_names": """
        select apln_nm from staging.civ_petition where apln_type = '1'
        union select party_nm from staging.tax_assessment where party_type = '1'
        union select party_nm from staging.duty where party_type = '1'
        union select owner_nm from staging.re_parcel where owner_type = '1'
        union select to_nm from staging.re_transfer where to_type = '1'
        union select party_nm from staging.re_realname_viol where party_type = '1'
        union select ownr_nm from staging.bld_permit where ownr_gb_cd = '1'
        union select ownr_nm from staging.bld_useapr where ownr_gb_cd = '1'
        union select ownr_nm from staging.bld_violation where ownr_gb_cd = '1'
        union select holder_nm from staging.civ_permit where holder_type = '1'
        union select user_nm from staging.fin_pub_prop_use where user_party_type = '1'
        union select rep_nm from staging.fin_vendor
        union select emp_nm from staging.hr_emp""",
    "addresses": """
        select apln_addr from staging.civ_petition
        union select addr from staging.hr_emp
        union select addr from staging.fin_vendor
        union select plat_plc from staging.bld_permit""",
    "accounts": """
        select acct_no from staging.hr_emp
        union select acct_no from staging.hr_pay
        union select acct_no from staging.fin_vendor
        union select acct_no from staging.fin_payment""",
    "free_texts": """
        select memo from staging.civ_petition_step
        union select viol_cn from staging.bld_violation""",
    "tax_ids": """
        select asmt_no from staging.tax_assessment
        union select imps_no from staging.duty""",
}


def load_knowledge(conn: psycopg.Connection[Any]) -> Knowledge:
    """Read the personal values of staging (every version, every batch).

    Deliberately wider than the as-of view: a value that was ever personal
    must never be published, whatever date the publication is for.
    """
    values: dict[str, set[Any]] = {}
    for name, sql in _KNOWLEDGE_SQL.items():
        values[name] = {r[0] for r in conn.execute(sql) if r[0] is not None}  # type: ignore[arg-type]
    pairs = {(int(a), int(b)) for a, b in conn.execute("select distinct gross_amt, net_amt from staging.hr_pay")}
    pairs |= {
        (int(a), int(b))
        for a, b in conn.execute(
            "select distinct tax_base_amt, tax_amt from staging.tax_assessment where party_type = '1'")
    }
    return Knowledge(amount_pairs=pairs, **values)


def _digits(value: str) -> str:
    return re.sub(r"[^0-9]", "", value)


def _hint(value: str) -> str:
    """A masked hint of a value: enough to find it, never the value."""
    v = value.strip()
    return f"{len(v)} chars" if len(v) < 4 else f"{v[:1]}…{len(v)} chars"


def _norm_field(name: str | None) -> str | None:
    return None if name is None else name.strip().lower().replace("-", "_")


def _by_len(values: Iterable[str]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for v in values:
        out.setdefault(len(v), set()).add(v)
    return out


class _Scanner:
    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str, str]] = set()
        self._cache: dict[tuple[str, bool], tuple[tuple[str, str], ...]] = {}
        # The other amount of every pair by one of them: a row is checked against
        # the pairs of its own numbers, not against every pair the warehouse knows.
        self._partners: dict[int, set[int]] = {}
        for a, b in knowledge.amount_pairs:
            if a != b:
                self._partners.setdefault(a, set()).add(b)
        self._amounts = {a for pair in knowledge.amount_pairs for a in pair}
        self._amounts_cache: dict[str, int | None] = {}
        self._judged: dict[bool, set[str]] = {False: set(), True: set()}
        self._addr_by_len = _by_len(knowledge.addresses)
        self._free_by_len = _by_len(t for t in knowledge.free_texts if len(t) >= 12)
        self._acct_by_len = _by_len(knowledge.accounts)
        self._name_by_len = _by_len(p for p in knowledge.person_names if len(p) >= 3)

    def add(self, file: str, where: str, kind: str, hint: str) -> None:
        key = (file, where, kind)
        if key not in self._seen:
            self._seen.add(key)
            self.findings.append(Finding(file, where, kind, hint))

    def check_field_name(self, file: str, name: str) -> None:
        norm = _norm_field(name)
        if norm in FREE_TEXT_FIELDS:
            self.add(file, f"field {name}", FREE_TEXT, "free-text or address field")
        elif norm in ACCOUNT_FIELDS:
            self.add(file, f"field {name}", BANK_ACCOUNT, "bank account field")
        elif norm in TAX_FIELDS:
            self.add(file, f"field {name}", TAX_DUTY_PAYROLL, "person-level tax, duty, payroll or id field")

    def check_value(self, file: str, where: str, name: str | None, value: Any, text: bool = False) -> None:
        """One published value. ``text``: a whole document (HTML), searched not compared."""
        if value is None or isinstance(value, bool):
            return
        s = str(value)
        if not s.strip():
            return
        official = _norm_field(name) in OFFICIAL_FIELDS
        if text:
            found = self._judge(s, True, official)
        else:
            # published columns repeat values a lot (departments, statuses): judge each once
            key = (s, official)
            found = self._cache.get(key)
            if found is None:
                found = self._cache[key] = self._judge(s, False, official)
        for kind, hint in found:
            self.add(file, where, kind, hint)

    def _judge(self, s: str, text: bool, official: bool) -> tuple[tuple[str, str], ...]:
        out: list[tuple[str, str]] = []
        k = self.k
        if RRN_PATTERN.search(s):
            out.append((RRN, "RRN-shaped value"))
        if "p_" in s and PSEUDONYM_PATTERN.search(s):
            out.append((PSEUDONYM, "person pseudonym"))
        if _HANGUL.search(s) or "번지" in s:
            for pattern in ADDRESS_PATTERNS:
                if pattern.search(s):
                    out.append((ADDRESS, "address finer than the district"))
                    break
        stripped = s.strip()
        if stripped in k.addresses or (text and any(a in s for a in k.addresses)):
            out.append((ADDRESS, "a staging address"))
        if stripped in k.free_texts or (text and any(t in s for t in k.free_texts if len(t) >= 12)):
            out.append((FREE_TEXT, "free text from a legacy system"))
        if stripped in k.tax_ids:
            out.append((TAX_DUTY_PAYROLL, "tax assessment or duty imposition number"))
        digits = _digits(s)
        if len(digits) >= 8 and (digits in k.accounts or (text and any(a in digits for a in k.accounts))):
            out.append((BANK_ACCOUNT, "a staging bank account"))
        if not official:
            if stripped in k.person_names:
                out.append((PERSON_NAME, f"unmasked person name, {_hint(stripped)}"))
            elif text:
                for person in k.person_names:
                    if len(person) >= 3 and person in s:
                        out.append((PERSON_NAME, f"unmasked person name, {_hint(person)}"))
                        break
        return tuple(out)

    def check_row(self, file: str, where: str, values: Iterable[Any]) -> None:
        if not self.k.amount_pairs:
            return
        numbers: set[int] = set()
        for v in values:
            if isinstance(v, bool) or v is None:
                continue
            try:
                numbers.add(int(str(v).replace(",", "")))
            except ValueError:
                continue
        for a in numbers:
            partners = self._partners.get(a)
            if partners and not partners.isdisjoint(numbers):
                self.add(file, where, TAX_DUTY_PAYROLL, "amounts of a person-level payroll or tax record")
                return

    # ------------------------------------------------------------ fast pass
    # The fast pass judges each distinct value of a file once (with the same
    # ``_judge`` as the exact scan) and checks rows for amount pairs without
    # building a location per value. It only decides whether a file is
    # clean; a file it finds anything in is scanned again by the exact,
    # value-by-value scan below, which reports every finding with its place.
    # So the findings are exactly those of the exact scan, and a clean
    # publication (the usual case) costs one pass over its distinct values.
    def _amount(self, v: Any) -> int | None:
        if v is None or isinstance(v, bool):
            return None
        s = v if type(v) is str else str(v)
        try:
            return self._amounts_cache[s]
        except KeyError:
            pass
        try:
            n: int | None = int(s.replace(",", ""))
        except ValueError:
            n = None
        if n is not None and n not in self._amounts:
            n = None
        self._amounts_cache[s] = n
        return n

    def _row_hit(self, values: Iterable[Any]) -> bool:
        nums = {n for n in map(self._amount, values) if n is not None}
        if len(nums) < 2:
            return False
        return any(self._partners.get(a) and not self._partners[a].isdisjoint(nums) for a in nums)

    def _values_dirty(self, values: Iterable[Any], official: bool) -> bool:
        judged = self._judged[official]
        for v in values:
            if v is None or isinstance(v, bool):
                continue
            s = v if type(v) is str else str(v)
            if s in judged:  # judged clean before
                continue
            if s.strip():
                key = (s, official)
                found = self._cache.get(key)
                if found is None:
                    found = self._cache[key] = self._judge(s, False, official)
                if found:
                    return True
            judged.add(s)
        return False

    def _names_dirty(self, names: Iterable[str]) -> bool:
        for name in names:
            if _norm_field(name) in FREE_TEXT_FIELDS | ACCOUNT_FIELDS | TAX_FIELDS:
                return True
        return False

    def _columns_dirty(self, columns: list[tuple[str | None, list[Any]]]) -> bool:
        """Cells by column (name, values in row order): anything to report?"""
        by_official: dict[bool, set[Any]] = {False: set(), True: set()}
        for name, values in columns:
            by_official[_norm_field(name) in OFFICIAL_FIELDS].update(
                v if v is None or type(v) is str else str(v) for v in values)
        if self._values_dirty(by_official[False], False) or self._values_dirty(by_official[True], True):
            return True
        if not self.k.amount_pairs:
            return False
        # rows: only columns holding a known amount can make a pair
        amount_cols = [values for _, values in columns
                       if any(self._amount(v) is not None for v in set(
                           x if x is None or type(x) is str else str(x) for x in values))]
        if len(amount_cols) < 2:
            return False
        return any(self._row_hit(row) for row in zip(*amount_cols))

    def _json_dirty(self, value: Any) -> bool:
        official_of: dict[str, bool] = {}
        leaves: dict[bool, set[str]] = {False: set(), True: set()}
        keys: set[str] = set()
        check_rows = bool(self.k.amount_pairs)

        def add(v: Any, key: str | None) -> None:
            if v is None or isinstance(v, bool):
                return
            off = official_of.get(key) if key is not None else False
            if off is None:
                off = official_of[key] = _norm_field(key) in OFFICIAL_FIELDS  # type: ignore[index]
            leaves[off].add(v if type(v) is str else str(v))

        stack: list[tuple[Any, str | None]] = [(value, None)]
        while stack:
            node, key = stack.pop()
            if isinstance(node, dict):
                row = []
                for k, v in node.items():
                    sk = str(k)
                    keys.add(sk)
                    if isinstance(v, dict | list):
                        stack.append((v, sk))
                    else:
                        row.append(v)
                        add(v, sk)
                if check_rows and len(row) >= 2 and self._row_hit(row):
                    return True
            elif isinstance(node, list):
                for v in node:
                    if isinstance(v, dict | list):
                        stack.append((v, key))
                    else:
                        add(v, key)
            else:
                add(node, key)
        if self._names_dirty(keys) or self._values_dirty(keys, False):
            return True
        return self._values_dirty(leaves[False], False) or self._values_dirty(leaves[True], True)

    def _text_line_dirty(self, line: str) -> bool:
        """A text line: the checks of ``_judge(text=True)`` with set lookups of substrings."""
        if not line.strip():
            return False
        if self._judge(line, False, False):
            return True
        k = self.k
        if self._has_substring(line, self._addr_by_len) or self._has_substring(line, self._free_by_len):
            return True
        digits = _digits(line)
        if len(digits) >= 8 and self._has_substring(digits, self._acct_by_len):
            return True
        return bool(k.person_names) and self._has_substring(line, self._name_by_len)

    @staticmethod
    def _has_substring(s: str, by_len: dict[int, set[str]]) -> bool:
        n = len(s)
        for length, values in by_len.items():
            if length <= n and any(s[i:i + length] in values for i in range(n - length + 1)):
                return True
        return False

    def file_dirty(self, path: Path, suffix: str) -> bool:
        """True when the exact scan of this file would report anything (or might: then it is run)."""
        if suffix == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.reader(fh)
                header = next(reader, [])
                rows = list(reader)
            if self._names_dirty(header):
                return True
            width = max([len(header), *map(len, rows)])
            names: list[str | None] = [*header, *([None] * (width - len(header)))]
            cols = list(zip(*(r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows))) \
                if rows else [() for _ in names]
            return self._columns_dirty([(n, list(c)) for n, c in zip(names, cols)])
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            if self._names_dirty(table.column_names):
                return True
            return self._columns_dirty([(n, table.column(n).to_pylist()) for n in table.column_names])
        if suffix == ".json":
            return self._json_dirty(json.loads(path.read_text(encoding="utf-8")))
        text = path.read_text(encoding="utf-8")
        raw = _embedded_json_text(text)
        if raw is not None:
            try:
                data = json.loads(raw)
            except json.JSONDecodeError:
                data = None
            if data is not None:
                if self._json_dirty(data):
                    return True
                text = text.replace(raw, "")
        return any(self._text_line_dirty(line) for line in text.splitlines())

    # ---------------------------------------------------------------- formats
    def scan_csv(self, path: Path, label: str) -> None:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            for name in header:
                self.check_field_name(label, name)
            for i, row in enumerate(reader, start=2):
                for j, value in enumerate(row):
                    name = header[j] if j < len(header) else None
                    self.check_value(label, f"line {i} field {name}", name, value)
                self.check_row(label, f"line {i}", row)

    def scan_parquet(self, path: Path, label: str) -> None:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        for name in table.column_names:
            self.check_field_name(label, name)
        for i, row in enumerate(table.to_pylist(), start=1):
            for name, value in row.items():
                self.check_value(label, f"row {i} field {name}", name, value)
            self.check_row(label, f"row {i}", row.values())

    def scan_json_value(self, label: str, value: Any, path: str = "$", key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                self.check_field_name(label, str(k))
                self.check_value(label, f"{path} key", None, k)
                self.scan_json_value(label, v, f"{path}.{k}", str(k))
            leaves = [v for v in value.values() if not isinstance(v, dict | list)]
            self.check_row(label, path, leaves)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.scan_json_value(label, v, f"{path}[{i}]", key)
        else:
            self.check_value(label, path, key, value)

    def scan_text(self, path: Path, label: str) -> None:
        text = path.read_text(encoding="utf-8")
        data = _embedded_json(text)
        if data is not None:
            self.scan_json_value(label, data)
            text = text.replace(_embedded_json_text(text) or "", "")
        for i, line in enumerate(text.splitlines(), start=1):
            self.check_value(label, f"line {i}", None, line, text=True)


#: A site data file: ``window.CB_DATA = {...};`` or a petition shard ``window.CB_SHARD = {...};``.
_EMBED = re.compile(r"^\s*window\.CB_(?:DATA|SHARD)\s*=\s*(?P<json>.*?);?\s*$", re.S)


def _embedded_json_text(text: str) -> str | None:
    m = _EMBED.match(text)
    return m.group("json") if m else None


def _embedded_json(text: str) -> Any | None:
    """The data of a site data file (``window.CB_DATA = {...};`` or a shard), parsed."""
    raw = _embedded_json_text(text)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return None


def iter_files(root: Path) -> Iterator[Path]:
    for p in sorted(root.rglob("*")):
        if p.is_file():
            yield p


def scan(root: Path, knowledge: Knowledge) -> list[Finding]:
    """Scan every file under ``root``; return what must not be published.

    Every file is read: CSV and Parquet by cell (with its column name),
    JSON by key and value, HTML/JS/anything else as text. A file the guard
    cannot read is itself a finding: what cannot be checked is not published.
    """
    scanner = _Scanner(knowledge)
    for path in iter_files(root):
        label = str(path.relative_to(root))
        suffix = path.suffix.lower()
        try:
            if not scanner.file_dirty(path, suffix):
                continue
        except (UnicodeDecodeError, json.JSONDecodeError, OSError, ValueError):
            pass  # the exact scan below reports it, with what it found before
        try:
            if suffix == ".csv":
                scanner.scan_csv(path, label)
            elif suffix == ".parquet":
                scanner.scan_parquet(path, label)
            elif suffix == ".json":
                scanner.scan_json_value(label, json.loads(path.read_text(encoding="utf-8")))
            else:
                scanner.scan_text(path, label)
        except (UnicodeDecodeError, json.JSONDecodeError, OSError, ValueError) as exc:
            scanner.add(label, "file", UNREADABLE, type(exc).__name__)
    return scanner.findings


def check(root: Path, knowledge: Knowledge) -> None:
    """Raise PrivacyLeak when anything under ``root`` must not be published."""
    findings = scan(root, knowledge)
    if findings:
        raise PrivacyLeak(findings)
