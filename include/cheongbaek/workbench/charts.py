"""Inline SVG bar charts: no script, no CDN, escaped labels (the page's CSP needs nothing extra)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup


def bar_chart(items: list[tuple[str, float]], title: str, suffix: str = "", width: int = 640) -> Markup:
    """Horizontal bars, one per (label, value); safe to insert into an autoescaped template."""
    bar_h, gap, label_w = 18, 6, 150
    height = max(1, len(items)) * (bar_h + gap) + 30
    top = max((v for _, v in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
             f' aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = 24 + i * (bar_h + gap)
        w = int((width - label_w - 80) * (value / top))
        shown = f"{value:,.1f}{suffix}" if suffix else f"{value:,.0f}"
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{escape(label[:22])}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" fill="#3b6ea8"'
                     f' data-label="{escape(label)}" data-value="{value:.4f}"/>'
                     f'<text x="{label_w + max(w, 1) + 4}" y="{y + 13}" font-size="12">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
