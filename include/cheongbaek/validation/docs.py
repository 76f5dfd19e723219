"""GX Data Docs for auditors: every batch's validation, browsable as static HTML.

Why a separate file-backed context: the loader validates with an in-memory
(ephemeral) context for speed; what auditors need is the record, so after a
batch is loaded its validation result (of its first chunk, with the
unexpected values and row indexes stripped: they may hold identifiers) is
stored in a GX file project under ``$CHEONGBAEK_HOME/gx`` and the Data Docs
site is rebuilt under ``$CHEONGBAEK_HOME/data_docs`` once per ingest run.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from cheongbaek import config
from cheongbaek.validation.suites import load_suite_document, mask_value

log = logging.getLogger(__name__)

SITE = "cheongbaek_site"

#: Result keys that may carry row values or positions: dropped before storing.
_DROP = ("unexpected_list", "unexpected_index_list", "unexpected_index_query", "partial_unexpected_index_list",
         "partial_unexpected_counts")


#: Results stored by this process since the last build: only their pages are rendered again.
_PENDING: list[Any] = []


def docs_dir() -> Path:
    return config.home() / "data_docs"


@lru_cache(maxsize=4)
def _file_context(home: str) -> Any:
    import great_expectations as gx

    root = Path(home)
    root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(root))
    sites = context.get_config().data_docs_sites or {}  # type: ignore[union-attr]
    if SITE not in sites:
        context.add_data_docs_site(SITE, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return context


def context() -> Any:
    """The file-backed GX project of this CHEONGBAEK_HOME."""
    return _file_context(str(config.home()))


def _ensure_suite(ctx: Any, table: str) -> None:
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    import cheongbaek.validation.custom  # noqa: F401  (registers the custom expectations)

    try:
        ctx.suites.get(table)
        return
    except Exception:  # not there yet
        pass
    doc = load_suite_document(table)
    suite = gx.ExpectationSuite(name=table, meta=doc.get("meta") or {})
    for e in doc["expectations"]:
        suite.add_expectation_configuration(
            ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta") or {}))
    ctx.suites.add(suite)


def store_result(table: str, batch_id: int, source_name: str, result: Any, when: dt.datetime) -> None:
    """Keep one batch's validation result (scrubbed of row values) in the GX project for Data Docs."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    ctx = context()
    _ensure_suite(ctx, table)
    for r in result.results:
        res = r.result or {}
        for k in _DROP:
            res.pop(k, None)
        column = (r.expectation_config.kwargs or {}).get("column") or ""
        if "partial_unexpected_list" in res:
            res["partial_unexpected_list"] = [mask_value(column, v) for v in res["partial_unexpected_list"]]
    result.meta["batch_id"] = batch_id
    result.meta["source_name"] = source_name
    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=table),
        run_id=RunIdentifier(run_name=f"batch_{batch_id}", run_time=when),
        batch_identifier=f"batch_{batch_id}",
    )
    ctx.validation_results_store.set(key, result)
    _PENDING.append(key)


def build_data_docs(system: str | None = None) -> Path:
    """Render the pages of the results stored since the last build, and the site index; returns index.html.

    Only new pages are rendered (a full rebuild re-renders every batch ever
    validated); the index still lists them all.
    """
    ctx = context()
    if _PENDING:
        ctx.build_data_docs(site_names=[SITE], resource_identifiers=list(_PENDING))
        _PENDING.clear()
    else:
        ctx.build_data_docs(site_names=[SITE])
    index = docs_dir() / "index.html"
    log.info("GX Data Docs rebuilt%s: %s", f" after {system}" if system else "", index)
    return index
