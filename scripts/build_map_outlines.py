"""Rebuild portal/reference/outlines.json, the outlines of Finland and China the network map
is drawn on, from Natural Earth's Admin 0 countries at 1:50m (public domain), as npm's
`world-atlas` package redistributes them in TopoJSON.

    python scripts/build_map_outlines.py                    # fetches world-atlas with npm pack
    python scripts/build_map_outlines.py world-atlas-2.0.2.tgz

It decodes the TopoJSON arcs of the two countries, keeps their polygons that are large
enough to be seen on the map (the mainland, Hainan, the larger islands of the Finnish
coast), simplifies each ring (Douglas-Peucker, a tolerance per country) and writes
longitude/latitude pairs with two decimals. Only the standard library: the portal needs
nothing of this at run time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "world-atlas@2.0.2"
OUT = Path(__file__).resolve().parent.parent / "portal" / "reference" / "outlines.json"
# ISO 3166-1 numeric ids as world-atlas has them; tolerance in degrees; smallest ring kept
# (in square degrees).
COUNTRIES = {"finland": ("246", 0.03, 0.05), "china": ("156", 0.12, 0.5)}


def _fetch(into: Path) -> Path:
    # A fixed command and package (an operator runs this script, not the portal).
    subprocess.run(["npm", "pack", PACKAGE], cwd=into, check=True, capture_output=True)  # noqa: S603, S607
    return next(into.glob("world-atlas-*.tgz"))


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        ring.extend(points if not ring else points[1:])
    return ring


def _area(ring) -> float:
    return abs(
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


def _simplify(points, tolerance: float):
    """Douglas-Peucker, iterative (long coastlines would recurse too deep)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5 or 1e-12
        worst, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def build(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("package/countries-50m.json")
        assert member is not None
        topology = json.load(member)
    arcs = _arcs(topology)
    geometries = {g.get("id"): g for g in topology["objects"]["countries"]["geometries"]}
    out: dict = {
        "source": "Natural Earth 4.1.0, Admin 0 countries, 1:50m, via world-atlas 2.0.2 "
        "(npm); simplified by scripts/build_map_outlines.py",
        "licence": "Natural Earth: public domain (https://www.naturalearthdata.com/about/"
        "terms-of-use/); world-atlas: ISC, Copyright 2013-2019 Michael Bostock",
    }
    for name, (country_id, tolerance, smallest) in COUNTRIES.items():
        geometry = geometries[country_id]
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = []
        for polygon in polygons:
            outer = _ring(polygon[0], arcs)  # holes (lakes) are not drawn
            if _area(outer) < smallest:
                continue
            simple = _simplify(outer[:-1], tolerance)
            if len(simple) >= 4:
                rings.append([[round(x, 2), round(y, 2)] for x, y in simple])
        out[name] = rings
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(sys.argv[1]) if len(sys.argv) > 1 else _fetch(Path(tmp))
        outlines = build(archive)
    OUT.write_text(json.dumps(outlines, separators=(",", ":")) + "\n", encoding="utf-8")
    counts = {k: sum(len(r) for r in v) for k, v in outlines.items() if isinstance(v, list)}
    print(f"wrote {OUT}: points per country {counts}")


if __name__ == "__main__":
    main()
