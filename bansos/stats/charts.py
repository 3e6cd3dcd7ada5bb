"""Server-rendered SVG bar charts: readable without JavaScript, accessible (role="img", a title, a text
label per bar), and safe (every text is escaped)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW = 26
LABEL_WIDTH = 170
BAR_WIDTH = 200
VALUE_WIDTH = 80


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def bar_chart(cells: list[dict[str, Any]], *, title: str, hidden_label: str) -> SafeString:
    """Horizontal bars of ``households`` per cell; suppressed cells get no bar and the ``hidden_label``."""
    largest = max((c["households"] for c in cells if not c["suppressed"]), default=0) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW * len(cells) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" width="100%" '
        f'viewBox="0 0 {width} {height}" class="chart" font-size="15" font-family="system-ui,sans-serif">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for i, cell in enumerate(cells):
        y = 4 + i * ROW
        name = str(cell["name"])
        short = name if len(name) <= 20 else name[:19] + "…"
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 18}" text-anchor="end">{escape(short)}</text>')
        if cell["suppressed"]:
            value = hidden_label
            bar = 0
        else:
            value = _number(cell["households"])
            bar = round(BAR_WIDTH * cell["households"] / largest)
        if bar:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{bar}" height="{ROW - 6}" fill="#0a7d3b">'
                f"<title>{escape(name)}: {escape(value)}</title></rect>"
            )
        parts.append(f'<text x="{LABEL_WIDTH + bar + 4}" y="{y + 18}">{escape(value)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every interpolated text is escaped above)
