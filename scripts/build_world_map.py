"""Build the web view's world outline file from Natural Earth 1:110m country boundaries.

Natural Earth data is in the public domain; the npm package world-atlas (ISC licence) redistributes it
as TopoJSON. This script is run by hand when the outlines change, and its output is committed:

    npm install --prefix /tmp/atlas world-atlas@2.0.2
    .venv/bin/python scripts/build_world_map.py /tmp/atlas/node_modules/world-atlas/countries-110m.json

It decodes the TopoJSON arcs (delta-encoded, quantised) into longitude/latitude rings, rounds them to
0.01 degree and writes src/dotterel/web/static/world-110m.json with ISO 3166 alpha-3 codes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "src" / "dotterel" / "web" / "static" / "world-110m.json"
# features Natural Earth gives no ISO numeric code
_NO_NUMERIC = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    scale = topo["transform"]["scale"]
    translate = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * scale[0] + translate[0], 2), round(y * scale[1] + translate[1], 2)))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    out: list[list[float]] = []
    for p in points:
        if not out or out[-1] != list(p):
            out.append(list(p))
    return out


def split_antimeridian(points: list[list[float]]) -> list[list[list[float]]]:
    """A ring that crosses longitude ±180 as rings that stay on one side (so no line crosses the map)."""
    jumps = [i for i in range(len(points) - 1) if abs(points[i][0] - points[i + 1][0]) > 180]
    if not jumps:
        return [points]
    if len(jumps) == 1:  # a ring around a pole (Antarctica): close it along the map's edge
        i = jumps[0]
        a, b = points[i], points[i + 1]
        side = 180.0 if a[0] > 0 else -180.0
        pole = -90.0 if sum(p[1] for p in points) < 0 else 90.0
        return [points[: i + 1] + [[side, a[1]], [side, pole], [-side, pole], [-side, b[1]]] + points[i + 1 :]]
    pieces: list[list[list[float]]] = []
    current = [points[0]]
    for p, q in zip(points, points[1:], strict=False):
        if abs(p[0] - q[0]) > 180:
            side = 180.0 if p[0] > 0 else -180.0
            q_lon = q[0] + (360 if side > 0 else -360)
            t = (side - p[0]) / (q_lon - p[0]) if q_lon != p[0] else 0.0
            lat = round(p[1] + t * (q[1] - p[1]), 2)
            current.append([side, lat])
            pieces.append(current)
            current = [[-side, lat], q]
        else:
            current.append(q)
    pieces[0] = current + pieces[0][1:]  # the ring is closed: its last piece runs on into the first
    sides: dict[bool, list[list[float]]] = {}
    for piece in pieces:
        east = sum(p[0] for p in piece) > 0
        sides.setdefault(east, []).extend(piece)
    return [ring + [ring[0]] for ring in sides.values() if len(ring) >= 3]


def main(path: str) -> None:
    topo = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    countries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom["properties"]["name"]
        code = None
        if geom.get("id"):
            found = pycountry.countries.get(numeric=geom["id"])
            code = found.alpha_3 if found else None
        code = code or _NO_NUMERIC.get(name)
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        rings = [part for poly in polys for r in poly for part in split_antimeridian(ring(r, arcs))]
        countries.append({"iso3": code, "name": name, "rings": [r for r in rings if len(r) >= 4]})
    doc = {
        "source": "Natural Earth 1:110m Admin 0 countries v4.1.0 (public domain), via world-atlas 2.0.2",
        "countries": countries,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {len(countries)} countries, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
