"""GX Data Docs for auditors: every batch's validation, browsable as static HTML.

Why a separate file-backed context: the loader validates with an in-memory
(ephemeral) context for speed; what auditors need is the record, so after a
batch is loaded its validation result (of its first chunk, with the
unexpected values and row indexes stripped: they may hold identifiers) is
stored in a GX file project under ``$CHEONGBAEK_HOME/gx`` and the Data Docs
site is rebuilt under ``$CHEONGBAEK_HOME/data_docs`` once per ingest run.

Offline: GX's pages load Bootstrap, jQuery, bootstrap-table, Font Awesome and
Vega from CDNs, and its index draws its table with those scripts: on a city
network without internet the pages were unstyled and the index blank. So
after every build :func:`make_offline` strips every remote ``<link>`` and
``<script>``, links a stylesheet shipped with the project
(``validation/static/cheongbaek_offline.css``), unlinks links to pages that
were never rendered (the suites' pages: 404s), names assets by their table
instead of GX's ``<table>_<random id>``, and replaces the index with one
rendered here (Jinja2, autoescaped, no script) from the stored results:
suite, source file, batch, run time, outcome and counts, each linking to its
page. Run names are readable (``<file> (batch N)``) instead of ``__none__``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from functools import lru_cache
from importlib import resources
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


_UNSAFE = re.compile(r"[^0-9A-Za-z가-힣._ ()-]")


def safe_name(name: str) -> str:
    """A name for a place GX renders without escaping: anything but file-name characters becomes ``_``."""
    return _UNSAFE.sub("_", name)[:200]


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
    # The page's run name (GX shows "__none__" for the ephemeral run the loader validated in). GX writes
    # the run name into its page unescaped, so only plain file-name characters go in: a file named
    # "<img onerror=...>" must not become markup.
    result.meta["run_id"] = {"run_name": f"{safe_name(source_name)} (batch {batch_id})", "run_time": when.isoformat()}
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
    make_offline(docs_dir(), ctx)
    log.info("GX Data Docs rebuilt%s: %s", f" after {system}" if system else "", index)
    return index


# ---------------------------------------------------------------- offline
OFFLINE_CSS = "cheongbaek_offline.css"
#: A <link> or <script> that loads anything from another host (http:, https: or protocol-relative).
_REMOTE = re.compile(
    r"""<(link|script)\b[^>]*?\b(?:href|src)\s*=\s*["'](?:https?:)?//[^"']*["'][^>]*>(?:\s*</script>)?""",
    re.I)
_HREF = re.compile(r"""(<a\b[^>]*?)\s+href\s*=\s*["']([^"'#][^"']*)["']""", re.I)
_ASSET = re.compile(r"""<(link|script|img)\b[^>]*?\b(href|src)="([^"]*)"[^>]*>(?:\s*</script>)?""", re.I)
_ASSET_ID = re.compile(r"\b([a-z][a-z0-9_]*?)_\d{10,}\b")


def _offline_page(page: Path, root: Path) -> str:
    text = page.read_text(encoding="utf-8")
    text = _REMOTE.sub("", text)
    # remote images (GX's logo) and fonts: nothing may leave the machine
    text = re.sub(r"""\s(src|href)\s*=\s*["']https?://[^"']*["']""", "", text)

    def unlink(m: re.Match[str]) -> str:
        target = m.group(2).split("#", 1)[0].split("?", 1)[0]
        if re.match(r"^[a-z]+:", target) or (page.parent / target).exists():
            return m.group(0)
        return m.group(1)  # a link to a page never rendered: keep the text, drop the link

    def asset(m: re.Match[str]) -> str:
        """A stylesheet, icon, script or image: GX's own static files, at the right depth, or nothing."""
        tag, attr, value = m.group(1), m.group(2), m.group(3)
        target = value.split("#", 1)[0].split("?", 1)[0]
        if not target or re.match(r"^[a-z]+:", target) or (page.parent / target).exists():
            return m.group(0)
        if "static/" in target:
            fixed = root / "static" / target.split("static/", 1)[1]
            if fixed.exists():
                return m.group(0).replace(value, os.path.relpath(fixed, page.parent))
        return "" if tag.lower() in ("link", "script") else m.group(0).replace(f'{attr}="{value}"', "")

    text = _HREF.sub(unlink, text)
    text = _ASSET.sub(asset, text)
    text = _ASSET_ID.sub(r"\1", text)
    css = os.path.relpath(root / OFFLINE_CSS, page.parent)
    if OFFLINE_CSS not in text:
        text = text.replace("</head>", f'<link rel="stylesheet" href="{css}">\n</head>', 1)
    return text


def make_offline(root: Path, ctx: Any | None = None) -> None:
    """Make the Data Docs under ``root`` work with no network (see the module docstring)."""
    if not root.is_dir():
        return
    css = resources.files("cheongbaek.validation") / "static" / OFFLINE_CSS
    (root / OFFLINE_CSS).write_text(css.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "index.html").write_text(render_index(root, ctx), encoding="utf-8")
    for page in root.rglob("*.html"):
        if page == root / "index.html":
            continue
        text = page.read_text(encoding="utf-8")
        new = _offline_page(page, root)
        if new != text:
            page.write_text(new, encoding="utf-8")


def _results(root: Path, ctx: Any | None) -> list[dict[str, Any]]:
    """One entry per rendered validation page, with what the stored result says about it."""
    entries = []
    for page in sorted((root / "validations").rglob("*.html")) if (root / "validations").is_dir() else []:
        parts = page.relative_to(root / "validations").with_suffix("").parts
        if len(parts) < 4:
            continue
        suite, run_name, run_time, batch = parts[0], parts[-3], parts[-2], parts[-1]
        entry: dict[str, Any] = {"suite": suite, "run_name": run_name, "run_time": run_time, "batch": batch,
                                 "href": page.relative_to(root).as_posix(), "source": None, "success": None,
                                 "evaluated": None, "failed": None}
        if ctx is not None:
            try:
                from great_expectations.core.run_identifier import RunIdentifier
                from great_expectations.data_context.types.resource_identifiers import (
                    ExpectationSuiteIdentifier,
                    ValidationResultIdentifier,
                )

                key = ValidationResultIdentifier(
                    expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite),
                    run_id=RunIdentifier(run_name=run_name, run_time=run_time), batch_identifier=batch)
                result = ctx.validation_results_store.get(key)
                stats = result.statistics or {}
                entry.update(source=result.meta.get("source_name"), success=bool(result.success),
                             evaluated=stats.get("evaluated_expectations"),
                             failed=stats.get("unsuccessful_expectations"))
            except Exception:  # the page stays listed even when its result cannot be read
                log.debug("no stored result for %s", page, exc_info=True)
        entries.append(entry)
    entries.sort(key=lambda e: (e["run_time"], e["suite"], e["batch"]), reverse=True)
    return entries


def render_index(root: Path, ctx: Any | None = None) -> str:
    """The Data Docs index: every validation page, readable, no script, no remote asset."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("cheongbaek.validation", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    results = _results(root, ctx)
    return env.get_template("data_docs_index.html").render(
        results=results, css=OFFLINE_CSS, built=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        n_failed=sum(1 for r in results if r["success"] is False))
