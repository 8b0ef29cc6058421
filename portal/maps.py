"""The network map, drawn as SVG on the server: the C21 cities on an outline of Finland, their
partner places on an outline of China, and a line for each agreement or known partnership.

The outlines are deliberately simplified (a few dozen points each, from memory of the
borders' shape): the map shows who is linked with whom, not where a border runs. The same
data is always given as a table next to it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

# (longitude, latitude)
FINLAND = [
    (22.95, 59.82),
    (24.94, 60.15),
    (26.95, 60.45),
    (27.8, 60.55),
    (29.1, 61.2),
    (30.2, 61.85),
    (31.55, 62.9),
    (30.6, 63.8),
    (30.0, 64.5),
    (29.6, 65.2),
    (29.6, 66.0),
    (29.1, 66.8),
    (29.9, 67.6),
    (28.7, 68.2),
    (28.45, 68.55),
    (28.93, 69.05),
    (28.4, 69.8),
    (27.9, 70.08),
    (27.0, 69.9),
    (25.85, 69.4),
    (24.9, 68.6),
    (23.0, 68.7),
    (21.0, 69.2),
    (20.55, 69.06),
    (21.7, 68.6),
    (23.0, 68.2),
    (23.65, 67.95),
    (23.8, 66.8),
    (24.15, 65.84),
    (25.3, 65.4),
    (25.47, 65.01),
    (24.5, 64.7),
    (23.13, 63.84),
    (21.6, 63.1),
    (21.37, 62.27),
    (21.5, 61.5),
    (21.45, 61.13),
    (21.4, 60.8),
    (22.0, 60.4),
]
CHINA = [
    (122.5, 53.5),
    (127.5, 49.8),
    (134.7, 48.4),
    (131.0, 44.9),
    (130.6, 42.4),
    (128.0, 41.5),
    (124.4, 40.0),
    (121.6, 38.9),
    (121.0, 40.8),
    (119.5, 39.9),
    (117.7, 38.9),
    (118.9, 37.5),
    (122.7, 37.4),
    (120.3, 36.0),
    (119.2, 34.7),
    (120.9, 32.3),
    (121.9, 31.0),
    (121.9, 30.0),
    (120.6, 27.9),
    (119.3, 26.1),
    (118.1, 24.5),
    (116.7, 23.3),
    (114.1, 22.3),
    (113.3, 22.0),
    (111.0, 21.4),
    (110.0, 20.3),
    (109.5, 21.5),
    (108.0, 21.6),
    (106.7, 22.8),
    (103.9, 22.5),
    (101.7, 21.2),
    (99.3, 22.1),
    (98.7, 24.1),
    (97.5, 24.7),
    (98.7, 27.5),
    (97.4, 28.3),
    (94.5, 29.3),
    (92.0, 27.8),
    (88.8, 27.4),
    (85.0, 28.3),
    (81.1, 30.1),
    (78.7, 32.5),
    (79.5, 35.6),
    (77.8, 35.5),
    (75.0, 37.0),
    (73.5, 39.5),
    (75.6, 40.5),
    (80.2, 42.1),
    (80.8, 45.0),
    (82.9, 47.2),
    (87.3, 49.2),
    (90.0, 47.9),
    (91.0, 45.4),
    (95.0, 44.3),
    (96.4, 42.7),
    (101.0, 42.5),
    (105.0, 41.6),
    (110.4, 42.6),
    (111.9, 43.7),
    (114.5, 45.4),
    (117.5, 46.6),
    (119.9, 46.7),
    (117.4, 49.6),
    (119.3, 50.2),
    (120.9, 52.9),
]
WIDTH, HEIGHT = 900, 520
FINLAND_BOX = (20, 20, 250, 480)  # x, y, width, height of each panel
CHINA_BOX = (320, 60, 560, 420)


@dataclass
class Link:
    city: str
    city_lat: float
    city_lon: float
    place: str
    place_lat: float
    place_lon: float
    label: str


def _projector(outline, box):
    """Equirectangular, scaled by the cosine of the middle latitude, fitted into ``box``."""
    lons = [p[0] for p in outline]
    lats = [p[1] for p in outline]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width = (max(lons) - min(lons)) * scale_x
    height = max(lats) - min(lats)
    x0, y0, box_w, box_h = box
    k = min(box_w / width, box_h / height)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (x0 + (lon - min(lons)) * scale_x * k, y0 + (max(lats) - lat) * k)

    return project


def _path(outline, project) -> str:
    points = [project(lon, lat) for lon, lat in outline]
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"


def network_map(links: list[Link], cities: list[tuple[str, float, float]], *, title: str) -> Markup:
    """The SVG map: every C21 city as a dot, linked places as dots, a line per link."""
    finland, china = _projector(FINLAND, FINLAND_BOX), _projector(CHINA, CHINA_BOX)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network-map" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" width="100%" role="img" aria-labelledby="map-title map-desc">'
        f'<title id="map-title">{escape(title)}</title>'
        f'<desc id="map-desc">{escape(str(len(links)))} links; the table below lists them.</desc>'
        f'<path d="{_path(FINLAND, finland)}" class="map-land"/>'
        f'<path d="{_path(CHINA, china)}" class="map-land"/>'
    ]
    for link in links:
        x1, y1 = finland(link.city_lon, link.city_lat)
        x2, y2 = china(link.place_lon, link.place_lat)
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'class="map-link"><title>{escape(link.label)}</title></line>'
        )
    labelled = {link.city for link in links}
    for name, lat, lon in cities:
        x, y = finland(lon, lat)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="map-city"/>')
        if name in labelled:
            out.append(
                f'<text x="{x - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" '
                f'class="map-label">{escape(name)}</text>'
            )
    seen = set()
    for link in links:
        if link.place in seen:
            continue
        seen.add(link.place)
        x, y = china(link.place_lon, link.place_lat)
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="map-place"/>'
            f'<text x="{x + 7:.1f}" y="{y + 4:.1f}" class="map-label">'
            f"{escape(link.place)}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 (every text is escaped above)
