"""Custom Great Expectations expectations the built-in set cannot express.

Why: a business registration number is valid only when stdnum accepts it
*and* its National Tax Service check digit holds (legacy-interfaces.md);
no regex can check a weighted check digit. Where the staging contract keeps
no status column for a BRN (``fin_vendor.brn``), this expectation is what
quarantines an invalid one. Importing this module registers it with GX.
"""

from __future__ import annotations

from typing import Any, ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial

from cheongbaek import privacy


class ColumnValuesValidBrn(ColumnMapMetricProvider):
    """Row-level condition: the value is a valid BRN (10 digits, stdnum and NTS check digit)."""

    condition_metric_name = "column_values.cheongbaek_valid_brn"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: Any, **kwargs: Any) -> Any:  # noqa: N805 (GX's classmethod-style partial)
        return column.map(lambda v: privacy.is_valid_brn(str(v)))


class ExpectColumnValuesToBeValidBrn(ColumnMapExpectation):
    """Expect every non-null value of the column to be a valid business registration number."""

    map_metric: ClassVar[str] = "column_values.cheongbaek_valid_brn"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
    library_metadata: ClassVar[dict[str, Any]] = {"tags": ["cheongbaek", "brn"], "contributors": ["cheongbaek"]}
