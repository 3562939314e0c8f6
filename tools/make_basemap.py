"""Write static/basemap/countries.geojson, the dashboard's offline basemap of country outlines.

Source: Natural Earth 1:110m Admin 0 country boundaries (version 4.1.0, public domain), as
redistributed in TopoJSON by the npm package world-atlas 2.0.2 (ISC licence), file
countries-110m.json. Get it with the ordinary npm client, then run this script:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/make_basemap.py package/countries-110m.json

The TopoJSON is decoded here (about twenty lines; no Node tool needed), each country is
simplified and its coordinates rounded to 2 decimals, and only the name is kept, so the
file stays small: Streamlit sends it inside the map on every rerun.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon, mapping

OUT = Path(__file__).resolve().parent.parent / "static" / "basemap" / "countries.geojson"
TOLERANCE = 0.1  # degrees: invisible at the zooms where outlines are the only basemap
DECIMALS = 2


def decode_arcs(topology: dict) -> list[np.ndarray]:
    """Absolute lon/lat for every arc (TopoJSON stores quantized deltas)."""
    scale = np.array(topology["transform"]["scale"])
    translate = np.array(topology["transform"]["translate"])
    return [np.cumsum(np.array(arc, dtype=float), axis=0) * scale + translate for arc in topology["arcs"]]


def ring(indices: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """Join arcs into one ring; ~i means arc i reversed; each arc repeats the previous one's end."""
    parts = []
    for number, index in enumerate(indices):
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if number == 0 else points[1:])
    return np.concatenate(parts)


def unwrapped(points: np.ndarray) -> np.ndarray:
    """The ring with no step across the antimeridian: each jump of more than 180° in longitude taken the short way.

    world-atlas is made for a spherical projection (d3-geo), so Russia's, Fiji's and
    Antarctica's rings step from 180° to -180°; drawn flat, as Leaflet draws them, each such
    step is a line across the whole world (the bands at 65-75° N, 17° S and 85° S).
    A ring round a pole (Antarctica) ends 360° from where it starts: it is closed along the pole.
    """
    lons = points[:, 0] + 360 * np.concatenate([[0], np.cumsum(np.round(-np.diff(points[:, 0]) / 360))])
    ring_ = np.column_stack([lons, points[:, 1]])
    if abs(ring_[-1, 0] - ring_[0, 0]) > 180:  # round a pole: along it from the last longitude back to the first
        pole = -90.0 if ring_[:, 1].mean() < 0 else 90.0
        ring_ = np.vstack([ring_, [ring_[-1, 0], pole], [ring_[0, 0], pole], ring_[0]])
    return ring_


def on_one_world(geom):
    """The parts of ``geom`` beyond ±180° moved back by 360°: every ring then lies within -180..180."""
    parts = [shapely.affinity.translate(shapely.clip_by_rect(geom, west, -90, west + 360, 90), -offset)
             for offset, west in ((-360, -540), (0, -180), (360, 180))]
    return shapely.union_all([part for part in parts if not part.is_empty])


def geometry(obj: dict, arcs: list[np.ndarray]):
    """A shapely (Multi)Polygon from a TopoJSON geometry object, cut at the antimeridian."""
    polygons = obj["arcs"] if obj["type"] == "MultiPolygon" else [obj["arcs"]]
    shapes = [Polygon(unwrapped(ring(rings[0], arcs)), [unwrapped(ring(r, arcs)) for r in rings[1:]])
              for rings in polygons]
    return on_one_world(shapely.make_valid(shapes[0] if len(shapes) == 1 else MultiPolygon(shapes)))


def small(geom):
    """Simplified, snapped to a 0.01° grid (valid after snapping), coordinates rounded for JSON."""
    # A few source rings touch themselves (Fiji at the antimeridian): repair before snapping.
    geom = shapely.make_valid(geom.simplify(TOLERANCE, preserve_topology=True))
    geom = shapely.set_precision(geom, 10**-DECIMALS)
    return shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="countries-110m.json from the world-atlas npm package")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for obj in topology["objects"]["countries"]["geometries"]:
        if obj.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        geom = small(geometry(obj, arcs))
        if not geom.is_empty:
            features.append({"type": "Feature", "properties": {"name": obj["properties"]["name"]},
                             "geometry": mapping(geom)})
    collection = {"type": "FeatureCollection", "features": features}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(features)} countries, {args.out.stat().st_size / 1024:.0f} KB -> {args.out}")


if __name__ == "__main__":
    main()
