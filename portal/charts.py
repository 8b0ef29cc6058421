"""Charts drawn as SVG on the server: no script, no third party, readable without colour
(every bar carries its number), each given its data as a table next to it."""

from __future__ import annotations

from markupsafe import Markup, escape


def bar_chart(
    rows: list[tuple[str, int]], *, title: str, chart_id: str, width: int = 640
) -> Markup:
    """A horizontal bar chart of (label, value) rows."""
    bar_height, gap, label_width = 22, 8, 230
    height = max(1, len(rows)) * (bar_height + gap) + gap
    largest = max((v for _, v in rows), default=0) or 1
    room = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        length = round(room * value / largest)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.72}" text-anchor="end" '
            f'class="chart-label">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1)}" height="{bar_height}" '
            f'class="chart-bar"/>'
            f'<text x="{label_width + length + 6}" y="{y + bar_height * 0.72}" '
            f'class="chart-value">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every label is escaped above; values are ints)
