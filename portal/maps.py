"""The network map, drawn as SVG on the server: the C21 cities on Finland, their partner
places on China, and a line for each city partnership or agreement.

The outlines are Natural Earth's (public domain), simplified and shipped in
``reference/outlines.json`` (``scripts/build_map_outlines.py`` rebuilds them). Each country is
drawn in an Albers equal-area conic projection of its own, so neither is stretched; the two
panels are not to the same scale. Labels are placed where they overlap nothing; where the
points crowd (Helsinki, Espoo and Vantaa; Shanghai and its districts) a label goes to a list
beside the panel with a leader line to its point. The SVG fetches nothing and has no inline
styles; the same links are always given as a table next to it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from portal.charts import text_width

WIDTH, HEIGHT = 1040, 540
FINLAND_BOX = (20, 20, 230, 500)  # x, y, width, height of each panel
CHINA_BOX = (370, 50, 470, 440)
# Where a panel's crowded labels go: a column beside it (x of the column's left edge).
FINLAND_LIST_X = 262
CHINA_LIST_X = 860
LABEL_SIZE = 11
LABEL_HEIGHT = 13


@dataclass
class Link:
    city: str
    city_lat: float
    city_lon: float
    place: str
    place_lat: float
    place_lon: float
    label: str
    kind: str = "partnership"  # or "agreement": drawn with another shape and line


@lru_cache(maxsize=1)
def outlines() -> dict:
    path = Path(__file__).parent / "reference" / "outlines.json"
    return json.loads(path.read_text(encoding="utf-8"))


class Albers:
    """Albers equal-area conic on the sphere, fitted into a box (y downwards)."""

    def __init__(self, lat1: float, lat2: float, lon0: float, rings, box):
        phi1, phi2 = math.radians(lat1), math.radians(lat2)
        self.n = (math.sin(phi1) + math.sin(phi2)) / 2
        self.c = math.cos(phi1) ** 2 + 2 * self.n * math.sin(phi1)
        self.lon0 = lon0
        points = [self._raw(lon, lat) for ring in rings for lon, lat in ring]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, y0, box_w, box_h = box
        self.k = min(box_w / (max(xs) - min(xs)), box_h / (max(ys) - min(ys)))
        self.min_x, self.max_y = min(xs), max(ys)
        # Centred in the box.
        self.dx = x0 + (box_w - (max(xs) - min(xs)) * self.k) / 2
        self.dy = y0 + (box_h - (max(ys) - min(ys)) * self.k) / 2

    def _raw(self, lon: float, lat: float) -> tuple[float, float]:
        rho = math.sqrt(self.c - 2 * self.n * math.sin(math.radians(lat))) / self.n
        theta = self.n * math.radians(lon - self.lon0)
        return rho * math.sin(theta), -rho * math.cos(theta)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self._raw(lon, lat)
        return self.dx + (x - self.min_x) * self.k, self.dy + (self.max_y - y) * self.k


def _path(rings, project) -> str:
    parts = []
    for ring in rings:
        points = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


# --- Labels ------------------------------------------------------------------------------

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass
class Label:
    text: str
    x: float  # where the text starts (anchor "start") or ends ("end")
    y: float  # its baseline
    anchor: str
    box: Box
    point: tuple[float, float]
    leader: bool = False  # in the list beside the panel, with a line to its point


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box(x: float, y: float, width: float, anchor: str) -> Box:
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return (left - 1, y - LABEL_HEIGHT + 3, left + width + 1, y + 3)


def place_labels(
    points: list[tuple[str, float, float]], *, bounds: Box, list_x: float
) -> list[Label]:
    """A label per point, overlapping no other label and no other point: the first of eight
    positions around the point that is free and inside ``bounds``; failing all, in a list
    beside the panel at ``list_x`` (top to bottom in the order of the points' heights),
    joined to its point by a leader line."""
    marks = [(x - 4.5, y - 4.5, x + 4.5, y + 4.5) for _text, x, y in points]
    placed: list[Label] = []
    crowded = []
    for text, x, y in points:
        width = text_width(text, LABEL_SIZE)
        candidates = [
            (x + 7, y + 4, "start"),
            (x - 7, y + 4, "end"),
            (x + 6, y - 6, "start"),
            (x + 6, y + 14, "start"),
            (x - 6, y - 6, "end"),
            (x - 6, y + 14, "end"),
            (x, y - 8, "middle"),
            (x, y + 17, "middle"),
        ]
        for cx, cy, anchor in candidates:
            box = _box(cx, cy, width, anchor)
            inside = (
                box[0] >= bounds[0]
                and box[1] >= bounds[1]
                and box[2] <= bounds[2]
                and box[3] <= bounds[3]
            )
            if (
                inside
                and not any(_overlaps(box, other.box) for other in placed)
                and not any(_overlaps(box, m) for m in marks)
            ):
                placed.append(Label(text, cx, cy, anchor, box, (x, y)))
                break
        else:
            crowded.append((text, x, y, width))
    # The list: in the order of the points from north to south, each below the previous.
    next_y = bounds[1] + LABEL_HEIGHT
    for text, x, y, width in sorted(crowded, key=lambda c: c[2]):
        baseline = max(y + 4, next_y)
        box = _box(list_x, baseline, width, "start")
        while any(_overlaps(box, other.box) for other in placed):
            baseline += LABEL_HEIGHT
            box = _box(list_x, baseline, width, "start")
        placed.append(Label(text, list_x, baseline, "start", box, (x, y), leader=True))
        next_y = baseline + LABEL_HEIGHT
    return placed


def _label_svg(label: Label) -> str:
    out = ""
    if label.leader:
        px, py = label.point
        out += (
            f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{label.x - 3:.1f}" '
            f'y2="{label.y - 4:.1f}" class="map-leader"/>'
        )
    return out + (
        f'<text x="{label.x:.1f}" y="{label.y:.1f}" text-anchor="{label.anchor}" '
        f'class="map-label">{escape(label.text)}</text>'
    )


def _marker(x: float, y: float, kind: str) -> str:
    if kind == "agreement":  # a square: told apart from a circle without colour
        return (
            f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" '
            'class="map-place agreement"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" class="map-place"/>'


@lru_cache(maxsize=1)
def panels() -> tuple[Albers, Albers]:
    """The projections of the two panels: Finland's and China's, each fitted to its box.
    Fitting projects every point of the outlines, so it is done once per process."""
    shapes = outlines()
    return (
        Albers(61.0, 68.0, 26.0, shapes["finland"], FINLAND_BOX),
        Albers(25.0, 47.0, 105.0, shapes["china"], CHINA_BOX),
    )


@lru_cache(maxsize=1)
def _land() -> str:
    """The two countries' outlines as SVG paths: the same on every page (5 ms to project)."""
    shapes = outlines()
    finland, china = panels()
    return (
        f'<path d="{_path(shapes["finland"], finland)}" class="map-land"/>'
        f'<path d="{_path(shapes["china"], china)}" class="map-land"/>'
    )


FINLAND_BOUNDS: Box = (0, 0, FINLAND_LIST_X + 100, HEIGHT)
CHINA_BOUNDS: Box = (FINLAND_LIST_X + 100, 0, WIDTH, HEIGHT)


def network_map(
    links: list[Link], cities: list[tuple[str, float, float]], *, title: str, summary: str
) -> Markup:
    """The SVG map: every C21 city as a dot, each linked place as a circle (partnerships) or
    a square (an agreement), a dashed or solid line per link; ``summary`` says in words what
    it shows (for screen readers; the table below it lists every link)."""
    finland, china = panels()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network-map" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" width="100%" role="img" aria-labelledby="map-title map-desc">'
        f'<title id="map-title">{escape(title)}</title>'
        f'<desc id="map-desc">{escape(summary)}</desc>',
        _land(),
    ]
    for link in links:
        x1, y1 = finland(link.city_lon, link.city_lat)
        x2, y2 = china(link.place_lon, link.place_lat)
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'class="map-link {escape(link.kind)}"><title>{escape(link.label)}</title></line>'
        )
    labelled = {link.city for link in links}
    city_points = []
    for name, lat, lon in cities:
        x, y = finland(lon, lat)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="map-city"/>')
        if name in labelled:
            city_points.append((name, x, y))
    places: dict[str, tuple[float, float, str]] = {}
    for link in links:
        x, y = china(link.place_lon, link.place_lat)
        known = places.get(link.place)
        agreement = link.kind == "agreement" or (known is not None and known[2] == "agreement")
        kind = "agreement" if agreement else "partnership"
        places[link.place] = (x, y, kind)
    for x, y, kind in places.values():
        out.append(_marker(x, y, kind))
    for label in place_labels(city_points, bounds=FINLAND_BOUNDS, list_x=FINLAND_LIST_X):
        out.append(_label_svg(label))
    place_points = [(name, x, y) for name, (x, y, _kind) in places.items()]
    for label in place_labels(place_points, bounds=CHINA_BOUNDS, list_x=CHINA_LIST_X):
        out.append(_label_svg(label))
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 (every text is escaped above)
