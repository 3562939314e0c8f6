"""Give a curated region of data/gazetteer.geojson the outline of first-level divisions it is made of.

"Southern Syria" is the governorates of Daraa, Quneitra and Suwayda; a region like it is drawn
as the union of those divisions' polygons, from Natural Earth's 1:10m Admin 1 layer (v4.1.0,
public domain) as Debian's qgis-common ships it, generalized, in
``resources/data/world_map.gpkg`` (the same file tools/make_basemap_layers.py reads):

    apt-get download qgis-common && dpkg-deb -x qgis-common_*.deb qgis-common
    python tools/admin1_region.py qgis-common/usr/share/qgis/resources/data/world_map.gpkg \\
        curated:southern-syria SY "Dar\\`a" Quneitra "As Suwayda'" UNDOF

(Natural Earth draws the 1974 UN area of separation, part of Quneitra governorate, as a unit of
its own, "UNDOF": without it the region would have a hole where the buffer zone lies.)

Only the feature's geometry and its ``source`` are written; its names, aliases and relations
are edited in the GeoJSON by hand, as every curated entry is. Afterwards rebuild the shipped
index: ``python -m geo index``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import mapping

GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "gazetteer.geojson"
TOLERANCE = 0.005  # degrees (about 500 m): finer than any zoom a region is read at
DECIMALS = 4


def outline(gpkg: Path, country: str, units: list[str]):
    """The union of the named first-level divisions of ``country`` (ISO 3166-1 alpha-2), simplified and rounded."""
    layer = gpd.read_file(gpkg, layer="states_provinces")
    chosen = layer[(layer["iso_a2"] == country) & layer["name"].isin(units)]
    missing = sorted(set(units) - set(chosen["name"]))
    if missing:
        known = ", ".join(sorted(layer.loc[layer["iso_a2"] == country, "name"]))
        raise SystemExit(f"{gpkg}: no division {', '.join(missing)} in {country}; it has: {known}")
    union = shapely.union_all(chosen.geometry.values).simplify(TOLERANCE)
    return shapely.set_precision(union, 10 ** -DECIMALS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg", type=Path, help="world_map.gpkg of Debian's qgis-common")
    parser.add_argument("place_id", help="the curated feature to draw, e.g. curated:southern-syria")
    parser.add_argument("country", help="ISO 3166-1 alpha-2 code of the divisions' country")
    parser.add_argument("units", nargs="+", help="the divisions' names as Natural Earth writes them")
    args = parser.parse_args()
    shape = outline(args.gpkg, args.country, args.units)
    data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    feature = next((f for f in data["features"] if f["properties"]["id"] == args.place_id), None)
    if feature is None:
        raise SystemExit(f"{GAZETTEER}: no feature {args.place_id}; add it with its names first")
    feature["geometry"] = mapping(shape)
    feature["properties"]["source"] = (f"Union of Natural Earth 1:10m Admin 1 divisions ({', '.join(args.units)}), "
                                       "v4.1.0, public domain, as generalized in Debian's qgis-common")
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    with tempfile.NamedTemporaryFile("w", dir=GAZETTEER.parent, delete=False, encoding="utf-8") as handle:
        handle.write(text)
    os.replace(handle.name, GAZETTEER)
    print(f"{args.place_id}: {shape.geom_type}, {shapely.get_num_coordinates(shape)} points, "
          f"{shape.area:.2f} square degrees")


if __name__ == "__main__":
    main()
