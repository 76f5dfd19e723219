"""Small HTML helpers the report sections share (escaped by the caller)."""

from __future__ import annotations

from html import escape


def table(head: list[str], rows: list[list[str]], css_class: str | None = None) -> str:
    """A plain table; ``head`` is escaped here, cells are HTML the caller built."""
    thead = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return f"<table{cls}><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>"
