"""Charts fit their labels in every language (issue 15: "cience, technology and startups")."""

from __future__ import annotations

import re

from portal.charts import bar_chart, text_width

THEMES = [
    ("Science, technology and startups", 12),
    ("Tiede, teknologia ja startup-yritykset", 7),
    ("Vetenskap, teknologi och uppstartsföretag", 5),
    ("科学、技术与初创企业", 3),
    ("Sports", 1),
]


def test_every_label_fits_left_of_its_bar():
    svg = str(bar_chart(THEMES, title="Interactions by theme", chart_id="t"))
    width = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    labels = re.findall(
        r'<text x="(\d+)" y="[\d.]+" text-anchor="end" class="chart-label">([^<]+)<', svg
    )
    assert len(labels) == len(THEMES)
    for x, label in labels:
        # Anchored at its end: it starts at x minus its width, which must stay in the drawing.
        assert int(x) - text_width(label) >= 0, label
    bars = [int(x) for x in re.findall(r'<rect x="(\d+)"', svg)]
    assert all(bar > int(labels[0][0]) for bar in bars)  # no bar over a label
    assert width >= max(bars)


def test_a_wider_label_is_measured_wider():
    assert text_width("Science, technology and startups") > text_width("Sports")
    assert text_width("北京") > text_width("ab")
