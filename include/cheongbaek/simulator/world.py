"""The simulator's engine: identities, delivery routing, streaming sinks, counters.

Everything that is generated goes through :class:`Sim`: file records as a
list of versions (known date, values) that the router turns into day
folders, database rows as their final state with ``upd_dt`` = the day of the
last change. Counters record what the pipeline must find (see
``counts.csv`` in the truth).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg

from cheongbaek import interfaces, privacy
from cheongbaek.calendar import business_days
from cheongbaek.simulator import formats as F

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감호제"
SYLLABLES = "민서준지현우진영수호연재윤성하은도예주희경정아태승혜동상원석규철미선나기용범찬빈혁한솔유"
BANKS = ("004", "011", "020", "081", "088", "003", "023", "032")
CHUNK = 5_000  # database rows buffered per table before a COPY
REGISTERED = 0x80  # flag bit of Sim.pnu_codes: the PNU has its land-register record


#: The file systems, their kinds by file stem, the database tables: all from the interface catalog.
FILE_SYSTEMS = tuple(interfaces.file_systems())
#: file stem (``TAXASMT``, ``HR_PAY``, ``bld_permit``) -> its kind.
FILE_SPECS = {f.stem: f for s in interfaces.file_systems().values() for f in s.files}
#: Which staging table each file feeds, by file stem.
FILE_TABLE = {stem: f.table for stem, f in FILE_SPECS.items()}
DB_STAGING = {t.name: t.table for s in interfaces.database_systems().values() for t in s.tables}
DB_COLUMNS = {t.name: t.source_columns for s in interfaces.database_systems().values() for t in s.tables}
DB_SYSTEM = {t.name: name for name, s in interfaces.database_systems().items() for t in s.tables}


def file_spec_of(stem: str) -> tuple[interfaces.FileSpec, str | None]:
    """The kind of a writer stem and its month: ``HR_PAY_202501`` is the monthly ``HR_PAY`` of January."""
    spec = FILE_SPECS.get(stem)
    if spec is not None:
        return spec, None
    base, _, month = stem.rpartition("_")
    spec = FILE_SPECS.get(base)
    if spec is None or "YYYYMM" not in spec.name or not (len(month) == 6 and month.isdigit()):
        raise KeyError(f"no delivered file has the stem {stem}")
    return spec, month


def open_file(folder: Path, day: dt.date, stem: str, header: list[str] | None = None) -> Any:
    """A writer of a stem's file in ``folder`` (the day's), as the catalog frames it; ``header`` replaces the
    catalog's header row (a defect's extra or missing column)."""
    return F.open_writer(file_spec_of(stem)[0], folder / file_name(stem, day), day, header)


def file_name(stem: str, day: dt.date) -> str:
    """The name of a stem's file in the folder of ``day``."""
    spec, month = file_spec_of(stem)
    return spec.file_name(F.ymd(day), month)


_M64 = (1 << 64) - 1
#: Valid RRNs: birth dates 1950-01-01 .. 1997-12-21 (S 1-2), serials 00000-99999.
RRN_FROM, RRN_DAYS = dt.date(1950, 1, 1), 365 * 48 + 1
#: Unverifiable RRNs: numbers issued since October 2020 (birth dates 2021-01-01 .. 2022-12-02, S 3-4).
UNV_FROM, UNV_DAYS = dt.date(2021, 1, 1), 701
#: BRN bodies: office 101-899, kind 01-99, serial 0001-9999 (stdnum's format rules all hold).
BRN_SPACE = 799 * 99 * 9999
#: Background employees' accounts are numbered from here (other accounts count up from 1).
EMP_ACCT_BASE = 900_000_000


