"""Small HTML helpers the report sections share (escaped by the caller).

Column heads are shown Korean first with the English beside (from
``words.GLOSSARY``): the report's readers are Korean auditors, and the
English keeps the link to the code and the documentation.
"""

from __future__ import annotations

from html import escape

from cheongbaek.report.words import ko


def head_cell(label: str) -> str:
    """A column head: ``한국어 <span lang="en">English</span>`` when the glossary knows it."""
    korean = ko(label)
    if korean is None:
        return escape(label)
    return f'{escape(korean)} <span class="en" lang="en">{escape(label)}</span>'


def table(head: list[str], rows: list[list[str]], css_class: str | None = None) -> str:
    """A plain table; ``head`` is escaped here, cells are HTML the caller built."""
    thead = "".join(f'<th scope="col">{head_cell(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return f"<table{cls}><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>"
