"""The legacy landscape simulator: a coherent city world, delivered exactly as the seven systems do.

World model. One city (청백시) with departments (7-digit codes, city / bureau /
division), employees (hired, transferred, on leave, retired; grade 1-9 with
Korean titles) and their monthly payroll on payday; persons (valid RRNs and a
few post-2020 unverifiable ones) and businesses (BRNs valid for stdnum and
the NTS check digit); parcels on the real Seoul legal-dong codes. Around them
the seven systems' records: budgets, vendors, contracts and payments; public
property and its uses; road/river/food/advertising permits and inspections;
petitions of the 50 disclosed procedures and some undisclosed ones with their
steps; transfers, real-name violations; building permits, use approvals and
illegal buildings; and the tax assessments and duties that follow each of
these when the city is compliant (see :mod:`.background`).

Time. ``start`` and ``days`` span calendar days; one folder per business
day. The first folder carries the backlog (every key as it stands that day,
three years of history); later folders carry that day's new and changed
records. Databases hold the final state with ``upd_dt`` = the day (and
second) of the last change, so "known by D" is ``upd_dt <= D``. Every PNU
the world uses has its parcel in the land register's backlog (those records
are generated last, so the rest of the output does not depend on them),
except the planted ``orphan_parcel`` references.

Truth. On top of the compliant world, :mod:`.planted` adds, for each of the
22 rules of scenarios.md, true cases and near misses evaluated as of D = the
last business day delivered; :mod:`.defects` plants every class of delivery
defect on records no scenario reads. ``truth_dir`` receives alerts.csv,
near_misses.csv, defects.csv, counts.csv and manifest.json.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import resource
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cheongbaek import config, db, interfaces
from cheongbaek.simulator import formats as F
from cheongbaek.simulator.background import Background
from cheongbaek.simulator.defects import Defects
from cheongbaek.simulator.planted import Planter
from cheongbaek.simulator.world import DB_COLUMNS, DB_STAGING, FILE_SYSTEMS, Sim, file_name, read_reference

SCALES = {"tiny": 1, "small": 40, "large": 4000}
#: Source rows one unit of scale produces (measured at tiny), to turn a row count into a factor.
ROWS_PER_UNIT = 2500
REFERENCE = Path(__file__).resolve().parent / "reference"
#: The stems every delivered folder holds (monthly files such as HR_PAY only on their day).
STEMS = {name: [f.stem for f in s.files if f.daily] for name, s in interfaces.file_systems().items()}
STAGING_TABLES = interfaces.staging_tables()


@dataclass
class SimulationSummary:
    """What a run wrote: rows per source table / file kind, time, throughput and peak memory."""

    start: dt.date
    as_of: dt.date
    scale: str | int
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    truth_dir: Path | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_s(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        per = ", ".join(f"{k}={v}" for k, v in sorted(self.rows.items()))
        return (f"simulated scale={self.scale} seed={self.seed} {self.start}..{self.as_of}: {self.total_rows} rows "
                f"in {self.seconds:.1f} s ({self.rows_per_s:,.0f} rows/s, peak RSS {self.peak_rss_mb:.0f} MB); "
                f"{per}; truth in {self.truth_dir}")


def factor_of(scale: str | int) -> int:
    if isinstance(scale, int):
        return max(1, scale // ROWS_PER_UNIT)
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: tiny, small, large or a number of source rows")
    return SCALES[scale]


def _procs() -> list[dict[str, str]]:
    """The 50 disclosed procedures of the reference and eight undisclosed ones."""
    rows = read_reference(REFERENCE, "open_procedures.csv")
    out = [{"proc_cd": r["proc_cd"], "sector_cd": r["sector_cd"], "proc_nm": r["proc_nm"][:200],
            "legal_days": r["legal_days"], "open_yn": "Y"} for r in rows]
    for i, (nm, days) in enumerate([("주민등록 등본 발급", 1), ("인감증명 발급", 1), ("옥외광고물 표시 신고", 5),
                                    ("가설건축물 축조 신고", 7), ("개발행위 허가", 15), ("일반음식점 영업신고", 3),
                                    ("도로점용 허가", 10), ("하천점용 허가", 14)], 1):
        out.append({"proc_cd": f"ETC{i:02d}", "sector_cd": "ETC", "proc_nm": nm, "legal_days": str(days),
                    "open_yn": "N"})
    return out


def legacy_ddl(system: interfaces.System) -> str:
    """A database system's legacy schema as the interface catalog states it: spec column types, primary keys,
    no foreign keys; dropped and recreated so every run starts from a clean world."""
    schema = system.schema
    out = [f"-- {system.database}, schema {schema}: generated from interfaces/{system.system}.yaml by",
           "-- cheongbaek.simulator.legacy_ddl; do not edit (tests/unit/test_interfaces.py checks it).",
           f"drop schema if exists {schema} cascade;", f"create schema if not exists {schema};"]
    for t in system.tables:
        cols = [f"{c.name} {c.sql}" + (" not null" if c.name in t.key else "") for c in t.columns]
        out.append(f"create table if not exists {schema}.{t.name} (\n    "
                   + ",\n    ".join([*cols, f"primary key ({', '.join(t.key)})"]) + "\n);")
    return "\n".join(out) + "\n"


def _reset_databases() -> tuple[object, object]:
    fin = db.connect("cb_legacy_finance")
    civ = db.connect("cb_legacy_civil")
    fin.execute(legacy_ddl(interfaces.system("finance")))  # type: ignore[arg-type]
    civ.execute(legacy_ddl(interfaces.system("civil")))  # type: ignore[arg-type]
    return fin, civ


def simulate(start: dt.date, days: int, scale: str | int = "tiny", seed: int = 42, truth_dir: Path | None = None,
             progress: Callable[[str], None] | None = None) -> SimulationSummary:
    """Write a simulated legacy landscape (databases, drop folders) and its truth; see the module docstring.

    Re-running with the same arguments resets the legacy schemas and the five
    systems' drop folders first, so it always produces a clean world, byte
    for byte the same for the same seed.
    """
    t0 = time.perf_counter()
    say = progress or (lambda _m: None)
    factor = factor_of(scale)
    truth = Path(truth_dir) if truth_dir else config.home() / "truth"
    drop = config.drop_dir()
    for system in FILE_SYSTEMS:
        shutil.rmtree(drop / system, ignore_errors=True)
    shutil.rmtree(truth / "redelivery", ignore_errors=True)
    truth.mkdir(parents=True, exist_ok=True)
    drop.mkdir(parents=True, exist_ok=True)
    fin, civ = _reset_databases()
    dongs = read_reference(REFERENCE, "seoul_legal_dong.csv")
    sim = Sim(start, days, factor, seed, drop, truth, fin, civ, say, dongs)  # type: ignore[arg-type]
    say(f"simulating {len(sim.bdays)} business days {sim.b0}..{sim.D} at factor {factor}")
    bg = Background(sim, _procs())
    defects = Defects(bg)
    if sim.defects_on:
        defects.prepare()
    bg.organisation()
    planter = Planter(bg)
    planter.plant()
    bg.proc_codes()
    bg.finance()
    bg.public_property()
    bg.realestate()
    bg.construction()
    bg.civil_permits()
    say("background: finance, property, realestate, construction, permits")
    planter.plant_civil()
    bg.petitions()
    bg.property_tax(30 * factor)
    for day in sim.bdays[1:]:  # quiet-day filler so later folders are never all empty
        bg.property_tax(max(1, factor // 2), known_from=day)
    if sim.defects_on:
        defects.plant()
    bg.payroll()
    bg.hr_files()
    if sim.defects_on:
        defects.hr()
    say(f"land register: {bg.land_register()} parcels added to the first delivery's backlog")
    if sim.defects_on:
        defects.orphan_parcel()
    say("closing deliveries")
    _finish(sim)
    fin.commit()  # type: ignore[attr-defined]
    civ.commit()  # type: ignore[attr-defined]
    fin.close()  # type: ignore[attr-defined]
    civ.close()  # type: ignore[attr-defined]
    summary = SimulationSummary(start=start, as_of=sim.D, scale=scale, seed=seed, rows=dict(sim.written),
                                truth_dir=truth)
    summary.seconds = time.perf_counter() - t0
    summary.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _write_truth(sim, start, days, scale, seed, summary)
    say(str(summary))
    return summary


def _finish(sim: Sim) -> None:
    """Every file of every delivered day exists (header-only when quiet), then ``_DONE`` last."""
    sim.flush()
    for system in FILE_SYSTEMS:
        for day in sim.delivered_days(system):
            if day in sim.incomplete[system]:
                continue
            for stem in STEMS[system]:
                name = file_name(stem, day)
                if not (sim.drop / system / F.ymd(day) / name).exists():
                    sim.w(system, day, stem)
    for wr in sim.writers.values():
        wr.close()
    for system in FILE_SYSTEMS:
        for day in sim.delivered_days(system):
            if day not in sim.incomplete[system]:
                (sim.drop / system / F.ymd(day) / "_DONE").write_bytes(b"")


def _write_truth(sim: Sim, start: dt.date, days: int, scale: str | int, seed: int, summary: SimulationSummary) -> None:
    truth = sim.truth
    with open(truth / "alerts.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["scenario_id", "subject", "estimate_krw"])
        w.writerows(sorted(sim.alerts))
    with open(truth / "near_misses.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["scenario_id", "subject", "why"])
        w.writerows(sorted(sim.near))
    with open(truth / "defects.csv", "w", newline="", encoding="utf-8") as f:
        cols = ["defect_class", "system", "file_or_table", "line_or_key", "expected_handling", "reason"]
        w2 = csv.DictWriter(f, cols)
        w2.writeheader()
        w2.writerows(sim.defects)
    counts = {}
    with open(truth / "counts.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["staging_table", "valid_keys", "staging_rows", "quarantined", "warnings"])
        for t in STAGING_TABLES:
            row = [sim.valid_keys[t], sim.staging_rows[t], sim.quarantined[t], sim.warnings[t]]
            counts[t] = dict(zip(["valid_keys", "staging_rows", "quarantined", "warnings"], row, strict=True))
            w.writerow([t, *row])
    per_scenario: dict[str, int] = {}
    for sid, _, _ in sim.alerts:
        per_scenario[sid] = per_scenario.get(sid, 0) + 1
    manifest = {
        "start": start.isoformat(), "days": days, "as_of": sim.D.isoformat(), "scale": scale, "seed": seed,
        "factor": sim.factor, "first_delivery": sim.b0.isoformat(), "year_Y": sim.Y,
        "history_from": sim.H0.isoformat(),
        "business_days": [d.isoformat() for d in sim.bdays],
        "delivered_days": {s: [d.isoformat() for d in sim.delivered_days(s)] for s in FILE_SYSTEMS},
        "folders_without_done": {s: [d.isoformat() for d in sorted(v)] for s, v in sim.incomplete.items() if v},
        "missing_days": {s: [d.isoformat() for d in sorted(v)] for s, v in sim.missing.items() if v},
        "defects_planted": sim.defects_on,
        "counts": counts,
        "alerts_per_scenario": dict(sorted(per_scenario.items())),
        "rows_written": dict(sorted(sim.written.items())),
        "seconds": round(summary.seconds, 2),
        "rows_per_s": round(summary.rows_per_s),
        "peak_rss_mb": round(summary.peak_rss_mb, 1),
        "definitions": {
            "as_of": "D = the last business day in [start, start + days); every truth is evaluated as of D",
            "valid_keys": "file tables: distinct keys whose newest delivery (complete folder, file not rejected) "
                          "passes validation; database tables: rows with upd_dt/upd_dtm <= D that pass validation",
            "staging_rows": "rows the loader should hold in staging after loading every complete folder up to D "
                            "(every delivered version of a key; a re-delivered day counted once, in its final "
                            "version; rejected files and quarantined records excluded); database tables: one row "
                            "per key (the final version)",
            "quarantined": "records that must go to quarantine (malformed, invalid id, code outside its list, "
                           "the earlier line of a key repeated in one file); rejected files are not counted here",
            "warnings": "records loaded with an unverifiable RRN",
            "alerts.csv": "the complete set of alerts that must be open as of D (scenario_id, subject, estimate)",
            "redelivery": "truth/redelivery/<system>/<day>/ holds the first version of a day delivered twice",
        },
        "source_tables": {t: DB_STAGING[t] for t in DB_COLUMNS},
    }
    (truth / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


__all__ = ["SimulationSummary", "simulate"]