def mix64(x: int) -> int:
    """splitmix64's finaliser: a fast bijection of 64-bit integers that mixes every bit."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


class Permutation:
    """A keyed bijection of ``range(size)``: identifiers from a counter, unique without remembering them.

    A balanced six-round Feistel network on the smallest even number of bits
    that holds ``size``, cycle-walked back into the range (walking the cycle
    of a bijection of the larger set stays a bijection of the smaller one).
    """

    def __init__(self, size: int, key: int, rounds: int = 6) -> None:
        if size < 1:
            raise ValueError("empty permutation")
        self.size = size
        bits = max(2, (size - 1).bit_length())
        self.half = (bits + 1) // 2
        self.mask = (1 << self.half) - 1
        self.keys = [mix64((key * 31 + r) & _M64) for r in range(rounds)]

    def __call__(self, x: int) -> int:
        if not 0 <= x < self.size:
            raise ValueError(f"{x} outside 0..{self.size - 1}")
        half, mask, keys = self.half, self.mask, self.keys
        while True:
            left, right = x >> half, x & mask
            for k in keys:  # round function: one 64-bit multiply, high bits kept
                left, right = right, left ^ ((((right ^ k) * 0x9E3779B97F4A7C15) & _M64) >> (64 - half))
            x = (left << half) | right
            if x < self.size:
                return x


class Stream:
    """A small keyed random stream (splitmix64): the same key gives the same draws, without any state kept.

    Lets an entity (a background employee) be regenerated from its index
    whenever it is needed instead of being kept in memory.
    """

    __slots__ = ("state",)

    def __init__(self, *key: int) -> None:
        state = 0x2545F4914F6CDD1D
        for k in key:
            state = mix64(state ^ (k & _M64))
        self.state = state

    def bits(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _M64
        return mix64(self.state)

    def random(self) -> float:
        return (self.bits() >> 11) * (1.0 / (1 << 53))

    def randrange(self, n: int) -> int:
        return self.bits() % n

    def randint(self, a: int, b: int) -> int:
        return a + self.bits() % (b - a + 1)

    def choice(self, seq: Any) -> Any:
        return seq[self.bits() % len(seq)]


_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def rrn_check_digit(body: str) -> str:
    """``stdnum.kr.rrn.calc_check_digit`` (weights 2-9, 2-5; (11 - sum mod 11) mod 10), without its overhead."""
    s = sum(w * (ord(c) - 48) for w, c in zip(_RRN_WEIGHTS, body))
    return str((11 - s % 11) % 10)


def read_reference(shared: Path, name: str) -> list[dict[str, str]]:
    import csv

    with open(shared / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Party:
    """A person (RRN digits) or a business (BRN digits) with a name and an address."""

    __slots__ = ("ptype", "id", "nm", "addr")

    def __init__(self, ptype: str, pid: str, nm: str, addr: str) -> None:
        self.ptype, self.id, self.nm, self.addr = ptype, pid, nm, addr

    @property
    def hyphenated(self) -> str:
        return F.hyphen_rrn(self.id) if self.ptype == "1" else F.hyphen_brn(self.id)


class Sim:
    """State shared by the background world and the planted cases."""

    def __init__(self, start: dt.date, days: int, factor: int, seed: int, drop: Path, truth: Path,
                 fin_conn: psycopg.Connection[Any], civ_conn: psycopg.Connection[Any],
                 progress: Callable[[str], None], dongs: list[dict[str, str]]) -> None:
        self.rng = random.Random(seed)
        self.factor = factor
        self.drop, self.truth = drop, truth
        self.fin_conn, self.civ_conn = fin_conn, civ_conn
        self.progress = progress
        self.bdays = business_days(start, days)
        if not self.bdays:
            raise ValueError(f"no business day in {days} days from {start}")
        self.b0 = self.bdays[0]
        self.D = self.bdays[-1]
        self.Y = self.D.year - 1
        self.H0 = dt.date(self.D.year - 3, 1, 1)
        self.defects_on = len(self.bdays) >= 5
        # Delivery defects: which days a system cannot carry real content on.
        self.blocked: dict[str, set[dt.date]] = {s: set() for s in FILE_SYSTEMS}
        self.missing: dict[str, set[dt.date]] = {s: set() for s in FILE_SYSTEMS}
        self.incomplete: dict[str, set[dt.date]] = {s: set() for s in FILE_SYSTEMS}
        if self.defects_on:
            b = self.bdays
            for s in ("tax", "duties", "realestate"):
                self.blocked[s].add(b[2])  # a corrupt file on b2
            self.missing["realestate"].add(b[3])
            self.blocked["realestate"].add(b[3])
            self.incomplete["construction"].add(b[3])
            self.blocked["construction"].add(b[3])
        self.dongs = dongs
        self.seq: dict[str, int] = defaultdict(int)
        self.seed = seed
        # Identifiers come from counters through keyed bijections, so they are unique without a set of the
        # issued ones: valid RRNs (even inputs for people drawn as they come, odd ones for the background
        # employees, who are regenerated from their index), unverifiable RRNs, and BRNs.
        self.rrn_perm = Permutation(RRN_DAYS * 2 * 100_000, mix64(seed ^ 0x5252))
        self.unv_perm = Permutation(UNV_DAYS * 2 * 100_000, mix64(seed ^ 0x5556))
        self.brn_perm = Permutation(BRN_SPACE, mix64(seed ^ 0x4252))
        # One byte per issued PNU, in issue order: land kind * 32 + sub lot, | REGISTERED once it has a
        # land-register record (the rest of the PNU follows from the issue number).
        self.pnu_codes = bytearray()
        self.dong_index: dict[str, list[int]] = defaultdict(list)
        for i, d in enumerate(dongs):
            self.dong_index[d["legal_dong_cd"]].append(i)
        self.writers: dict[tuple[str, dt.date, str], Any] = {}
        self.db_buf: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        # counters per staging table
        self.valid_keys: dict[str, int] = defaultdict(int)
        self.staging_rows: dict[str, int] = defaultdict(int)
        self.quarantined: dict[str, int] = defaultdict(int)
        self.warnings: dict[str, int] = defaultdict(int)
        self.written: dict[str, int] = defaultdict(int)  # physical rows per source table / file kind
        self.alerts: list[tuple[str, str, int]] = []
        self.near: list[tuple[str, str, str]] = []
        self.defects: list[dict[str, str]] = []

    # ------------------------------------------------------------ ids
    def next(self, kind: str) -> int:
        self.seq[kind] += 1
        return self.seq[kind]

    def name(self, r: Any = None) -> str:
        r = r or self.rng
        return r.choice(SURNAMES) + r.choice(SYLLABLES) + r.choice(SYLLABLES)

    def addr(self, r: Any = None) -> str:
        r = r or self.rng
        d = r.choice(self.dongs)
        return f"서울특별시 {d['sigungu_nm']} {d['dong_nm']} {r.randint(1, 999)}-{r.randint(1, 40)}"

    def rrn_at(self, n: int) -> str:
        """The n-th valid RRN (n >= 0): a real birth date, S 1-2, the stdnum check digit; distinct for every n."""
        day, rest = divmod(self.rrn_perm(n), 200_000)
        b = RRN_FROM + dt.timedelta(days=day)
        s = ("12" if b.year < 2000 else "34")[rest // 100_000]
        body = f"{b:%y%m%d}{s}{rest % 100_000:05d}"
        return body + rrn_check_digit(body)

    def unverifiable_rrn_at(self, n: int) -> str:
        """The n-th post-2020 number whose last digit is not the check digit (distinct for every n)."""
        day, rest = divmod(self.unv_perm(n), 200_000)
        b = UNV_FROM + dt.timedelta(days=day)
        body = f"{b:%y%m%d}{'34'[rest // 100_000]}{rest % 100_000:05d}"
        good = int(rrn_check_digit(body))
        return body + str((good + 1 + mix64(n ^ self.seed) % 9) % 10)

    def brn_at(self, n: int) -> str:
        """The n-th BRN: valid for stdnum and the NTS check digit; distinct for every n."""
        x = self.brn_perm(n)
        x, serial = divmod(x, 9999)
        office, kind = divmod(x, 99)
        first9 = f"{101 + office}{1 + kind:02d}{1 + serial:04d}"
        return first9 + privacy.brn_check_digit(first9)

    def person(self, unverifiable: bool = False) -> Party:
        """A fresh person with a valid RRN (or a post-2020 number whose check digit differs)."""
        if unverifiable:
            rrn = self.unverifiable_rrn_at(self.next("unv_rrn") - 1)
        else:
            rrn = self.rrn_at(2 * (self.next("rrn") - 1))
        return Party("1", rrn, self.name(), self.addr())

    def business(self) -> Party:
        r = self.rng
        brn = self.brn_at(self.next("brn") - 1)
        kind = r.choice(["건설", "산업", "기술", "엔지니어링", "상사", "개발", "환경", "정보통신"])
        return Party("2", brn, f"(주){self.name()[1:]}{kind}", self.addr())

    def account(self) -> tuple[str, str]:
        n = self.next("acct")
        return self.rng.choice(BANKS), f"{self.rng.randint(100, 999)}{n:09d}"

    def pnu(self, kind: str = "1") -> str:
        """A fresh parcel no.: every case and background entity gets its own parcel.

        Every PNU issued is remembered in one byte (land kind and sub lot; the
        rest follows from the issue number), so that the land register can
        carry all of them (:meth:`unregistered_pnus`) at a memory cost of
        one byte a parcel.
        """
        n = self.next("pnu")
        ji = self.rng.randint(0, 30)
        self.pnu_codes.append(int(kind) * 32 + ji)
        return self._pnu_of(n, kind, ji)

    def _pnu_of(self, n: int, kind: str, ji: int) -> str:
        d = self.dongs[n % len(self.dongs)]
        main = 1 + n // len(self.dongs)
        return f"{d['legal_dong_cd']}{kind}{main % 10000:04d}{ji:04d}"

    def _issues(self, pnu: str) -> Iterator[int]:
        """The issue numbers :meth:`pnu` returned ``pnu`` for (several once main lots wrap at 10000)."""
        if len(pnu) != 19 or not pnu.isdigit() or pnu[10] not in "12" or int(pnu[15:]) >= 32:
            return
        code = int(pnu[10]) * 32 + int(pnu[15:])
        size, main = len(self.dongs), int(pnu[11:15])
        for idx in self.dong_index.get(pnu[:10], ()):
            m = main or 10000
            while (n := (m - 1) * size + idx) <= len(self.pnu_codes):
                if n >= 1 and self.pnu_codes[n - 1] & ~REGISTERED == code:
                    yield n
                m += 10000

    def register(self, pnu: str) -> None:
        """``pnu`` has its land-register record (a PNU :meth:`pnu` never issued is not tracked)."""
        for n in self._issues(pnu):
            self.pnu_codes[n - 1] |= REGISTERED

    def is_registered(self, pnu: str) -> bool:
        return any(self.pnu_codes[n - 1] & REGISTERED for n in self._issues(pnu))

    def unregistered_pnus(self) -> Iterator[str]:
        """Issued PNUs without a land-register record, in issue order.

        Live: a PNU the caller registers while iterating is skipped further
        on, so a PNU issued twice (main lots wrapped) still gets one record.
        """
        for n, code in enumerate(self.pnu_codes, 1):
            if not code & REGISTERED:
                yield self._pnu_of(n, str(code // 32), code % 32)

    def day_in(self, lo: dt.date, hi: dt.date) -> dt.date:
        if hi <= lo:
            return lo
        return lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))

    def ts(self, d: dt.date) -> dt.datetime:
        """A realistic office-hours timestamp on day d, to the second."""
        return dt.datetime(d.year, d.month, d.day) + dt.timedelta(seconds=self.rng.randint(9 * 3600, 18 * 3600))

    # ------------------------------------------------------------ routing
    def delivered_days(self, system: str) -> list[dt.date]:
        return [d for d in self.bdays if d not in self.missing[system]]

    def route(self, system: str, known: dt.date) -> dt.date | None:
        """The folder a record known on ``known`` first appears in (None: after the last day)."""
        if known <= self.b0:
            return self.b0
        for d in self.bdays:
            if d >= known and d not in self.blocked[system]:
                return d
        return None

    def w(self, system: str, day: dt.date, stem: str) -> Any:
        key = (system, day, stem)
        wr = self.writers.get(key)
        if wr is None:
            folder = self.drop / system / F.ymd(day)
            folder.mkdir(parents=True, exist_ok=True)
            wr = self._open(system, folder, day, stem)
            self.writers[key] = wr
        return wr

    def _open(self, system: str, folder: Path, day: dt.date, stem: str) -> Any:
        return open_file(folder, day, stem)

    def emit(self, system: str, stem: str, versions: list[tuple[dt.date, Any]]) -> list[dt.date]:
        """Write a key's versions to the folders they are delivered in; returns those days.

        The first delivery carries only the state as of that day; two versions
        landing on the same day keep the later (never the same key twice by
        accident: that defect is planted on purpose elsewhere).
        """
        routed: dict[dt.date, Any] = {}
        for known, rec in sorted(versions, key=lambda v: v[0]):
            day = self.route(system, known)
            if day is not None:
                routed[day] = rec
        table = file_spec_of(stem)[0].table
        for day, rec in sorted(routed.items()):
            self.w(system, day, stem).add(rec)
            self.staging_rows[table] += 1
            self.written[table] += 1
        if routed:
            self.valid_keys[table] += 1
        return sorted(routed)

    # ------------------------------------------------------------ file record builders
    def tax(self, versions: list[tuple[dt.date, dict[str, Any]]]) -> None:
        self.emit("tax", "TAXASMT", versions)

    def tax_rec(self, item: str, party: Party, pnu: str | None, base: int, amt: int, cause: dt.date,
                asmt: dt.date, status: str = "01", paid: dt.date | None = None, dept: str = "3000000",
                asmt_no: str | None = None) -> dict[str, Any]:
        return {"asmt_no": asmt_no or f"A{asmt.year}{self.next('asmt'):09d}", "tax_item_cd": item,
                "party_type": party.ptype, "party_id": party.id, "party_nm": party.nm, "pnu": pnu,
                "tax_base_amt": base, "tax_amt": amt, "cause_dt": cause, "asmt_dt": asmt,
                "due_dt": asmt + dt.timedelta(days=30), "paid_dt": paid, "status_cd": status, "dept_cd": dept}

    def assess(self, item: str, party: Party, pnu: str | None, base: int, cause: dt.date, asmt: dt.date,
               status: str = "01", dept: str = "3000000") -> str:
        """An assessment known on ``asmt``, paid some weeks later (a second version when paid)."""
        rate = {"101": 40, "102": 80, "201": 2, "301": 25, "501": 10}[item]
        amt = base * rate // 1000
        rec = self.tax_rec(item, party, pnu, base, amt, cause, asmt, status, dept=dept)
        versions = [(asmt, rec)]
        if status == "01":
            paid = asmt + dt.timedelta(days=self.rng.randint(5, 40))
            if paid <= self.D:
                versions.append((paid, rec | {"status_cd": "02", "paid_dt": paid}))
        self.tax(versions)
        return rec["asmt_no"]

    def duty(self, cd: str, party: Party, pnu: str | None, basis: str, amt: int, imps: dt.date,
             status: str = "부과", dept: str = "3000000", imps_no: str | None = None) -> str:
        imps_no = imps_no or f"I{imps.year}{self.next('imps'):08d}"
        due = imps + dt.timedelta(days=30)

        def row(st: str, paid: dt.date | None) -> list[str]:
            return [imps_no, cd, party.ptype, party.hyphenated, party.nm, pnu or "", basis, F.won(amt),
                    F.iso(imps), F.iso(due), F.iso(paid), st, dept]

        versions = [(imps, row(status, None))]
        if status == "부과":
            paid = imps + dt.timedelta(days=self.rng.randint(3, 45))
            if paid <= self.D:
                versions.append((paid, row("수납", paid)))
        self.emit("duties", "DUTY", versions)
        return imps_no

    # ------------------------------------------------------------ database rows
    def db(self, table: str, row: tuple[Any, ...], changed: dt.date | dt.datetime | None) -> bool:
        """Buffer a row (final state); rows created after D do not exist yet."""
        if changed is not None:
            upd = changed if isinstance(changed, dt.datetime) else self.ts(changed)
            if upd.date() > self.D:
                return False
            row = (*row, upd)
        buf = self.db_buf[table]
        if len(buf) >= CHUNK:  # flushed before, not after: the row just added stays editable (defects)
            self.flush(table)
        buf.append(row)
        self.written[table] += 1
        self.staging_rows[DB_STAGING[table]] += 1
        self.valid_keys[DB_STAGING[table]] += 1
        return True

    def flush(self, table: str | None = None) -> None:
        for t in [table] if table else list(self.db_buf):
            rows = self.db_buf.get(t)
            if not rows:
                continue
            conn = self.fin_conn if DB_SYSTEM[t] == "finance" else self.civ_conn
            schema = interfaces.system(DB_SYSTEM[t]).schema
            cols = ", ".join(DB_COLUMNS[t])
            with conn.cursor() as cur, cur.copy(f"copy {schema}.{t} ({cols}) from stdin") as cp:
                for r in rows:
                    cp.write_row(r)
            rows.clear()

    # ------------------------------------------------------------ truth
    def alert(self, scenario: str, subject: str, estimate: int) -> None:
        self.alerts.append((scenario, subject, int(estimate)))

    def near_miss(self, scenario: str, subject: str, why: str) -> None:
        self.near.append((scenario, subject, why))

    def defect(self, cls: str, system: str, where: str, key: str, handling: str, reason: str) -> None:
        self.defects.append({"defect_class": cls, "system": system, "file_or_table": where, "line_or_key": key,
                             "expected_handling": handling, "reason": reason})
