"""Charts drawn as SVG on the server: no script, no third party, readable without colour
(every bar carries its number), each given its data as a table next to it."""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

FONT_SIZE = 14  # px, as the stylesheet sets .chart-label


def text_width(text: str, size: int = FONT_SIZE) -> int:
    """A generous estimate of how wide ``text`` is drawn: wide (Chinese) characters a full
    em, capitals and wide letters more than the rest. Generous, so a label is never cut."""
    total = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1.0
        elif char in "mwMW@%":
            total += 0.95
        elif char.isupper() or char.isdigit():
            total += 0.7
        elif char in "iljtf.,;:'|! ":
            total += 0.33
        else:
            total += 0.58
    return round(total * size)


def bar_chart(
    rows: list[tuple[str, int]], *, title: str, chart_id: str, width: int = 640
) -> Markup:
    """A horizontal bar chart of (label, value) rows."""
    bar_height, gap = 22, 8
    # The labels' column is as wide as the longest label (a fixed width clipped long theme
    # names: "cience, technology and startups"), and the drawing widens with it.
    label_width = max(120, max((text_width(label) for label, _ in rows), default=0) + 16)
    width = max(width, label_width + 300)
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
