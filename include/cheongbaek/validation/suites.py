"""Great Expectations validation of staging batches, one DataFrame per chunk.

The suites are JSON files under ``expectations/suites/<staging table>.json``
(GX 1.x ``ExpectationSuite`` documents), so auditors read and review the
rules without reading Python. Every expectation carries ``meta.blocking``:
a row failing a blocking expectation goes to quarantine with the
expectation's name as the reason; a non-blocking one only counts a warning
(the unverifiable RRNs).

Why one DataFrame per chunk: GX has a fixed cost per validation and a
per-row cost per expectation; validating row by row would be hundreds of
times slower. Only the columns the suite reads go into the DataFrame.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How many unexpected values a dq.result row keeps as a sample.
SAMPLE_SIZE = 5

#: Columns whose values may identify a person: masked in samples.
_SENSITIVE = ("_id", "rrn", "_nm", "nm", "addr", "acct", "memo", "viol_cn", "brn")
_NOT_SENSITIVE = ("_id_status", "rrn_status")


def suites_dir() -> Path:
    """Where the suite JSON files live: $CHEONGBAEK_EXPECTATIONS_DIR, else the repo's expectations/suites."""
    value = os.environ.get("CHEONGBAEK_EXPECTATIONS_DIR")
    if value:
        return Path(value).resolve()
    return Path(__file__).resolve().parents[3] / "expectations" / "suites"


def mask_value(column: str, value: Any) -> str | None:
    """A value safe to keep in dq.result samples: codes as they are, identifiers and names masked."""
    if value is None:
        return None
    text = str(value)
    if column.endswith(_NOT_SENSITIVE) or not any(s in column for s in _SENSITIVE):
        return text[:40]
    if len(text) <= 2:
        return "*" * len(text)
    return text[:2] + "*" * min(len(text) - 2, 8)


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation of a suite, as the loader needs it."""

    type: str
    column: str | None
    kwargs: dict[str, Any]
    blocking: bool

    @property
    def label(self) -> str:
        """The quarantine reason: expectation type and column, e.g. expect_column_values_to_be_in_set:duty_cd."""
        return f"{self.type}:{self.column}" if self.column else self.type


@dataclass
class ExpectationStats:
    """Accumulated over the chunks of one batch: becomes one dq.result row."""

    spec: ExpectationSpec
    element_count: int = 0
    unexpected_count: int = 0
    sample: list[str | None] = field(default_factory=list)
    observed: Any = None

    @property
    def success(self) -> bool:
        return self.unexpected_count == 0


@dataclass
class ChunkOutcome:
    """What validation of one chunk found: row positions failing, by the first blocking expectation."""

    blocking: dict[int, str]  # row position in the chunk -> quarantine reason (first failing blocking expectation)
    details: dict[int, list[str]]  # row position -> every blocking expectation it failed
    warned: set[int]  # row positions failing a non-blocking expectation (and no blocking one)
    result: Any = None  # the GX ExpectationSuiteValidationResult of the chunk


def load_suite_document(table: str) -> dict[str, Any]:
    path = suites_dir() / f"{table}.json"
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite for staging.{table}: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


class SuiteValidator:
    """Validates chunks of one staging table against its suite with an ephemeral GX context.

    The context, datasource and suite are built once per table and process,
    so each chunk costs one ``batch.validate`` call.
    """

    def __init__(self, table: str) -> None:
        import great_expectations as gx
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        import cheongbaek.validation.custom  # noqa: F401  (registers the custom expectations)

        self.table = table
        doc = load_suite_document(table)
        self.specs = [
            ExpectationSpec(type=e["type"], column=e.get("kwargs", {}).get("column"), kwargs=e.get("kwargs", {}),
                            blocking=bool(e.get("meta", {}).get("blocking", True)))
            for e in doc["expectations"]
        ]
        self.columns = sorted({s.column for s in self.specs if s.column})
        context = _context()
        suite = gx.ExpectationSuite(name=doc["name"], meta=doc.get("meta") or {})
        for e in doc["expectations"]:
            suite.add_expectation_configuration(
                ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta") or {}))
        self.suite = suite
        datasource = context.data_sources.get("cheongbaek")
        asset = datasource.add_dataframe_asset(name=f"{table}_{id(self)}")
        self.batch_definition = asset.add_batch_definition_whole_dataframe("chunk")
        self.document = doc

    def new_stats(self) -> list[ExpectationStats]:
        return [ExpectationStats(spec) for spec in self.specs]

    def validate(self, columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
                 stats: list[ExpectationStats]) -> ChunkOutcome:
        """Validate one chunk; ``rows`` hold values in ``columns`` order. Accumulates into ``stats``."""
        import pandas as pd

        if not rows:
            return ChunkOutcome({}, {}, set())
        positions = {c: i for i, c in enumerate(columns)}
        missing = [c for c in self.columns if c not in positions]
        if missing:
            raise KeyError(f"suite {self.table} reads columns the batch lacks: {missing}")
        data = {}
        for c in self.columns:
            i = positions[c]
            values = [r[i] for r in rows]
            data[c] = pd.Series(values)
        frame = pd.DataFrame(data)
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(self.suite, result_format={"result_format": "COMPLETE",
                                                           "partial_unexpected_count": SAMPLE_SIZE})
        blocking: dict[int, str] = {}
        details: dict[int, list[str]] = {}
        warned: set[int] = set()
        for spec, st, res in zip(self.specs, stats, result.results, strict=True):
            if res.exception_info and res.exception_info.get("raised_exception"):
                raise RuntimeError(f"expectation {spec.label} of suite {self.table} raised: "
                                   f"{res.exception_info.get('exception_message')}")
            r = res.result or {}
            st.element_count += int(r.get("element_count") or len(rows))
            unexpected = int(r.get("unexpected_count") or 0)
            st.unexpected_count += unexpected
            if "observed_value" in r:
                st.observed = r["observed_value"]
            if unexpected:
                column = spec.column or ""
                for v in r.get("partial_unexpected_list") or []:
                    if len(st.sample) < SAMPLE_SIZE:
                        st.sample.append(mask_value(column, v))
                for idx in r.get("unexpected_index_list") or []:
                    pos = int(idx)
                    if spec.blocking:
                        blocking.setdefault(pos, spec.label)
                        details.setdefault(pos, []).append(spec.label)
                    else:
                        warned.add(pos)
        warned -= blocking.keys()
        return ChunkOutcome(blocking, details, warned, result)


@lru_cache(maxsize=1)
def _context() -> Any:
    """One ephemeral GX context per process, with one pandas datasource."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False, "metric_calculations": False}  # type: ignore[assignment]
    except Exception:  # older/newer variable layouts: progress bars are cosmetic
        log.debug("could not switch GX progress bars off", exc_info=True)
    context.data_sources.add_pandas("cheongbaek")
    return context


@lru_cache(maxsize=64)
def validator(table: str) -> SuiteValidator:
    """The cached validator of a staging table."""
    return SuiteValidator(table)
