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
        rings = [ring(r, arcs) for poly in polys for r in poly]
        countries.append({"iso3": code, "name": name, "rings": [r for r in rings if len(r) >= 4]})
    doc = {
        "source": "Natural Earth 1:110m Admin 0 countries v4.1.0 (public domain), via world-atlas 2.0.2",
        "countries": countries,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {len(countries)} countries, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
